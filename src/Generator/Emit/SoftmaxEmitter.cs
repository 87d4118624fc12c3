using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// What softmax and log-softmax share: both normalise each sample's values as one row, subtracting the
/// row's maximum before <c>exp</c> so that it never overflows, and both have a backward of one sum over
/// the row followed by one elementwise formula. Each kind supplies its formulas.
/// </summary>
internal abstract class SampleSoftmaxEmitter : LayerEmitter
{
    protected SampleSoftmaxEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private string Shape => Layer.Output.ToBatchedString();

    /// <summary>The forward formula, for the method's summary.</summary>
    protected abstract string ForwardFormula { get; }

    /// <summary>
    /// The backward: its formula for the summary, then, for each sample, <c>Sum</c> = the sum over the row of
    /// <c>Term</c>, and <c>dx[i] = Gradient</c>.
    /// </summary>
    protected abstract (string Formula, string Sum, string Term, string Gradient) Backward { get; }

    /// <summary>
    /// Inside the loop over samples, after the sample's values <c>xs</c>, its outputs <c>ys</c>, its largest
    /// value <c>max</c> and <c>float sum = 0f;</c>: the rest of the sample's forward.
    /// </summary>
    protected abstract void EmitSampleForward(SourceWriter writer);

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward: <c>{ForwardFormula}</c> for each sample.",
            MethodName + "Forward",
            new[] { (Span + " y", Shape), (ReadOnlySpan + " x", Shape), ("int batchSize", string.Empty) }))
        {
            writer.Line($"const int Features = {Layer.Output.Length};");
            using (writer.Block("for (int b = 0; b < batchSize; b++)"))
            {
                writer.Line(ReadOnlySpan + " xs = x.Slice(b * Features, Features);");
                writer.Line(Span + " ys = y.Slice(b * Features, Features);");
                writer.Line("float max = xs[0];");
                using (writer.Block("for (int i = 1; i < Features; i++)"))
                {
                    writer.Line("max = xs[i] > max ? xs[i] : max;");
                }

                writer.Line("float sum = 0f;");
                EmitSampleForward(writer);
            }
        }

        writer.Line();
        (string formula, string sum, string term, string gradient) = Backward;
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward: <c>{formula}</c> for each sample.",
            MethodName + "BackwardInput",
            new[] { (Span + " dx", Shape), (ReadOnlySpan + " dy", Shape), (ReadOnlySpan + " y", Shape), ("int batchSize", string.Empty) }))
        {
            writer.Line($"const int Features = {Layer.Output.Length};");
            using (writer.Block("for (int b = 0; b < batchSize; b++)"))
            {
                writer.Line("int start = b * Features;");
                writer.Line($"float {sum} = 0f;");
                using (writer.Block("for (int i = start; i < start + Features; i++)"))
                {
                    writer.Line($"{sum} += {term};");
                }

                using (writer.Block("for (int i = start; i < start + Features; i++)"))
                {
                    writer.Line($"dx[i] = {gradient};");
                }
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

/// <summary>
/// Softmax over each sample's values, computed after subtracting the sample's maximum so that
/// <c>exp</c> never overflows. Backward: <c>dx = y * (dy - sum(dy * y))</c>.
/// </summary>
internal sealed class SoftmaxEmitter : SampleSoftmaxEmitter
{
    public SoftmaxEmitter(LayerModel layer)
        : base(layer)
    {
    }

    protected override string ForwardFormula => "y = exp(x - max(x)) / sum(exp(x - max(x)))";

    protected override (string Formula, string Sum, string Term, string Gradient) Backward =>
        ("dx = y * (dy - sum(dy * y))", "dot", "dy[i] * y[i]", "y[i] * (dy[i] - dot)");

    protected override void EmitSampleForward(SourceWriter writer)
    {
        using (writer.Block("for (int i = 0; i < Features; i++)"))
        {
            writer.Line("ys[i] = global::System.MathF.Exp(xs[i] - max);");
            writer.Line("sum += ys[i];");
        }

        writer.Line("float inverse = 1f / sum;");
        using (writer.Block("for (int i = 0; i < Features; i++)"))
        {
            writer.Line("ys[i] *= inverse;");
        }
    }
}
