using System;

namespace StaticNet;

/// <summary>
/// The Huber loss over every output value of the batch, as PyTorch's <c>nn.HuberLoss(delta)</c>: with
/// <c>d = y - t</c>, <c>0.5 d^2</c> where <c>|d| &lt; delta</c> and <c>delta (|d| - 0.5 delta)</c> elsewhere,
/// averaged; gradient <c>d</c> or <c>delta * sign(d)</c>, divided by <c>batchSize * outputs</c>. Quadratic near
/// the target, linear far from it, so outliers pull less than under mean squared error.
/// <see cref="SmoothL1Loss"/> is the same curve divided by delta.
/// </summary>
public sealed class HuberLoss : ILoss
{
    /// <summary>Creates the loss with PyTorch's default delta of 1.</summary>
    /// <param name="delta">Where the loss turns from quadratic to linear; above 0.</param>
    public HuberLoss(double delta = 1.0)
    {
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
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        return SmoothL1Loss.Compute(outputs, values, outputGradient, count, Delta, scale: Delta);
    }
}
