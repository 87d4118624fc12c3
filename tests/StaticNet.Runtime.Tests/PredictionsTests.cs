using System;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>Probabilities, classes and top k for a batch, against references computed here in double, and Evaluate's per-class precision and recall.</summary>
public class PredictionsTests
{
    [Fact]
    public void SoftmaxMatchesTheDefinitionAndStaysFiniteForHugeLogits()
    {
        float[] logits = { 1f, 2f, 3f, -1e30f, 0f, 1e30f, 5f, 5f, 5f, -80f, 0f, 80f };
        var probabilities = new float[logits.Length];
        Predictions.Softmax(logits, probabilities, 3);

        for (int row = 0; row < 4; row++)
        {
            double max = Enumerable.Range(0, 3).Max(c => (double)logits[(row * 3) + c]);
            double sum = Enumerable.Range(0, 3).Sum(c => Math.Exp(logits[(row * 3) + c] - max));
            for (int c = 0; c < 3; c++)
            {
                double expected = Math.Exp(logits[(row * 3) + c] - max) / sum;
                Assert.True(Math.Abs(expected - probabilities[(row * 3) + c]) <= 1e-6, $"row {row}, class {c}: {probabilities[(row * 3) + c]}, expected {expected}");
            }
        }

        // In place gives the same.
        float[] inPlace = (float[])logits.Clone();
        Predictions.Softmax(inPlace, inPlace, 3);
        Assert.Equal(probabilities, inPlace);
    }

    [Fact]
    public void ArgMaxTakesTheFirstOfEqualValuesAndNeverNaNOverANumber()
    {
        Assert.Equal(1, Predictions.ArgMax(new[] { 1f, 3f, 3f, 2f }));
        Assert.Equal(2, Predictions.ArgMax(new[] { float.NaN, 1f, 4f }));
        Assert.Equal(0, Predictions.ArgMax(new[] { float.NaN, float.NaN }));

        var predicted = new int[2];
        Predictions.ArgMax(new[] { 0f, 9f, 1f, 7f, 7f, 2f }, predicted, 3);
        Assert.Equal(new[] { 1, 0 }, predicted);
    }

    [Fact]
    public void TopKListsTheLargestFirstWithEqualValuesInIndexOrder()
    {
        float[] outputs = { 0.1f, 0.5f, 0.5f, 0.2f, float.NaN, 3f, 2f, 1f, 0f, -1f };
        var indices = new int[6];
        var values = new float[6];
        Predictions.TopK(outputs, 5, 3, indices, values);

        Assert.Equal(new[] { 1, 2, 3, 0, 1, 2 }, indices);
        Assert.Equal(new[] { 0.5f, 0.5f, 0.2f, 3f, 2f, 1f }, values);

        Assert.Throws<ArgumentOutOfRangeException>(() => Predictions.TopK(outputs, 5, 6, new int[12], Span<float>.Empty));
        Assert.Contains("indices holds 5 values, but 2 samples need 3 each, 6", Assert.Throws<ArgumentException>(() => Predictions.TopK(outputs, 5, 3, new int[5], Span<float>.Empty)).Message);
        Assert.Contains("not a whole number of samples of 3", Assert.Throws<ArgumentException>(() => Predictions.Softmax(outputs, new float[10], 3)).Message);
    }

    [Fact]
    public void PredictProbabilitiesFollowsTheNetworksLastLayer()
    {
        float[] inputs = GradientCheck.Random(3 * 7, 1, -2f, 2f);
        var logitsNet = new DenseSmoothNet(seed: 1);
        var logits = new float[3 * DenseSmoothNet.OutputLength];
        logitsNet.Predict(inputs, logits, 3);
        var expected = new float[logits.Length];
        Predictions.Softmax(logits, expected, DenseSmoothNet.OutputLength);
        var probabilities = new float[logits.Length];
        logitsNet.PredictProbabilities(inputs, probabilities, 3);
        Assert.Equal(expected, probabilities);

        // A log-softmax network's probabilities are the exponentials of its outputs, which sum to 1.
        var logSoftmax = new LogSoftmaxNet(seed: 2);
        float[] five = GradientCheck.Random(2 * 5, 2, -2f, 2f);
        var fromLog = new float[2 * LogSoftmaxNet.OutputLength];
        logSoftmax.PredictProbabilities(five, fromLog, 2);
        for (int row = 0; row < 2; row++)
        {
            Assert.Equal(1.0, fromLog.Skip(row * LogSoftmaxNet.OutputLength).Take(LogSoftmaxNet.OutputLength).Sum(p => (double)p), 5);
        }

        // A softmax network's outputs already are probabilities.
        var softmax = new SoftmaxNet(seed: 3);
        var outputs = new float[2 * SoftmaxNet.OutputLength];
        softmax.Predict(five, outputs, 2);
        var same = new float[outputs.Length];
        softmax.PredictProbabilities(five, same, 2);
        Assert.Equal(outputs, same);
    }

    [Fact]
    public void BatchPredictionsAllocateNothing()
    {
        var network = new DenseSmoothNet(seed: 1);
        float[] inputs = GradientCheck.Random(4 * 7, 1, -2f, 2f);
        var probabilities = new float[4 * DenseSmoothNet.OutputLength];
        var predicted = new int[4];
        var indices = new int[8];
        var values = new float[8];
        Assert.Equal(0, SteadyAllocation.Fewest(() =>
        {
            network.PredictProbabilities(inputs, probabilities, 4);
            network.PredictClasses(inputs, probabilities, predicted, 4);
            Predictions.TopK(probabilities, DenseSmoothNet.OutputLength, 2, indices, values);
        }));
    }

    [Fact]
    public void EvaluateGivesEachClassesPrecisionAndRecall()
    {
        var network = new DenseSmoothNet(seed: 4);
        const int Count = 40;
        float[] features = GradientCheck.Random(Count * 7, 9, -2f, 2f);
        int classes = DenseSmoothNet.OutputLength;
        int[] labels = Enumerable.Range(0, Count).Select(i => (i * 7) % classes).ToArray();
        var data = new Dataset(features, new[] { 7 }, labels, classes, "random");
        Evaluation evaluation = new Trainer<DenseSmoothNet>(network, new Sgd(0.1), Losses.SoftmaxCrossEntropy).Evaluate(data);

        // Counted here from the network's own predictions, sample by sample.
        var outputs = new float[classes];
        var predictedAs = new int[classes];
        var ofClass = new int[classes];
        var right = new int[classes];
        for (int i = 0; i < Count; i++)
        {
            network.Predict(features.AsSpan(i * 7, 7), outputs);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                best = outputs[c] > outputs[best] ? c : best;
            }

            predictedAs[best]++;
            ofClass[labels[i]]++;
            right[best] += best == labels[i] ? 1 : 0;
        }

        Assert.NotNull(evaluation.Precision);
        Assert.NotNull(evaluation.Recall);
        for (int c = 0; c < classes; c++)
        {
            Assert.Equal(predictedAs[c] == 0 ? double.NaN : (double)right[c] / predictedAs[c], evaluation.Precision![c]);
            Assert.Equal(ofClass[c] == 0 ? double.NaN : (double)right[c] / ofClass[c], evaluation.Recall![c]);
        }
    }
}
