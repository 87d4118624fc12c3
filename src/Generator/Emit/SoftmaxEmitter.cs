using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// What softmax and log-softmax share: both normalise each sample's values as one row, subtracting the
/// row's maximum before <c>exp</c>, and both have a backward of one sum over the row followed by one
/// elementwise formula.
/// </summary>
internal abstract class SampleSoftmaxEmitter : LayerEmitter
{
    protected SampleSoftmaxEmitter(LayerModel layer)
        : base(layer)
    {
    }

    protected string Shape => Layer.Output.ToBatchedString();

    /// <summary>
    /// Inside the loop over samples: the sample's values <c>xs</c>, its outputs <c>ys</c>, and <c>max</c>,
    /// the largest value, which both subtract before <c>exp</c> so that it never overflows.
    /// </summary>
    protected static void EmitSampleMax(SourceWriter writer)
    {
        writer.Line(ReadOnlySpan + " xs = x.Slice(b * Features, Features);");
        writer.Line(Span + " ys = y.Slice(b * Features, Features);");
        writer.Line("float max = xs[0];");
        using (writer.Block("for (int i = 1; i < Features; i++)"))
        {
            writer.Line("max = xs[i] > max ? xs[i] : max;");
        }
    }

    /// <summary>
    /// The backward method: for each sample, <paramref name="sum"/> = the sum over the row of
    /// <paramref name="term"/>, then <c>dx[i] = </c><paramref name="gradient"/>.
    /// </summary>
    protected void EmitBackwardInput(SourceWriter writer, string formula, string sum, string term, string gradient)
    {
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

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward: <c>y = exp(x - max(x)) / sum(exp(x - max(x)))</c> for each sample.",
            MethodName + "Forward",
            new[] { (Span + " y", Shape), (ReadOnlySpan + " x", Shape), ("int batchSize", string.Empty) }))
        {
            writer.Line($"const int Features = {Layer.Output.Length};");
            using (writer.Block("for (int b = 0; b < batchSize; b++)"))
            {
                EmitSampleMax(writer);
                writer.Line("float sum = 0f;");
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

        writer.Line();
        EmitBackwardInput(writer, "dx = y * (dy - sum(dy * y))", "dot", "dy[i] * y[i]", "y[i] * (dy[i] - dot)");
    }
}
