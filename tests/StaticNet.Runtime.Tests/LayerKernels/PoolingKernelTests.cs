using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// The scalar references of max, average and global average pooling: by hand, against finite differences
/// of their forward, and as the reference every vector level (2x2 fast paths included) must agree with;
/// square windows through the square overloads, windows given per axis through the per-axis ones.
/// </summary>
public class PoolingKernelTests
{
    /// <summary>planes, height, width, kernel, stride, padding.</summary>
    public static TheoryData<int, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int, int>
        {
            { 3, 28, 28, 2, 2, 0 },     // the 2x2 fast path, 16-lane rows
            { 7, 9, 15, 2, 2, 0 },      // the 2x2 fast path, an odd width: the last column gets no gradient
            { 7, 6, 6, 2, 2, 0 },       // the 2x2 path on rows narrower than a vector
            { 1, 6, 37, 2, 2, 0 },      // rows wider than a 512-bit vector
            { 7, 16, 16, 3, 2, 1 },     // overlapping windows over the border
            { 1, 5, 7, 3, 1, 1 },
            { 7, 7, 7, 3, 3, 0 },
            { 1, 1, 1, 1, 1, 0 },
            { 3, 11, 5, 5, 2, 2 },
        };

        var random = new Random(20261203);
        for (int added = 0; added < 8; added++)
        {
            int kernel = random.Next(1, 6), padding = random.Next(0, (kernel / 2) + 1);
            data.Add(random.Next(1, 8), random.Next(kernel, 14), random.Next(kernel, 20), kernel, random.Next(1, 4), padding);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryVectorLevelAgreesWithTheScalarReference(int planes, int height, int width, int kernel, int stride, int padding) =>
        AgreesWithTheScalarReference(new Shape(planes, height, width, kernel, kernel, stride, stride, padding, padding));

    /// <summary>planes, height, width, then the window per axis: kernel height and width, stride height and width, padding height and width.</summary>
    public static TheoryData<int, int, int, int[]> RectangularShapes()
    {
        var data = new TheoryData<int, int, int, int[]>
        {
            { 3, 8, 9, new[] { 2, 1, 2, 1, 0, 0 } },     // PyTorch's MaxPool2d((2, 1)): halves the height only
            { 7, 9, 20, new[] { 1, 2, 1, 2, 0, 0 } },    // halves the width only, rows wider than a vector
            { 7, 7, 11, new[] { 3, 2, 2, 1, 1, 1 } },    // overlapping windows over the border
            { 1, 6, 9, new[] { 2, 2, 1, 2, 0, 1 } },     // a square kernel, stride (1, 2), padding (0, 1): not the 2x2 path
            { 3, 5, 17, new[] { 1, 5, 1, 3, 0, 2 } },
        };

        var random = new Random(20261204);
        for (int added = 0; added < 8; added++)
        {
            int kernelHeight = random.Next(1, 6), kernelWidth = random.Next(1, 6);
            int[] window = { kernelHeight, kernelWidth, random.Next(1, 4), random.Next(1, 4), random.Next(0, (kernelHeight / 2) + 1), random.Next(0, (kernelWidth / 2) + 1) };
            data.Add(random.Next(1, 8), random.Next(kernelHeight, 14), random.Next(kernelWidth, 20), window);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RectangularShapes))]
    public void EveryVectorLevelAgreesWithTheScalarReferenceOnRectangularWindows(int planes, int height, int width, int[] window) =>
        AgreesWithTheScalarReference(Shape.Of(planes, height, width, window));

    /// <summary>
    /// The max pooling's and the ReLU's backward passes in one, at every level, on a ReLU's output (zeros, and ties at
    /// zero, where no gradient may pass), on signed values and on integer ties: bit for bit the scalar max pooling's
    /// gradient, then zero wherever the pooled value is not positive.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheMaxAndReLUBackwardIsTheMaxBackwardMaskedWhereTheInputIsNotPositive(int planes, int height, int width, int kernel, int stride, int padding) =>
        MasksLikeTheReLU(new Shape(planes, height, width, kernel, kernel, stride, stride, padding, padding));

