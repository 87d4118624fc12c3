using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>What one epoch of training measured. Accuracies are <see langword="null"/> for losses that do not take class labels; validation figures are <see langword="null"/> without a validation set.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainLoss">The mean loss over the epoch's training batches, in training mode.</param>
/// <param name="TrainAccuracy">The fraction of training samples classified right during the epoch, in training mode.</param>
/// <param name="ValidationLoss">The mean loss on the validation set after the epoch, in inference mode.</param>
/// <param name="ValidationAccuracy">The fraction of validation samples classified right after the epoch.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="Duration">Wall time of the epoch's training steps (validation excluded).</param>
/// <param name="SamplesPerSecond">Training samples per second of <paramref name="Duration"/>.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double? TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double LearningRate,
    TimeSpan Duration,
    double SamplesPerSecond);

/// <summary>The result of evaluating a network on a dataset in inference mode.</summary>
/// <param name="Loss">The mean loss over every sample.</param>
/// <param name="Accuracy">The fraction of samples whose largest output is their label; <see langword="null"/> for losses without labels.</param>
/// <param name="Count">The number of samples evaluated.</param>
public readonly record struct Evaluation(double Loss, double? Accuracy, int Count);

/// <summary>The per-epoch metrics of a training run, in order.</summary>
public sealed class History
{
    private readonly List<EpochMetrics> _epochs = new();

    /// <summary>One entry per completed epoch.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>The last completed epoch's metrics.</summary>
    public EpochMetrics Last => _epochs.Count > 0 ? _epochs[^1] : throw new InvalidOperationException("No epoch has completed yet.");

    internal void Add(EpochMetrics metrics) => _epochs.Add(metrics);
}
