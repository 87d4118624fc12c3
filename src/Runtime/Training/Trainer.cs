using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace StaticNet;

/// <summary>
/// Trains a generated network: epochs of mini-batches drawn in a new random order each epoch, one
/// optimizer step per batch, validation after each epoch, and everything a Keras or PyTorch user expects
/// around it: learning-rate schedules, gradient clipping, weight penalties, class weights, image
/// augmentation, early stopping, checkpoints that resume the exact run, callbacks and a
/// <see cref="History"/> of per-epoch metrics. Every random choice (validation split, shuffling,
/// augmentation) is drawn from <see cref="Seed"/> and the epoch and batch it is for, so a seed
/// reproduces a run bit for bit. A training step allocates nothing: every buffer is allocated before
/// the first epoch.
/// </summary>
/// <typeparam name="TNetwork">The generated network class.</typeparam>
/// <example>
/// <code>
/// var history = new Trainer&lt;LeNet5&gt;(net, new Adam(1e-3), Losses.SoftmaxCrossEntropy)
///     { BatchSize = 64, Epochs = 10, ValidationSplit = 0.1, EarlyStopping = new EarlyStopping(patience: 3) }
///     .Fit(train);
/// </code>
/// </example>
public sealed partial class Trainer<TNetwork>
    where TNetwork : INetwork
{
    // Stream purposes, mixed with the seed, epoch and batch into each random stream.
    private const ulong ShuffleStream = 0x5348_5546_464C_4531, AugmentationStream = 0x4155_474D_454E_5431;

    private float[] _outputs = Array.Empty<float>();
    private float[] _outputGradient = Array.Empty<float>();
    private float[] _evaluationOutputs = Array.Empty<float>();
    private readonly RandomStream _random = new(0);
    private ParameterRange[] _ranges = Array.Empty<ParameterRange>();
    private readonly GradientNorm _gradientNorm = new();
    private ParameterRange[] _penaltyRanges = Array.Empty<ParameterRange>();
    private (object? Source, WeightPenalty? Penalty) _preparedFor;
    private readonly IOptimizer _firstOptimizer;

    /// <summary>Creates a trainer for <paramref name="network"/>.</summary>
    public Trainer(TNetwork network, IOptimizer optimizer, ILoss loss)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Optimizer = _firstOptimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        if (loss.Reduction == LossReduction.None)
        {
            throw new ArgumentException($"The {loss.Name} loss has reduction None, one loss per unit, but training needs one number per batch: create it with reduction Mean (PyTorch's default) or Sum.", nameof(loss));
        }

        CheckLossFitsOutput(network, loss);
    }

    // A loss on logits applies its own softmax (or sigmoid); after a last layer that already applied it,
    // training runs without a word but minimises the wrong function and ends at a poor loss.
    /// <summary>
    /// Whether the network's output is the sequence the CTC loss reads: Steps x Classes values, and for the
    /// class-major layout a convolution's [Classes, 1, Steps] (its width the time axis).
    /// </summary>
    private static string? CtcProblem(TNetwork network, CtcLoss ctc)
    {
        if (network.OutputLength != ctc.Steps * ctc.Classes)
        {
            return $"Network {network.Name} gives {network.OutputLength} outputs per sample, but the CTC loss reads {ctc.Steps} steps of {ctc.Classes} classes, {ctc.Steps * ctc.Classes}.";
        }

        IReadOnlyList<int> shape = network.LayerTable[network.LayerTable.Count - 1].OutputShape;
        bool sequence = shape.Count == 3 && shape[0] == ctc.Classes && shape[1] == 1 && shape[2] == ctc.Steps;
        return ctc.Layout == CtcLayout.ClassMajor && shape.Count == 3 && !sequence
            ? $"Network {network.Name} ends in outputs of shape [{string.Join(", ", shape)}], but the class-major CTC loss reads [{ctc.Classes}, 1, {ctc.Steps}]: classes as channels, one row, the steps along the width."
            : null;
    }

    private static void CheckLossFitsOutput(TNetwork network, ILoss loss)
    {
        ILoss applied = loss is ClassWeightedLoss weighted ? weighted.Inner : loss;
        string? problem = (network.OutputActivation, applied) switch
        {
            (OutputActivation.Softmax, SoftmaxCrossEntropyLoss) =>
                $"Network {network.Name} ends in [Softmax], but {applied.Name} takes logits and applies softmax itself, so softmax would be applied twice. Drop the [Softmax] layer (Predict then gives logits; their argmax is the same class), or end the network in [LogSoftmax] and train with Losses.NegativeLogLikelihood.",
            (OutputActivation.LogSoftmax, SoftmaxCrossEntropyLoss) =>
                $"Network {network.Name} ends in [LogSoftmax], but {applied.Name} takes logits and applies softmax itself. Drop the [LogSoftmax] layer, or keep it and train with Losses.NegativeLogLikelihood, which takes log-probabilities.",
            (OutputActivation.Sigmoid, BinaryCrossEntropyWithLogitsLoss) =>
                $"Network {network.Name} ends in [Sigmoid], but {applied.Name} takes logits and applies the sigmoid itself, so it would be applied twice. Drop the [Sigmoid] layer (apply it to Predict's outputs when you need probabilities).",
            (_, CtcLoss ctc) => CtcProblem(network, ctc),
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(loss));
        }
    }

    /// <summary>The network being trained.</summary>
    public TNetwork Network { get; }

    /// <summary>
    /// The optimizer that applies each batch's gradients: the one the trainer was created with, and from
    /// <see cref="SwitchOptimizer"/>'s epoch on, that one's.
    /// </summary>
    public IOptimizer Optimizer { get; private set; }

    /// <summary>
    /// Hands training over to another optimizer from the start of an epoch, as in "start with Adam, then
    /// fine-tune with SGD and momentum"; <see langword="null"/> (the default): one optimizer throughout.
    /// The new optimizer starts with empty state (as a new PyTorch optimizer does), the epochs and the
    /// history go on, a schedule goes on from where it was, scaled to the new optimizer's learning rate,
    /// and a checkpoint on either side of the switch resumes exactly.
    /// </summary>
    public OptimizerSwitch? SwitchOptimizer { get; set; }

    /// <summary>The loss minimised.</summary>
    public ILoss Loss { get; }

    /// <summary>Samples per training batch, at most the network's <see cref="INetwork.BatchCapacity"/>. Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>The last epoch to run (counting from the start of the run, also when resuming). Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Whether to drop the last batch of an epoch when it is smaller than <see cref="BatchSize"/> (PyTorch's <c>drop_last</c>). Default <see langword="false"/>.</summary>
    public bool DropLast { get; set; }

    /// <summary>Whether each epoch visits the samples in a new random order. Default <see langword="true"/>.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Seeds the validation split, the order of samples in every epoch and augmentation.</summary>
    public int Seed { get; set; }

    /// <summary>A validation set, evaluated after every epoch. Set this or <see cref="ValidationSplit"/>, not both.</summary>
    public Dataset? Validation { get; set; }

    /// <summary>
    /// A fraction of the training set held out for validation (Keras's <c>validation_split</c>, but drawn at
    /// random from <see cref="Seed"/> rather than taken from the end). 0, the default, holds out nothing.
    /// </summary>
    public double ValidationSplit { get; set; }

    /// <summary>Whether <see cref="ValidationSplit"/> keeps every class's proportion (stratified). Default <see langword="true"/>.</summary>
    public bool StratifiedSplit { get; set; } = true;

    /// <summary>A test set, evaluated once after training (after early stopping restored the best weights) into <see cref="History.Test"/>.</summary>
    public Dataset? Test { get; set; }

    /// <summary>The k of the top-k accuracies in the history; 0, the default, measures none.</summary>
    public int TopK { get; set; }

    /// <summary>One weight per class for imbalanced data (see <see cref="ClassWeightedLoss"/>), or <see langword="null"/>.</summary>
    public float[]? ClassWeights { get; set; }

    /// <summary>The learning-rate schedule, or <see langword="null"/> to keep the optimizer's rate.</summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>Clip the gradients' global L2 norm to this before each step (<c>clip_grad_norm_</c>), or <see langword="null"/>.</summary>
    public double? ClipGradientNorm { get; set; }

    /// <summary>Clamp every gradient to ± this before each step (<c>clip_grad_value_</c>), or <see langword="null"/>.</summary>
    public double? ClipGradientValue { get; set; }

    /// <summary>L1/L2 penalties on the weights, or <see langword="null"/>.</summary>
    public WeightPenalty? Penalty { get; set; }

    /// <summary>Random transformations of each training batch, or <see langword="null"/>.</summary>
    public ImageAugmentation? Augmentation { get; set; }

    /// <summary>Early stopping, or <see langword="null"/> to run every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; set; }

    /// <summary>Where to save checkpoints after every epoch, or <see langword="null"/> for none.</summary>
    public CheckpointSettings? Checkpoints { get; set; }

    /// <summary>What to do when the loss or the gradient stops being finite. Default: throw.</summary>
    public NonFiniteAction OnNonFinite { get; set; } = NonFiniteAction.Throw;

    /// <summary>
    /// The ranges of the parameter buffer the optimizer updates, or <see langword="null"/> (the default)
    /// for the network's <see cref="INetwork.TrainableRanges"/>: every layer but those frozen in their
    /// declaration or with <c>Freeze(name)</c>. Parameters outside keep their values and optimizer state
    /// (see <see cref="ParameterRange.ForTensors"/>).
    /// </summary>
    public ParameterRange[]? TrainableRanges { get; set; }

    /// <summary>Callbacks at the start and end of training, of each epoch, and after each batch, in order.</summary>
    public IList<ITrainingCallback> Callbacks { get; } = new List<ITrainingCallback>();

    /// <summary>Called after each epoch with its metrics, after the <see cref="Callbacks"/>.</summary>
    public Action<EpochMetrics>? EpochCompleted { get; set; }

    /// <summary>The outputs of the last training step, sample after sample.</summary>
    public ReadOnlySpan<float> LastOutputs => _outputs;

    /// <summary>
    /// Trains from the network's current parameters for <see cref="Epochs"/> epochs on <paramref name="train"/>
    /// and returns the per-epoch metrics. Cancelling <paramref name="cancellationToken"/> stops after the
    /// current step (<see cref="StopReason.Cancelled"/>); resume from the last checkpoint to continue.
    /// </summary>
    public History Fit(Dataset train, CancellationToken cancellationToken = default) => Run(train, null, cancellationToken);

    /// <summary>
    /// Continues the run that wrote <paramref name="checkpointPath"/> (a <c>resume.safetensors</c> saved by
    /// <see cref="Checkpoints"/>): restores the weights, the optimizer, schedule and early-stopping state,
    /// the history and the epoch, then trains up to <see cref="Epochs"/>. With the same data and settings
    /// the result is bit-identical to the run that was not interrupted. A checkpoint from another network,
    /// optimizer or batch size, or a truncated or corrupt file, throws naming the file and what differs,
    /// before anything is changed.
    /// </summary>
    public History Resume(string checkpointPath, Dataset train, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpointPath);
        return Run(train, checkpointPath, cancellationToken);
    }

    /// <summary>
    /// One optimizer step on one batch, over all <see cref="TrainableRanges"/>: forward, loss, zeroed
    /// gradients, backward, penalties, clipping, update. Returns the batch's mean loss. A loss or gradient
    /// that is not finite throws <see cref="ArithmeticException"/> before the update, so the parameters stay
    /// as they were. The outputs stay readable in <see cref="LastOutputs"/>.
    /// </summary>
    public float TrainStep(ReadOnlySpan<float> input, BatchTargets targets, int batchSize)
    {
        if (DataParallel is not null)
        {
            throw new InvalidOperationException("TrainStep runs one process's batch; with DataParallel set, train with Fit, which shards each global batch across the ranks.");
        }

        EnsureOutputBuffers(batchSize * Network.OutputLength);
        PrepareRanges();
        PrepareMonitoring();
        StepOutcome outcome = RunStep(input, targets, batchSize, batchSize, Loss, out float loss, out double norm);
        return outcome == StepOutcome.Stepped
            ? loss
            : throw new ArithmeticException(outcome == StepOutcome.NonFiniteLoss
                ? $"The loss is {loss}; the step was not applied."
                : $"The gradient norm is {norm}; the step was not applied.");
    }

    private History Run(Dataset train, string? resumePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckSettings();
        (Dataset trainSet, Dataset? validation) = ResolveValidation(train);
        CheckCompatible(trainSet, nameof(train));
        if (validation is not null)
        {
            CheckCompatible(validation, nameof(Validation));
        }

        if (Test is not null)
        {
            CheckCompatible(Test, nameof(Test));
        }

        ILoss loss = ClassWeights is null ? Loss : new ClassWeightedLoss(Loss, ClassWeights, Loss.Reduction);
        _ranges = Array.Empty<ParameterRange>();
        PrepareRanges();
        int batchSize = BatchSize;
        int batchesPerEpoch = DropLast ? trainSet.Count / batchSize : (trainSet.Count + batchSize - 1) / batchSize;
        if (batchesPerEpoch == 0)
        {
            throw new ArgumentException($"{trainSet.Source}: {trainSet.Count} samples make no batch of {batchSize} with DropLast; lower BatchSize or turn DropLast off.", nameof(train));
        }

        int samplesPerEpoch = DropLast ? batchesPerEpoch * batchSize : trainSet.Count;
        CheckSchedule(validation is not null, batchesPerEpoch);
        MonitoredMetric? bestMonitor = BestMonitor(validation is not null);
        EarlyStopping?.Monitor.ReadRequired(Probe(validation is not null), nameof(EarlyStopping));
        Augmentation?.Prepare(trainSet.SampleShape, trainSet.Source);

        EnsureOutputBuffers(batchSize * Network.OutputLength);

        // In a data-parallel job, callbacks (progress, history files, charts) run on rank 0 only.
        ITrainingCallback[] callbacks = new ITrainingCallback[IsWriter ? Callbacks.Count : 0];
        if (IsWriter)
        {
            Callbacks.CopyTo(callbacks, 0);
        }

        var history = new History { LossName = Loss.Name, TopK = TopK };
        var context = new TrainingContext(Network, Optimizer, history)
        {
            Epochs = Epochs, BatchesPerEpoch = batchesPerEpoch, SamplesPerEpoch = samplesPerEpoch, ValidationSamples = validation?.Count ?? 0,
        };
        RunState state = resumePath is null
            ? StartFresh()
            : RestoreCheckpoint(resumePath, trainSet, validation, history);
        StartDataParallel();
        PrepareMonitoring();
        context.TensorStatistics = LastTensorStatistics;
        context.Step = state.Step;
        context.FirstEpoch = state.Epoch + 1;
        foreach (ITrainingCallback callback in callbacks)
        {
            callback.TrainingStarted(context);
        }

        try
        {
            RunEpochs(trainSet, validation, loss, state, callbacks, context, history, bestMonitor, cancellationToken);
        }
        catch (Exception exception)
        {
            foreach (ITrainingCallback callback in callbacks)
            {
                callback.TrainingFailed(context, exception);
            }

            throw;
        }

        foreach (ITrainingCallback callback in callbacks)
        {
            callback.TrainingCompleted(context, history);
        }

        return history;
    }

    private void RunEpochs(Dataset trainSet, Dataset? validation, ILoss loss, RunState state, ITrainingCallback[] callbacks, TrainingContext context, History history, MonitoredMetric? bestMonitor, CancellationToken cancellationToken)
    {
        int batchSize = BatchSize, batchesPerEpoch = context.BatchesPerEpoch;
        int inputLength = Network.InputLength, outputLength = Network.OutputLength;
        var order = new int[trainSet.Count];
        var batchInput = new float[batchSize * inputLength];
        var batchLabels = new int[batchSize];
        var batchTargets = new float[batchSize * Math.Max(trainSet.TargetLength, 1)];
        bool finished = state.Finished;

        bool labels = trainSet.Labels is not null;

        // Label sequences: each batch's padded to the longest in the dataset, as the loss's classes.
        CtcLoss? ctc = trainSet.HasSequences ? (CtcLoss)Loss : null;
        int padded = trainSet.MaxSequenceLength;
        var batchSequences = new int[ctc is null ? 0 : batchSize * padded];
        var batchSequenceLengths = new int[ctc is null ? 0 : batchSize];
        for (int epoch = state.Epoch + 1; epoch <= Epochs && !finished; epoch++)
        {
            context.Epoch = epoch;
            if (OptimizerFor(epoch) is { } next && next != Optimizer)
            {
                // The hand-over: the schedule's base rate becomes the new optimizer's own.
                Optimizer = next;
                context.Optimizer = next;
                state = state with { InitialLearningRate = next.LearningRate };
            }

            if (Schedule?.Interval == ScheduleInterval.Epoch)
            {
                ApplySchedule(epoch - 1, state.InitialLearningRate);
            }

            FillOrder(order, epoch);
            Array.Clear(_epochSums);
            foreach (ITrainingCallback callback in callbacks)
            {
                callback.EpochStarted(context);
            }

            long started = Stopwatch.GetTimestamp();
            double lossSum = 0, normSum = 0;
            long correct = 0, topKCorrect = 0;
            var read = default(SequenceTally);
            int samples = 0, steps = 0;
            for (int batch = 0; batch < batchesPerEpoch; batch++)
            {
                int start = batch * batchSize, count = Math.Min(batchSize, trainSet.Count - start);
                if (Schedule?.Interval == ScheduleInterval.Step)
                {
                    ApplySchedule(context.Step, state.InitialLearningRate);
                }

                // This process's samples of the batch: all of them, or its rank's shard in a data-parallel job.
                (int shardStart, int shardCount) = DataParallel?.Shard(start, count) ?? (start, count);
                Gather(trainSet, order.AsSpan(shardStart, shardCount), batchInput, batchLabels, batchTargets);
                if (ctc is not null)
                {
                    GatherSequences(trainSet, order.AsSpan(shardStart, shardCount), ctc, batchSequences, padded, batchSequenceLengths);
                }

                if (Augmentation is not null)
                {
                    _random.Reseed(Seed, RandomStream.StreamKey(AugmentationStream, (ulong)epoch, (ulong)batch));
                    Augmentation.Apply(batchInput, shardCount, _random);
                }

                BatchTargets targets = labels ? new BatchTargets(batchLabels.AsSpan(0, shardCount))
                    : ctc is not null ? new BatchTargets(batchSequences.AsSpan(0, shardCount * padded), padded, batchSequenceLengths.AsSpan(0, shardCount))
                    : new BatchTargets(batchTargets.AsSpan(0, shardCount * trainSet.TargetLength));
                StepOutcome outcome = RunStep(batchInput.AsSpan(0, shardCount * inputLength), targets, shardCount, count, loss, out float batchLoss, out double norm);
                if (outcome != StepOutcome.Stepped)
                {
                    string message = NonFiniteMessage(outcome, batchLoss, norm, epoch, batch + 1, context.Step + 1);
                    if (OnNonFinite == NonFiniteAction.Throw)
                    {
                        throw new TrainingDivergedException(message, epoch, batch + 1, context.Step + 1, history);
                    }

                    history.StopReason = StopReason.NotFinite;
                    history.StopMessage = message;
                    finished = true;
                    break;
                }

                context.Step++;
                if (DataParallel is not null)
                {
                    FinishDataParallelStep(context.Step);
                }

                steps++;
                samples += count;
                lossSum += SampleTotal(loss.Reduction, batchLoss, count);
                normSum += norm;
                if (labels)
                {
                    ReadOnlySpan<float> outputs = _outputs.AsSpan(0, shardCount * outputLength);
                    (long batchCorrect, long batchTopK) = GlobalCounts(
                        CountCorrect(outputs, batchLabels.AsSpan(0, shardCount), outputLength),
                        TopK > 0 ? CountTopK(outputs, batchLabels.AsSpan(0, shardCount), outputLength, TopK) : 0);
                    correct += batchCorrect;
                    topKCorrect += batchTopK;
                }
                else if (ctc is not null)
                {
                    var batchRead = default(SequenceTally);
                    CountSequences(_outputs.AsSpan(0, shardCount * outputLength), targets, shardCount, ctc, null, ref batchRead);
                    GlobalSequenceTally(ref batchRead);
                    read.Exact += batchRead.Exact;
                    read.Edits += batchRead.Edits;
                    read.Items += batchRead.Items;
                }

                if (callbacks.Length > 0)
                {
                    var metrics = new BatchMetrics(
                        epoch, batch + 1, batchesPerEpoch, context.Step, count, batchLoss, norm, Optimizer.LearningRate, lossSum / samples, labels ? (double)correct / samples : double.NaN, samples, Stopwatch.GetElapsedTime(started),
                        ctc is not null ? read.Accuracy(samples) : double.NaN, ctc is not null ? read.ErrorRate : double.NaN);
                    foreach (ITrainingCallback callback in callbacks)
                    {
                        callback.BatchCompleted(context, in metrics);
                    }
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    context.RequestStop(StopReason.Cancelled, $"Cancelled at epoch {epoch}, batch {batch + 1}; the epoch was not finished.");
                }

                AgreeOnStop(context);
                if (context.StopRequested)
                {
                    break;
                }
            }

            if (finished || (context.StopRequested && steps < batchesPerEpoch))
            {
                // The epoch did not finish: it gets no metrics and no checkpoint, so a resume replays it whole.
                break;
            }

            TimeSpan duration = Stopwatch.GetElapsedTime(started);
            Evaluation? evaluation = validation is null ? null : Evaluate(validation);
            var epochMetrics = new EpochMetrics
            {
                Epoch = epoch,
                TrainLoss = lossSum / samples,
                TrainAccuracy = labels ? (double)correct / samples : null,
                TrainTopKAccuracy = labels && TopK > 0 ? (double)topKCorrect / samples : null,
                ValidationLoss = evaluation?.Loss,
                ValidationAccuracy = evaluation?.Accuracy,
                ValidationTopKAccuracy = evaluation?.TopKAccuracy,
                TrainSequenceAccuracy = ctc is not null ? read.Accuracy(samples) : null,
                TrainItemErrorRate = ctc is not null ? read.ErrorRate : null,
                ValidationSequenceAccuracy = evaluation?.SequenceAccuracy,
                ValidationItemErrorRate = evaluation?.ItemErrorRate,
                LearningRate = Optimizer.LearningRate,
                GradientNorm = normSum / steps,
                Steps = steps,
                Duration = duration,
                SamplesPerSecond = samples / Math.Max(duration.TotalSeconds, 1e-9),
                Tensors = EpochTensorStatistics(steps),
            };
            history.Add(epochMetrics);
            Schedule?.EpochCompleted(epochMetrics, Schedule.Interval == ScheduleInterval.Epoch ? epoch : context.Step);
            if (EarlyStopping is not null && EarlyStopping.Update(epochMetrics, Network))
            {
                history.StopReason = StopReason.EarlyStopping;
                history.StopMessage = $"Early stopping after epoch {epoch}: {EarlyStopping.Describe()}.";
                finished = true;
            }

            SaveBest(epochMetrics, bestMonitor, ref state);
            foreach (ITrainingCallback callback in callbacks)
            {
                callback.EpochCompleted(context, epochMetrics);
            }

            EpochCompleted?.Invoke(epochMetrics);
            state = state with { Epoch = epoch, Step = context.Step, Finished = finished };
            SaveLast(state, trainSet, validation, history);
            AgreeOnStop(context);
            if (context.StopRequested)
            {
                break;
            }
        }

        if (context.StopRequested && history.StopReason == StopReason.Completed)
        {
            history.StopReason = context.RequestedReason;
            history.StopMessage = context.StopMessage;
        }

        if (EarlyStopping?.Restore(Network, history.Epochs.Count > 0 ? history.Last.Epoch : 0) is int restored)
        {
            history.RestoredEpoch = restored;
        }

        if (Test is not null && history.StopReason is not (StopReason.Cancelled or StopReason.NotFinite))
        {
            history.Test = Evaluate(Test);
        }
    }

    /// <summary>
    /// What a batch's loss adds to the sum over samples that, divided by their number, is the epoch's loss: a mean
    /// times the batch's samples; a summed loss as it is, so that the epoch's loss is the sum per sample, as
    /// PyTorch's examples report a summed loss.
    /// </summary>
    private static double SampleTotal(LossReduction reduction, float batchLoss, int count) =>
        reduction == LossReduction.Sum ? batchLoss : (double)batchLoss * count;

    /// <summary>
    /// One step on this process's <paramref name="count"/> samples of a batch of <paramref name="globalCount"/>
    /// (the same, but in a data-parallel job, where a rank's shard may even be empty).
    /// </summary>
    private StepOutcome RunStep(ReadOnlySpan<float> input, BatchTargets targets, int count, int globalCount, ILoss loss, out float lossValue, out double norm)
    {
        int length = count * Network.OutputLength;
        Span<float> outputs = _outputs.AsSpan(0, length);
        Span<float> outputGradient = _outputGradient.AsSpan(0, length);
        lossValue = 0;
        if (count > 0)
        {
            Network.Forward(input, outputs, count);
            lossValue = loss.Compute(outputs, targets, outputGradient, count);
        }

        if (DataParallel is not null)
        {
            // Every rank decides on the global batch's loss, so that all take the step or none does.
            lossValue = GlobalLoss(loss.Reduction, lossValue, count, globalCount);
        }

        // Checked before the update: a step computed from a non-finite loss is never applied.
        if (!float.IsFinite(lossValue))
        {
            norm = double.NaN;
            return StepOutcome.NonFiniteLoss;
        }

        Network.ZeroGradients();
        if (count > 0)
        {
            Network.Backward(outputGradient, Span<float>.Empty, count);
        }

        if (DataParallel is not null)
        {
            AverageGradients(loss.Reduction, count, globalCount);
        }

        Span<float> gradients = Network.Gradients;
        Penalty?.AddGradient(Network.Parameters, gradients, _penaltyRanges);
        norm = _gradientNorm.Compute(gradients, _ranges, Network.Threads);
        if (!double.IsFinite(norm))
        {
            return StepOutcome.NonFiniteGradient;
        }

        if (_monitoring)
        {
            MeasureBeforeUpdate(gradients);
        }

        if (ClipGradientNorm is double maxNorm)
        {
            GradientClipping.ScaleToNorm(gradients, _ranges, norm, maxNorm);
        }

        if (ClipGradientValue is double clip)
        {
            GradientClipping.ClipByValue(gradients, _ranges, clip);
        }

        Optimizer.Threads = Network.Threads;
        Optimizer.Step(Network.Parameters, gradients, _ranges);
        if (_monitoring)
        {
            MeasureAfterUpdate();
        }

        return StepOutcome.Stepped;
    }

    private void ApplySchedule(long position, double initialLearningRate)
    {
        Optimizer.LearningRate = Schedule!.LearningRate(position, initialLearningRate);
        if (Schedule.Momentum(position) is double momentum && Optimizer is IMomentumOptimizer withMomentum)
        {
            withMomentum.Momentum = momentum;
        }
    }

    private void FillOrder(int[] order, int epoch)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (Shuffle)
        {
            _random.Reseed(Seed, RandomStream.StreamKey(ShuffleStream, (ulong)epoch));
            _random.Shuffle(order.AsSpan());
        }
    }

    private RunState StartFresh()
    {
        Schedule?.Reset();
        EarlyStopping?.Reset();
        Optimizer = _firstOptimizer;
        return new RunState(0, 0, Optimizer.LearningRate, double.NaN, false);
    }

    /// <summary>The optimizer that trains epoch <paramref name="epoch"/>.</summary>
    private IOptimizer OptimizerFor(int epoch) => SwitchOptimizer is { } handOver && epoch >= handOver.Epoch ? handOver.Optimizer : _firstOptimizer;

    // Recomputed only when TrainableRanges or Penalty changed, so that TrainStep allocates nothing.
    private void PrepareRanges()
    {
        // Without ranges of its own, the trainer updates what the network lets train: every layer but
        // those frozen in their declaration or with Freeze(name). Freezing replaces the network's list,
        // so a new reference means new ranges.
        object source = (object?)TrainableRanges ?? Network.TrainableRanges;
        if (_ranges.Length > 0 && ReferenceEquals(_preparedFor.Source, source) && ReferenceEquals(_preparedFor.Penalty, Penalty))
        {
            return;
        }

        if (TrainableRanges is null)
        {
            _ranges = new ParameterRange[Network.TrainableRanges.Count];
            for (int i = 0; i < _ranges.Length; i++)
            {
                _ranges[i] = Network.TrainableRanges[i];
            }
        }
        else
        {
            ParameterRange.Validate(TrainableRanges, Network.ParameterCount, nameof(TrainableRanges));
            _ranges = (ParameterRange[])TrainableRanges.Clone();
        }

        _penaltyRanges = Penalty is null ? Array.Empty<ParameterRange>() : Penalty.Ranges(Network, _ranges);
        _preparedFor = (source, Penalty);
    }

    private void CheckSettings()
    {
        if (SwitchOptimizer is { } handOver && ReferenceEquals(handOver.Optimizer, _firstOptimizer))
        {
            throw new ArgumentException($"SwitchOptimizer hands over to the optimizer the trainer already has ({_firstOptimizer.Name}); give it a new one.", nameof(SwitchOptimizer));
        }

        if (BatchSize < 1 || BatchSize > Network.BatchCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"The batch size must be from 1 to the network's batch capacity, {Network.BatchCapacity}; create the network with batchCapacity: {BatchSize} for larger batches.");
        }

        if (Epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "The number of epochs must be at least 0.");
        }

        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "ValidationSplit must be at least 0 and below 1.");
        }

        if (ValidationSplit > 0 && Validation is not null)
        {
            throw new ArgumentException("Both Validation and ValidationSplit are set; use one validation set.", nameof(ValidationSplit));
        }

        if (TopK < 0 || TopK > Network.OutputLength)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, $"TopK must be from 0 (off) to the network's {Network.OutputLength} outputs.");
        }

        if (ClipGradientNorm is double norm && !(norm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipGradientNorm), norm, "ClipGradientNorm must be above 0.");
        }

        if (ClipGradientValue is double value && !(value > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipGradientValue), value, "ClipGradientValue must be above 0.");
        }

        if (Loss is CtcLoss && (TopK > 0 || ClassWeights is not null))
        {
            throw new ArgumentException($"{(TopK > 0 ? "TopK" : "ClassWeights")} is for one class per sample, but the CTC loss reads label sequences; leave it unset (the sequence metrics are exact-match accuracy and item error rate).", TopK > 0 ? nameof(TopK) : nameof(ClassWeights));
        }

        if (DecodingBeamWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DecodingBeamWidth), DecodingBeamWidth, "DecodingBeamWidth must be 0 (greedy decoding) or a beam of at least 1.");
        }

        if (ClassWeights is not null && ClassWeights.Length != Network.OutputLength)
        {
            throw new ArgumentException($"ClassWeights has {ClassWeights.Length} weights, but network {Network.Name} has {Network.OutputLength} classes (outputs).", nameof(ClassWeights));
        }
    }

    private void CheckSchedule(bool hasValidation, int batchesPerEpoch)
    {
        if (Schedule is null)
        {
            return;
        }

        Schedule.Validate(hasValidation, Optimizer);
        long needed = Schedule.Interval == ScheduleInterval.Step ? (long)Epochs * batchesPerEpoch : Epochs;
        if (Schedule.Length is long length && needed > length)
        {
            string unit = Schedule.Interval == ScheduleInterval.Step ? "steps" : "epochs";
            throw new ArgumentException($"The {Schedule.GetType().Name} schedule is defined for {length} {unit}, but {Epochs} epochs{(Schedule.Interval == ScheduleInterval.Step ? $" of {batchesPerEpoch} batches" : "")} need {needed}; create it for {needed} {unit}.", nameof(Schedule));
        }
    }

    private (Dataset Train, Dataset? Validation) ResolveValidation(Dataset train)
    {
        if (ValidationSplit > 0)
        {
            (Dataset rest, Dataset held) = train.Split(ValidationSplit, Seed, StratifiedSplit && train.Labels is not null);
            return (rest, held);
        }

        return (train, Validation);
    }

    private MonitoredMetric? BestMonitor(bool hasValidation)
    {
        if (Checkpoints is not { KeepBest: true })
        {
            return null;
        }

        MonitoredMetric monitor = Checkpoints.Monitor ?? (hasValidation ? MonitoredMetric.ValidationLoss : MonitoredMetric.TrainLoss);
        monitor.ReadRequired(Probe(hasValidation), "Keeping the best checkpoint");
        return monitor;
    }

    // Metrics with every figure an epoch of this run will have, to check before training that monitors can read theirs.
    private EpochMetrics Probe(bool hasValidation)
    {
        double? label = Loss.UsesLabels ? 0 : null, topK = Loss.UsesLabels && TopK > 0 ? 0 : null, sequence = Loss is CtcLoss ? 0 : null;
        return new EpochMetrics
        {
            Epoch = 1,
            TrainAccuracy = label,
            TrainTopKAccuracy = topK,
            TrainSequenceAccuracy = sequence,
            TrainItemErrorRate = sequence,
            ValidationLoss = hasValidation ? 0 : null,
            ValidationAccuracy = hasValidation ? label : null,
            ValidationTopKAccuracy = hasValidation ? topK : null,
            ValidationSequenceAccuracy = hasValidation ? sequence : null,
            ValidationItemErrorRate = hasValidation ? sequence : null,
        };
    }

    private static string NonFiniteMessage(StepOutcome outcome, float loss, double norm, int epoch, int batch, long step)
    {
        string what = outcome == StepOutcome.NonFiniteLoss ? $"The loss became {loss}" : $"The gradient norm became {norm} (the loss was {loss})";
        return $"{what} at epoch {epoch}, batch {batch} (step {step}); that step was not applied, so the network keeps the parameters after step {step - 1}. " +
            "Lower the learning rate, clip gradients (ClipGradientNorm) or check the data.";
    }

    private void EnsureOutputBuffers(int length)
    {
        if (_outputs.Length < length)
        {
            _outputs = new float[length];
            _outputGradient = new float[length];
        }
    }

    private static void Gather(Dataset data, ReadOnlySpan<int> indices, float[] input, int[] labels, float[] targets)
    {
        int length = data.SampleLength;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            data.Features.AsSpan(index * length, length).CopyTo(input.AsSpan(i * length, length));
            if (data.Labels is not null)
            {
                labels[i] = data.Labels[index];
            }
            else if (!data.HasSequences)
            {
                data.Targets.AsSpan(index * data.TargetLength, data.TargetLength).CopyTo(targets.AsSpan(i * data.TargetLength, data.TargetLength));
            }
        }
    }

    private void CheckCompatible(Dataset data, string argument)
    {
        if (data.SampleLength != Network.InputLength)
        {
            throw new ArgumentException($"{argument} ({data.Source}): samples have {data.SampleLength} values (shape [{string.Join(", ", data.SampleShape)}]), but network {Network.Name} takes {Network.InputLength}.", argument);
        }

        if (Loss is CtcLoss ctc)
        {
            CheckSequences(data, argument, ctc);
        }
        else if (data.HasSequences)
        {
            throw new ArgumentException($"{argument} ({data.Source}): the dataset has label sequences, which a CtcLoss reads, but the trainer's loss is {Loss.Name}.", argument);
        }
        else if (Loss.UsesLabels)
        {
            if (data.Labels is null)
            {
                throw new ArgumentException($"{argument} ({data.Source}): the {Loss.Name} loss needs class labels, but the dataset has target values.", argument);
            }

            if (data.ClassCount > Network.OutputLength)
            {
                throw new ArgumentException($"{argument} ({data.Source}): {data.ClassCount} classes, but network {Network.Name} has only {Network.OutputLength} outputs.", argument);
            }
        }
        else if (data.Labels is not null || data.TargetLength != Network.OutputLength)
        {
            throw new ArgumentException($"{argument} ({data.Source}): the {Loss.Name} loss needs {Network.OutputLength} target values per sample (one per output), but the dataset has {(data.Labels is not null ? "class labels" : data.TargetLength + " values")}.", argument);
        }
    }

    private enum StepOutcome
    {
        Stepped,
        NonFiniteLoss,
        NonFiniteGradient,
    }

    /// <summary>Where a run stands: the last completed epoch, the step count, the rate schedules start from, the best value kept as <c>best.safetensors</c>, and whether early stopping ended it.</summary>
    private readonly record struct RunState(int Epoch, long Step, double InitialLearningRate, double BestCheckpointValue, bool Finished);
}
