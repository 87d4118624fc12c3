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
