using System;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The losses against references computed independently in double precision.</summary>
public class LossTests
{
    [Fact]
    public void SoftmaxCrossEntropyIsTheMeanNegativeLogLikelihoodOfTheSoftmax()
    {
        float[] logits = { 1f, 2f, 0.5f, -1f, 0f, 3f };
        int[] labels = { 1, 2 };
        var gradient = new float[logits.Length];

        float loss = Losses.SoftmaxCrossEntropy.Compute(logits, new BatchTargets(labels), gradient, batchSize: 2);

        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            double sum = 0;
            for (int c = 0; c < 3; c++)
            {
                sum += Math.Exp(logits[(b * 3) + c]);
            }

            expected -= Math.Log(Math.Exp(logits[(b * 3) + labels[b]]) / sum);
            for (int c = 0; c < 3; c++)
            {
                double softmax = Math.Exp(logits[(b * 3) + c]) / sum;
                double reference = (softmax - (c == labels[b] ? 1 : 0)) / 2;
                Assert.Equal(reference, gradient[(b * 3) + c], 6);
            }
        }

        Assert.Equal(expected / 2, loss, 5);
    }

    [Fact]
    public void SoftmaxCrossEntropyIsStableForHugeLogits()
    {
        float[] logits = { 1e4f, -1e4f, 0f, -3e4f, 3e4f, 2.9999e4f };
        int[] labels = { 1, 1 };
        var gradient = new float[logits.Length];

        float loss = Losses.SoftmaxCrossEntropy.Compute(logits, new BatchTargets(labels), gradient, batchSize: 2);

        // Sample 0 puts label 1 at 2e4 below the maximum; sample 1 has its label on top, 1 above the runner-up.
        double sample1 = Math.Log(1 + Math.Exp(-1.0));
        Assert.Equal((2e4 + sample1) / 2, loss, 0);
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(0f, gradient[0] + gradient[1] + gradient[2], 6);
        Assert.Equal(0f, gradient[3] + gradient[4] + gradient[5], 6);
        Assert.Equal(-0.5f, gradient[1], 6);
    }

    [Fact]
    public void SoftmaxCrossEntropyIsStableForTinyDifferences()
    {
        float[] logits = { 1e-7f, 0f, -1e-7f };
        var gradient = new float[3];
        float loss = Losses.SoftmaxCrossEntropy.Compute(logits, new BatchTargets(new[] { 0 }), gradient, batchSize: 1);
        Assert.Equal(Math.Log(3), loss, 5);
    }

    [Fact]
    public void SoftmaxCrossEntropyRejectsAClassIndexOutOfRange()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Losses.SoftmaxCrossEntropy.Compute(new float[6], new BatchTargets(new[] { 0, 3 }), new float[6], batchSize: 2));
        Assert.Contains("Sample 1 of the batch has class index 3", exception.Message);
        Assert.Contains("3 classes", exception.Message);
    }

    [Fact]
    public void SoftmaxCrossEntropyRejectsValueTargets()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            Losses.SoftmaxCrossEntropy.Compute(new float[6], new BatchTargets(new float[6]), Span<float>.Empty, batchSize: 2));
        Assert.Contains("softmax cross-entropy", exception.Message);
        Assert.Contains("values were given instead", exception.Message);
    }

    [Fact]
    public void MeanSquaredErrorAveragesOverEveryValue()
    {
        float[] outputs = { 1f, 2f, 3f, -1f };
        float[] targets = { 0f, 2f, 1f, 1f };
        var gradient = new float[4];

        float loss = Losses.MeanSquaredError.Compute(outputs, new BatchTargets(targets), gradient, batchSize: 2);

        Assert.Equal((1.0 + 0 + 4 + 4) / 4, loss, 6);
        Assert.Equal(new[] { 0.5f, 0f, 1f, -1f }, gradient);
    }

    [Fact]
    public void MeanSquaredErrorRejectsTooFewTargets()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            Losses.MeanSquaredError.Compute(new float[4], new BatchTargets(new float[3]), Span<float>.Empty, batchSize: 2));
        Assert.Contains("4 needed, 3 given", exception.Message);
    }

    [Fact]
    public void LossesRejectOutputsThatAreNotWholeSamples()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            Losses.MeanSquaredError.Compute(new float[5], new BatchTargets(new float[5]), Span<float>.Empty, batchSize: 2));
        Assert.Contains("not a whole number of samples", exception.Message);
    }
}
