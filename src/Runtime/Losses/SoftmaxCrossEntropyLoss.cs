using System;

namespace StaticNet;

/// <summary>
/// Cross-entropy of the softmax of the outputs (logits) against class indices, fused so that it is
/// numerically stable for any logits: <c>loss = logsumexp(x) - x[label]</c>, computed after
/// subtracting the maximum; gradient <c>(softmax(x) - onehot(label)) / batchSize</c>. The same as
/// PyTorch's <c>nn.CrossEntropyLoss()</c> on logits.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : ILoss
{
    /// <inheritdoc/>
    public string Name => "softmax cross-entropy";

    /// <inheritdoc/>
    public bool UsesLabels => true;

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        int classes = LossChecks.OutputLength(outputs, outputGradient, batchSize);
        ReadOnlySpan<int> labels = LossChecks.Labels(targets, batchSize, classes, Name);
        double total = 0;
        float inverseBatch = 1f / batchSize;
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> logits = outputs.Slice(b * classes, classes);
            float max = logits[0];
            for (int c = 1; c < classes; c++)
            {
                max = Math.Max(max, logits[c]);
            }

            float sum = 0f;
            for (int c = 0; c < classes; c++)
            {
                sum += MathF.Exp(logits[c] - max);
            }

            // -log softmax(x)[label] = (max - x[label]) + log(sum): subtracting first keeps the bits
            // that rounding max + log(sum) to float would drop when the logits are large.
            int label = labels[b];
            total += (double)(max - logits[label]) + Math.Log(sum);
            if (!outputGradient.IsEmpty)
            {
                Span<float> gradient = outputGradient.Slice(b * classes, classes);
                float inverseSum = 1f / sum;
                for (int c = 0; c < classes; c++)
                {
                    gradient[c] = MathF.Exp(logits[c] - max) * inverseSum * inverseBatch;
                }

                gradient[label] -= inverseBatch;
            }
        }

        return (float)(total / batchSize);
    }
}
