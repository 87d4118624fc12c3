using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Element-wise activations. Each backward uses the saved output, not the input: every derivative here
/// is a function of the output alone (ReLU: y &gt; 0; sigmoid: y(1 - y); tanh: 1 - y^2).
/// </summary>
internal sealed class ActivationEmitter : LayerEmitter
{
    public ActivationEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private ActivationKind Function => ((ActivationSpec)Spec).Function;

    private string Shape => Layer.Output.ToBatchedString();

    /// <summary>The runtime calls of the vectorised path: forward from x to y, backward from dy and y to dx.</summary>
    private (string Forward, string Backward) VectorCalls => Function switch
    {
        ActivationKind.ReLU => ("global::StaticNet.Kernels.VectorMath.Relu(x, y, simd);", "global::StaticNet.Kernels.VectorMath.ReluBackward(dy, y, dx, simd);"),
        ActivationKind.Sigmoid => ("global::StaticNet.Kernels.VectorMath.Sigmoid(x, y);", "global::StaticNet.Kernels.VectorMath.SigmoidBackward(dy, y, dx, simd);"),
        _ => ("global::StaticNet.Kernels.VectorMath.Tanh(x, y);", "global::StaticNet.Kernels.VectorMath.TanhBackward(dy, y, dx, simd);"),
    };

    private (string Summary, string Forward, string Backward) Formulas => Function switch
    {
        ActivationKind.ReLU => ("<c>max(0, x)</c>", "global::System.MathF.Max(x[i], 0f)", "y[i] > 0f ? dy[i] : 0f"),
        ActivationKind.Sigmoid => ("<c>1 / (1 + exp(-x))</c>", "1f / (1f + global::System.MathF.Exp(-x[i]))", "dy[i] * y[i] * (1f - y[i])"),
        _ => ("<c>tanh(x)</c>", "global::System.MathF.Tanh(x[i])", "dy[i] * (1f - y[i] * y[i])"),
    };

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward: {Formulas.Summary} for every value.",
            MethodName + "Forward",
            new[] { (Span + " y", Shape), (ReadOnlySpan + " x", Shape), ("int batchSize", string.Empty) }))
        {
            EmitVectorPath(writer, "whole vectors at a time.", w => w.Line(VectorCalls.Forward));
            writer.Line($"int length = batchSize * {Layer.Output.Length};");
            using (writer.Block("for (int i = 0; i < length; i++)"))
            {
                writer.Line("y[i] = " + Formulas.Forward + ";");
            }
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward: the output gradient times the derivative, written in terms of the saved output.",
            MethodName + "BackwardInput",
            new[] { (Span + " dx", Shape), (ReadOnlySpan + " dy", Shape), (ReadOnlySpan + " y", Shape), ("int batchSize", string.Empty) }))
        {
            EmitVectorPath(writer, "whole vectors at a time.", w => w.Line(VectorCalls.Backward));
            writer.Line($"int length = batchSize * {Layer.Output.Length};");
            using (writer.Block("for (int i = 0; i < length; i++)"))
            {
                writer.Line("dx[i] = " + Formulas.Backward + ";");
            }
        }

        writer.Line();
    }

    public override void EmitForwardCall(SourceWriter writer) =>
        EmitCall(writer, MethodName + "Forward", new[] { (OutputSlice, "output " + Shape), (InputSlice, "input " + Shape), ("batchSize", string.Empty) });

    public override void EmitBackwardInputCall(SourceWriter writer) => EmitCall(
        writer,
        MethodName + "BackwardInput",
        new[] { (InputGradientSlice, "d input " + Shape), (OutputGradientSlice, "d output " + Shape), (OutputSlice, "output " + Shape), ("batchSize", string.Empty) });
}
