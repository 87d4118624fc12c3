using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// Batch normalisation's phases: the scalar references by hand and, chained as a training step over a
/// batch split in two slices, against finite differences; then every vector level against them, phase
/// by phase, on planes of one value (a dense layer's), shorter and longer than a vector.
/// </summary>
public class BatchNormalizationKernelTests
{
    private const double Momentum = 0.1, Epsilon = 1e-5;

    /// <summary>batch, channels, plane.</summary>
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>
        {
            { 1, 3, 5 },
            { 7, 4, 1 },
            { 7, 2, 37 },
            { 1, 1, 16 },
            { 7, 3, 49 },
            { 3, 5, 3 },
        };

        var random = new Random(20261205);
        for (int added = 0; added < 5; added++)
        {
            data.Add(random.Next(2) == 0 ? 1 : 7, random.Next(1, 6), random.Next(2, 70));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryVectorLevelAgreesWithTheScalarReferencePhaseByPhase(int batch, int channels, int plane)
    {
        int length = batch * channels * plane, partialLength = (2 * channels) + 1;
        float[] x = KernelAssert.Random(length, 1, -2f, 3f);
        float[] dy = KernelAssert.Random(length, 2);
        float[] weight = KernelAssert.Random(channels, 3, 0.5f, 1.5f);
        float[] bias = KernelAssert.Random(channels, 4);

        // The reference's own chain gives every phase the same inputs at every level.
        var partial = new float[partialLength];
        BatchNormalization.Statistics(x, partial, batch, channels, plane, SimdLevel.Scalar);
        float[] statistics = Reduce(partial, channels);
        var y = new float[length];
        var yPlain = new float[length];
        BatchNormalization.Normalize(x, y, statistics, weight, bias, batch, channels, plane, SimdLevel.Scalar);
        BatchNormalization.Normalize(x, yPlain, statistics, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, batch, channels, plane, SimdLevel.Scalar);
        var sums = new float[partialLength];
        BatchNormalization.BackwardStatistics(dy, x, statistics, sums, batch, channels, plane, SimdLevel.Scalar);
        var dx = new float[length];
        var dxPlain = new float[length];
        BatchNormalization.BackwardInput(dy, x, statistics, sums, weight, dx, batch, channels, plane, SimdLevel.Scalar);
        BatchNormalization.BackwardInput(dy, x, statistics, sums, ReadOnlySpan<float>.Empty, dxPlain, batch, channels, plane, SimdLevel.Scalar);

        foreach (SimdLevel level in KernelAssert.VectorLevels)
        {
            var vectorPartial = new float[partialLength];
            BatchNormalization.Statistics(x, vectorPartial, batch, channels, plane, level);
            KernelAssert.Close(partial, vectorPartial, $"{level} statistics");

            var vectorY = new float[length];
            BatchNormalization.Normalize(x, vectorY, statistics, weight, bias, batch, channels, plane, level);
            KernelAssert.Close(y, vectorY, $"{level} normalised");
            BatchNormalization.Normalize(x, vectorY, statistics, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, batch, channels, plane, level);
            KernelAssert.Close(yPlain, vectorY, $"{level} normalised without weight and bias");

            var vectorSums = new float[partialLength];
            BatchNormalization.BackwardStatistics(dy, x, statistics, vectorSums, batch, channels, plane, level);
            KernelAssert.Close(sums, vectorSums, $"{level} backward sums");

            var vectorDx = new float[length];
            BatchNormalization.BackwardInput(dy, x, statistics, sums, weight, vectorDx, batch, channels, plane, level);
            KernelAssert.Close(dx, vectorDx, $"{level} input gradient");
            BatchNormalization.BackwardInput(dy, x, statistics, sums, ReadOnlySpan<float>.Empty, vectorDx, batch, channels, plane, level);
            KernelAssert.Close(dxPlain, vectorDx, $"{level} input gradient without weight");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheReLUFusedIntoEachPassGivesTheTwoPassesResultBitForBit(int batch, int channels, int plane)
    {
        int length = batch * channels * plane, partialLength = (2 * channels) + 1;
        float[] x = KernelAssert.Random(length, 21, -2f, 3f);
        float[] reluGradient = KernelAssert.Random(length, 22);
        float[] weight = KernelAssert.Random(channels, 23, -1.5f, 1.5f);
        float[] bias = KernelAssert.Random(channels, 24);
        var partial = new float[partialLength];
        BatchNormalization.Statistics(x, partial, batch, channels, plane, SimdLevel.Scalar);
        float[] statistics = Reduce(partial, channels);

        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            // Forward: the normalisation, then the ReLU over the whole buffer, against the two in one pass.
            var normalized = new float[length];
            var expectedY = new float[length];
            BatchNormalization.Normalize(x, normalized, statistics, weight, bias, batch, channels, plane, level);
            VectorMath.Relu(normalized, expectedY, level);
            var y = new float[length];
            BatchNormalization.NormalizeRelu(x, y, statistics, weight, bias, batch, channels, plane, level);
            KernelAssert.Identical(expectedY, y, $"{level} normalised and rectified");

            // Backward: the ReLU's gradient, then the sums of it, against the two in one pass.
            var expectedGradient = new float[length];
            VectorMath.ReluBackward(reluGradient, y, expectedGradient, level);
            var expectedSums = new float[partialLength];
            BatchNormalization.BackwardStatistics(expectedGradient, x, statistics, expectedSums, batch, channels, plane, level);
            float[] gradient = KernelAssert.Random(length, 25);
            var sums = new float[partialLength];
            BatchNormalization.ReluBackwardStatistics(reluGradient, y, gradient, x, statistics, sums, batch, channels, plane, level);
            KernelAssert.Identical(expectedGradient, gradient, $"{level} rectified gradient");
            KernelAssert.Identical(expectedSums, sums, $"{level} backward sums of the rectified gradient");
        }
    }

    [Fact]
    public void StatisticsComputesAHandWorkedCase()
    {
        // 2 samples, 2 channels, 2 positions. Channel 0 holds 1, 2, 3, 4: mean 2.5, squared deviations
        // 2.25 + 0.25 + 0.25 + 2.25 = 5. Channel 1 holds 10, 10, 10, 30: mean 15, 3 * 25 + 225 = 300.
        float[] x = { 1, 2, 10, 10, 3, 4, 10, 30 };
        var partial = new float[5];
        BatchNormalization.Statistics(x, partial, 2, 2, 2, SimdLevel.Scalar);
        Assert.Equal(new float[] { 4, 2.5f, 15, 5, 300 }, partial);
    }

    [Fact]
    public void ReduceStatisticsMergesSlicesSkipsEmptyOnesAndMovesTheRunningEstimates()
    {
        // One channel: slices holding 1, 2 (mean 1.5, squares 0.5) and 3, 4 (mean 3.5, squares 0.5), and an
        // empty slice between them whose other values must be ignored. Together: mean 2.5, squares
        // 0.5 + 0.5 + (3.5 - 1.5)^2 * 2 * 2 / 4 = 5 over 4 values: biased variance 5/4, unbiased 5/3.
        float[] partials = { 2, 1.5f, 0.5f, 0, 99, 99, 2, 3.5f, 0.5f };
        var statistics = new float[2];
        float[] runningMean = { 0.5f }, runningVar = { 2f }, batchesTracked = { 3f };
        BatchNormalization.ReduceStatistics(partials, 3, statistics, runningMean, runningVar, batchesTracked, 1, Momentum, Epsilon);
        Assert.Equal(2.5f, statistics[0]);
        Assert.Equal((float)(1 / Math.Sqrt(1.25 + Epsilon)), statistics[1]);
        Assert.Equal((float)((0.9 * 0.5) + (0.1 * 2.5)), runningMean[0]);
        Assert.Equal((float)((0.9 * 2) + (0.1 * 5 / 3)), runningVar[0]);
        Assert.Equal(4f, batchesTracked[0]);
    }

    [Fact]
    public void InferenceStatisticsAreTheRunningEstimates()
    {
        var statistics = new float[4];
        BatchNormalization.InferenceStatistics(new float[] { 0.7f, -2f }, new float[] { 3f, 0f }, statistics, 2, epsilon: 1.0);
        Assert.Equal(new[] { 0.7f, -2f, 0.5f, 1f }, statistics);
    }

    [Fact]
    public void NormalizeAndBackwardComputeAHandWorkedCase()
    {
        // One channel of 1, 2, 3, 4 with mean 2.5 and 1/std 0.5: x_hat = -0.75, -0.25, 0.25, 0.75.
        float[] x = { 1, 2, 3, 4 };
        float[] statistics = { 2.5f, 0.5f };
        var y = new float[4];
        BatchNormalization.Normalize(x, y, statistics, new float[] { 2 }, new float[] { 1 }, 2, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new[] { -0.5f, 0.5f, 1.5f, 2.5f }, y);
        BatchNormalization.Normalize(x, y, statistics, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 2, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new[] { -0.75f, -0.25f, 0.25f, 0.75f }, y);

        // dy = 1, 0, 0, 2: sum dy = 3, sum dy * x_hat = -0.75 + 1.5 = 0.75.
        float[] dy = { 1, 0, 0, 2 };
        var sums = new float[3];
        BatchNormalization.BackwardStatistics(dy, x, statistics, sums, 2, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new[] { 4f, 3f, 0.75f }, sums);

        // Weight 2: scale 2 * 0.5 = 1; dx = dy - 3/4 - x_hat * 0.75/4.
        var dx = new float[4];
        BatchNormalization.BackwardInput(dy, x, statistics, sums, new float[] { 2 }, dx, 2, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new[] { 1 - 0.75f + 0.140625f, -0.75f + 0.046875f, -0.75f - 0.046875f, 2 - 0.75f - 0.140625f }, dx);
    }

    [Fact]
    public void ReduceSumsAndParameterGradientsAddUp()
    {
        // One channel, two slices: totals [6, 4, 1]; the weight's gradient gathers sum dy * x_hat, the bias's sum dy.
        var totals = new float[] { 9, 9, 9 };
        BatchNormalization.ReduceSums(new float[] { 4, 3, 0.75f, 2, 1, 0.25f }, 2, totals, 1);
        Assert.Equal(new float[] { 6, 4, 1 }, totals);
        float[] weightGradient = { 10 }, biasGradient = { 20 };
        BatchNormalization.AddParameterGradients(totals, weightGradient, biasGradient, 1);
        Assert.Equal(11f, weightGradient[0]);
        Assert.Equal(24f, biasGradient[0]);
    }

    /// <summary>batch, channels, plane, and the samples in the first of two slices.</summary>
    [Theory]
    [InlineData(5, 2, 3, 2)]
    [InlineData(6, 3, 1, 4)]
    [InlineData(2, 1, 4, 1)]
    public void TheScalarTrainingStepsBackwardIsTheDerivativeOfItsForward(int batch, int channels, int plane, int firstSlice)
    {
        int sampleLength = channels * plane, length = batch * sampleLength, partialLength = (2 * channels) + 1;
        float[] x = KernelAssert.Random(length, 11, -2f, 2f);
        float[] weight = KernelAssert.Random(channels, 12, 0.5f, 1.5f);
        float[] bias = KernelAssert.Random(channels, 13);
        float[] outputWeights = KernelAssert.Random(length, 14);
        int[] slices = { firstSlice, batch - firstSlice };
        var partials = new float[2 * partialLength];
        var statistics = new float[2 * channels];
        var y = new float[length];

        // Forward as a network runs it: statistics per slice, one reduction, normalisation per slice.
        void Forward()
        {
            for (int k = 0, first = 0; k < 2; first += slices[k], k++)
            {
                BatchNormalization.Statistics(x.AsSpan(first * sampleLength, slices[k] * sampleLength), partials.AsSpan(k * partialLength, partialLength), slices[k], channels, plane, SimdLevel.Scalar);
            }

            BatchNormalization.ReduceStatistics(partials, 2, statistics, new float[channels], new float[channels], new float[1], channels, Momentum, Epsilon);
            for (int k = 0, first = 0; k < 2; first += slices[k], k++)
            {
                BatchNormalization.Normalize(x.AsSpan(first * sampleLength, slices[k] * sampleLength), y.AsSpan(first * sampleLength, slices[k] * sampleLength), statistics, weight, bias, slices[k], channels, plane, SimdLevel.Scalar);
            }
        }

        Forward();
        var totals = new float[partialLength];
        var dx = new float[length];
        for (int k = 0, first = 0; k < 2; first += slices[k], k++)
        {
            BatchNormalization.BackwardStatistics(outputWeights.AsSpan(first * sampleLength, slices[k] * sampleLength), x.AsSpan(first * sampleLength, slices[k] * sampleLength), statistics, partials.AsSpan(k * partialLength, partialLength), slices[k], channels, plane, SimdLevel.Scalar);
        }

        BatchNormalization.ReduceSums(partials, 2, totals, channels);
        for (int k = 0, first = 0; k < 2; first += slices[k], k++)
        {
            BatchNormalization.BackwardInput(outputWeights.AsSpan(first * sampleLength, slices[k] * sampleLength), x.AsSpan(first * sampleLength, slices[k] * sampleLength), statistics, totals, weight, dx.AsSpan(first * sampleLength, slices[k] * sampleLength), slices[k], channels, plane, SimdLevel.Scalar);
        }

        var weightGradient = new float[channels];
        var biasGradient = new float[channels];
        BatchNormalization.AddParameterGradients(totals, weightGradient, biasGradient, channels);

        double Objective()
        {
            Forward();
            return KernelAssert.WeightedSum(y, outputWeights);
        }

        // The batch's statistics make the objective curved in x: Richardson's extrapolation takes care of
        // the step's h^2 error; float rounding of every normalised value, divided by the step, needs 3e-4.
        KernelAssert.Gradient(x, dx, Objective, "input gradient", step: 0.02f, absolute: 3e-4);
        KernelAssert.Gradient(weight, weightGradient, Objective, "weight gradient", step: 0.02f, absolute: 3e-4);
        KernelAssert.Gradient(bias, biasGradient, Objective, "bias gradient", step: 0.02f, absolute: 3e-4);
    }

    [Fact]
    public void SpansTooShortForTheSizesAreRejectedByName()
    {
        KernelAssert.Rejects(() => BatchNormalization.Statistics(new float[12], new float[4], 2, 2, 3, SimdLevel.Scalar), "partial", "holds 4 values", "needs 5");
        KernelAssert.Rejects(() => BatchNormalization.Normalize(new float[11], new float[12], new float[4], ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 2, 2, 3, SimdLevel.Scalar), "x", "holds 11 values");
        KernelAssert.Rejects(() => BatchNormalization.ReduceStatistics(new float[9], 2, new float[4], new float[2], new float[2], new float[1], 2, Momentum, Epsilon), "partials", "BatchNormalization.ReduceStatistics", "holds 9", "need 10");
        KernelAssert.Rejects(() => BatchNormalization.ReduceStatistics(new float[10], 2, new float[4], new float[2], new float[1], new float[1], 2, Momentum, Epsilon), "runningVar", "holds 1", "need 2");
        KernelAssert.Rejects(() => BatchNormalization.InferenceStatistics(new float[2], new float[2], new float[3], 2, Epsilon), "statistics", "BatchNormalization.InferenceStatistics", "holds 3", "need 4");
        KernelAssert.Rejects(() => BatchNormalization.ReduceSums(new float[10], 2, new float[4], 2), "totals", "BatchNormalization.ReduceSums", "holds 4", "need 5");
        KernelAssert.Rejects(() => BatchNormalization.AddParameterGradients(new float[5], new float[2], new float[1], 2), "biasGradient", "BatchNormalization.AddParameterGradients", "holds 1", "need 2");
    }

    /// <summary>The batch's statistics from one slice's record, as the forward's reduction computes them.</summary>
    private static float[] Reduce(float[] partial, int channels)
    {
        var statistics = new float[2 * channels];
        BatchNormalization.ReduceStatistics(partial, 1, statistics, new float[channels], new float[channels], new float[1], channels, Momentum, Epsilon);
        return statistics;
    }
}
