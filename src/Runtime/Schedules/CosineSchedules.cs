using System;

namespace StaticNet;

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c> in its documented closed form (SGDR without restarts):
/// <c>lr(t) = etaMin + (lr0 - etaMin) * (1 + cos(pi * t / tMax)) / 2</c>. It reaches
/// <paramref name="etaMin"/> at <paramref name="tMax"/> and, like PyTorch's, rises again after it.
/// </summary>
/// <param name="tMax">Positions from the initial rate to the minimum.</param>
/// <param name="etaMin">The minimum learning rate; PyTorch's default 0.</param>
/// <param name="interval">Whether positions count epochs (PyTorch's usual) or steps.</param>
public sealed class CosineAnnealingLR(long tMax, double etaMin = 0, ScheduleInterval interval = ScheduleInterval.Epoch) : LearningRateSchedule(interval)
{
    /// <summary>Positions from the initial rate to the minimum.</summary>
    public long TMax { get; } = tMax >= 1 ? tMax : throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "tMax must be at least 1.");

    /// <summary>The minimum learning rate.</summary>
    public double EtaMin { get; } = etaMin >= 0 && double.IsFinite(etaMin) ? etaMin : throw new ArgumentOutOfRangeException(nameof(etaMin), etaMin, "etaMin must be a finite number of at least 0.");

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate) =>
        EtaMin + ((initialLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * t / TMax)) / 2);
}

/// <summary>
/// PyTorch's <c>CosineAnnealingWarmRestarts</c> (SGDR, Loshchilov and Hutter 2017): cosine annealing from
/// the initial rate to <paramref name="etaMin"/> over <c>T_i</c> positions, then a restart; the first
/// period is <paramref name="t0"/> and each next one <paramref name="tMult"/> times longer:
/// <c>lr = etaMin + (lr0 - etaMin) * (1 + cos(pi * T_cur / T_i)) / 2</c>.
/// </summary>
/// <param name="t0">Positions in the first period.</param>
/// <param name="tMult">How many times longer each period is than the previous one; PyTorch's default 1.</param>
/// <param name="etaMin">The minimum learning rate; PyTorch's default 0.</param>
/// <param name="interval">Whether positions count epochs (PyTorch's usual) or steps.</param>
public sealed class CosineAnnealingWarmRestarts(long t0, int tMult = 1, double etaMin = 0, ScheduleInterval interval = ScheduleInterval.Epoch) : LearningRateSchedule(interval)
{
    /// <summary>Positions in the first period.</summary>
    public long T0 { get; } = t0 >= 1 ? t0 : throw new ArgumentOutOfRangeException(nameof(t0), t0, "t0 must be at least 1.");

    /// <summary>How many times longer each period is than the previous one.</summary>
    public int TMult { get; } = tMult >= 1 ? tMult : throw new ArgumentOutOfRangeException(nameof(tMult), tMult, "tMult must be at least 1.");

    /// <summary>The minimum learning rate.</summary>
    public double EtaMin { get; } = etaMin >= 0 && double.IsFinite(etaMin) ? etaMin : throw new ArgumentOutOfRangeException(nameof(etaMin), etaMin, "etaMin must be a finite number of at least 0.");

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate)
    {
        // Whole periods are subtracted in integers, as PyTorch's step() does one position at a time, so
        // that a restart falls exactly on its position (PyTorch's logarithm form can miss it by rounding).
        long period = T0, current = t;
        if (TMult == 1)
        {
            current = t % T0;
        }
        else
        {
            while (current >= period)
            {
                current -= period;
                period *= TMult;
            }
        }

        return EtaMin + ((initialLearningRate - EtaMin) * (1 + Math.Cos(Math.PI * current / period)) / 2);
    }
}
