using System.Globalization;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Inverted dropout: in training each value is kept with probability <c>1 - rate</c> and scaled by
/// <c>1 / (1 - rate)</c>, or zeroed; in inference values pass through. Whether a value is kept comes
/// from <c>StaticNet.Kernels.DropoutMask</c>, a hash of (seed, step, layer) and the value's position
/// in the batch, so backward recomputes the same mask instead of storing it, and a slice of the batch
/// starting at sample <c>firstSample</c> draws exactly what the whole batch draws for those samples.
/// </summary>
internal sealed class DropoutEmitter : LayerEmitter
{
    public DropoutEmitter(LayerModel layer)
        : base(layer)
    {
    }

    public override bool UsesTrainingFlag => true;

    public override bool UsesNoise => true;

    private double Rate => ((DropoutSpec)Spec).Rate;

    private string Shape => Layer.Output.ToBatchedString();

    /// <summary>A value is kept when its 24 random bits are at least this: <c>round(rate * 2^24)</c>.</summary>
    private long Threshold => (long)System.Math.Round(Rate * (1 << 24));

    /// <summary>The stable hash of the layer's name, the one the runtime keys streams with, so each dropout layer draws its own mask.</summary>
    private string LayerConstant => "0x" + StableHash.Fnv1a(Spec.Name).ToString("X16", CultureInfo.InvariantCulture) + "UL";

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        string rate = Rate.ToString("R", CultureInfo.InvariantCulture);
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward in training: each value kept with probability 1 - {rate} and scaled by 1 / (1 - {rate}), or zeroed.",
            MethodName + "Forward",
            new[] { (Span + " y", Shape), (ReadOnlySpan + " x", Shape), ("ulong key", "the mask's key for this step"), ("int firstSample", "the index in the batch of the slice's first sample"), ("int batchSize", string.Empty) }))
        {
            EmitMaskLoop(writer, "y[i] = global::StaticNet.Kernels.DropoutMask.Bits(key, start + j) >= Threshold ? x[i] * Scale : 0f;");
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward: the output gradient through the same mask, recomputed from its key.",
            MethodName + "BackwardInput",
            new[] { (Span + " dx", Shape), (ReadOnlySpan + " dy", Shape), ("ulong key", "the mask's key of the forward step"), ("int firstSample", "the index in the batch of the slice's first sample"), ("int batchSize", string.Empty) }))
        {
            EmitMaskLoop(writer, "dx[i] = global::StaticNet.Kernels.DropoutMask.Bits(key, start + j) >= Threshold ? dy[i] * Scale : 0f;");
        }

        writer.Line();
    }

    private void EmitMaskLoop(SourceWriter writer, string statement)
    {
        writer.Line($"const int Features = {Layer.Output.Length};");
        writer.Line($"const uint Threshold = {Threshold}; // round({Rate.ToString("R", CultureInfo.InvariantCulture)} * 2^24)");
        writer.Line($"const float Scale = {Literals.Float(1.0 / (1.0 - Rate))};");
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        {
            writer.Line("// The mask of value j of sample s is a function of (key, s * Features + j) alone.");
            writer.Line("long start = (long)(firstSample + b) * Features;");
            using (writer.Block("for (int j = 0, i = b * Features; j < Features; j++, i++)"))
            {
                writer.Line(statement);
            }
        }
    }

    private string Key => $"global::StaticNet.Kernels.DropoutMask.Key(seed, step, {LayerConstant})";

    public override void EmitForwardCall(SourceWriter writer)
    {
        using (writer.Block("if (training)"))
        {
            EmitCall(writer, MethodName + "Forward", new[]
            {
                (OutputSlice, "output " + Shape),
                (InputSlice, "input " + Shape),
                (Key, $"seed, step, and the layer (\"{Spec.Name}\")"),
                ("first", "the chunk's first sample in the batch"),
                ("batchSize", string.Empty),
            });
        }

        using (writer.Block("else"))
        {
            writer.Line("// In inference dropout passes every value through.");
            writer.Line($"{InputSlice}.CopyTo({OutputSlice});");
        }
    }

    public override void EmitBackwardInputCall(SourceWriter writer) => EmitCall(writer, MethodName + "BackwardInput", new[]
    {
        (InputGradientSlice, "d input " + Shape),
        (OutputGradientSlice, "d output " + Shape),
        (Key, "the key of the forward step"),
        ("first", "the chunk's first sample in the batch"),
        ("batchSize", string.Empty),
    });
}
