using System;

namespace StaticNet;

/// <summary>
/// Negative log-likelihood of class indices, given log-probabilities, as PyTorch's <c>nn.NLLLoss(reduction)</c>:
/// each sample's <c>-x[label]</c>, by default averaged over the batch, gradient <c>-1 / batchSize</c> at each
/// sample's label and 0 elsewhere; with <see cref="LossReduction.Sum"/> neither is divided. Pair it with a <c>[LogSoftmax]</c> last layer: together they are softmax cross-entropy.
/// </summary>
public sealed class NegativeLogLikelihoodLoss : ILoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">How the samples' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public NegativeLogLikelihoodLoss(LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
    }

    /// <inheritdoc/>
    public string Name => "negative log-likelihood";

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
    /// Writes each sample's negative log-likelihood into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
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
        if (!outputGradient.IsEmpty)
        {
            outputGradient.Slice(0, outputs.Length).Clear();
        }

        for (int b = 0; b < batchSize; b++)
        {
            total -= outputs[(b * classes) + labels[b]];
            if (unreduced)
            {
                losses[b] = -outputs[(b * classes) + labels[b]];
            }
            if (!outputGradient.IsEmpty)
            {
                outputGradient[(b * classes) + labels[b]] = -inverseBatch;
            }
        }

        return (float)(total / divisor);
    }
}
