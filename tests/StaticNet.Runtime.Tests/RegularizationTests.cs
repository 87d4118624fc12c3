using System;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>Gradient clipping, weight penalties and class weights against PyTorch's and Keras's definitions, in double precision.</summary>
public class RegularizationTests
{
    private static float[] Values(int count, int seed, float scale = 1f)
    {
        var random = new RandomStream(seed);
        return Enumerable.Range(0, count).Select(_ => scale * ((random.NextSingle() * 2) - 1)).ToArray();
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(100.0)]
    public void ClipByNormScalesOnlyTheRangesAndOnlyWhenAboveTheLimit(double maxNorm)
    {
        float[] gradients = Values(50, 1, 3f), original = (float[])gradients.Clone();
        ParameterRange[] ranges = { new(0, 10), new(30, 15) };
        double expectedNorm = Math.Sqrt(original.Take(10).Concat(original.Skip(30).Take(15)).Sum(g => (double)g * g));

        double norm = GradientClipping.ClipByNorm(gradients, ranges, maxNorm);

        // torch.nn.utils.clip_grad_norm_: clip_coef = max_norm / (total_norm + 1e-6), applied when below 1.
        Assert.Equal(expectedNorm, norm, 10);
        double coefficient = Math.Min(1.0, maxNorm / (expectedNorm + 1e-6));
        for (int i = 0; i < 50; i++)
        {
            bool inside = i < 10 || (i >= 30 && i < 45);
            double expected = inside ? original[i] * coefficient : original[i];
            Assert.True(Math.Abs(gradients[i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"gradient {i}: expected {expected}, got {gradients[i]}");
        }

        if (maxNorm < expectedNorm)
        {
            Assert.Equal(maxNorm, GradientClipping.GlobalNorm(gradients, ranges), 4);
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1001)]
    [InlineData(100_003)]
    public void TheGlobalNormIsTheSameOnEveryNumberOfThreadsAndMatchesADoubleSum(int length)
    {
        // Ranges of uneven lengths with gaps, so that parts start and end inside ranges.
        float[] gradients = Values(length, 5, 2f);
        ParameterRange[] ranges = { new(0, length / 3), new((length / 3) + 1, length / 5), new(length - (length / 4), length / 4) };
        double expected = Math.Sqrt(ranges.Sum(r => gradients.Skip(r.Offset).Take(r.Length).Sum(g => (double)g * g)));

        double serial = GradientClipping.GlobalNorm(gradients, ranges);
        double oneThread = new GradientNorm().Compute(gradients, ranges, threads: 1);
        double allThreads = new GradientNorm().Compute(gradients, ranges, threads: Kernels.BatchRunner.MaxThreads);

        Assert.Equal(expected, serial, 1e-12 * expected);
        Assert.Equal(serial, oneThread);
        Assert.Equal(serial, allThreads);
    }

    [Fact]
    public void ClipByValueClampsTheRanges()
    {
        float[] gradients = { -3f, -0.2f, 0.7f, 5f, 9f };
        GradientClipping.ClipByValue(gradients, new ParameterRange[] { new(0, 4) }, 0.5);
        Assert.Equal(new[] { -0.5f, -0.2f, 0.5f, 0.5f, 9f }, gradients);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(gradients, new ParameterRange[] { new(0, 4) }, 0));
    }

    [Fact]
    public void APenaltyAddsL1AndL2GradientsToWeightsOnly()
    {
        var network = new DenseReluNetFour(seed: 3);
        var penalty = new WeightPenalty(l1: 0.01, l2: 0.05);
        ParameterRange[] ranges = penalty.Ranges(network, new[] { ParameterRange.All(DenseReluNetFour.ParameterCount) });
        Assert.Equal(new[] { new ParameterRange(DenseReluNetFour.Layers.Fc1.WeightOffset, 16 * 6), new ParameterRange(DenseReluNetFour.Layers.Fc2.WeightOffset, 4 * 16) }, ranges);

        float[] parameters = network.Parameters.ToArray();
        var gradients = new float[parameters.Length];
        penalty.AddGradient(parameters, gradients, ranges);
        double value = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            bool weight = ranges.Any(r => i >= r.Offset && i < r.End);
            double expected = weight ? (0.01 * Math.Sign(parameters[i])) + (2 * 0.05 * parameters[i]) : 0;
            Assert.Equal(expected, gradients[i], 6);
            value += weight ? (0.01 * Math.Abs(parameters[i])) + (0.05 * parameters[i] * parameters[i]) : 0;
        }

        Assert.Equal(value, penalty.Value(parameters, ranges), 9);

        // Within trainable ranges only: a frozen first layer is not penalised.
        Assert.Equal(new[] { new ParameterRange(DenseReluNetFour.Layers.Fc2.WeightOffset, 4 * 16) }, penalty.Ranges(network, new[] { new ParameterRange(DenseReluNetFour.Layers.Fc2.WeightOffset, (4 * 16) + 4) }));
    }

    [Fact]
    public void ClassWeightsGiveTheWeightedMeanOfPyTorch()
    {
        const int batch = 5, classes = 4;
        float[] logits = Values(batch * classes, 7, 2f);
        int[] labels = { 0, 3, 3, 1, 2 };
        float[] weights = { 0.5f, 2f, 1f, 3f };
        var loss = new ClassWeightedLoss(Losses.SoftmaxCrossEntropy, weights);
        var gradient = new float[batch * classes];

        float value = loss.Compute(logits, new BatchTargets(labels), gradient, batch);

        // CrossEntropyLoss(weight=w): sum_i w[y_i] * (logsumexp(x_i) - x_i[y_i]) / sum_i w[y_i]; the gradient of
        // sample i is w[y_i] / sum(w[y]) * (softmax(x_i) - onehot(y_i)).
        double weightSum = labels.Sum(l => (double)weights[l]), total = 0;
        for (int b = 0; b < batch; b++)
        {
            double[] row = Enumerable.Range(0, classes).Select(c => (double)logits[(b * classes) + c]).ToArray();
            double max = row.Max(), sum = row.Sum(x => Math.Exp(x - max));
            total += weights[labels[b]] * (max + Math.Log(sum) - row[labels[b]]);
            for (int c = 0; c < classes; c++)
            {
                double expected = weights[labels[b]] / weightSum * ((Math.Exp(row[c] - max) / sum) - (c == labels[b] ? 1 : 0));
                Assert.Equal(expected, gradient[(b * classes) + c], 6);
            }
        }

        Assert.Equal(total / weightSum, value, 5);
        Assert.Throws<ArgumentException>(() => new ClassWeightedLoss(Losses.MeanSquaredError, weights));
    }

    [Fact]
    public void BalancedWeightsAreInverselyProportionalToClassCounts()
    {
        int[] labels = { 0, 0, 0, 0, 0, 0, 1, 1, 2, 2 };
        var data = new Dataset(new float[10], new[] { 1 }, labels, 4, "skewed");
        // scikit-learn's 'balanced': n_samples / (n_classes * count); an absent class gets 0.
        Assert.Equal(new[] { 10f / (4 * 6), 10f / (4 * 2), 10f / (4 * 2), 0f }, ClassWeightedLoss.Balanced(data));
    }
}
