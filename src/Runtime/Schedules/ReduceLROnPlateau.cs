using System;
using System.Collections.Generic;
using System.Globalization;

namespace StaticNet;

/// <summary>How <see cref="ReduceLROnPlateau"/> compares a value with the best so far.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than <c>best * (1 - threshold)</c> (min) or <c>best * (1 + threshold)</c> (max).</summary>
    Relative,

    /// <summary>Absolute: better than <c>best - threshold</c> (min) or <c>best + threshold</c> (max).</summary>
    Absolute,
}

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>, stepped after every epoch with a monitored metric: when the metric
/// has not improved for more than <paramref name="patience"/> epochs, the rate becomes
/// <c>max(lr * factor, minLearningRate)</c> (unless that changes it by less than <paramref name="eps"/>),
/// then <paramref name="cooldown"/> epochs pass before bad epochs count again.
/// </summary>
/// <param name="monitor">The metric watched; <see cref="MonitoredMetric.ValidationLoss"/> when <see langword="null"/>.</param>
/// <param name="factor">The factor of each reduction; PyTorch's default 0.1.</param>
/// <param name="patience">Epochs without improvement tolerated; PyTorch's default 10.</param>
/// <param name="threshold">The least change that counts as an improvement; PyTorch's default 1e-4.</param>
/// <param name="thresholdMode">Whether the threshold is relative (PyTorch's default) or absolute.</param>
/// <param name="cooldown">Epochs to wait after a reduction before counting bad epochs again.</param>
/// <param name="minLearningRate">The lowest rate reached.</param>
/// <param name="eps">The smallest reduction applied; PyTorch's default 1e-8.</param>
public sealed class ReduceLROnPlateau(
    MonitoredMetric? monitor = null,
    double factor = 0.1,
    int patience = 10,
    double threshold = 1e-4,
    ThresholdMode thresholdMode = ThresholdMode.Relative,
    int cooldown = 0,
    double minLearningRate = 0,
    double eps = 1e-8) : LearningRateSchedule(ScheduleInterval.Epoch)
{
    private double? _learningRate;
    private double _best = double.NaN;
    private int _badEpochs;
    private int _cooldownCounter;

    /// <summary>The metric watched.</summary>
    public MonitoredMetric Monitor { get; } = monitor ?? MonitoredMetric.ValidationLoss;

    /// <summary>The factor of each reduction.</summary>
    public double Factor { get; } = factor >= 0 && factor < 1 ? factor : throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be at least 0 and below 1.");

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be at least 0.");

    /// <summary>The least change that counts as an improvement.</summary>
    public double Threshold { get; } = threshold >= 0 && double.IsFinite(threshold) ? threshold : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a finite number of at least 0.");

    /// <summary>Whether the threshold is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; } = thresholdMode;

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; } = cooldown >= 0 ? cooldown : throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "cooldown must be at least 0.");

    /// <summary>The lowest rate reached.</summary>
    public double MinLearningRate { get; } = minLearningRate >= 0 ? minLearningRate : throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "minLearningRate must be at least 0.");

    /// <summary>The smallest reduction applied.</summary>
    public double Eps { get; } = eps >= 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be at least 0.");

    /// <summary>The best value of the metric so far; NaN before the first epoch.</summary>
    public double Best => _best;

    /// <summary>Epochs since the last improvement (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int BadEpochs => _badEpochs;

    /// <inheritdoc/>
    public override double LearningRate(long t, double initialLearningRate) => _learningRate ?? initialLearningRate;

    /// <inheritdoc/>
    public override void Reset()
    {
        _learningRate = null;
        _best = double.NaN;
        _badEpochs = 0;
        _cooldownCounter = 0;
    }

    /// <inheritdoc/>
    public override void Validate(bool hasValidation, IOptimizer optimizer)
    {
        if (Monitor.NeedsValidation && !hasValidation)
        {
            throw new InvalidOperationException($"ReduceLROnPlateau monitors {Monitor.Name}, but the trainer has no validation set; set Validation or ValidationSplit, or monitor MonitoredMetric.TrainLoss.");
        }
    }

    /// <inheritdoc/>
    public override void EpochCompleted(EpochMetrics metrics, long position)
    {
        double current = Monitor.ReadRequired(metrics, nameof(ReduceLROnPlateau));
        double rate = _learningRate ?? metrics.LearningRate;
        if (IsBetter(current))
        {
            _best = current;
            _badEpochs = 0;
        }
        else
        {
            _badEpochs++;
        }

        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _badEpochs = 0;
        }

        if (_badEpochs > Patience)
        {
            double reduced = Math.Max(rate * Factor, MinLearningRate);
            if (rate - reduced > Eps)
            {
                rate = reduced;
            }

            _cooldownCounter = Cooldown;
            _badEpochs = 0;
        }

        _learningRate = rate;
    }

    /// <inheritdoc/>
    public override void WriteState(IDictionary<string, string> state, string prefix)
    {
        if (_learningRate is double rate)
        {
            state[prefix + "lr"] = rate.ToString("R", CultureInfo.InvariantCulture);
        }

        state[prefix + "best"] = _best.ToString("R", CultureInfo.InvariantCulture);
        state[prefix + "num_bad_epochs"] = _badEpochs.ToString(CultureInfo.InvariantCulture);
        state[prefix + "cooldown_counter"] = _cooldownCounter.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public override void ReadState(IReadOnlyDictionary<string, string> state, string prefix)
    {
        double? rate = state.TryGetValue(prefix + "lr", out string? text) ? ParseDouble(prefix + "lr", text) : null;
        double best = ParseDouble(prefix + "best", Get(state, prefix + "best"));
        int bad = ParseInt(prefix + "num_bad_epochs", Get(state, prefix + "num_bad_epochs"));
        int cooldown = ParseInt(prefix + "cooldown_counter", Get(state, prefix + "cooldown_counter"));
        (_learningRate, _best, _badEpochs, _cooldownCounter) = (rate, best, bad, cooldown);
    }

    private bool IsBetter(double current)
    {
        // Before the first epoch the best is +inf (min) or -inf (max), so any value improves on it.
        if (double.IsNaN(_best))
        {
            return true;
        }

        bool relative = ThresholdMode == ThresholdMode.Relative;
        return Monitor.Mode == MetricMode.Min
            ? current < (relative ? _best * (1 - Threshold) : _best - Threshold)
            : current > (relative ? _best * (1 + Threshold) : _best + Threshold);
    }

    private static string Get(IReadOnlyDictionary<string, string> state, string key) =>
        state.TryGetValue(key, out string? value) ? value : throw new FormatException($"The ReduceLROnPlateau state has no '{key}'.");

    private static double ParseDouble(string key, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : throw new FormatException($"The ReduceLROnPlateau state '{key}' is '{text}', not a number.");

    private static int ParseInt(string key, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0 ? value : throw new FormatException($"The ReduceLROnPlateau state '{key}' is '{text}', not a count.");
}
