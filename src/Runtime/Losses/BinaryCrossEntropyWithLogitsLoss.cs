using System;

namespace StaticNet;

/// <summary>
/// Binary cross-entropy on logits, one independent yes/no (or probability) target per output, fused
/// with the sigmoid so that it is stable for any logits, as PyTorch's <c>nn.BCEWithLogitsLoss(reduction)</c>:
/// each output's <c>max(x, 0) - x * t + log(1 + exp(-|x|))</c>, by default averaged over every output of the
/// batch, gradient <c>(sigmoid(x) - t) / (batchSize * outputs)</c>; with <see cref="LossReduction.Sum"/> neither
/// is divided. Targets are values from 0 to 1, one per output.
/// </summary>
public sealed class BinaryCrossEntropyWithLogitsLoss : ILoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">How the output values' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public BinaryCrossEntropyWithLogitsLoss(LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
    }

    /// <inheritdoc/>
    public string Name => "binary cross-entropy with logits";

    /// <inheritdoc/>
    public bool UsesLabels => false;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, LossReductions.OutputValue);
        return Run(outputs, targets, Span<float>.Empty, outputGradient, batchSize, unreduced: false);
    }

    /// <summary>
    /// Writes each output value's binary cross-entropy into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
    /// <c>batchSize * outputs</c> values) and returns the loss reduced as <see cref="Reduction"/> says (the sum for
    /// <see cref="LossReduction.None"/>); unless <paramref name="outputGradient"/> is empty, writes that value's gradient.
    /// </summary>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize) =>
        Run(outputs, targets, losses, outputGradient, batchSize, unreduced: true);

    private float Run(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize, bool unreduced)
    {
        int outputLength = LossChecks.OutputLength(outputs, outputGradient, batchSize);
        int count = batchSize * outputLength;
        ReadOnlySpan<float> values = LossChecks.Values(targets, count, Name);
        LossChecks.Probabilities(values, outputLength, Name);
        if (unreduced)
        {
            losses = LossReductions.Unreduced(losses, count, LossReductions.OutputValue);
        }

        double total = 0;
        float divisor = LossReductions.Divisor(Reduction, count), inverseCount = 1f / divisor;
        for (int i = 0; i < count; i++)
        {
            double x = outputs[i], t = values[i];

            // log(1 + exp(-|x|)) never overflows, and max(x, 0) - x t is exact: the sum is stable for any x.
            double loss = Math.Max(x, 0) - (x * t) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            total += loss;
            if (unreduced)
            {
                losses[i] = (float)loss;
            }

            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = (float)((1 / (1 + Math.Exp(-x))) - t) * inverseCount;
            }
        }

        return (float)(total / divisor);
    }
}
