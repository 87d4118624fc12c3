using System;

namespace StaticNet;

/// <summary>
/// PyTorch's <c>StepLR</c>: the learning rate times <paramref name="gamma"/> every <paramref name="stepSize"/> positions,
/// <c>lr(t) = lr0 * gamma^floor(t / stepSize)</c>.
/// </summary>
/// <param name="stepSize">Positions (epochs, unless <paramref name="interval"/> says steps) between decays.</param>
/// <param name="gamma">The factor of each decay; PyTorch's default 0.1.</param>
/// <param name="interval">Whether positions count epochs (PyTorch's usual) or steps.</param>
public sealed class StepLR(int stepSize, double gamma = 0.1, ScheduleInterval interval = ScheduleInterval.Epoch) : LearningRateSchedule(interval)
{
    /// <summary>Positions between decays.</summary>
    public int StepSize { get; } = stepSize >= 1 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "stepSize must be at least 1.");

    /// <summary>The factor of each decay.</summary>
    public double Gamma { get; } = gamma >= 0 && double.IsFinite(gamma) ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a finite number of at least 0.");

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate) => initialLearningRate * Math.Pow(Gamma, t / StepSize);
}

/// <summary>
/// PyTorch's <c>MultiStepLR</c>: the learning rate times <paramref name="gamma"/> at each milestone,
/// <c>lr(t) = lr0 * gamma^(number of milestones &lt;= t)</c>.
/// </summary>
/// <param name="milestones">Ascending positions at which the rate decays.</param>
/// <param name="gamma">The factor of each decay; PyTorch's default 0.1.</param>
/// <param name="interval">Whether positions count epochs (PyTorch's usual) or steps.</param>
public sealed class MultiStepLR(int[] milestones, double gamma = 0.1, ScheduleInterval interval = ScheduleInterval.Epoch) : LearningRateSchedule(interval)
{
    private readonly int[] _milestones = CheckMilestones(milestones);

    /// <summary>The positions at which the rate decays.</summary>
    public ReadOnlySpan<int> Milestones => _milestones;

    /// <summary>The factor of each decay.</summary>
    public double Gamma { get; } = gamma >= 0 && double.IsFinite(gamma) ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a finite number of at least 0.");

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate)
    {
        int passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= t)
        {
            passed++;
        }

        return initialLearningRate * Math.Pow(Gamma, passed);
    }

    private static int[] CheckMilestones(int[] milestones)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        for (int i = 0; i < milestones.Length; i++)
        {
            if (milestones[i] < 0 || (i > 0 && milestones[i] <= milestones[i - 1]))
            {
                throw new ArgumentException($"milestones must be ascending and at least 0, but milestone {i} is {milestones[i]}.", nameof(milestones));
            }
        }

        return (int[])milestones.Clone();
    }
}

/// <summary>PyTorch's <c>ExponentialLR</c>: <c>lr(t) = lr0 * gamma^t</c>.</summary>
/// <param name="gamma">The factor per position.</param>
/// <param name="interval">Whether positions count epochs (PyTorch's usual) or steps.</param>
public sealed class ExponentialLR(double gamma, ScheduleInterval interval = ScheduleInterval.Epoch) : LearningRateSchedule(interval)
{
    /// <summary>The factor per position.</summary>
    public double Gamma { get; } = gamma >= 0 && double.IsFinite(gamma) ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a finite number of at least 0.");

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate) => initialLearningRate * Math.Pow(Gamma, t);
}
