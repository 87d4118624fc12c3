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

    /// <summary>The gradient of a sum reaches each term unchanged: one copy per input.</summary>
    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        EmitCall(writer, "AddBackwardInput", new[] { Arg("inputGradient", Layer.Inputs[slot].GradientOffset), OutputGradient }, Sizes(("length", Layer.Output.Length)));
}
