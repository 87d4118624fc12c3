using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The training loop's features: callbacks, early stopping, checkpoints, divergence, splits, metrics, allocation.</summary>
public class TrainingLoopTests
{
    private static Trainer<DenseReluNetFour> NewTrainer(int seed = 1, IOptimizer? optimizer = null) =>
        new(new DenseReluNetFour(seed: seed, batchCapacity: 16), optimizer ?? new Adam(1e-2), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 3, Seed = seed };

    [Fact]
    public void CallbacksRunInOrderAtEveryBoundary()
    {
        var log = new Log();
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.Epochs = 2;
        trainer.Callbacks.Add(log);
        trainer.EpochCompleted = metrics => log.Events.Add($"action {metrics.Epoch}");
        trainer.Fit(TrainerTests.Blobs(40, 1));

        string[] epoch(int e) => new[] { $"epoch {e}", $"batch {e}.1 step {(e * 3) - 2}", $"batch {e}.2 step {(e * 3) - 1}", $"batch {e}.3 step {e * 3}", $"end {e}", $"action {e}" };
        Assert.Equal(new[] { "start" }.Concat(epoch(1)).Concat(epoch(2)).Append("done Completed"), log.Events);
    }

    [Fact]
    public void ACallbackStopsTrainingAfterABatchOrAnEpoch()
    {
        Trainer<DenseReluNetFour> midEpoch = NewTrainer();
        midEpoch.Callbacks.Add(new StopAt(epoch: 2, batch: 1));
        History history = midEpoch.Fit(TrainerTests.Blobs(40, 1));
        Assert.Single(history.Epochs);
        Assert.Equal(StopReason.Callback, history.StopReason);
        Assert.Equal("stop at 2.1", history.StopMessage);

        Trainer<DenseReluNetFour> atEpochEnd = NewTrainer();
        atEpochEnd.Callbacks.Add(new StopAt(epoch: 2, batch: null));
        Assert.Equal(2, atEpochEnd.Fit(TrainerTests.Blobs(40, 1)).Epochs.Count);
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentStep()
    {
        using var cancellation = new CancellationTokenSource();
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.Callbacks.Add(new CancelAt(cancellation, step: 4));
        History history = trainer.Fit(TrainerTests.Blobs(40, 1), cancellation.Token);
        Assert.Equal(StopReason.Cancelled, history.StopReason);
        Assert.Single(history.Epochs);
        Assert.Equal(4, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void EarlyStoppingFollowsKerasRuleAndRestoresTheBestWeights()
    {
        // A scripted metric: with min delta 0.02, epoch 2 improves on epoch 1 (0.80 + 0.02 < 1.0), epochs 3
        // and 4 do not (0.79 + 0.02 is not below 0.80), so patience 2 runs out after epoch 4.
        double[] script = { 1.0, 0.8, 0.85, 0.79, 0.5, 0.4 };
        var monitor = new MonitoredMetric("scripted", m => script[m.Epoch - 1], MetricMode.Min);
        var snapshots = new Snapshots();
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.Epochs = 6;
        trainer.EarlyStopping = new EarlyStopping(monitor, patience: 2, minDelta: 0.02, restoreBestWeights: true);
        trainer.Callbacks.Add(snapshots);

        History history = trainer.Fit(TrainerTests.Blobs(40, 1));

        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal(StopReason.EarlyStopping, history.StopReason);
        Assert.Equal("Early stopping after epoch 4: scripted did not improve for 2 epochs (best 0.8 at epoch 2).", history.StopMessage);
        Assert.Equal(2, history.RestoredEpoch);
        Assert.Equal(snapshots.ByEpoch[2], trainer.Network.Parameters.ToArray());
        Assert.NotEqual(snapshots.ByEpoch[4], trainer.Network.Parameters.ToArray());

        // Maximised metrics improve upward; patience 0 stops at the first epoch that does not improve.
        double[] accuracies = { 0.5, 0.6, 0.6 };
        Trainer<DenseReluNetFour> upward = NewTrainer();
        upward.Epochs = 3;
        upward.EarlyStopping = new EarlyStopping(new MonitoredMetric("acc", m => accuracies[m.Epoch - 1], MetricMode.Max));
        Assert.Equal(3, upward.Fit(TrainerTests.Blobs(40, 1)).Epochs.Count);
        accuracies[1] = 0.4;
        Assert.Equal(2, upward.Fit(TrainerTests.Blobs(40, 1)).Epochs.Count);
    }

    [Fact]
    public void MonitoringValidationWithoutAValidationSetIsRefusedBeforeTraining()
    {
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.EarlyStopping = new EarlyStopping();
        Assert.Contains("EarlyStopping monitors val_loss, but epoch 1 has no value for it; give the trainer a validation set", Assert.Throws<InvalidOperationException>(() => trainer.Fit(TrainerTests.Blobs(40, 1))).Message);
        Assert.Equal(0, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void CheckpointsKeepTheBestAndTheLastWeights()
    {
        using var directory = new TempDirectory();
        double[] script = { 0.9, 0.5, 0.7 };
        var snapshots = new Snapshots();
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.Callbacks.Add(snapshots);
        trainer.Checkpoints = new CheckpointSettings(directory.Path)
        {
            Monitor = new MonitoredMetric("scripted", m => script[m.Epoch - 1], MetricMode.Min),
            Metadata = new Dictionary<string, string> { ["normalization.mean"] = "0.5" },
        };
        trainer.Fit(TrainerTests.Blobs(40, 1));

        var best = new DenseReluNetFour();
        IReadOnlyDictionary<string, string> bestMetadata = best.Load(trainer.Checkpoints.BestPath);
        Assert.Equal(snapshots.ByEpoch[2], best.Parameters.ToArray());
        Assert.Equal("2", bestMetadata["epoch"]);
        Assert.Equal("0.5", bestMetadata["scripted"]);
        Assert.Equal("0.5", bestMetadata["normalization.mean"]);

        var last = new DenseReluNetFour();
        Assert.Equal("3", last.Load(trainer.Checkpoints.LastPath)["epoch"]);
        Assert.Equal(trainer.Network.Parameters.ToArray(), last.Parameters.ToArray());
        Assert.True(File.Exists(trainer.Checkpoints.ResumePath));
    }

    [Theory]
    [InlineData(NonFiniteAction.Throw, false)]
    [InlineData(NonFiniteAction.Stop, false)]
    [InlineData(NonFiniteAction.Throw, true)]
    public void ANonFiniteLossOrGradientStopsBeforeTheStepKeepingTheLastGoodWeights(NonFiniteAction action, bool gradientOnly)
    {
        // The loss of step 3 is NaN (or, with gradientOnly, finite with a NaN gradient).
        var snapshots = new Snapshots();
        var trainer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 1, batchCapacity: 16), new Adam(1e-2), new PoisonedLoss(atCall: 3, gradientOnly))
        {
            BatchSize = 16, Epochs = 3, OnNonFinite = action, Callbacks = { snapshots },
        };

        string message;
        if (action == NonFiniteAction.Throw)
        {
            var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(TrainerTests.Blobs(40, 1)));
            Assert.Equal((1, 3, 3L), (exception.Epoch, exception.Batch, exception.Step));
            message = exception.Message;
        }
        else
        {
            History history = trainer.Fit(TrainerTests.Blobs(40, 1));
            Assert.Equal(StopReason.NotFinite, history.StopReason);
            Assert.Empty(history.Epochs);
            message = history.StopMessage;
        }

        string what = gradientOnly ? "The gradient norm became NaN (the loss was 1.5)" : "The loss became NaN";
        Assert.Contains($"{what} at epoch 1, batch 3 (step 3); that step was not applied, so the network keeps the parameters after step 2.", message);
        Assert.Equal(snapshots.ByStep[2], trainer.Network.Parameters.ToArray());
        Assert.Equal(2, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void AValidationSplitIsSeededAndStratified()
    {
        // 100 samples of classes 0 (70), 1 (20), 2 (10): a stratified 20% holds out 14, 4 and 2.
        int[] labels = Enumerable.Range(0, 100).Select(i => i < 70 ? 0 : i < 90 ? 1 : 2).ToArray();
        var data = new Dataset(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), new[] { 1 }, labels, 3, "skewed");
        (Dataset train, Dataset validation) = data.Split(0.2, seed: 4, stratified: true);
        Assert.Equal(new[] { 14, 4, 2 }, Enumerable.Range(0, 3).Select(c => validation.Labels!.Count(l => l == c)));
        Assert.Equal(80, train.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), train.Features.Concat(validation.Features).OrderBy(v => v));
        Assert.Equal(validation.Features, data.Split(0.2, seed: 4, stratified: true).Validation.Features);
        Assert.NotEqual(validation.Features, data.Split(0.2, seed: 5, stratified: true).Validation.Features);

        (Dataset a, Dataset b, Dataset c) = data.Split(0.2, 0.1, seed: 1, stratified: true);
        Assert.Equal((70, 20, 10), (a.Count, b.Count, c.Count));
        Assert.Empty(a.Features.Intersect(b.Features).Concat(a.Features.Intersect(c.Features)).Concat(b.Features.Intersect(c.Features)));

        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.ValidationSplit = 0.25;
        trainer.Test = TrainerTests.Blobs(30, 9);
        trainer.TopK = 2;
        History history = trainer.Fit(TrainerTests.Blobs(80, 1));
        Assert.All(history.Epochs, e => Assert.NotNull(e.ValidationLoss));
        Assert.Equal(60 / 16 + 1, history.Last.Steps);
        Assert.Equal(30, history.Test!.Value.Count);
        Assert.True(history.Test.Value.TopKAccuracy >= history.Test.Value.Accuracy);
        trainer.Validation = TrainerTests.Blobs(10, 2);
        Assert.Contains("Both Validation and ValidationSplit are set", Assert.Throws<ArgumentException>(() => trainer.Fit(TrainerTests.Blobs(80, 1))).Message);
    }

    [Fact]
    public void DropLastSkipsTheShortBatch()
    {
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.Epochs = 1;
        trainer.DropLast = true;
        History history = trainer.Fit(TrainerTests.Blobs(40, 1));
        Assert.Equal(2, history.Last.Steps);
        trainer.BatchSize = 16;
        Assert.Contains("make no batch of 16 with DropLast", Assert.Throws<ArgumentException>(() => trainer.Fit(TrainerTests.Blobs(10, 1))).Message);
    }

    [Fact]
    public void TopKCountsLabelsAmongTheLargestOutputs()
    {
        float[] outputs = { 0.1f, 0.5f, 0.3f, 0.2f, 0.9f, 0.9f, 0.0f, 0.0f };
        // Sample 0 (label 2) is second: in the top 2, not the top 1. Sample 1 (label 1) ties with output 0,
        // which wins the tie, so it is second too.
        Assert.Equal(0, Trainer<DenseReluNetFour>.CountTopK(outputs, new[] { 2, 1 }, 4, 1));
        Assert.Equal(2, Trainer<DenseReluNetFour>.CountTopK(outputs, new[] { 2, 1 }, 4, 2));
        Assert.Equal(Trainer<DenseReluNetFour>.CountCorrect(outputs, new[] { 1, 0 }, 4), Trainer<DenseReluNetFour>.CountTopK(outputs, new[] { 1, 0 }, 4, 1));
    }

    [Fact]
    public void TrainableRangesLeaveTheRestOfTheNetworkAlone()
    {
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.TrainableRanges = ParameterRange.ForTensors(trainer.Network, t => t.Name.StartsWith("fc2.", StringComparison.Ordinal));
        Assert.Equal(new[] { new ParameterRange(DenseReluNetFour.Layers.Fc2.WeightOffset, 4 * 16 + 4) }, trainer.TrainableRanges);
        float[] before = trainer.Network.Parameters.ToArray();
        trainer.Fit(TrainerTests.Blobs(40, 1));
        float[] after = trainer.Network.Parameters.ToArray();
        int head = DenseReluNetFour.Layers.Fc2.WeightOffset;
        Assert.Equal(before.AsSpan(0, head).ToArray(), after.AsSpan(0, head).ToArray());
        Assert.NotEqual(before.AsSpan(head).ToArray(), after.AsSpan(head).ToArray());
    }

    [Fact]
    public void ClassWeightsAreCheckedAgainstTheOutputs()
    {
        Trainer<DenseReluNetFour> trainer = NewTrainer();
        trainer.ClassWeights = new[] { 1f, 2f };
        Assert.Contains("ClassWeights has 2 weights, but network DenseReluNetFour has 4 classes", Assert.Throws<ArgumentException>(() => trainer.Fit(TrainerTests.Blobs(40, 1))).Message);
        trainer.ClassWeights = ClassWeightedLoss.Balanced(TrainerTests.Blobs(40, 1));
        Assert.Equal(3, trainer.Fit(TrainerTests.Blobs(40, 1)).Epochs.Count);
    }

    [Fact]
    public void TheFullLoopAllocatesNothingPerStep()
    {
        // Everything that runs per step at once: callbacks, a per-step schedule cycling momentum, gradient
        // clipping by norm and value, penalties, class weights, top-k and every image augmentation.
        var meter = new EpochAllocationMeter(epochs: 4, batchesPerEpoch: 12);
        var trainer = new Trainer<SmallLeNet>(new SmallLeNet(batchCapacity: 8), new Sgd(0.05, momentum: 0.9), Losses.SoftmaxCrossEntropy)
        {
            BatchSize = 8,
            Epochs = 4,
            TopK = 2,
            ClipGradientNorm = 1,
            ClipGradientValue = 0.5,
            Penalty = new WeightPenalty(1e-4, 1e-4),
            ClassWeights = new[] { 1f, 2f, 3f },
            Schedule = new LinearWarmup(4, new OneCycleLR(0.1, 48), interval: ScheduleInterval.Step),
            Augmentation = new ImageAugmentation(
                new RandomHorizontalFlip(), new RandomVerticalFlip(), new RandomCrop(2), new RandomTranslation(1, 2), new RandomRotation(15),
                new RandomErasing(), new GaussianNoise(0.1)),
            Callbacks = { meter },
        };
        trainer.Fit(ResumeTests.Images(96, 3));

        Assert.Equal(3 * 11, meter.Measured);
        Assert.True(meter.FewestInAnEpoch == 0, meter.PerBatch);
    }

    /// <summary>Softmax cross-entropy, except that call <c>atCall</c> returns NaN, or 1.5 with a NaN gradient.</summary>
    private sealed class PoisonedLoss(int atCall, bool gradientOnly) : ILoss
    {
        private int _calls;

        public string Name => "poisoned";

        public bool UsesLabels => true;

        public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
        {
            float loss = Losses.SoftmaxCrossEntropy.Compute(outputs, targets, outputGradient, batchSize);
            if (++_calls != atCall)
            {
                return loss;
            }

            if (!gradientOnly)
            {
                return float.NaN;
            }

            outputGradient[0] = float.NaN;
            return 1.5f;
        }
    }

    [Fact]
    public void TrainStepWithPenaltiesAndClippingAllocatesNothing()
    {
        var trainer = new Trainer<SmallLeNet>(new SmallLeNet(batchCapacity: 8), new Nadam(), Losses.SoftmaxCrossEntropy)
        {
            Penalty = new WeightPenalty(1e-4, 1e-3), ClipGradientNorm = 0.5, ClipGradientValue = 0.1,
            TrainableRanges = new[] { new ParameterRange(0, 30), new ParameterRange(40, SmallLeNet.ParameterCount - 40) },
        };
        float[] input = GradientCheck.Random(8 * SmallLeNet.InputLength, 1, -1f, 1f);
        int[] labels = { 0, 1, 2, 0, 1, 2, 0, 1 };
        Assert.Equal(0, SteadyAllocation.Fewest(() => trainer.TrainStep(input, new BatchTargets(labels), 8)));
    }

    private sealed class Log : ITrainingCallback
    {
        public List<string> Events { get; } = new();

        public void TrainingStarted(TrainingContext context) => Events.Add("start");

        public void EpochStarted(TrainingContext context) => Events.Add($"epoch {context.Epoch}");

        public void BatchCompleted(TrainingContext context, in BatchMetrics batch) => Events.Add($"batch {batch.Epoch}.{batch.Batch} step {batch.Step}");

        public void EpochCompleted(TrainingContext context, EpochMetrics metrics) => Events.Add($"end {metrics.Epoch}");

        public void TrainingCompleted(TrainingContext context, History history) => Events.Add($"done {history.StopReason}");
    }

    private sealed class StopAt(int epoch, int? batch) : ITrainingCallback
    {
        public void BatchCompleted(TrainingContext context, in BatchMetrics metrics)
        {
            if (batch is int b && metrics.Epoch == epoch && metrics.Batch == b)
            {
                context.RequestStop($"stop at {epoch}.{b}");
            }
        }

        public void EpochCompleted(TrainingContext context, EpochMetrics metrics)
        {
            if (batch is null && metrics.Epoch == epoch)
            {
                context.RequestStop($"stop after {epoch}");
            }
        }
    }

    private sealed class CancelAt(CancellationTokenSource source, long step) : ITrainingCallback
    {
        public void BatchCompleted(TrainingContext context, in BatchMetrics metrics)
        {
            if (metrics.Step == step)
            {
                source.Cancel();
            }
        }
    }

    /// <summary>The parameters after every epoch and every step.</summary>
    private sealed class Snapshots : ITrainingCallback
    {
        public Dictionary<int, float[]> ByEpoch { get; } = new();

        public Dictionary<long, float[]> ByStep { get; } = new();

        public void BatchCompleted(TrainingContext context, in BatchMetrics batch) => ByStep[batch.Step] = context.Network.Parameters.ToArray();

        public void EpochCompleted(TrainingContext context, EpochMetrics metrics) => ByEpoch[metrics.Epoch] = context.Network.Parameters.ToArray();
    }
}
