using System;

namespace StaticNet;

/// <summary>
/// Negative log-likelihood of class indices, given log-probabilities, as PyTorch's <c>nn.NLLLoss()</c>:
/// <c>loss = -mean over the batch of x[label]</c>; gradient <c>-1 / batchSize</c> at each sample's label and
/// 0 elsewhere. Pair it with a <c>[LogSoftmax]</c> last layer: together they are softmax cross-entropy.
/// </summary>
public sealed class NegativeLogLikelihoodLoss : ILoss
{
    /// <inheritdoc/>
    public string Name => "negative log-likelihood";

    /// <inheritdoc/>
    public bool UsesLabels => true;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        ReadOnlySpan<int> labels = LossChecks.ClassLabels(outputs, targets, outputGradient, batchSize, Name, out int classes);
        double total = 0;
        float inverseBatch = 1f / batchSize;
        if (!outputGradient.IsEmpty)
        {
            outputGradient.Slice(0, outputs.Length).Clear();
        }

        for (int b = 0; b < batchSize; b++)
        {
            total -= outputs[(b * classes) + labels[b]];
            if (!outputGradient.IsEmpty)
            {
                outputGradient[(b * classes) + labels[b]] = -inverseBatch;
            }
        }

        return (float)(total / batchSize);
    }
}
