using System;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>What the trainer makes of a loss's reduction: None refused, Sum kept through class weights and reported per sample.</summary>
public class LossReductionTrainingTests
{
    [Fact]
    public void TheTrainerRefusesALossWithReductionNone()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 1), new Sgd(0.1), new SoftmaxCrossEntropyLoss(reduction: LossReduction.None)));
        Assert.Equal("loss", exception.ParamName);
        Assert.Contains("The softmax cross-entropy loss has reduction None, one loss per unit, but training needs one number per batch: create it with reduction Mean", exception.Message);
    }

    /// <summary>
    /// A summed loss's gradient is the mean's times the batch size, so plain SGD on the sum at the learning rate divided
    /// by the batch size takes the mean's steps; and its losses in the history, the sum per sample, are the mean's, the
    /// unit of softmax cross-entropy being the sample. At the mean's learning rate the sum takes steps 16 times larger.
    /// </summary>
    [Fact]
    public void ASummedLossAtTheLearningRateOverTheBatchSizeTrainsAsTheMean()
    {
        const int BatchSize = 16; // 160 samples: ten whole batches an epoch
        (History mean, float[] meanParameters) = Train(new Sgd(0.2), Losses.SoftmaxCrossEntropy, BatchSize);
        (History sum, float[] sumParameters) = Train(new Sgd(0.2 / BatchSize), new SoftmaxCrossEntropyLoss(reduction: LossReduction.Sum), BatchSize);
        (_, float[] sumAtTheMeansRate) = Train(new Sgd(0.2), new SoftmaxCrossEntropyLoss(reduction: LossReduction.Sum), BatchSize);

        for (int e = 0; e < mean.Epochs.Count; e++)
        {
            AssertClose(mean.Epochs[e].TrainLoss, sum.Epochs[e].TrainLoss, $"epoch {e + 1}'s training loss");
            AssertClose(mean.Epochs[e].ValidationLoss!.Value, sum.Epochs[e].ValidationLoss!.Value, $"epoch {e + 1}'s validation loss");
        }

        Assert.True(mean.Last.TrainLoss < mean.Epochs[0].TrainLoss * 0.9, "the runs must learn, for their parameters to say something");
        double largest = 0, largestAtTheMeansRate = 0;
        for (int i = 0; i < meanParameters.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(meanParameters[i] - sumParameters[i]));
            largestAtTheMeansRate = Math.Max(largestAtTheMeansRate, Math.Abs(meanParameters[i] - sumAtTheMeansRate[i]));
        }

        Assert.True(largest <= 1e-5, $"the summed loss at lr / {BatchSize} trained parameters up to {largest:E2} away from the mean's");
        Assert.True(largestAtTheMeansRate > 1e-2, $"the summed loss at the mean's learning rate trained parameters only {largestAtTheMeansRate:E2} away from the mean's");
    }

    [Fact]
    public void ClassWeightsKeepTheLossReduction()
    {
        float[] weights = { 1f, 2f, 0.5f, 3f };
        (History withClassWeights, float[] parameters) = Train(new Sgd(0.01), new SoftmaxCrossEntropyLoss(reduction: LossReduction.Sum), 16, weights);
        (History summed, float[] summedParameters) = Train(new Sgd(0.01), new ClassWeightedLoss(Losses.SoftmaxCrossEntropy, weights, LossReduction.Sum), 16);
        (_, float[] averagedParameters) = Train(new Sgd(0.01), new ClassWeightedLoss(Losses.SoftmaxCrossEntropy, weights), 16);

        Assert.Equal(summedParameters, parameters);
        Assert.Equal(summed.Last.TrainLoss, withClassWeights.Last.TrainLoss);
        Assert.NotEqual(averagedParameters, parameters);
    }

    /// <summary>Two epochs on the same 160 samples in the same order, validating on 48 others.</summary>
    private static (History History, float[] Parameters) Train(IOptimizer optimizer, ILoss loss, int batchSize, float[]? classWeights = null)
    {
        var trainer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 3, batchCapacity: batchSize), optimizer, loss)
        {
            BatchSize = batchSize,
            Epochs = 2,
            Seed = 5,
            ClassWeights = classWeights,
            Validation = TrainerTests.Blobs(48, 2),
        };
        History history = trainer.Fit(TrainerTests.Blobs(160, 1));
        return (history, trainer.Network.Parameters.ToArray());
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Abs(expected), $"{what}: the mean's {expected}, the sum's {actual}");
}
