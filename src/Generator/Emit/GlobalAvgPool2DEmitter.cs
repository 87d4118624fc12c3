using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>The mean of each channel over its plane (PyTorch's <c>nn.AdaptiveAvgPool2d(1)</c> then a flatten); the output is flat.</summary>
internal sealed class GlobalAvgPool2DEmitter : LayerEmitter
{
    public GlobalAvgPool2DEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private System.Collections.Generic.IEnumerable<string> Shape => Sizes(("channels", Layer.Input.Channels), ("plane", Layer.Input.Height * Layer.Input.Width));

    public override void EmitForward(SourceWriter writer) => EmitCall(writer, "GlobalAvgPool2DForward", new[] { Output, Input }, Shape);

    /// <summary>Inference on blocked channels; the output is flat, as always.</summary>
    public void EmitBlocked(SourceWriter writer, BlockedTensor input) => EmitCall(
        writer,
        "GlobalAvgPool2DBlocked",
        new[] { Output, Arg("input", input.Offset) },
        Sizes(("channels", Layer.Input.Channels), ("height", Layer.Input.Height), ("width", Layer.Input.Width), ("inputBorder", input.Border)));

    public override void EmitBackwardInput(SourceWriter writer, int slot) => EmitCall(writer, "GlobalAvgPool2DBackwardInput", new[] { InputGradient, OutputGradient }, Shape);
}
