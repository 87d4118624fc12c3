using System;

namespace StaticNet;

/// <summary>
/// A class-label loss with a weight per class, for imbalanced data, as PyTorch's
/// <c>CrossEntropyLoss(weight=w, reduction)</c>: by default the weighted mean
/// <c>sum(w[y_i] * loss_i) / sum(w[y_i])</c>, each sample's gradient scaled by <c>w[y_i] / sum(w[y_i])</c>; with
/// <see cref="LossReduction.Sum"/> the weighted sum, each gradient scaled by <c>w[y_i]</c>; with
/// <see cref="LossReduction.None"/> each sample's <c>w[y_i] * loss_i</c>. It wraps any label loss, computing it
/// one sample at a time. Label smoothing is weighted as PyTorch's <c>CrossEntropyLoss(weight=w, label_smoothing=s)</c>
/// weights it: each class's share of the smoothed target by that class's weight, so it needs a weight for every class.
/// </summary>
public sealed class ClassWeightedLoss : ILoss
{
    private readonly float[] _weights;

    /// <summary>Wraps <paramref name="inner"/> with one weight per class.</summary>
    /// <param name="inner">The label loss to weight, computed one sample at a time; its own reduction must not be <see cref="LossReduction.None"/>.</param>
    /// <param name="classWeights">One weight per class, finite and at least 0.</param>
    /// <param name="reduction">How the samples' weighted losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public ClassWeightedLoss(ILoss inner, ReadOnlySpan<float> classWeights, LossReduction reduction = LossReduction.Mean)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Reduction = LossReductions.Checked(reduction);
        if (!inner.UsesLabels)
        {
            throw new ArgumentException($"Class weights need a loss that takes class labels; {inner.Name} takes target values.", nameof(inner));
        }

        if (inner.Reduction == LossReduction.None)
        {
            throw new ArgumentException($"The {inner.Name} loss to weight has reduction None; give it Mean (the default) and set the class-weighted loss's reduction instead.", nameof(inner));
        }

        if (classWeights.IsEmpty)
        {
            throw new ArgumentException("Class weights need one weight per class; none were given.", nameof(classWeights));
        }

        for (int c = 0; c < classWeights.Length; c++)
        {
            if (!(classWeights[c] >= 0) || !float.IsFinite(classWeights[c]))
            {
                throw new ArgumentOutOfRangeException(nameof(classWeights), classWeights[c], $"The weight of class {c} must be finite and at least 0.");
            }
        }

        _weights = classWeights.ToArray();
        Name = inner.Name + " (class-weighted)";
    }

    /// <summary>The loss being weighted.</summary>
    public ILoss Inner { get; }

    /// <summary>The weight of each class.</summary>
    public ReadOnlySpan<float> ClassWeights => _weights;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public bool UsesLabels => true;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <summary>
    /// Balanced weights for <paramref name="data"/>, as scikit-learn's <c>compute_class_weight('balanced')</c>:
    /// <c>count / (classes * count of the class)</c>, 0 for a class with no samples.
    /// </summary>
    public static float[] Balanced(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
        {
            throw new ArgumentException($"{data.Source}: balanced class weights need class labels.", nameof(data));
        }

        var counts = new int[data.ClassCount];
        foreach (int label in data.Labels)
        {
            counts[label]++;
        }

        var weights = new float[data.ClassCount];
        for (int c = 0; c < weights.Length; c++)
        {
            weights[c] = counts[c] == 0 ? 0f : (float)((double)data.Count / (data.ClassCount * counts[c]));
        }

        return weights;
    }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, LossReductions.Sample);
        return Run(outputs, targets, Span<float>.Empty, outputGradient, batchSize, unreduced: false);
    }

    /// <summary>
    /// Writes each sample's weighted loss <c>w[y_i] * loss_i</c> into <paramref name="losses"/> (PyTorch's
    /// <c>reduction='none'</c>, <paramref name="batchSize"/> values) and returns the loss reduced as
    /// <see cref="Reduction"/> says (the sum for <see cref="LossReduction.None"/>); unless
    /// <paramref name="outputGradient"/> is empty, writes that value's gradient.
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

        if (Inner is SoftmaxCrossEntropyLoss { LabelSmoothing: > 0 } && _weights.Length < classes)
        {
            throw new ArgumentException($"Label smoothing spreads each target over all {classes} classes, so the {Name} loss needs a weight for each; {_weights.Length} class weights were given.", nameof(outputs));
        }

        double weightSum = 0;
        for (int b = 0; b < batchSize; b++)
        {
            weightSum += Weight(labels[b]);
        }

        // The mean divides by the weights' sum, not the samples' number, as PyTorch's.
        double divisor = Reduction == LossReduction.Mean ? weightSum : 1;
        if (divisor == 0)
        {
            // Every sample of the batch has weight 0. PyTorch returns 0/0 = NaN here; a zero loss and gradient
            // skip the batch instead of stopping training.
            if (!outputGradient.IsEmpty)
            {
                outputGradient.Slice(0, outputs.Length).Clear();
            }

            if (unreduced)
            {
                losses.Clear();
            }

            return 0f;
        }

        double total = 0;
        float scale = (float)(1 / divisor);
        for (int b = 0; b < batchSize; b++)
        {
            float weight = Weight(labels[b]);
            ReadOnlySpan<float> sampleOutputs = outputs.Slice(b * classes, classes);
            Span<float> sampleGradient = outputGradient.IsEmpty ? Span<float>.Empty : outputGradient.Slice(b * classes, classes);
            double loss;
            if (Inner is SoftmaxCrossEntropyLoss crossEntropy)
            {
                // PyTorch weights label smoothing's term of each class by that class's weight, not by the label's.
                loss = crossEntropy.Sample(sampleOutputs, labels[b], _weights, sampleGradient, scale);
            }
            else
            {
                loss = weight * (double)Inner.Compute(sampleOutputs, new BatchTargets(labels.Slice(b, 1)), sampleGradient, 1);
                float sampleScale = (float)(weight / divisor);
                foreach (ref float g in sampleGradient)
                {
                    g *= sampleScale;
                }
            }

            total += loss;
            if (unreduced)
            {
                losses[b] = (float)loss;
            }
        }

        return (float)(total / divisor);
    }

    private float Weight(int label) => label < _weights.Length
        ? _weights[label]
        : throw new ArgumentOutOfRangeException("targets", label, $"Class {label} has no weight: {_weights.Length} class weights were given.");
}
