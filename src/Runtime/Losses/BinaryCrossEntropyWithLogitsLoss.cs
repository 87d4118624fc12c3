using System;

namespace StaticNet;

/// <summary>
/// Binary cross-entropy on logits, one independent yes/no (or probability) target per output, fused
/// with the sigmoid so that it is stable for any logits, as PyTorch's <c>nn.BCEWithLogitsLoss()</c>:
/// <c>loss = mean(max(x, 0) - x * t + log(1 + exp(-|x|)))</c> over every output of the batch; gradient
/// <c>(sigmoid(x) - t) / (batchSize * outputs)</c>. Targets are values from 0 to 1, one per output.
/// </summary>
public sealed class BinaryCrossEntropyWithLogitsLoss : ILoss
{
    /// <inheritdoc/>
    public string Name => "binary cross-entropy with logits";

    /// <inheritdoc/>
    public bool UsesLabels => false;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        int outputLength = LossChecks.OutputLength(outputs, outputGradient, batchSize);
        int count = batchSize * outputLength;
        ReadOnlySpan<float> values = LossChecks.Values(targets, count, Name);
        LossChecks.Probabilities(values, outputLength, Name);
        double total = 0;
        float inverseCount = 1f / count;
        for (int i = 0; i < count; i++)
        {
            double x = outputs[i], t = values[i];

            // log(1 + exp(-|x|)) never overflows, and max(x, 0) - x t is exact: the sum is stable for any x.
            total += Math.Max(x, 0) - (x * t) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = (float)((1 / (1 + Math.Exp(-x))) - t) * inverseCount;
            }
        }

        return (float)(total / count);
    }
}
