using System;
using System.Collections.Generic;
using System.Globalization;

namespace StaticNet;

/// <summary>
/// Stops training when a monitored metric has stopped improving, with Keras's <c>EarlyStopping</c> rule:
/// an epoch improves when its value beats the best by more than <see cref="MinDelta"/> (lower for a
/// loss, higher for an accuracy); after <see cref="Patience"/> epochs in a row without improvement
/// (and never on the first epoch) training stops. With <see cref="RestoreBestWeights"/>, the network
/// ends with the weights of its best epoch, whether training stopped early or ran to the end.
/// </summary>
/// <param name="monitor">The metric watched; <see cref="MonitoredMetric.ValidationLoss"/> when <see langword="null"/>.</param>
/// <param name="patience">Epochs without improvement tolerated; Keras's default 0.</param>
/// <param name="minDelta">The least change that counts as an improvement; Keras's default 0.</param>
/// <param name="restoreBestWeights">Whether to end with the best epoch's weights.</param>
public sealed class EarlyStopping(MonitoredMetric? monitor = null, int patience = 0, double minDelta = 0, bool restoreBestWeights = false)
{
    private float[] _bestWeights = Array.Empty<float>();

    /// <summary>The metric watched.</summary>
    public MonitoredMetric Monitor { get; } = monitor ?? MonitoredMetric.ValidationLoss;

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be at least 0.");

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; } = minDelta >= 0 && double.IsFinite(minDelta) ? minDelta : throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be a finite number of at least 0.");

    /// <summary>Whether the network ends with the best epoch's weights.</summary>
    public bool RestoreBestWeights { get; } = restoreBestWeights;

    /// <summary>The best value so far; NaN before the first epoch.</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The epoch of the best value; 0 before the first epoch.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the best one (Keras's <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <summary>Whether the weights of <see cref="BestEpoch"/> are kept.</summary>
    internal bool HasBestWeights { get; private set; }

    internal ReadOnlySpan<float> BestWeights => _bestWeights;

    internal void Reset()
    {
        Best = double.NaN;
        BestEpoch = 0;
        Wait = 0;
        HasBestWeights = false;
    }

    /// <summary>Records an epoch; returns whether training should stop. Keeps the weights when they are the best so far.</summary>
    internal bool Update(EpochMetrics metrics, INetwork network)
    {
        double current = Monitor.ReadRequired(metrics, nameof(EarlyStopping));
        Wait++;
        if (IsImprovement(current))
        {
            Best = current;
            BestEpoch = metrics.Epoch;
            Wait = 0;
            if (RestoreBestWeights)
            {
                NetworkWeights.Capture(network, ref _bestWeights);
                HasBestWeights = true;
            }

            return false;
        }

        return Wait >= Patience && metrics.Epoch > 1;
    }

    /// <summary>Puts the best epoch's weights back into the network; returns that epoch, or null when there is nothing to restore.</summary>
    internal int? Restore(INetwork network, int lastEpoch)
    {
        if (!RestoreBestWeights || !HasBestWeights || BestEpoch == lastEpoch)
        {
            return null;
        }

        NetworkWeights.Restore(network, _bestWeights);
        return BestEpoch;
    }

    internal string Describe() =>
        $"{Monitor.Name} did not improve for {Wait} epoch{(Wait == 1 ? "" : "s")} (best {Best.ToString("G6", CultureInfo.InvariantCulture)} at epoch {BestEpoch})";

    internal void WriteState(IDictionary<string, string> state)
    {
        state["early_stopping.best"] = Best.ToString("R", CultureInfo.InvariantCulture);
        state["early_stopping.best_epoch"] = BestEpoch.ToString(CultureInfo.InvariantCulture);
        state["early_stopping.wait"] = Wait.ToString(CultureInfo.InvariantCulture);
        state["early_stopping.has_best_weights"] = HasBestWeights ? "1" : "0";
    }

    internal void ReadState(double best, int bestEpoch, int wait, float[]? bestWeights)
    {
        Best = best;
        BestEpoch = bestEpoch;
        Wait = wait;
        HasBestWeights = bestWeights is not null;
        _bestWeights = bestWeights ?? Array.Empty<float>();
    }

    private bool IsImprovement(double current) =>
        double.IsNaN(Best) || (Monitor.Mode == MetricMode.Min ? current + MinDelta < Best : current - MinDelta > Best);
}
