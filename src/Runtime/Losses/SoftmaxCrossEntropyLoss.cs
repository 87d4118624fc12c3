using System;

namespace StaticNet;

/// <summary>
/// Cross-entropy of the softmax of the outputs (logits) against class indices, fused so that it is
/// numerically stable for any logits: <c>loss = logsumexp(x) - x[label]</c>, computed after
/// subtracting the maximum, by default averaged over the batch; gradient <c>(softmax(x) - onehot(label)) / batchSize</c>,
/// not divided with <see cref="LossReduction.Sum"/>. The same as PyTorch's <c>nn.CrossEntropyLoss(reduction)</c> on logits.
/// </summary>
/// <remarks>
/// With label smoothing <c>s</c> (PyTorch's <c>label_smoothing</c>), the target is the mixture
/// <c>q = (1 - s) onehot(label) + s / classes</c>: <c>loss = -sum(q * log softmax(x))</c>, gradient
/// <c>(softmax(x) - q) / batchSize</c>. It keeps the network from growing its logits without bound to fit
/// hard targets, which often generalises better.
/// </remarks>
public sealed class SoftmaxCrossEntropyLoss : ILoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothing">The share of the target spread evenly over all classes, from 0 (none, the default) to 1.</param>
    /// <param name="reduction">How the samples' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public SoftmaxCrossEntropyLoss(double labelSmoothing = 0, LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be from 0 to 1, as in PyTorch.");
        }

        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The share of the target spread evenly over all classes.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public string Name => LabelSmoothing == 0 ? "softmax cross-entropy" : "softmax cross-entropy with label smoothing";

    /// <inheritdoc/>
    public bool UsesLabels => true;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, LossReductions.Sample);
        return Run(outputs, targets, Span<float>.Empty, outputGradient, batchSize, unreduced: false);
    }

    /// <summary>
    /// Writes each sample's cross-entropy into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
    /// <paramref name="batchSize"/> values) and returns the loss reduced as <see cref="Reduction"/> says (the sum for
    /// <see cref="LossReduction.None"/>); unless <paramref name="outputGradient"/> is empty, writes that value's gradient.
    /// </summary>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize) =>
        Run(outputs, targets, losses, outputGradient, batchSize, unreduced: true);

    private float Run(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize, bool unreduced)
    {
        ReadOnlySpan<int> labels = LossChecks.ClassLabels(outputs, targets, outputGradient, batchSize, Name, out int classes);
        if (unreduced)
        {
            losses = LossReductions.Unreduced(losses, batchSize, LossReductions.Sample);
        }

        double total = 0;
        float divisor = LossReductions.Divisor(Reduction, batchSize), inverseBatch = 1f / divisor;
        for (int b = 0; b < batchSize; b++)
        {
            Span<float> gradient = outputGradient.IsEmpty ? Span<float>.Empty : outputGradient.Slice(b * classes, classes);
            double loss = Sample(outputs.Slice(b * classes, classes), labels[b], ReadOnlySpan<float>.Empty, gradient, inverseBatch);
            total += loss;
            if (unreduced)
            {
                losses[b] = (float)loss;
            }
        }

        return (float)(total / divisor);
    }

    /// <summary>
    /// One sample's loss from its <paramref name="logits"/>, weighted as PyTorch's <c>CrossEntropyLoss(weight=w)</c>
    /// weights it when <paramref name="classWeights"/> holds one weight per class (empty: every weight 1):
    /// <c>(1 - s) w[label] (-log p[label]) + (s / C) sum over c of w[c] (-log p[c])</c>, the smoothing term weighted by
    /// each class's own weight (so without smoothing only the label's weight is read). Unless <paramref name="gradient"/> is empty, writes the loss's gradient times <paramref name="scale"/>.
    /// </summary>
    internal double Sample(ReadOnlySpan<float> logits, int label, ReadOnlySpan<float> classWeights, Span<float> gradient, float scale)
    {
        int classes = logits.Length;
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

        bool weighted = !classWeights.IsEmpty;
        float labelWeight = weighted ? classWeights[label] : 1f;

        // Every term is -log softmax(x)[c] = (max - x[c]) + log(sum), the large terms subtracted first:
        // rounding max + log(sum) to float would drop their low bits when the logits are large.
        double logSum = Math.Log(sum), loss;
        float smoothing = (float)LabelSmoothing, spread = smoothing / classes, weightSum = 0f;
        if (smoothing == 0f)
        {
            loss = labelWeight * ((double)(max - logits[label]) + logSum);
        }
        else
        {
            // -sum(q log p) = (1 - s)(-log p[label]) + (s / C) sum over c of (-log p[c]), each class's term weighted.
            double everyClass = 0;
            weightSum = 0f;
            for (int c = 0; c < classes; c++)
            {
                float weight = weighted ? classWeights[c] : 1f;
                everyClass += weight * ((double)(max - logits[c]) + logSum);
                weightSum += weight;
            }

            loss = ((1 - LabelSmoothing) * labelWeight * ((double)(max - logits[label]) + logSum)) + (LabelSmoothing / classes * everyClass);
        }

        if (!gradient.IsEmpty)
        {
            // d/dx[j] = (1 - s) w[label] (p[j] - [j = label]) + (s / C) (p[j] sum(w) - w[j]); with every weight 1, p[j] - q[j].
            float inverseSum = 1f / sum;
            float probabilityWeight = weighted ? ((1f - smoothing) * labelWeight) + (spread * weightSum) : 1f;
            for (int c = 0; c < classes; c++)
            {
                float spreadOfClass = smoothing == 0f ? 0f : spread * (weighted ? classWeights[c] : 1f);
                gradient[c] = ((MathF.Exp(logits[c] - max) * inverseSum * probabilityWeight) - spreadOfClass) * scale;
            }

            gradient[label] -= (1f - smoothing) * labelWeight * scale;
        }

        return loss;
    }
}
