using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// What one epoch of training measured. Accuracies are <see langword="null"/> for losses that do not
/// take class labels, top-k accuracies when <see cref="Trainer{TNetwork}.TopK"/> is 0, sequence figures
/// unless the data are label sequences, validation figures without a validation set. Losses are the data
/// loss the loss function computes, without L1/L2 penalties, so training and validation losses compare.
/// </summary>
public sealed record EpochMetrics
{
    /// <summary>The epoch, from 1.</summary>
    public int Epoch { get; init; }

    /// <summary>
    /// The mean loss over the epoch's training samples, in training mode, as each batch was when it was stepped on; with
    /// <see cref="LossReduction.Sum"/>, the epoch's summed loss divided by its samples.
    /// </summary>
    public double TrainLoss { get; init; }

    /// <summary>The fraction of training samples classified right during the epoch, in training mode.</summary>
    public double? TrainAccuracy { get; init; }

    /// <summary>The fraction of training samples whose label is among the <see cref="Trainer{TNetwork}.TopK"/> largest outputs.</summary>
    public double? TrainTopKAccuracy { get; init; }

    /// <summary>The mean loss on the validation set after the epoch, in inference mode (with <see cref="LossReduction.Sum"/>, the summed loss per sample).</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The fraction of validation samples classified right after the epoch.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>The validation top-k accuracy after the epoch.</summary>
    public double? ValidationTopKAccuracy { get; init; }

    /// <summary>
    /// For label sequences: the fraction of training samples whose sequence, read greedily from the outputs
    /// in training mode as each batch was stepped on, is exactly their target.
    /// </summary>
    public double? TrainSequenceAccuracy { get; init; }

    /// <summary>
    /// For label sequences: the item (character) error rate of the epoch's training samples, read as for
    /// <see cref="TrainSequenceAccuracy"/>: the edit distances to the targets summed, over the targets' total length.
    /// </summary>
    public double? TrainItemErrorRate { get; init; }

    /// <summary>For label sequences: the exact-match sequence accuracy on the validation set after the epoch, in inference mode.</summary>
    public double? ValidationSequenceAccuracy { get; init; }

    /// <summary>For label sequences: the item error rate on the validation set after the epoch, in inference mode.</summary>
    public double? ValidationItemErrorRate { get; init; }

    /// <summary>The learning rate of the epoch's last step.</summary>
    public double LearningRate { get; init; }

    /// <summary>The mean over the epoch's steps of the global L2 norm of the gradients, before clipping (as <c>clip_grad_norm_</c> returns it).</summary>
    public double GradientNorm { get; init; }

    /// <summary>Optimizer steps taken in the epoch.</summary>
    public int Steps { get; init; }

    /// <summary>Wall time of the epoch's training steps (validation excluded).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Training samples per second of <see cref="Duration"/>.</summary>
    public double SamplesPerSecond { get; init; }

    /// <summary>
    /// Per parameter tensor, the mean over the epoch's steps of its gradient norm, weight norm and
    /// update-to-weight ratio, with <see cref="Trainer{TNetwork}.MonitorTensors"/>; <see langword="null"/> without.
    /// </summary>
    public IReadOnlyList<TensorStatistics>? Tensors { get; init; }

    /// <summary>Equal when every figure is, the per-tensor ones value by value.</summary>
    public bool Equals(EpochMetrics? other) =>
        other is not null && Epoch == other.Epoch && TrainLoss.Equals(other.TrainLoss) && TrainAccuracy.Equals(other.TrainAccuracy)
        && TrainTopKAccuracy.Equals(other.TrainTopKAccuracy) && ValidationLoss.Equals(other.ValidationLoss)
        && ValidationAccuracy.Equals(other.ValidationAccuracy) && ValidationTopKAccuracy.Equals(other.ValidationTopKAccuracy)
        && TrainSequenceAccuracy.Equals(other.TrainSequenceAccuracy) && TrainItemErrorRate.Equals(other.TrainItemErrorRate)
        && ValidationSequenceAccuracy.Equals(other.ValidationSequenceAccuracy) && ValidationItemErrorRate.Equals(other.ValidationItemErrorRate)
        && LearningRate.Equals(other.LearningRate) && GradientNorm.Equals(other.GradientNorm) && Steps == other.Steps
        && Duration == other.Duration && SamplesPerSecond.Equals(other.SamplesPerSecond)
        && (Tensors is null || other.Tensors is null ? Tensors is null && other.Tensors is null : System.Linq.Enumerable.SequenceEqual(Tensors, other.Tensors));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Epoch, TrainLoss, LearningRate, Steps, Tensors?.Count ?? -1);
}

