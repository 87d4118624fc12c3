using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Log-softmax over each sample's values: <c>y = x - max(x) - log(sum(exp(x - max(x))))</c>, stable for
/// any logits. Backward: <c>dx = dy - exp(y) * sum(dy)</c>, since exp(y) is the softmax.
/// </summary>
internal sealed class LogSoftmaxEmitter : SampleSoftmaxEmitter
{
    public LogSoftmaxEmitter(LayerModel layer)
        : base(layer)
    {
    }

    protected override string ForwardFormula => "y = x - max(x) - log(sum(exp(x - max(x))))";

    protected override (string Formula, string Sum, string Term, string Gradient) Backward =>
        ("dx = dy - exp(y) * sum(dy)", "total", "dy[i]", "dy[i] - global::System.MathF.Exp(y[i]) * total");

    protected override void EmitSampleForward(SourceWriter writer)
    {
        using (writer.Block("for (int i = 0; i < Features; i++)"))
        {
            writer.Line("sum += global::System.MathF.Exp(xs[i] - max);");
        }

        // Shifted by the max first, then by log(sum): adding the two would round log(sum) to the
        // max's float spacing (1/128 near 1e5) and shift every output by that error.
        writer.Line("float logSum = global::System.MathF.Log(sum);");
        using (writer.Block("for (int i = 0; i < Features; i++)"))
        {
            writer.Line("ys[i] = (xs[i] - max) - logSum;");
        }
    }
}
