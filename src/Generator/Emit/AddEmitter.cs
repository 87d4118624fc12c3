using System.Linq;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>A residual connection: <c>y = x + added</c>, the output of the layer before plus that of the layer it names.</summary>
internal sealed class AddEmitter : LayerEmitter
{
    public AddEmitter(LayerModel layer)
        : base(layer)
    {
    }

    public override void EmitForward(SourceWriter writer) =>
        EmitCall(writer, "AddForward", new[] { Output, Input, Arg("added", Buffer(Layer.Inputs[1].Offset)) }, Sizes(("length", Layer.Output.Length)));

    /// <summary>Inference on blocked channels, with the ReLU after it when <paramref name="relu"/>.</summary>
    public void EmitBlocked(SourceWriter writer, BlockedTensor input, BlockedTensor added, BlockedTensor output, bool relu) => EmitCall(
        writer,
        "AddBlocked",
        new[] { Arg("output", output.Offset), Arg("input", input.Offset), Arg("added", added.Offset) },
        Sizes(("channels", Layer.Output.Channels), ("height", Layer.Output.Height), ("width", Layer.Output.Width), ("inputBorder", input.Border), ("addedBorder", added.Border), ("outputBorder", output.Border))
            .Append(Arg("relu", relu)));

    /// <summary>The gradient of a sum reaches each term unchanged: one copy per input.</summary>
    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        EmitCall(writer, "AddBackwardInput", new[] { Arg("inputGradient", Layer.Inputs[slot].GradientOffset), OutputGradient }, Sizes(("length", Layer.Output.Length)));
}
