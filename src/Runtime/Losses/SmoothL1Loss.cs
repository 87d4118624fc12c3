using System;

namespace StaticNet;

/// <summary>
/// Smooth L1 over every output value of the batch, as PyTorch's <c>nn.SmoothL1Loss(beta, reduction)</c>: with
/// <c>d = y - t</c>, <c>0.5 d^2 / beta</c> where <c>|d| &lt; beta</c> and <c>|d| - 0.5 beta</c> elsewhere, by
/// default averaged, gradient <c>d / beta</c> or <c>sign(d)</c> divided by <c>batchSize * outputs</c>; with
/// <see cref="LossReduction.Sum"/> neither is divided. With beta 0 it is the L1 loss. It is
/// <see cref="HuberLoss"/> divided by beta.
/// </summary>
public sealed class SmoothL1Loss : ILoss
{
    /// <summary>Creates the loss with PyTorch's default beta of 1.</summary>
    /// <param name="beta">Where the loss turns from quadratic to linear; 0 or above.</param>
    /// <param name="reduction">How the output values' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public SmoothL1Loss(double beta = 1.0, LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
        if (!(beta >= 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Smooth L1's beta must be a finite number, 0 or above.");
        }

        Beta = beta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public string Name => "smooth L1";

    /// <inheritdoc/>
    public bool UsesLabels => false;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, LossReductions.OutputValue);
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        return Compute(outputs, values, Span<float>.Empty, outputGradient, count, Beta, scale: 1, Reduction);
    }

    /// <summary>
    /// Writes each output value's smooth L1 into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
    /// <c>batchSize * outputs</c> values) and returns the loss reduced as <see cref="Reduction"/> says (the sum for
    /// <see cref="LossReduction.None"/>); unless <paramref name="outputGradient"/> is empty, writes that value's gradient.
    /// </summary>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        return Compute(outputs, values, LossReductions.Unreduced(losses, count, LossReductions.OutputValue), outputGradient, count, Beta, scale: 1, Reduction);
    }

    /// <summary>
    /// <c>scale</c> times smooth L1 with <paramref name="beta"/> over <paramref name="count"/> values, reduced as
    /// <paramref name="reduction"/> says, and its gradient; each value's loss into <paramref name="losses"/> unless it
    /// is empty. The Huber loss with delta is smooth L1 with beta = delta, times delta.
    /// </summary>
    internal static float Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> losses, Span<float> outputGradient, int count, double beta, double scale, LossReduction reduction)
    {
        double total = 0;
        float divisor = LossReductions.Divisor(reduction, count);
        for (int i = 0; i < count; i++)
        {
            double difference = (double)outputs[i] - targets[i], size = Math.Abs(difference);
            bool quadratic = size < beta;
            double loss = quadratic ? 0.5 * difference * difference / beta : size - (0.5 * beta);
            total += loss;
            if (!losses.IsEmpty)
            {
                losses[i] = (float)(scale * loss);
            }

            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = (float)(scale * (quadratic ? difference / beta : Math.Sign(difference)) / divisor);
            }
        }

        return (float)(scale * total / divisor);
    }
}
