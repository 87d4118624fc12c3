using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>The residual connection's sum and the concatenation's copies.</summary>
public class ElementwiseKernelTests
{
    [Fact]
    public void AddIsTheSameAtEveryLevel()
    {
        foreach (int length in new[] { 0, 1, 3, 16, 37, 7 * 49 })
        {
            float[] x = KernelAssert.Random(length, length), y = KernelAssert.Random(length, length + 1);
            var reference = new float[length];
            VectorMath.Add(x, y, reference, SimdLevel.Scalar);
            foreach (SimdLevel level in KernelAssert.VectorLevels)
            {
                var sum = new float[length];
                VectorMath.Add(x, y, sum, level);

                // One float addition per value, whatever the width: the same bits.
                KernelAssert.Identical(reference, sum, $"{level} sum of {length}");
            }
        }
    }

    [Fact]
    public void AddReluIsAddThenReluAtEveryLevel()
    {
        foreach (int length in new[] { 0, 1, 3, 16, 37, 14 * 16 })
        {
            float[] x = KernelAssert.Random(length, length + 2), y = KernelAssert.Random(length, length + 3);
            if (length >= 3)
            {
                // Sums of exactly zero, of either sign, and a sum that rounds to zero: the ReLU's edge cases.
                (x[0], y[0], x[1], y[1], x[2], y[2]) = (0.5f, -0.5f, -0f, -0f, 1e-30f, -1e-30f);
            }

            foreach (SimdLevel level in KernelAssert.AllLevels)
            {
                var expected = new float[length];
                VectorMath.Add(x, y, expected, level);
                VectorMath.Relu(expected, expected, level);
                var fused = new float[length];
                VectorMath.AddRelu(x, y, fused, level);
                KernelAssert.Identical(expected, fused, $"{level} add and ReLU of {length}");
            }
        }

        var hand = new float[3];
        VectorMath.AddRelu(new[] { 1f, -2f, 0.5f }, new[] { 10f, 1f, -0.75f }, hand, SimdLevel.Scalar);
        Assert.Equal(new[] { 11f, 0f, 0f }, hand);
        KernelAssert.Rejects(() => VectorMath.AddRelu(new float[3], new float[2], new float[3], SimdLevel.Scalar), "y", "VectorMath.AddRelu", "y holds 2 values, but x holds 3");
    }

    [Fact]
    public void AddComputesAHandWorkedCase()
    {
        var sum = new float[3];
        VectorMath.Add(new[] { 1f, -2f, 0.5f }, new[] { 10f, 2f, 0.25f }, sum, SimdLevel.Scalar);
        Assert.Equal(new[] { 11f, 0f, 0.75f }, sum);
        KernelAssert.Rejects(() => VectorMath.Add(new float[3], new float[2], new float[3], SimdLevel.Scalar), "y", "VectorMath.Add", "y holds 2 values, but x holds 3");
        KernelAssert.Rejects(() => VectorMath.Add(new float[3], new float[3], new float[4], SimdLevel.Vector256), "sum", "sum holds 4 values");
    }

    [Fact]
    public void ConcatenationComputesAHandWorkedCase()
    {
        // Two samples; parts of 2 and 1 values joined into samples of 3.
        var output = new float[6];
        output.AsSpan().Fill(float.NaN);
        Concatenation.Forward(new float[] { 1, 2, 3, 4 }, output, 2, 2, 3, 0);
        Concatenation.Forward(new float[] { 9, 8 }, output, 2, 1, 3, 2);
        Assert.Equal(new float[] { 1, 2, 9, 3, 4, 8 }, output);

        var first = new float[4];
        var second = new float[2];
        Concatenation.Backward(new float[] { 10, 20, 30, 40, 50, 60 }, first, 2, 2, 3, 0);
        Concatenation.Backward(new float[] { 10, 20, 30, 40, 50, 60 }, second, 2, 1, 3, 2);
        Assert.Equal(new float[] { 10, 20, 40, 50 }, first);
        Assert.Equal(new float[] { 30, 60 }, second);
    }

    [Fact]
    public void ConcatenationBackwardIsTheDerivativeOfItsForward()
    {
        const int Batch = 3, PartLength = 4, OutputLength = 9, Offset = 3;
        float[] part = KernelAssert.Random(Batch * PartLength, 1);
        float[] outputWeights = KernelAssert.Random(Batch * OutputLength, 2);
        var output = new float[Batch * OutputLength];
        var partGradient = new float[part.Length];
        Concatenation.Backward(outputWeights, partGradient, Batch, PartLength, OutputLength, Offset);
        KernelAssert.Gradient(
            part,
            partGradient,
            () =>
            {
                Concatenation.Forward(part, output, Batch, PartLength, OutputLength, Offset);
                return KernelAssert.WeightedSum(output, outputWeights);
            },
            "concatenation",
            step: 0.25f);
    }

    [Fact]
    public void APartThatDoesNotFitIsRejectedByName()
    {
        KernelAssert.Rejects(() => Concatenation.Forward(new float[4], new float[6], 2, 2, 3, 2), "offset", "Concatenation.Forward", "runs past a sample's 3 output values");
        KernelAssert.Rejects(() => Concatenation.Forward(new float[3], new float[6], 2, 2, 3, 0), "part", "holds 3 values", "need 4");
        KernelAssert.Rejects(() => Concatenation.Backward(new float[5], new float[4], 2, 2, 3, 1), "outputGradient", "Concatenation.Backward", "holds 5 values", "need 6");
    }
}
