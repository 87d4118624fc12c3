using System;
using System.IO;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// A run interrupted by a crash and resumed from its last checkpoint ends with exactly the parameters and
/// history of the run that was never interrupted: the resume file carries every piece of state that
/// decides the sequence of updates.
/// </summary>
public class ResumeTests
{
    /// <summary>Small 12x12 images of three classes: a horizontal bar, a vertical bar, a diagonal, at random places, with noise.</summary>
    internal static Dataset Images(int count, int seed)
    {
        var random = new RandomStream(seed);
        var features = new float[count * 144];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = labels[i] = random.NextInt(3);
            int at = 2 + random.NextInt(8);
            Span<float> image = features.AsSpan(i * 144, 144);
            for (int k = 0; k < 12; k++)
            {
                int y = label == 0 ? at : k, x = label == 1 ? at : k;
                image[(y * 12) + x] = 1f;
            }

            for (int p = 0; p < 144; p++)
            {
                image[p] += 0.2f * random.NextGaussian();
            }
        }

        return new Dataset(features, new[] { 1, 12, 12 }, labels, 3, "bars");
    }

    [Fact]
    public void AResumedImageRunIsBitIdenticalToTheUninterruptedOne()
    {
        // SGD with Nesterov momentum cycled by OneCycle (stepped per batch), every augmentation, clipping,
        // class weights, a stratified validation split and a test set.
        Dataset data = Images(120, 1), test = Images(40, 2);
        Trainer<SmallLeNet> Create(string directory, int initSeed) =>
            new(new SmallLeNet(seed: initSeed, batchCapacity: 16), new Sgd(0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4), Losses.SoftmaxCrossEntropy)
            {
                BatchSize = 16,
                Epochs = 5,
                Seed = 11,
                ValidationSplit = 0.2,
                Test = test,
                TopK = 2,
                ClipGradientNorm = 1.0,
                ClassWeights = new[] { 1f, 2f, 0.5f },
                Schedule = new OneCycleLR(0.2, totalSteps: 30),
                Augmentation = new ImageAugmentation(
                    new RandomHorizontalFlip(), new RandomVerticalFlip(0.3), new RandomCrop(2, fill: -0.5f), new RandomRotation(10),
                    new RandomErasing(), new GaussianNoise(0.05)),
                Checkpoints = new CheckpointSettings(directory),
            };

        History history = AssertResumeIsExact(Create, data, crashAt: (Epoch: 3, Batch: 2));
        Assert.Equal(5, history.Epochs.Count);
        Assert.NotNull(history.Test);
    }

    [Fact]
    public void AResumedRunWithPlateauEarlyStoppingAndPenaltiesIsBitIdentical()
    {
        // Adam with a warm-up before ReduceLROnPlateau, early stopping that restores the best weights, L1/L2
        // penalties and an explicit validation set.
        Dataset data = TrainerTests.Blobs(200, 3), validation = TrainerTests.Blobs(60, 4);
        Trainer<DenseReluNetFour> Create(string directory, int initSeed) =>
            new(new DenseReluNetFour(seed: initSeed, batchCapacity: 16), new Adam(0.02, amsgrad: true), Losses.SoftmaxCrossEntropy)
            {
                BatchSize = 16,
                Epochs = 8,
                Seed = 5,
                DropLast = true,
                Validation = validation,
                Penalty = new WeightPenalty(l1: 1e-4, l2: 1e-3),
                ClipGradientValue = 0.5,
                Schedule = new LinearWarmup(2, new ReduceLROnPlateau(factor: 0.5, patience: 0, threshold: 0.05)),
                EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationAccuracy, patience: 20, restoreBestWeights: true),
                Augmentation = new ImageAugmentation(new GaussianNoise(0.1)),
                Checkpoints = new CheckpointSettings(directory),
            };

        History history = AssertResumeIsExact(Create, data, crashAt: (Epoch: 6, Batch: 5));

        // The scenario exercises what it claims: the plateau cut the rate after the warm-up, and early
        // stopping restored an earlier epoch's weights.
        Assert.True(history.Epochs.Select(e => e.LearningRate).Distinct().Count() >= 4, string.Join(", ", history.Epochs.Select(e => e.LearningRate)));
        Assert.NotNull(history.RestoredEpoch);
    }

    [Fact]
    public void AResumedSequenceRunIsBitIdenticalToTheUninterruptedOne()
    {
        // CTC on label sequences: a random validation split, early stopping and the best checkpoint on the
        // validation item error rate, and a test set.
        Dataset data = SequenceTrainingTests.RandomTask(120, 5);
        Trainer<CtcConvNet> Create(string directory, int initSeed) =>
            new(new CtcConvNet(seed: initSeed, batchCapacity: 16), new Adam(2e-2), new CtcLoss(8, 4, CtcLayout.ClassMajor))
            {
                BatchSize = 16,
                Epochs = 5,
                Seed = 3,
                ValidationSplit = 0.2,
                Test = SequenceTrainingTests.RandomTask(40, 6),
                EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationItemErrorRate, patience: 10, restoreBestWeights: true),
                Checkpoints = new CheckpointSettings(directory) { Monitor = MonitoredMetric.ValidationItemErrorRate },
            };

        History history = AssertResumeIsExact(Create, data, crashAt: (Epoch: 3, Batch: 2));
        Assert.All(history.Epochs, epoch => Assert.NotNull(epoch.ValidationItemErrorRate));
        Assert.NotNull(history.Test!.Value.ItemErrorRate);
    }

    /// <summary>Adam for three epochs, then SGD with momentum: a crash before the hand-over and one after it both resume exactly.</summary>
    [Theory]
    [InlineData(2, 3)]
    [InlineData(5, 1)]
    public void AnAdamThenSgdRunResumesExactlyOnEitherSideOfTheHandOver(int crashEpoch, int crashBatch)
    {
        Dataset data = TrainerTests.Blobs(160, 7);
        Trainer<DenseReluNetFour> Create(string directory, int initSeed) =>
            new(new DenseReluNetFour(seed: initSeed, batchCapacity: 16), new Adam(0.01), Losses.SoftmaxCrossEntropy)
            {
                BatchSize = 16,
                Epochs = 6,
                Seed = 3,
                SwitchOptimizer = new OptimizerSwitch(4, new Sgd(0.05, momentum: 0.9)),
                Schedule = new CosineAnnealingLR(6 * 10, 1e-4, ScheduleInterval.Step),
                Checkpoints = new CheckpointSettings(directory) { KeepBest = false },
            };

        using var whole = new TempDirectory();
        using var interrupted = new TempDirectory();
        Trainer<DenseReluNetFour> reference = Create(whole.Path, 1);
        History expected = reference.Fit(data);

        // The hand-over happened: SGD trains the last epochs, from its own learning rate.
        Assert.Equal("SGD", reference.Optimizer.Name);
        Assert.True(expected.Epochs[2].LearningRate < 0.01 && expected.Epochs[3].LearningRate > 0.01, string.Join(", ", expected.Epochs.Select(e => e.LearningRate)));

        Trainer<DenseReluNetFour> crashing = Create(interrupted.Path, 1);
        crashing.Callbacks.Add(new Crash(crashEpoch, crashBatch));
        Assert.Throws<IOException>(() => crashing.Fit(data));
        Trainer<DenseReluNetFour> resumed = Create(interrupted.Path, 99);
        History actual = resumed.Resume(resumed.Checkpoints!.ResumePath, data);

        Assert.Equal(reference.Network.Parameters.ToArray(), resumed.Network.Parameters.ToArray());
        Assert.Equal(expected.Epochs.Select(Timeless), actual.Epochs.Select(Timeless));
        Assert.Equal("SGD", resumed.Optimizer.Name);

        // Without the hand-over the run ends elsewhere: the switch is what the comparison above covered.
        Trainer<DenseReluNetFour> adamOnly = Create(Path.Combine(whole.Path, "adam"), 1);
        adamOnly.SwitchOptimizer = null;
        adamOnly.Fit(data);
        Assert.NotEqual(reference.Network.Parameters.ToArray(), adamOnly.Network.Parameters.ToArray());
    }

    [Fact]
    public void AHandOverMustBeToAnotherOptimizerAfterTheFirstEpoch()
    {
        var adam = new Adam(0.01);
        var trainer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 1, batchCapacity: 16), adam, Losses.SoftmaxCrossEntropy) { BatchSize = 16, SwitchOptimizer = new OptimizerSwitch(2, adam) };
        Assert.Contains("already has (Adam)", Assert.Throws<ArgumentException>(() => trainer.Fit(TrainerTests.Blobs(32, 1))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerSwitch(1, new Sgd(0.1)));
    }

    [Fact]
    public void ResumingWithOtherSettingsOrAnotherFileThrowsAndChangesNothing()
    {
        using var directory = new TempDirectory();
        Dataset data = TrainerTests.Blobs(64, 1);
        var first = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 1, batchCapacity: 16), new Adam(0.01), Losses.SoftmaxCrossEntropy)
        {
            BatchSize = 16, Epochs = 2, Checkpoints = new CheckpointSettings(directory.Path),
        };
        first.Fit(data);
        string resume = first.Checkpoints!.ResumePath;

        var otherBatch = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 2, batchCapacity: 16), new Adam(0.01), Losses.SoftmaxCrossEntropy) { BatchSize = 8, Epochs = 3 };
        float[] before = otherBatch.Network.Parameters.ToArray();
        var settings = Assert.Throws<InvalidOperationException>(() => otherBatch.Resume(resume, data));
        Assert.Contains("trainer.batch_size = 16, but this trainer has 8", settings.Message);
        Assert.Contains(resume, settings.Message);
        Assert.Equal(before, otherBatch.Network.Parameters.ToArray());

        var otherOptimizer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 2, batchCapacity: 16), new Sgd(0.01), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 3 };
        Assert.Contains("trainer.optimizer = Adam, but this trainer has SGD", Assert.Throws<InvalidOperationException>(() => otherOptimizer.Resume(resume, data)).Message);

        var otherNetwork = new Trainer<DenseReluNet>(new DenseReluNet(seed: 2, batchCapacity: 16), new Adam(0.01), Losses.MeanSquaredError) { BatchSize = 16, Epochs = 3 };
        var regression = new Dataset(new float[64 * 6], new[] { 6 }, new float[64 * 3], 3, "zeros");
        var architecture = Assert.Throws<InvalidDataException>(() => otherNetwork.Resume(resume, regression));
        Assert.Contains("does not match network DenseReluNet; nothing was loaded", architecture.Message);
        Assert.Contains("tensor 'model.fc2.weight' has shape [4, 16], expected [3, 8]", architecture.Message);

        var weightsOnly = Assert.Throws<InvalidDataException>(() => otherBatch.Resume(first.Checkpoints.LastPath, data));
        Assert.Contains("is not a training checkpoint", weightsOnly.Message);

        byte[] bytes = File.ReadAllBytes(resume);
        File.WriteAllBytes(resume, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var sameSettings = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 2, batchCapacity: 16), new Adam(0.01), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 3 };
        Assert.Contains(resume, Assert.Throws<InvalidDataException>(() => sameSettings.Resume(resume, data)).Message);
        Assert.Equal(before, sameSettings.Network.Parameters.ToArray());
    }

    private static History AssertResumeIsExact<TNetwork>(Func<string, int, Trainer<TNetwork>> create, Dataset data, (int Epoch, int Batch) crashAt)
        where TNetwork : INetwork
    {
        using var whole = new TempDirectory();
        using var interrupted = new TempDirectory();
        Trainer<TNetwork> reference = create(whole.Path, 1);
        History expected = reference.Fit(data);

        Trainer<TNetwork> crashing = create(interrupted.Path, 1);
        crashing.Callbacks.Add(new Crash(crashAt.Epoch, crashAt.Batch));
        Assert.Throws<IOException>(() => crashing.Fit(data));

        // A new process: fresh network (other initial weights), optimizer and trainer, then resume.
        Trainer<TNetwork> resumed = create(interrupted.Path, 99);
        History actual = resumed.Resume(resumed.Checkpoints!.ResumePath, data);

        Assert.Equal(reference.Network.Parameters.ToArray(), resumed.Network.Parameters.ToArray());
        Assert.Equal(expected.Epochs.Count, actual.Epochs.Count);
        for (int i = 0; i < expected.Epochs.Count; i++)
        {
            Assert.Equal(Timeless(expected.Epochs[i]), Timeless(actual.Epochs[i]));
        }

        Assert.Equal(expected.StopReason, actual.StopReason);
        Assert.Equal(expected.RestoredEpoch, actual.RestoredEpoch);
        Assert.Equal(expected.Test, actual.Test);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole.Path, "best.safetensors")), File.ReadAllBytes(Path.Combine(interrupted.Path, "best.safetensors")));
        return expected;
    }

    private static EpochMetrics Timeless(EpochMetrics metrics) => metrics with { Duration = TimeSpan.Zero, SamplesPerSecond = 0 };

    /// <summary>Throws at a given batch, as a crash would stop the process mid-epoch.</summary>
    private sealed class Crash(int epoch, int batch) : ITrainingCallback
    {
        public void BatchCompleted(TrainingContext context, in BatchMetrics metrics)
        {
            if (metrics.Epoch == epoch && metrics.Batch == batch)
            {
                throw new IOException("simulated crash");
            }
        }
    }
}
