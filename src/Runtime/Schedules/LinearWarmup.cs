using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// A linear warm-up chained before another schedule, as PyTorch's <c>SequentialLR([LinearLR(start_factor,
/// total_iters=length), then], milestones=[length])</c>: for <c>t &lt; length</c>,
/// <c>lr(t) = lr0 * (startFactor + (1 - startFactor) * t / length)</c>; from <c>length</c> on, the
/// next schedule runs as if it had started there: <c>lr(t) = then(t - length)</c>. Without a next
/// schedule the rate stays at <c>lr0</c>. Positions count what the next schedule counts (epochs unless
/// it says steps).
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    /// <summary>Creates the warm-up.</summary>
    /// <param name="length">Positions the warm-up lasts.</param>
    /// <param name="then">The schedule after the warm-up, or <see langword="null"/> to keep the initial rate.</param>
    /// <param name="startFactor">The fraction of the initial rate at position 0; PyTorch's <c>LinearLR</c> default, 1/3.</param>
    /// <param name="interval">Whether positions count epochs or steps, when there is no next schedule to say.</param>
    public LinearWarmup(long length, LearningRateSchedule? then = null, double startFactor = 1.0 / 3, ScheduleInterval interval = ScheduleInterval.Epoch)
        : base(then?.Interval ?? interval)
    {
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The warm-up must last at least 1 position.");
        }

        if (!(startFactor > 0 && startFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "startFactor must be above 0 and at most 1, as in PyTorch's LinearLR.");
        }

        WarmupLength = length;
        Then = then;
        StartFactor = startFactor;
    }

    /// <summary>Positions the warm-up lasts.</summary>
    public long WarmupLength { get; }

    /// <summary>The schedule after the warm-up.</summary>
    public LearningRateSchedule? Then { get; }

    /// <summary>The fraction of the initial rate at position 0.</summary>
    public double StartFactor { get; }

    /// <inheritdoc/>
    public override long? Length => Then?.Length is long inner ? WarmupLength + inner : null;

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate)
    {
        if (t < WarmupLength)
        {
            return initialLearningRate * (StartFactor + ((1 - StartFactor) * t / WarmupLength));
        }

        return Then?.LearningRate(t - WarmupLength, initialLearningRate) ?? initialLearningRate;
    }

    /// <inheritdoc/>
    public override double? Momentum(long t) => t < WarmupLength ? Then?.Momentum(0) : Then?.Momentum(t - WarmupLength);

    /// <inheritdoc/>
    public override void Reset() => Then?.Reset();

    /// <inheritdoc/>
    public override void EpochCompleted(EpochMetrics metrics, long position)
    {
        // The next schedule sees only the epochs after the warm-up, as it would in SequentialLR.
        if (position > WarmupLength)
        {
            Then?.EpochCompleted(metrics, position - WarmupLength);
        }
    }

    /// <inheritdoc/>
    public override void Validate(bool hasValidation, IOptimizer optimizer) => Then?.Validate(hasValidation, optimizer);

    /// <inheritdoc/>
    public override void WriteState(IDictionary<string, string> state, string prefix) => Then?.WriteState(state, prefix);

    /// <inheritdoc/>
    public override void ReadState(IReadOnlyDictionary<string, string> state, string prefix) => Then?.ReadState(state, prefix);
}
