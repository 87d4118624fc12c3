using System;

namespace StaticNet;

/// <summary>Whether a monitored metric improves by going down (a loss) or up (an accuracy).</summary>
public enum MetricMode
{
    /// <summary>Lower is better.</summary>
    Min,

    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>
/// A per-epoch figure that early stopping, best-checkpoint keeping and <see cref="ReduceLROnPlateau"/>
/// watch, with the direction in which it improves (as Keras's <c>monitor</c> with <c>mode='auto'</c>).
/// </summary>
public sealed class MonitoredMetric
{
    private readonly Func<EpochMetrics, double?> _read;

    /// <summary>Creates a metric read from each epoch's metrics.</summary>
    /// <param name="name">The name used in messages and history files (<c>val_loss</c>).</param>
    /// <param name="read">Reads the value from an epoch's metrics; <see langword="null"/> when the epoch does not have it.</param>
    /// <param name="mode">Whether lower or higher is better.</param>
    public MonitoredMetric(string name, Func<EpochMetrics, double?> read, MetricMode mode)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        _read = read ?? throw new ArgumentNullException(nameof(read));
        Mode = mode;
    }

    /// <summary>The mean loss on the validation set (lower is better).</summary>
    public static MonitoredMetric ValidationLoss { get; } = new("val_loss", m => m.ValidationLoss, MetricMode.Min);

    /// <summary>The accuracy on the validation set (higher is better).</summary>
    public static MonitoredMetric ValidationAccuracy { get; } = new("val_accuracy", m => m.ValidationAccuracy, MetricMode.Max);

    /// <summary>The top-k accuracy on the validation set (higher is better).</summary>
    public static MonitoredMetric ValidationTopKAccuracy { get; } = new("val_top_k_accuracy", m => m.ValidationTopKAccuracy, MetricMode.Max);

    /// <summary>The mean training loss of the epoch (lower is better).</summary>
    public static MonitoredMetric TrainLoss { get; } = new("loss", m => m.TrainLoss, MetricMode.Min);

    /// <summary>The training accuracy of the epoch (higher is better).</summary>
    public static MonitoredMetric TrainAccuracy { get; } = new("accuracy", m => m.TrainAccuracy, MetricMode.Max);

    /// <summary>The item (character) error rate on the validation set, for label sequences (lower is better).</summary>
    public static MonitoredMetric ValidationItemErrorRate { get; } = new("val_item_error_rate", m => m.ValidationItemErrorRate, MetricMode.Min);

    /// <summary>The exact-match sequence accuracy on the validation set, for label sequences (higher is better).</summary>
    public static MonitoredMetric ValidationSequenceAccuracy { get; } = new("val_sequence_accuracy", m => m.ValidationSequenceAccuracy, MetricMode.Max);

    /// <summary>The item error rate of the epoch's training samples, for label sequences (lower is better).</summary>
    public static MonitoredMetric TrainItemErrorRate { get; } = new("item_error_rate", m => m.TrainItemErrorRate, MetricMode.Min);

    /// <summary>The exact-match sequence accuracy of the epoch's training samples, for label sequences (higher is better).</summary>
    public static MonitoredMetric TrainSequenceAccuracy { get; } = new("sequence_accuracy", m => m.TrainSequenceAccuracy, MetricMode.Max);

    /// <summary>The name used in messages and history files.</summary>
    public string Name { get; }

    /// <summary>Whether lower or higher is better.</summary>
    public MetricMode Mode { get; }

    /// <summary>Whether the metric needs a validation set.</summary>
    public bool NeedsValidation => Name.StartsWith("val_", StringComparison.Ordinal);

    /// <summary>The metric's value for an epoch, or <see langword="null"/> when the epoch does not have it.</summary>
    public double? Read(EpochMetrics metrics) => _read(metrics);

    /// <summary>The metric's value, or an exception naming the metric and the epoch when it is missing or not finite.</summary>
    public double ReadRequired(EpochMetrics metrics, string user)
    {
        double? value = _read(metrics);
        if (value is not double number || double.IsNaN(number))
        {
            throw new InvalidOperationException($"{user} monitors {Name}, but epoch {metrics.Epoch} has no value for it{MissingHint(metrics, value is null)}.");
        }

        return number;
    }

    /// <summary>Why an epoch may lack the metric, for the message: no validation set, or data of the other kind.</summary>
    private string MissingHint(EpochMetrics metrics, bool absent) =>
        NeedsValidation && metrics.ValidationLoss is null ? "; give the trainer a validation set (Validation or ValidationSplit)"
        : !absent ? ""
        : Name.Contains("top_k", StringComparison.Ordinal) ? "; set the trainer's TopK, and train on class labels"
        : Name.Contains("sequence_accuracy", StringComparison.Ordinal) || Name.Contains("item_error_rate", StringComparison.Ordinal) ? "; it is measured on label sequences, with a CtcLoss"
        : Name.Contains("accuracy", StringComparison.Ordinal) ? "; it is measured on class labels"
        : "";

    /// <inheritdoc/>
    public override string ToString() => Name;
}
