using System;

namespace StaticNet;

/// <summary>How <see cref="OneCycleLR"/> moves between two values within a phase.</summary>
public enum AnnealStrategy
{
    /// <summary>Cosine: <c>end + (start - end) / 2 * (1 + cos(pi * pct))</c>.</summary>
    Cos,

    /// <summary>Linear: <c>start + (end - start) * pct</c>.</summary>
    Linear,
}

/// <summary>
/// PyTorch's <c>OneCycleLR</c> (Smith's 1cycle policy), stepped once per optimizer step: the rate rises
/// from <c>maxLearningRate / divFactor</c> to <c>maxLearningRate</c> over the first
/// <c>pctStart</c> of <c>totalSteps</c>, then falls to
/// <c>initial / finalDivFactor</c>; momentum (or Adam's <c>beta1</c>) moves the opposite way between
/// <c>maxMomentum</c> and <c>baseMomentum</c>. Phase ends are at
/// <c>pctStart * totalSteps - 1</c> and <c>totalSteps - 1</c> (three-phase: <c>pctStart * totalSteps - 1</c>,
/// <c>2 * pctStart * totalSteps - 2</c>, <c>totalSteps - 1</c>); within a phase
/// <c>pct = (t - phaseStart) / (phaseEnd - phaseStart)</c>. The optimizer's own learning rate is not used.
/// </summary>
public sealed class OneCycleLR : LearningRateSchedule
{
    private readonly Phase[] _phases;

    /// <summary>Creates the schedule; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public OneCycleLR(
        double maxLearningRate,
        long totalSteps,
        double pctStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        bool cycleMomentum = true,
        double baseMomentum = 0.85,
        double maxMomentum = 0.95,
        double divFactor = 25,
        double finalDivFactor = 1e4,
        bool threePhase = false)
        : base(ScheduleInterval.Step)
    {
        CheckAtLeast(maxLearningRate, 0, nameof(maxLearningRate));
        if (totalSteps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "totalSteps must be at least 2.");
        }

        if (!(pctStart > 0 && pctStart < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pctStart must be between 0 and 1, exclusive.");
        }

        CheckAtLeast(baseMomentum, 0, nameof(baseMomentum));
        CheckAtLeast(maxMomentum, 0, nameof(maxMomentum));
        if (!(divFactor > 0) || !(finalDivFactor > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(divFactor), "divFactor and finalDivFactor must be above 0.");
        }

        MaxLearningRate = maxLearningRate;
        TotalSteps = totalSteps;
        PctStart = pctStart;
        Anneal = annealStrategy;
        CycleMomentum = cycleMomentum;
        BaseMomentum = baseMomentum;
        MaxMomentum = maxMomentum;
        InitialLearningRate = maxLearningRate / divFactor;
        MinLearningRate = InitialLearningRate / finalDivFactor;
        double lr0 = InitialLearningRate, lrMax = maxLearningRate, lrMin = MinLearningRate;
        _phases = threePhase
            ? new[]
            {
                new Phase((pctStart * totalSteps) - 1, lr0, lrMax, maxMomentum, baseMomentum),
                new Phase((2 * pctStart * totalSteps) - 2, lrMax, lr0, baseMomentum, maxMomentum),
                new Phase(totalSteps - 1, lr0, lrMin, maxMomentum, maxMomentum),
            }
            : new[]
            {
                new Phase((pctStart * totalSteps) - 1, lr0, lrMax, maxMomentum, baseMomentum),
                new Phase(totalSteps - 1, lrMax, lrMin, baseMomentum, maxMomentum),
            };
    }

    /// <summary>The peak learning rate.</summary>
    public double MaxLearningRate { get; }

    /// <summary>The learning rate at step 0: <c>maxLearningRate / divFactor</c>.</summary>
    public double InitialLearningRate { get; }

    /// <summary>The learning rate at the last step: <c>InitialLearningRate / finalDivFactor</c>.</summary>
    public double MinLearningRate { get; }

    /// <summary>The number of steps in the cycle.</summary>
    public long TotalSteps { get; }

    /// <summary>The fraction of the cycle spent rising.</summary>
    public double PctStart { get; }

    /// <summary>How values move within a phase.</summary>
    public AnnealStrategy Anneal { get; }

    /// <summary>Whether momentum cycles inversely to the learning rate.</summary>
    public bool CycleMomentum { get; }

    /// <summary>The momentum at the peak learning rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>The momentum at the start and end of the cycle.</summary>
    public double MaxMomentum { get; }

    /// <inheritdoc/>
    public override long? Length => TotalSteps;

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate)
    {
        (Phase phase, double pct) = Locate(t);
        return Interpolate(phase.StartLearningRate, phase.EndLearningRate, pct);
    }

    /// <inheritdoc/>
    public override double? Momentum(long t)
    {
        if (!CycleMomentum)
        {
            return null;
        }

        (Phase phase, double pct) = Locate(t);
        return Interpolate(phase.StartMomentum, phase.EndMomentum, pct);
    }

    /// <inheritdoc/>
    public override void Validate(bool hasValidation, IOptimizer optimizer)
    {
        if (CycleMomentum && optimizer is not IMomentumOptimizer)
        {
            throw new ArgumentException($"OneCycleLR cycles momentum, but {optimizer.Name} has no momentum or beta1 to cycle; create the schedule with cycleMomentum: false.", nameof(optimizer));
        }
    }

    private (Phase Phase, double Pct) Locate(long t)
    {
        if (t < 0 || t > TotalSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"OneCycleLR is defined for steps 0 to {TotalSteps}; it was created with totalSteps {TotalSteps}.");
        }

        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            Phase phase = _phases[i];
            if (t <= phase.End || i == _phases.Length - 1)
            {
                return (phase, (t - start) / (phase.End - start));
            }

            start = phase.End;
        }

        throw new InvalidOperationException("unreachable: the last phase always matches");
    }

    private double Interpolate(double start, double end, double pct) => Anneal == AnnealStrategy.Cos
        ? end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1))
        : ((end - start) * pct) + start;

    private readonly record struct Phase(double End, double StartLearningRate, double EndLearningRate, double StartMomentum, double EndMomentum);
}
