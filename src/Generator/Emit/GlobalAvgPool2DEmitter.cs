using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Global average pooling: each channel's mean over all its positions, (B, C, H, W) to (B, C), as
/// PyTorch's <c>AdaptiveAvgPool2d(1)</c> and <c>Flatten</c>. Backward spreads each channel's gradient,
/// divided by the plane's size, over every position.
/// </summary>
internal sealed class GlobalAvgPool2DEmitter : LayerEmitter
{
    public GlobalAvgPool2DEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private string InputShape => Layer.Input.ToBatchedString();

    private string OutputShape => Layer.Output.ToBatchedString();

    private int Plane => Layer.Input.Height * Layer.Input.Width;

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward: the mean of each {Layer.Input.Height}x{Layer.Input.Width} plane.",
            MethodName + "Forward",
            new[] { (Span + " output", OutputShape), (ReadOnlySpan + " input", InputShape), ("int batchSize", string.Empty) }))
        {
            writer.Line($"const int Channels = {Layer.Input.Channels}, PlaneLength = {Plane};");
            writer.Line($"const float Scale = 1f / {Plane};");
            EmitVectorPath(writer, "each plane summed in vectors.", w =>
            {
                using (w.Block("for (int p = 0; p < batchSize * Channels; p++)"))
                {
                    w.Line($"output[p] = {Kernels}.VectorMath.Sum(input.Slice(p * PlaneLength, PlaneLength), simd) * Scale;");
                }
            });
            using (writer.Block("for (int p = 0; p < batchSize * Channels; p++)"))
            {
                writer.Line(ReadOnlySpan + " plane = input.Slice(p * PlaneLength, PlaneLength);");
                writer.Line("float sum = 0f;");
                using (writer.Block("for (int i = 0; i < PlaneLength; i++)"))
                {
                    writer.Line("sum += plane[i];");
                }

                writer.Line("output[p] = sum * Scale;");
            }
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward: each channel's gradient, divided by {Plane}, goes to every position of its plane.",
            MethodName + "BackwardInput",
            new[] { (Span + " inputGradient", InputShape), (ReadOnlySpan + " outputGradient", OutputShape), ("int batchSize", string.Empty) }))
        {
            writer.Line($"const int Channels = {Layer.Input.Channels}, PlaneLength = {Plane};");
            writer.Line($"const float Scale = 1f / {Plane};");
            using (writer.Block("for (int p = 0; p < batchSize * Channels; p++)"))
            {
                writer.Line("inputGradient.Slice(p * PlaneLength, PlaneLength).Fill(outputGradient[p] * Scale);");
            }
        }

        writer.Line();
    }

    public override void EmitForwardCall(SourceWriter writer) =>
        EmitCall(writer, MethodName + "Forward", new[] { (OutputSlice, "output " + OutputShape), (InputSlice, "input " + InputShape), ("batchSize", string.Empty) });

    public override void EmitBackwardInputCall(SourceWriter writer) => EmitCall(
        writer,
        MethodName + "BackwardInput",
        new[] { (InputGradientSlice, "d input " + InputShape), (OutputGradientSlice, "d output " + OutputShape), ("batchSize", string.Empty) });
}
