using System;

namespace StaticNet;

/// <summary>
/// Mean squared error over every output value of the batch, as PyTorch's <c>nn.MSELoss()</c>:
/// <c>loss = sum((y - t)^2) / (batchSize * outputs)</c>; gradient <c>2 (y - t) / (batchSize * outputs)</c>.
/// </summary>
public sealed class MeanSquaredErrorLoss : ILoss
{
    /// <inheritdoc/>
    public string Name => "mean squared error";

    /// <inheritdoc/>
    public bool UsesLabels => false;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        double total = 0;
        float scale = 2f / count;
        for (int i = 0; i < count; i++)
        {
            float difference = outputs[i] - values[i];
            total += difference * difference;
            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = scale * difference;
            }
        }

        return (float)(total / count);
    }
}