    [Theory]
    [MemberData(nameof(RectangularShapes))]
    public void TheMaxAndReLUBackwardIsTheMaxBackwardMaskedWhereTheInputIsNotPositiveOnRectangularWindows(int planes, int height, int width, int[] window) =>
        MasksLikeTheReLU(Shape.Of(planes, height, width, window));

    private static void MasksLikeTheReLU(Shape shape)
    {
        float[] input = KernelAssert.Random(shape.InputLength, 3);
        float[] outputGradient = KernelAssert.Random(shape.OutputLength, 4);
        float[] rectified = Array.ConvertAll(input, value => MathF.Max(value, 0f));
        float[] ties = Array.ConvertAll(input, value => MathF.Round(value * 2) + 0f);
        foreach (float[] data in new[] { rectified, input, ties })
        {
            float[] expected = shape.MaxBackward(data, outputGradient, SimdLevel.Scalar);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = data[i] > 0f ? expected[i] : 0f;
            }

            foreach (SimdLevel level in KernelAssert.AllLevels)
            {
                KernelAssert.Identical(expected, shape.MaxReLUBackward(data, outputGradient, level), $"{level} max and ReLU gradient");
            }
        }
    }

    private static void AgreesWithTheScalarReference(Shape shape)
    {
        float[] input = KernelAssert.Random(shape.InputLength, 1);
        float[] outputGradient = KernelAssert.Random(shape.OutputLength, 2);

        // Integer-valued data has ties: each path must send a max's gradient to the first largest value.
        // Adding 0 turns the -0 that rounding gives small negative values into 0: of two zeros of either
        // sign, the scalar compare keeps the first and MathF.Max returns +0, and both are right.
        float[] ties = Array.ConvertAll(input, value => MathF.Round(value * 2) + 0f);
        foreach (float[] data in new[] { input, ties })
        {
            float[] maxOutput = shape.MaxForward(data, SimdLevel.Scalar);
            float[] maxGradient = shape.MaxBackward(data, outputGradient, SimdLevel.Scalar);
            foreach (SimdLevel level in KernelAssert.VectorLevels)
            {
                // A max chooses a value and moves a gradient: no rounding, so no tolerance.
                KernelAssert.Identical(maxOutput, shape.MaxForward(data, level), $"{level} max");
                KernelAssert.Identical(maxGradient, shape.MaxBackward(data, outputGradient, level), $"{level} max gradient");
            }
        }

        foreach (bool countIncludePad in new[] { true, false })
        {
            float[] mean = shape.AverageForward(input, countIncludePad, SimdLevel.Scalar);
            float[] meanGradient = shape.AverageBackward(outputGradient, countIncludePad, SimdLevel.Scalar);
            foreach (SimdLevel level in KernelAssert.VectorLevels)
            {
                KernelAssert.Close(mean, shape.AverageForward(input, countIncludePad, level), $"{level} mean, countIncludePad {countIncludePad}");
                KernelAssert.Close(meanGradient, shape.AverageBackward(outputGradient, countIncludePad, level), $"{level} mean gradient, countIncludePad {countIncludePad}");
            }
        }
    }

    [Fact]
    public void MaxPoolingComputesAHandWorkedCase()
    {
        // A 4x4 plane in 2x2 windows; the bottom-right window ties, 7 twice, and its first 7 in reading order wins.
        float[] input =
        {
            1, 5, 2, 0,
            3, 4, 6, 1,
            0, 2, 7, 3,
            8, 1, 7, 5,
        };
        var shape = new Shape(1, 4, 4, 2, 2, 2, 2, 0, 0);
        Assert.Equal(new float[] { 5, 6, 8, 7 }, shape.MaxForward(input, SimdLevel.Scalar));
        float[] expected =
        {
            0, 10, 0, 0,
            0, 0, 20, 0,
            0, 0, 40, 0,
            30, 0, 0, 0,
        };
        Assert.Equal(expected, shape.MaxBackward(input, new float[] { 10, 20, 30, 40 }, SimdLevel.Scalar));
    }

    [Fact]
    public void PaddingNeverWinsAMax()
    {
        // All values negative, padding 1: were the border a zero, it would win every window.
        float[] input = { -4, -3, -2, -1 };
        var shape = new Shape(1, 2, 2, 3, 3, 1, 1, 1, 1);
        Assert.Equal(new float[] { -1, -1, -1, -1 }, shape.MaxForward(input, SimdLevel.Scalar));
        Assert.Equal(new float[] { 0, 0, 0, 1 + 2 + 3 + 4 }, shape.MaxBackward(input, new float[] { 1, 2, 3, 4 }, SimdLevel.Scalar));
    }

    [Fact]
    public void AWindowOfMinusInfinitiesStartingInThePaddingSendsItsGradientNowhere()
    {
        // As the bordered loops the generator writes: the window's first tap holds the gradient until a
        // larger value is found, and nothing beats minus infinity. Of the four 2x2 windows of stride 2 over
        // a 2x2 plane padded by 1, only the last starts inside the plane, on its last value.
        float[] input = { float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity };
        var shape = new Shape(1, 2, 2, 2, 2, 2, 2, 1, 1);
        Assert.Equal(new float[] { 0, 0, 0, 4 }, shape.MaxBackward(input, new float[] { 1, 2, 3, 4 }, SimdLevel.Scalar));
    }

    [Fact]
    public void AveragePoolingComputesAHandWorkedCase()
    {
        // A 3x3 plane, 3x3 windows of stride 2 padded by 1: four windows, each over one 2x2 corner of the plane.
        float[] input = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var shape = new Shape(1, 3, 3, 3, 3, 2, 2, 1, 1);

        // Counting the padding, each corner's sum is divided by 9; without it, by the 4 values inside.
        KernelAssert.Close(new[] { 12f / 9, 16f / 9, 24f / 9, 28f / 9 }, shape.AverageForward(input, countIncludePad: true, SimdLevel.Scalar), "counting padding", 1e-6, 1e-6);
        Assert.Equal(new[] { 12f / 4, 16f / 4, 24f / 4, 28f / 4 }, shape.AverageForward(input, countIncludePad: false, SimdLevel.Scalar));

        // The centre is in all four windows, the edges' middles in two, the corners in one.
        float[] expected = { 0.25f, 0.5f, 0.25f, 0.5f, 1f, 0.5f, 0.25f, 0.5f, 0.25f };
        Assert.Equal(expected, shape.AverageBackward(new float[] { 1, 1, 1, 1 }, countIncludePad: false, SimdLevel.Scalar));
        KernelAssert.Close(Array.ConvertAll(expected, value => value * 4 / 9), shape.AverageBackward(new float[] { 1, 1, 1, 1 }, countIncludePad: true, SimdLevel.Scalar), "gradient counting padding", 1e-7, 1e-6);
    }

    [Fact]
    public void EveryLevelComputesHandWorkedRectangularWindows()
    {
        // A 3x4 plane in 1x2 windows of stride (1, 2): the larger of each pair along a row.
        float[] input =
        {
            1, 5, 2, 0,
            3, 4, 6, 1,
            0, 2, 7, 3,
        };
        var rows = new Shape(1, 3, 4, 1, 2, 1, 2, 0, 0);

        // A 2x3 plane in 2x1 windows of stride 1, padded by one row above and below: the mean of each
        // column's neighbouring pair, the padding's zero counted in the divisor or not.
        float[] plane = { 1, 2, 3, 4, 5, 6 };
        var columns = new Shape(1, 2, 3, 2, 1, 1, 1, 1, 0);
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            Assert.Equal(new float[] { 5, 2, 4, 6, 2, 7 }, rows.MaxForward(input, level));
            Assert.Equal(new float[] { 0, 1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0 }, rows.MaxBackward(input, new float[] { 1, 2, 3, 4, 5, 6 }, level));

            Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2.5f, 3.5f, 4.5f, 2f, 2.5f, 3f }, columns.AverageForward(plane, countIncludePad: true, level));
            Assert.Equal(new[] { 1f, 2f, 3f, 2.5f, 3.5f, 4.5f, 4f, 5f, 6f }, columns.AverageForward(plane, countIncludePad: false, level));

            // Each value is in two windows, each passing on half its gradient; without the padding counted,
            // the border windows pass on the whole of theirs.
            float[] gradient = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
            Assert.Equal(new[] { 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f }, columns.AverageBackward(gradient, countIncludePad: true, level));
            Assert.Equal(new[] { 1 + 2f, 2 + 2.5f, 3 + 3f, 2 + 7f, 2.5f + 8, 3 + 9f }, columns.AverageBackward(gradient, countIncludePad: false, level));
        }
    }

    /// <summary>planes, height, width, kernel, stride, padding: small, so every value is stepped.</summary>
    public static TheoryData<int, int, int, int, int, int> SmallShapes() => new()
    {
        { 2, 6, 6, 2, 2, 0 },
        { 3, 5, 7, 3, 2, 1 },
        { 1, 6, 5, 3, 1, 1 },
        { 2, 7, 7, 3, 3, 0 },
    };

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void TheScalarBackwardIsTheDerivativeOfTheScalarForward(int planes, int height, int width, int kernel, int stride, int padding) =>
        BackwardIsTheDerivativeOfForward(new Shape(planes, height, width, kernel, kernel, stride, stride, padding, padding));

    /// <summary>Small windows given per axis, as <see cref="RectangularShapes"/> lists them: every value is stepped.</summary>
    public static TheoryData<int, int, int, int[]> SmallRectangularShapes() => new()
    {
        { 2, 6, 5, new[] { 2, 1, 2, 1, 0, 0 } },
        { 2, 5, 7, new[] { 3, 2, 2, 1, 1, 1 } },
        { 1, 4, 7, new[] { 1, 3, 1, 2, 0, 1 } },
    };

    [Theory]
    [MemberData(nameof(SmallRectangularShapes))]
    public void TheScalarBackwardIsTheDerivativeOfTheScalarForwardOnRectangularWindows(int planes, int height, int width, int[] window) =>
        BackwardIsTheDerivativeOfForward(Shape.Of(planes, height, width, window));

    private static void BackwardIsTheDerivativeOfForward(Shape shape)
    {
        float[] outputWeights = KernelAssert.Random(shape.OutputLength, 21);

        // Values 0.1 apart, stepped by at most 0.02: no step changes which value of a window is largest.
        float[] input = KernelAssert.Separated(shape.InputLength, 22, 0.1f);
        KernelAssert.Gradient(input, shape.MaxBackward(input, outputWeights, SimdLevel.Scalar), () => KernelAssert.WeightedSum(shape.MaxForward(input, SimdLevel.Scalar), outputWeights), "max", step: 0.02f);

        foreach (bool countIncludePad in new[] { true, false })
        {
            float[] values = KernelAssert.Random(shape.InputLength, 23);
            KernelAssert.Gradient(values, shape.AverageBackward(outputWeights, countIncludePad, SimdLevel.Scalar), () => KernelAssert.WeightedSum(shape.AverageForward(values, countIncludePad, SimdLevel.Scalar), outputWeights), $"mean, countIncludePad {countIncludePad}", step: 0.25f);
        }
    }

    /// <summary>planes, planeLength: planes shorter and longer than a vector, and batches of 1 and 7 samples of a few channels.</summary>
    public static TheoryData<int, int> GlobalShapes() => new()
    {
        { 1, 1 },
        { 7 * 3, 3 },
        { 1 * 4, 16 },
        { 7 * 2, 37 },
        { 7 * 5, 49 },
        { 1 * 2, 784 },
    };

    [Theory]
    [MemberData(nameof(GlobalShapes))]
    public void GlobalAverageVectorLevelsAgreeWithTheScalarReference(int planes, int planeLength)
    {
        float[] input = KernelAssert.Random(planes * planeLength, 31);
        var reference = new float[planes];
        Pooling.GlobalAverageForward(input, reference, planes, planeLength, SimdLevel.Scalar);
        foreach (SimdLevel level in KernelAssert.VectorLevels)
        {
            var output = new float[planes];
            Pooling.GlobalAverageForward(input, output, planes, planeLength, level);
            KernelAssert.Close(reference, output, $"{level} global mean");
        }
    }

    [Fact]
    public void GlobalAverageComputesAHandWorkedCase()
    {
        var output = new float[2];
        Pooling.GlobalAverageForward(new float[] { 1, 2, 3, 4, -1, -2, -3, -6 }, output, 2, 4, SimdLevel.Scalar);
        Assert.Equal(new[] { 2.5f, -3f }, output);

        var inputGradient = new float[8];
        inputGradient.AsSpan().Fill(float.NaN);
        Pooling.GlobalAverageBackward(new float[] { 2, -4 }, inputGradient, 2, 4);
        Assert.Equal(new[] { 0.5f, 0.5f, 0.5f, 0.5f, -1f, -1f, -1f, -1f }, inputGradient);
    }

    [Theory]
    [InlineData(6, 5)]
    [InlineData(2, 17)]
    public void GlobalAverageBackwardIsTheDerivativeOfItsForward(int planes, int planeLength)
    {
        float[] input = KernelAssert.Random(planes * planeLength, 32);
        float[] outputWeights = KernelAssert.Random(planes, 33);
        var output = new float[planes];
        var inputGradient = new float[input.Length];
        Pooling.GlobalAverageBackward(outputWeights, inputGradient, planes, planeLength);
        KernelAssert.Gradient(
            input,
            inputGradient,
            () =>
            {
                Pooling.GlobalAverageForward(input, output, planes, planeLength, SimdLevel.Scalar);
                return KernelAssert.WeightedSum(output, outputWeights);
            },
            "global mean",
            step: 0.25f);
    }

    [Fact]
    public void SpansAndSizesThatDoNotMatchAreRejectedByName()
    {
        // 2 planes of 4x4 in 2x2 windows: 32 inputs, 8 outputs.
        foreach (SimdLevel level in new[] { SimdLevel.Scalar, SimdLevel.Vector256 })
        {
            KernelAssert.Rejects(() => Pooling.MaxForward(new float[31], new float[8], 2, 4, 4, 2, 2, 0, 2, 2, level), "input", "Pooling.MaxForward", "holds 31 values", "need 32");
            KernelAssert.Rejects(() => Pooling.MaxForward(new float[32], new float[7], 2, 4, 4, 2, 2, 0, 2, 2, level), "output", "holds 7", "need 8");
            KernelAssert.Rejects(() => Pooling.MaxBackward(new float[32], new float[8], new float[31], 2, 4, 4, 2, 2, 0, 2, 2, level), "inputGradient", "Pooling.MaxBackward", "holds 31");
            KernelAssert.Rejects(() => Pooling.AverageForward(new float[32], new float[8], 2, 4, 4, 2, 2, 0, true, 3, 2, level), "outHeight", "give 2x2 outputs, not 3x2");
            KernelAssert.Rejects(() => Pooling.AverageBackward(new float[7], new float[32], 2, 4, 4, 2, 2, 0, true, 2, 2, level), "outputGradient", "Pooling.AverageBackward", "holds 7");
            KernelAssert.Rejects(() => Pooling.GlobalAverageForward(new float[31], new float[2], 2, 16, level), "input", "Pooling.GlobalAverageForward", "holds 31", "need 32");
        }

        KernelAssert.Rejects(() => Pooling.GlobalAverageBackward(new float[2], new float[31], 2, 16), "inputGradient", "Pooling.GlobalAverageBackward", "holds 31");
    }

    /// <summary>
    /// One pooling's sizes, the window's per axis, and its kernels called with them on fresh buffers: a square
    /// window through the square overloads, any other through the per-axis ones.
    /// </summary>
    private sealed record Shape(int Planes, int Height, int Width, int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PaddingHeight, int PaddingWidth)
    {
        public static Shape Of(int planes, int height, int width, int[] w) => new(planes, height, width, w[0], w[1], w[2], w[3], w[4], w[5]);

        public bool IsSquare => KernelHeight == KernelWidth && StrideHeight == StrideWidth && PaddingHeight == PaddingWidth;

        public int OutHeight => ((Height + (2 * PaddingHeight) - KernelHeight) / StrideHeight) + 1;

        public int OutWidth => ((Width + (2 * PaddingWidth) - KernelWidth) / StrideWidth) + 1;

        public int InputLength => Planes * Height * Width;

        public int OutputLength => Planes * OutHeight * OutWidth;

        public float[] MaxForward(float[] input, SimdLevel level)
        {
            var output = new float[OutputLength];
            if (IsSquare)
            {
                Pooling.MaxForward(input, output, Planes, Height, Width, KernelHeight, StrideHeight, PaddingHeight, OutHeight, OutWidth, level);
            }
            else
            {
                Pooling.MaxForward(input, output, Planes, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, OutHeight, OutWidth, level);
            }

            return output;
        }

        /// <summary>The input gradient starts as NaN, which only overwriting every value clears.</summary>
        public float[] MaxBackward(float[] input, float[] outputGradient, SimdLevel level)
        {
            var inputGradient = new float[InputLength];
            inputGradient.AsSpan().Fill(float.NaN);
            if (IsSquare)
            {
                Pooling.MaxBackward(input, outputGradient, inputGradient, Planes, Height, Width, KernelHeight, StrideHeight, PaddingHeight, OutHeight, OutWidth, level);
            }
            else
            {
                Pooling.MaxBackward(input, outputGradient, inputGradient, Planes, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, OutHeight, OutWidth, level);
            }

            return inputGradient;
        }

        /// <summary>The input gradient starts as NaN, which only overwriting every value clears.</summary>
        public float[] MaxReLUBackward(float[] input, float[] outputGradient, SimdLevel level)
        {
            var inputGradient = new float[InputLength];
            inputGradient.AsSpan().Fill(float.NaN);
            Pooling.MaxReLUBackward(input, outputGradient, inputGradient, Planes, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, OutHeight, OutWidth, level);
            return inputGradient;
        }

        public float[] AverageForward(float[] input, bool countIncludePad, SimdLevel level)
        {
            var output = new float[OutputLength];
            if (IsSquare)
            {
                Pooling.AverageForward(input, output, Planes, Height, Width, KernelHeight, StrideHeight, PaddingHeight, countIncludePad, OutHeight, OutWidth, level);
            }
            else
            {
                Pooling.AverageForward(input, output, Planes, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, countIncludePad, OutHeight, OutWidth, level);
            }

            return output;
        }

        public float[] AverageBackward(float[] outputGradient, bool countIncludePad, SimdLevel level)
        {
            var inputGradient = new float[InputLength];
            inputGradient.AsSpan().Fill(float.NaN);
            if (IsSquare)
            {
                Pooling.AverageBackward(outputGradient, inputGradient, Planes, Height, Width, KernelHeight, StrideHeight, PaddingHeight, countIncludePad, OutHeight, OutWidth, level);
            }
            else
            {
                Pooling.AverageBackward(outputGradient, inputGradient, Planes, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, countIncludePad, OutHeight, OutWidth, level);
            }

            return inputGradient;
        }
    }
}
