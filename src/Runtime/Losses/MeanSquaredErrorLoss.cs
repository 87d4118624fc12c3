using System;

namespace StaticNet;

/// <summary>
/// Squared error over every output value of the batch, as PyTorch's <c>nn.MSELoss(reduction)</c>: by default
/// the mean, <c>loss = sum((y - t)^2) / (batchSize * outputs)</c>, gradient <c>2 (y - t) / (batchSize * outputs)</c>;
/// with <see cref="LossReduction.Sum"/> neither is divided.
/// </summary>
public sealed class MeanSquaredErrorLoss : ILoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">How the output values' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public MeanSquaredErrorLoss(LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
    }

    /// <inheritdoc/>
    public string Name => "mean squared error";

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
    /// Writes each output value's squared error into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
    /// <c>batchSize * outputs</c> values) and returns the loss reduced as <see cref="Reduction"/> says (the sum for
    /// <see cref="LossReduction.None"/>); unless <paramref name="outputGradient"/> is empty, writes that value's gradient.
    /// </summary>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize) =>
        Run(outputs, targets, losses, outputGradient, batchSize, unreduced: true);

    private float Run(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize, bool unreduced)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        if (unreduced)
        {
            losses = LossReductions.Unreduced(losses, count, LossReductions.OutputValue);
        }

        double total = 0;
        float divisor = LossReductions.Divisor(Reduction, count), scale = 2f / divisor;
        for (int i = 0; i < count; i++)
        {
            float difference = outputs[i] - values[i];
            total += difference * difference;
            if (unreduced)
            {
                losses[i] = difference * difference;
            }

            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = scale * difference;
            }
        }

        return (float)(total / divisor);
    }
}
