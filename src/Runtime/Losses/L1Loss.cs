using System;

namespace StaticNet;

/// <summary>
/// Mean absolute error over every output value of the batch, as PyTorch's <c>nn.L1Loss()</c>:
/// <c>loss = sum(|y - t|) / (batchSize * outputs)</c>; gradient <c>sign(y - t) / (batchSize * outputs)</c>,
/// 0 where <c>y = t</c> (as PyTorch).
/// </summary>
public sealed class L1Loss : ILoss
{
    /// <inheritdoc/>
    public string Name => "L1";

    /// <inheritdoc/>
    public bool UsesLabels => false;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        double total = 0;
        float scale = 1f / count;
        for (int i = 0; i < count; i++)
        {
            float difference = outputs[i] - values[i];
            total += Math.Abs(difference);
            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = MathF.Sign(difference) * scale;
            }
        }

        return (float)(total / count);
    }
}
