using System;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

public class TrainerTests
{
    /// <summary>Four classes of points in 6 dimensions, each around its own centre: learnable in a few epochs.</summary>
    internal static Dataset Blobs(int count, int seed)
    {
        var random = new RandomStream(seed);
        var features = new float[count * 6];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.NextInt(4);
            for (int d = 0; d < 6; d++)
            {
                float centre = ((labels[i] >> (d % 2)) & 1) == 1 ? 1.5f : -1.5f;
                features[(i * 6) + d] = centre + (0.5f * random.NextGaussian());
            }
        }

        return new Dataset(features, new[] { 6 }, labels, 4, "blobs");
    }

    private static Trainer<DenseReluNetFour> NewTrainer(int seed) =>
        new(new DenseReluNetFour(seed: seed, batchCapacity: 16), new Adam(1e-2), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 3, Seed = seed };

    [Fact]
    public void LearnsASeparableProblem()
    {
        Trainer<DenseReluNetFour> trainer = NewTrainer(1);
        trainer.Validation = Blobs(200, 2);
        History history = trainer.Fit(Blobs(800, 1));

        Assert.Equal(3, history.Epochs.Count);
        Assert.True(history.Epochs[2].TrainLoss < history.Epochs[0].TrainLoss);
        Assert.True(history.Last.ValidationAccuracy > 0.95, $"validation accuracy {history.Last.ValidationAccuracy}");
        Assert.Equal(history.Last.ValidationAccuracy, trainer.Evaluate(trainer.Validation).Accuracy);
    }

    [Fact]
    public void TheSameSeedGivesBitIdenticalRuns()
    {
        Dataset data = Blobs(300, 1);
        Trainer<DenseReluNetFour> first = NewTrainer(7), second = NewTrainer(7), third = NewTrainer(8);
        first.Fit(data);
        second.Fit(data);
        third.Fit(data);
        Assert.Equal(first.Network.Parameters.ToArray(), second.Network.Parameters.ToArray());
        Assert.NotEqual(first.Network.Parameters.ToArray(), third.Network.Parameters.ToArray());
    }

    [Fact]
    public void ATrainingStepAllocatesNothing()
    {
        var trainer = new Trainer<SmallLeNet>(new SmallLeNet(batchCapacity: 8), new Adam(), Losses.SoftmaxCrossEntropy);
        float[] input = GradientCheck.Random(8 * SmallLeNet.InputLength, 1, -1f, 1f);
        int[] labels = { 0, 1, 2, 0, 1, 2, 0, 1 };

        // The first step allocates the optimizer's state; every later one must allocate nothing.
        Assert.Equal(0, SteadyAllocation.Fewest(() => trainer.TrainStep(input, new BatchTargets(labels), 8)));
    }

    [Fact]
    public void FitRejectsDataTheNetworkCannotTake()
    {
        Trainer<DenseReluNetFour> trainer = NewTrainer(1);
        var wrongShape = new Dataset(new float[10], new[] { 5 }, new[] { 0, 1 }, 4, "wide.csv");
        Assert.Contains("wide.csv", Assert.Throws<ArgumentException>(() => trainer.Fit(wrongShape)).Message);

        var regression = new Dataset(new float[12], new[] { 6 }, new float[8], 4, "values");
        Assert.Contains("needs class labels", Assert.Throws<ArgumentException>(() => trainer.Fit(regression)).Message);

        trainer.BatchSize = 17;
        Assert.Contains("batch capacity, 16", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Blobs(10, 1))).Message);
    }

    [Fact]
    public void ADivergingLossStopsTrainingWithItsEpochAndBatch()
    {
        var trainer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(batchCapacity: 16), new Sgd(1e30), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 2 };
        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Blobs(64, 1)));
        Assert.Contains("at epoch 1, batch", exception.Message);
    }

    [Fact]
    public void RegressionTrainsOnTargetValues()
    {
        // y = sum of the inputs, learnt by a linear network with mean squared error.
        var random = new RandomStream(3);
        var features = new float[256 * 6];
        var targets = new float[256 * 4];
        for (int i = 0; i < 256; i++)
        {
            float sum = 0;
            for (int d = 0; d < 6; d++)
            {
                features[(i * 6) + d] = random.NextSingle();
                sum += features[(i * 6) + d];
            }

            for (int o = 0; o < 4; o++)
            {
                targets[(i * 4) + o] = sum * (o + 1) * 0.1f;
            }
        }

        var data = new Dataset(features, new[] { 6 }, targets, 4, "sums");
        var trainer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(batchCapacity: 16), new Adam(1e-2), Losses.MeanSquaredError) { BatchSize = 16, Epochs = 30 };
        History history = trainer.Fit(data);
        Assert.Null(history.Last.TrainAccuracy);
        Assert.True(history.Last.TrainLoss < 0.01, $"final loss {history.Last.TrainLoss}");
    }

    [Fact]
    public void ALossThatAppliesTheLastLayersActivationAgainIsRefused()
    {
        var softmax = Assert.Throws<ArgumentException>(() => new Trainer<SoftmaxNet>(new SoftmaxNet(), new Adam(1e-3), Losses.SoftmaxCrossEntropy));
        Assert.Equal("loss", softmax.ParamName);
        Assert.StartsWith("Network SoftmaxNet ends in [Softmax], but softmax cross-entropy takes logits and applies softmax itself, so softmax would be applied twice. Drop the [Softmax] layer", softmax.Message);
        Assert.Contains("end the network in [LogSoftmax] and train with Losses.NegativeLogLikelihood", softmax.Message);

        var smoothed = Assert.Throws<ArgumentException>(() => new Trainer<SoftmaxNet>(new SoftmaxNet(), new Adam(1e-3), Losses.SoftmaxCrossEntropyWithLabelSmoothing(0.1)));
        Assert.Contains("ends in [Softmax]", smoothed.Message);

        var logSoftmax = Assert.Throws<ArgumentException>(() => new Trainer<LogSoftmaxNet>(new LogSoftmaxNet(), new Adam(1e-3), Losses.SoftmaxCrossEntropy));
        Assert.StartsWith("Network LogSoftmaxNet ends in [LogSoftmax], but softmax cross-entropy takes logits and applies softmax itself. Drop the [LogSoftmax] layer, or keep it and train with Losses.NegativeLogLikelihood", logSoftmax.Message);

        var sigmoid = Assert.Throws<ArgumentException>(() => new Trainer<SigmoidOutputNet>(new SigmoidOutputNet(), new Adam(1e-3), Losses.BinaryCrossEntropyWithLogits));
        Assert.StartsWith("Network SigmoidOutputNet ends in [Sigmoid], but binary cross-entropy with logits takes logits and applies the sigmoid itself", sigmoid.Message);

        // The pairs that fit are accepted.
        _ = new Trainer<LogSoftmaxNet>(new LogSoftmaxNet(), new Adam(1e-3), Losses.NegativeLogLikelihood);
        _ = new Trainer<SoftmaxNet>(new SoftmaxNet(), new Adam(1e-3), Losses.MeanSquaredError);
    }
}