/// <summary>The result of evaluating a network on a dataset in inference mode.</summary>
/// <param name="Loss">The mean loss over every sample.</param>
/// <param name="Accuracy">The fraction of samples whose largest output is their label; <see langword="null"/> for data without class labels.</param>
/// <param name="Count">The number of samples evaluated.</param>
/// <param name="TopKAccuracy">The fraction of samples whose label is among the k largest outputs, when k was asked for.</param>
public readonly record struct Evaluation(double Loss, double? Accuracy, int Count, double? TopKAccuracy = null)
{
    /// <summary>
    /// Per class: of the samples predicted as the class (largest output), the fraction that are of it;
    /// NaN for a class nothing was predicted as. <see langword="null"/> for losses without labels.
    /// </summary>
    public IReadOnlyList<double>? Precision { get; init; }

    /// <summary>
    /// Per class: of the samples of the class, the fraction predicted as it; NaN for a class with no
    /// samples. <see langword="null"/> for losses without labels.
    /// </summary>
    public IReadOnlyList<double>? Recall { get; init; }

    /// <summary>
    /// For label sequences: the fraction of samples whose decoded sequence is exactly their target;
    /// <see langword="null"/> for other data.
    /// </summary>
    public double? SequenceAccuracy { get; init; }

    /// <summary>
    /// For label sequences: the item (character) error rate, the edit distances between the decoded sequences
    /// and the targets summed over the samples and divided by the targets' total length (NaN when every target
    /// is empty); <see langword="null"/> for other data. It can pass 1 when the decodings are longer than the targets.
    /// </summary>
    public double? ItemErrorRate { get; init; }

    /// <summary>Equal when every figure is, the per-class ones value by value (NaN equal to NaN).</summary>
    public bool Equals(Evaluation other) =>
        Loss.Equals(other.Loss) && Accuracy.Equals(other.Accuracy) && Count == other.Count && TopKAccuracy.Equals(other.TopKAccuracy)
        && SequenceAccuracy.Equals(other.SequenceAccuracy) && ItemErrorRate.Equals(other.ItemErrorRate)
        && SameValues(Precision, other.Precision) && SameValues(Recall, other.Recall);

    /// <inheritdoc/>
    public override int GetHashCode() => System.HashCode.Combine(Loss, Accuracy, Count, TopKAccuracy, Precision?.Count ?? -1);

    private static bool SameValues(IReadOnlyList<double>? a, IReadOnlyList<double>? b) =>
        a is null || b is null ? a is null && b is null : System.Linq.Enumerable.SequenceEqual(a, b);
}

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>Early stopping ended training: the monitored metric stopped improving.</summary>
    EarlyStopping,

    /// <summary>A callback asked training to stop.</summary>
    Callback,

    /// <summary>The loss or the gradient stopped being finite, and the trainer was set to stop rather than throw.</summary>
    NotFinite,

    /// <summary>The cancellation token was cancelled; the current epoch was not finished.</summary>
    Cancelled,
}

/// <summary>The per-epoch metrics of a training run, in order, and how it ended.</summary>
public sealed class History
{
    private readonly List<EpochMetrics> _epochs = new();

    /// <summary>One entry per completed epoch.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>The last completed epoch's metrics.</summary>
    public EpochMetrics Last => _epochs.Count > 0 ? _epochs[^1] : throw new InvalidOperationException("No epoch has completed yet.");

    /// <summary>Why training ended.</summary>
    public StopReason StopReason { get; internal set; }

    /// <summary>What ended training, in words: which metric stopped improving, which step diverged.</summary>
    public string StopMessage { get; internal set; } = "";

    /// <summary>The epoch whose weights the network ended with, when early stopping restored the best ones; otherwise <see langword="null"/>.</summary>
    public int? RestoredEpoch { get; internal set; }

    /// <summary>The evaluation of the trainer's <see cref="Trainer{TNetwork}.Test"/> set after training, if it has one.</summary>
    public Evaluation? Test { get; internal set; }

    /// <summary>The name of the loss, for files and charts.</summary>
    public string LossName { get; internal set; } = "loss";

    /// <summary>The k of the top-k accuracies; 0 when not measured.</summary>
    public int TopK { get; internal set; }

    internal void Add(EpochMetrics metrics) => _epochs.Add(metrics);

    internal void Clear() => _epochs.Clear();
}
