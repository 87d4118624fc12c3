using System.Collections.Generic;
using System;

namespace StaticNet;

/// <summary>
/// Hooks into the training loop, as Keras's callbacks: at the start and end of training, of each epoch
/// and after each batch. Every method has an empty default, so a callback implements only what it needs.
/// <see cref="BatchCompleted"/> runs after every optimizer step: it should not allocate, so that a
/// training step stays allocation-free.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Before the first epoch (of this run, when resuming).</summary>
    void TrainingStarted(TrainingContext context)
    {
    }

    /// <summary>Before the first batch of an epoch; <see cref="TrainingContext.Epoch"/> is the epoch.</summary>
    void EpochStarted(TrainingContext context)
    {
    }

    /// <summary>After each optimizer step, with what the step measured.</summary>
    void BatchCompleted(TrainingContext context, in BatchMetrics batch)
    {
    }

    /// <summary>After each epoch, its validation, early stopping and best-checkpoint decisions.</summary>
    void EpochCompleted(TrainingContext context, EpochMetrics metrics)
    {
    }

    /// <summary>After training, with the history (its <see cref="History.StopReason"/> says why it ended).</summary>
    void TrainingCompleted(TrainingContext context, History history)
    {
    }

    /// <summary>When training ends with an exception (a diverged loss, a failed save, an exception from a callback), before it propagates.</summary>
    void TrainingFailed(TrainingContext context, Exception exception)
    {
    }
}

/// <summary>What a callback sees of the training run, and how it stops it.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(INetwork network, IOptimizer optimizer, History history)
    {
        Network = network;
        Optimizer = optimizer;
        History = history;
    }

    /// <summary>The network being trained.</summary>
    public INetwork Network { get; }

    /// <summary>
    /// Each parameter tensor's statistics at the last step, when the trainer's
    /// <see cref="Trainer{TNetwork}.MonitorTensors"/> is on; <see langword="null"/> otherwise. The same list
    /// is updated in place at every step.
    /// </summary>
    public IReadOnlyList<TensorStatistics>? TensorStatistics { get; internal set; }

    /// <summary>The optimizer training the current epoch (another from a <see cref="Trainer{TNetwork}.SwitchOptimizer"/>'s epoch on).</summary>
    public IOptimizer Optimizer { get; internal set; }

    /// <summary>The metrics of the epochs completed so far.</summary>
    public History History { get; }

    /// <summary>The current epoch, from 1.</summary>
    public int Epoch { get; internal set; }

    /// <summary>The number of epochs the run is set to.</summary>
    public int Epochs { get; internal set; }

    /// <summary>Batches (optimizer steps) per epoch.</summary>
    public int BatchesPerEpoch { get; internal set; }

    /// <summary>Training samples per epoch.</summary>
    public int SamplesPerEpoch { get; internal set; }

    /// <summary>Samples in the validation set; 0 without one.</summary>
    public int ValidationSamples { get; internal set; }

    /// <summary>The first epoch this run trains: 1, or the one after the checkpoint it resumed from.</summary>
    public int FirstEpoch { get; internal set; }

    /// <summary>Optimizer steps taken since the run began (including those before a resume).</summary>
    public long Step { get; internal set; }

    /// <summary>Whether a stop was requested; training ends after the current batch's callbacks (or epoch, from <see cref="ITrainingCallback.EpochCompleted"/>).</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Why the stop was requested.</summary>
    public string StopMessage { get; private set; } = "";

    internal StopReason RequestedReason { get; private set; }

    /// <summary>Asks training to stop, as Keras's <c>model.stop_training = True</c>; <paramref name="reason"/> goes into <see cref="History.StopMessage"/>.</summary>
    public void RequestStop(string reason) => RequestStop(StopReason.Callback, reason);

    internal void RequestStop(StopReason kind, string reason)
    {
        if (!StopRequested)
        {
            StopRequested = true;
            RequestedReason = kind;
            StopMessage = reason ?? "";
        }
    }
}

/// <summary>What one optimizer step measured, and how far the epoch has come; for progress bars and custom callbacks.</summary>
public readonly struct BatchMetrics
{
    internal BatchMetrics(int epoch, int batch, int batchesPerEpoch, long step, int batchSize, float loss, double gradientNorm, double learningRate, double epochLoss, double epochAccuracy, int epochSamples, TimeSpan elapsed, double epochSequenceAccuracy = double.NaN, double epochItemErrorRate = double.NaN)
    {
        EpochSequenceAccuracy = epochSequenceAccuracy;
        EpochItemErrorRate = epochItemErrorRate;
        Epoch = epoch;
        Batch = batch;
        BatchesPerEpoch = batchesPerEpoch;
        Step = step;
        BatchSize = batchSize;
        Loss = loss;
        GradientNorm = gradientNorm;
        LearningRate = learningRate;
        EpochLoss = epochLoss;
        EpochAccuracy = epochAccuracy;
        EpochSamples = epochSamples;
        Elapsed = elapsed;
    }

    /// <summary>The epoch, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch, from 1.</summary>
    public int Batch { get; }

    /// <summary>Batches in the epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Optimizer steps taken, this one included.</summary>
    public long Step { get; }

    /// <summary>Samples in this batch.</summary>
    public int BatchSize { get; }

    /// <summary>This batch's loss, reduced as the loss's <see cref="ILoss.Reduction"/> says (its mean by default).</summary>
    public float Loss { get; }

    /// <summary>The global L2 norm of this step's gradients, before clipping.</summary>
    public double GradientNorm { get; }

    /// <summary>The learning rate of this step.</summary>
    public double LearningRate { get; }

    /// <summary>The loss of the epoch so far, as <see cref="EpochMetrics.TrainLoss"/>: the mean per sample (with <see cref="LossReduction.Sum"/>, the sum per sample).</summary>
    public double EpochLoss { get; }

    /// <summary>The accuracy of the epoch so far; NaN for losses without class labels.</summary>
    public double EpochAccuracy { get; }

    /// <summary>The exact-match sequence accuracy of the epoch so far, for label sequences; otherwise NaN.</summary>
    public double EpochSequenceAccuracy { get; }

    /// <summary>The item error rate of the epoch so far, for label sequences; otherwise NaN.</summary>
    public double EpochItemErrorRate { get; }

    /// <summary>Samples trained on in the epoch so far.</summary>
    public int EpochSamples { get; }

    /// <summary>Time since the epoch started.</summary>
    public TimeSpan Elapsed { get; }
}

/// <summary>What the trainer does when the loss or the gradient stops being finite.</summary>
public enum NonFiniteAction
{
    /// <summary>Throw a <see cref="TrainingDivergedException"/> (the default).</summary>
    Throw,

    /// <summary>End training and return the history, with <see cref="StopReason.NotFinite"/>.</summary>
    Stop,
}

/// <summary>
/// Training stopped because the loss or the gradient norm stopped being finite. The bad step was not
/// applied: the network keeps the parameters of the last step whose loss and gradient were finite.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    internal TrainingDivergedException(string message, int epoch, int batch, long step, History history)
        : base(message)
    {
        Epoch = epoch;
        Batch = batch;
        Step = step;
        History = history;
    }

    /// <summary>The epoch of the bad step, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch of the bad step within its epoch, from 1.</summary>
    public int Batch { get; }

    /// <summary>The bad step, counted over the whole run from 1.</summary>
    public long Step { get; }

    /// <summary>The metrics of the epochs completed before it.</summary>
    public History History { get; }
}
