using System;

namespace StaticNet;

/// <summary>
/// Smooth L1 over every output value of the batch, as PyTorch's <c>nn.SmoothL1Loss(beta)</c>: with
/// <c>d = y - t</c>, <c>0.5 d^2 / beta</c> where <c>|d| &lt; beta</c> and <c>|d| - 0.5 beta</c> elsewhere, averaged;
/// gradient <c>d / beta</c> or <c>sign(d)</c>, divided by <c>batchSize * outputs</c>. With beta 0 it is the L1
/// loss. It is <see cref="HuberLoss"/> divided by beta.
/// </summary>
public sealed class SmoothL1Loss : ILoss
{
    /// <summary>Creates the loss with PyTorch's default beta of 1.</summary>
    /// <param name="beta">Where the loss turns from quadratic to linear; 0 or above.</param>
    public SmoothL1Loss(double beta = 1.0)
    {
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
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        return Compute(outputs, values, outputGradient, count, Beta, scale: 1);
    }

    /// <summary>
    /// <c>scale</c> times smooth L1 with <paramref name="beta"/>, averaged over <paramref name="count"/>
    /// values, and its gradient. The Huber loss with delta is smooth L1 with beta = delta, times delta.
    /// </summary>
    internal static float Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> outputGradient, int count, double beta, double scale)
    {
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            double difference = (double)outputs[i] - targets[i], size = Math.Abs(difference);
            bool quadratic = size < beta;
            total += quadratic ? 0.5 * difference * difference / beta : size - (0.5 * beta);
            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = (float)(scale * (quadratic ? difference / beta : Math.Sign(difference)) / count);
            }
        }

        return (float)(scale * total / count);
    }
}
