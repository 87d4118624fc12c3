using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// The dense layer's scalar reference: by hand, against finite differences of its forward, and as the
/// reference the matrix products of every vector level must agree with, on sizes narrower and wider
/// than a vector, batches of 1 and 7, and runs of output rows.
/// </summary>
public class DenseKernelTests
{
    /// <summary>batch, inputs, outputs.</summary>
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>
        {
            { 1, 1, 1 },
            { 7, 3, 5 },
            { 1, 400, 120 },    // LeNet-5's first dense layer, one sample
            { 7, 120, 84 },
            { 7, 37, 17 },
            { 1, 16, 33 },
            { 7, 5, 64 },
        };

        var random = new Random(20261204);
        for (int added = 0; added < 6; added++)
        {
            data.Add(random.Next(2) == 0 ? 1 : 7, random.Next(1, 70), random.Next(1, 70));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryVectorLevelAgreesWithTheScalarReference(int batch, int inputs, int outputs)
    {
        float[] input = KernelAssert.Random(batch * inputs, 1);
        float[] weight = KernelAssert.Random(outputs * inputs, 2);
        float[] bias = KernelAssert.Random(outputs, 3);
        float[] outputGradient = KernelAssert.Random(batch * outputs, 4);

        // The whole layer's parameter gradients, and a run of rows in the middle, as one thread of several computes it.
        int first = outputs / 3, count = Math.Max(1, outputs / 2);
        count = Math.Min(count, outputs - first);
        Results reference = Run(input, weight, bias, outputGradient, batch, inputs, outputs, first, count, SimdLevel.Scalar);
        foreach (SimdLevel level in KernelAssert.VectorLevels)
        {
            Results vector = Run(input, weight, bias, outputGradient, batch, inputs, outputs, first, count, level);
            KernelAssert.Close(reference.Output, vector.Output, $"{level} output");
            KernelAssert.Close(reference.OutputWithoutBias, vector.OutputWithoutBias, $"{level} output without bias");
            KernelAssert.Close(reference.InputGradient, vector.InputGradient, $"{level} input gradient");
            KernelAssert.Close(reference.WeightGradient, vector.WeightGradient, $"{level} weight gradient");
            KernelAssert.Close(reference.BiasGradient, vector.BiasGradient, $"{level} bias gradient");
            KernelAssert.Close(reference.RunWeightGradient, vector.RunWeightGradient, $"{level} weight gradient of outputs {first} to {first + count - 1}");
            KernelAssert.Close(reference.RunBiasGradient, vector.RunBiasGradient, $"{level} bias gradient of outputs {first} to {first + count - 1}");
        }
    }

    [Fact]
    public void TheScalarReferenceComputesAHandWorkedCase()
    {
        // Two samples of 2 inputs, 3 outputs: W = [[1, 2], [3, 4], [5, 6]], b = [1, 0, -1].
        float[] input = { 1, 2, -1, 1 };
        float[] weight = { 1, 2, 3, 4, 5, 6 };
        float[] bias = { 1, 0, -1 };
        var output = new float[6];
        Dense.Forward(input, weight, bias, output, 2, 2, 3, SimdLevel.Scalar);
        Assert.Equal(new float[] { 1 + 4 + 1, 3 + 8, 5 + 12 - 1, -1 + 2 + 1, -3 + 4, -5 + 6 - 1 }, output);

        // dx = dy W: [1, 0, 2] -> [1 + 10, 2 + 12]; [0, 1, 0] -> [3, 4].
        float[] outputGradient = { 1, 0, 2, 0, 1, 0 };
        var inputGradient = new float[4];
        inputGradient.AsSpan().Fill(float.NaN);
        Dense.BackwardInput(outputGradient, weight, inputGradient, 2, 2, 3, SimdLevel.Scalar);
        Assert.Equal(new float[] { 11, 14, 3, 4 }, inputGradient);

        // dW += dy^T x, db += the sum of dy, for outputs 1 and 2 only; row 0 keeps what it held.
        float[] weightGradient = { 9, 9, 9, 9, 9, 9 };
        float[] biasGradient = { 9, 9, 9 };
        Dense.BackwardParameters(input, outputGradient, weightGradient, biasGradient, 2, 2, 3, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new float[] { 9, 9, 9 + 0 - 1, 9 + 0 + 1, 9 + 2, 9 + 4 }, weightGradient);
        Assert.Equal(new float[] { 9, 9 + 1, 9 + 2 }, biasGradient);
    }

    [Theory]
    [InlineData(1, 5, 3)]
    [InlineData(3, 4, 6)]
    public void TheScalarBackwardIsTheDerivativeOfTheScalarForward(int batch, int inputs, int outputs)
    {
        float[] input = KernelAssert.Random(batch * inputs, 11);
        float[] weight = KernelAssert.Random(outputs * inputs, 12);
        float[] bias = KernelAssert.Random(outputs, 13);
        float[] outputWeights = KernelAssert.Random(batch * outputs, 14);
        var output = new float[batch * outputs];
        double Objective()
        {
            Dense.Forward(input, weight, bias, output, batch, inputs, outputs, SimdLevel.Scalar);
            return KernelAssert.WeightedSum(output, outputWeights);
        }

        var inputGradient = new float[input.Length];
        var weightGradient = new float[weight.Length];
        var biasGradient = new float[outputs];
        Dense.BackwardInput(outputWeights, weight, inputGradient, batch, inputs, outputs, SimdLevel.Scalar);
        Dense.BackwardParameters(input, outputWeights, weightGradient, biasGradient, batch, inputs, outputs, 0, outputs, SimdLevel.Scalar);
        KernelAssert.Gradient(input, inputGradient, Objective, "input gradient", step: 0.25f);
        KernelAssert.Gradient(weight, weightGradient, Objective, "weight gradient", step: 0.25f);
        KernelAssert.Gradient(bias, biasGradient, Objective, "bias gradient", step: 0.25f);
    }

    [Fact]
    public void SpansAndRunsThatDoNotMatchTheSizesAreRejectedByName()
    {
        // 2 samples of 3 inputs, 4 outputs: 6 inputs, 12 weights, 8 outputs.
        foreach (SimdLevel level in new[] { SimdLevel.Scalar, SimdLevel.Vector256 })
        {
            KernelAssert.Rejects(() => Dense.Forward(new float[5], new float[12], new float[4], new float[8], 2, 3, 4, level), "input", "Dense.Forward", "holds 5 values", "need 6");
            KernelAssert.Rejects(() => Dense.Forward(new float[6], new float[11], new float[4], new float[8], 2, 3, 4, level), "weight", "holds 11", "need 12");
            KernelAssert.Rejects(() => Dense.Forward(new float[6], new float[12], new float[3], new float[8], 2, 3, 4, level), "bias", "holds 3", "at least 4");
            KernelAssert.Rejects(() => Dense.Forward(new float[6], new float[12], new float[4], new float[7], 2, 3, 4, level), "output", "holds 7", "need 8");
            KernelAssert.Rejects(() => Dense.BackwardInput(new float[8], new float[12], new float[5], 2, 3, 4, level), "inputGradient", "Dense.BackwardInput", "holds 5", "need 6");
            KernelAssert.Rejects(() => Dense.BackwardParameters(new float[6], new float[8], new float[11], new float[4], 2, 3, 4, 0, 4, level), "weightGradient", "Dense.BackwardParameters", "holds 11", "need 12");
            KernelAssert.Rejects(() => Dense.BackwardParameters(new float[6], new float[7], new float[12], new float[4], 2, 3, 4, 0, 4, level), "outputGradient", "holds 7", "need 8");
            KernelAssert.Rejects(() => Dense.BackwardParameters(new float[6], new float[8], new float[12], new float[4], 2, 3, 4, 2, 3, level), "outputCount", "outputs 2 to 4", "the layer's 4");
        }
    }

    private sealed record Results(float[] Output, float[] OutputWithoutBias, float[] InputGradient, float[] WeightGradient, float[] BiasGradient, float[] RunWeightGradient, float[] RunBiasGradient);

    /// <summary>
    /// Every entry point at one level. The input gradient starts as NaN, which only overwriting clears; the
    /// parameter gradients start at 0.5, which only accumulating keeps, and outside the run must stay 0.5.
    /// </summary>
    private static Results Run(float[] input, float[] weight, float[] bias, float[] outputGradient, int batch, int inputs, int outputs, int first, int count, SimdLevel level)
    {
        var output = new float[batch * outputs];
        var outputWithoutBias = new float[batch * outputs];
        Dense.Forward(input, weight, bias, output, batch, inputs, outputs, level);
        Dense.Forward(input, weight, ReadOnlySpan<float>.Empty, outputWithoutBias, batch, inputs, outputs, level);

        var inputGradient = new float[input.Length];
        inputGradient.AsSpan().Fill(float.NaN);
        Dense.BackwardInput(outputGradient, weight, inputGradient, batch, inputs, outputs, level);

        var weightGradient = new float[weight.Length];
        var biasGradient = new float[outputs];
        weightGradient.AsSpan().Fill(0.5f);
        biasGradient.AsSpan().Fill(0.5f);
        Dense.BackwardParameters(input, outputGradient, weightGradient, biasGradient, batch, inputs, outputs, 0, outputs, level);

        var runWeightGradient = new float[weight.Length];
        var runBiasGradient = new float[outputs];
        runWeightGradient.AsSpan().Fill(0.5f);
        runBiasGradient.AsSpan().Fill(0.5f);
        Dense.BackwardParameters(input, outputGradient, runWeightGradient, runBiasGradient, batch, inputs, outputs, first, count, level);
        for (int o = 0; o < outputs; o++)
        {
            if (o >= first && o < first + count)
            {
                continue;
            }

            Assert.True(runBiasGradient[o] == 0.5f, $"{level}: the bias gradient of output {o}, outside the run, changed.");
            for (int i = 0; i < inputs; i++)
            {
                Assert.True(runWeightGradient[(o * inputs) + i] == 0.5f, $"{level}: the weight gradient of output {o}, outside the run, changed.");
            }
        }

        return new Results(output, outputWithoutBias, inputGradient, weightGradient, biasGradient, runWeightGradient, runBiasGradient);
    }
}
