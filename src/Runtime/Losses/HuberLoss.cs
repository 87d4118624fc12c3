using System;

namespace StaticNet;

/// <summary>
/// The Huber loss over every output value of the batch, as PyTorch's <c>nn.HuberLoss(delta, reduction)</c>: with
/// <c>d = y - t</c>, <c>0.5 d^2</c> where <c>|d| &lt; delta</c> and <c>delta (|d| - 0.5 delta)</c> elsewhere,
/// by default averaged, gradient <c>d</c> or <c>delta * sign(d)</c> divided by <c>batchSize * outputs</c>; with
/// <see cref="LossReduction.Sum"/> neither is divided. Quadratic near
/// the target, linear far from it, so outliers pull less than under mean squared error.
/// <see cref="SmoothL1Loss"/> is the same curve divided by delta.
/// </summary>
public sealed class HuberLoss : ILoss
{
    /// <summary>Creates the loss with PyTorch's default delta of 1.</summary>
    /// <param name="delta">Where the loss turns from quadratic to linear; above 0.</param>
    /// <param name="reduction">How the output values' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public HuberLoss(double delta = 1.0, LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
        if (!(delta > 0) || double.IsInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The Huber loss's delta must be a finite number above 0.");
        }

        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; }

    /// <inheritdoc/>
    public string Name => "Huber";

    /// <inheritdoc/>
    public bool UsesLabels => false;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, LossReductions.OutputValue);
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        return SmoothL1Loss.Compute(outputs, values, Span<float>.Empty, outputGradient, count, Delta, scale: Delta, Reduction);
    }

    /// <summary>
    /// Writes each output value's Huber loss into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
    /// <c>batchSize * outputs</c> values) and returns the loss reduced as <see cref="Reduction"/> says (the sum for
    /// <see cref="LossReduction.None"/>); unless <paramref name="outputGradient"/> is empty, writes that value's gradient.
    /// </summary>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        return SmoothL1Loss.Compute(outputs, values, LossReductions.Unreduced(losses, count, LossReductions.OutputValue), outputGradient, count, Delta, scale: Delta, Reduction);
    }
}
