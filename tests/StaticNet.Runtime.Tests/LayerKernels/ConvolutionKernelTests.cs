using System;
using System.Linq;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// The convolution's scalar reference (<see cref="SimdLevel.Scalar"/>): checked by hand on tiny cases and
/// against finite differences of itself, then taken as the reference every vector level must agree with,
/// on shapes that take both vectorised algorithms, strides, padding and dilation, odd sizes and batches of
/// 1 and 7; square windows through the square overloads, rectangular ones (a kernel, stride, padding or
/// dilation that differs between height and width) through the per-axis ones.
/// </summary>
public class ConvolutionKernelTests
{
    /// <summary>batch, channels, height, width, filters, kernel, stride, padding, dilation.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int, int, int, int, int>
        {
            { 1, 1, 28, 28, 6, 5, 1, 2, 1 },    // LeNet-5's first layer: shifted views
            { 7, 3, 9, 11, 5, 3, 2, 1, 1 },     // strided and padded: im2col
            { 7, 2, 9, 9, 3, 3, 1, 2, 2 },      // dilated
            { 1, 4, 5, 3, 2, 2, 3, 0, 1 },      // stride past the kernel, planes narrower than a vector
            { 7, 2, 6, 37, 3, 3, 1, 1, 1 },     // rows wider than a 512-bit vector
            { 1, 1, 1, 1, 1, 1, 1, 0, 1 },      // a single value
            { 7, 3, 12, 12, 4, 9, 1, 4, 1 },    // a kernel wider than the unrolled windows
            { 7, 2, 7, 8, 3, 3, 2, 2, 2 },      // stride, padding and dilation at once
            { 9, 2, 28, 28, 3, 3, 1, 1, 1 },    // shifted views over several groups of samples, the last one short
            { 40, 3, 7, 7, 5, 3, 1, 1, 1 },     // one full group of small planes and a short one after it
            { 5, 2, 30, 33, 6, 5, 1, 0, 1 },    // no padding: no border rows between samples, groups of two
            { 5, 2, 64, 62, 3, 3, 2, 1, 1 },    // im2col over several groups of samples, the last one short
            { 7, 5, 9, 9, 6, 3, 1, 1, 1 },      // enough channels for the input gradient's transposed convolution (fewer take each tap's share)
            { 3, 6, 14, 14, 16, 5, 1, 0, 1 },   // LeNet-5's conv2: valid, one product per sample, input gradient transposed
            { 16, 16, 14, 14, 32, 3, 1, 1, 1 }, // forward and input gradient in blocked channels, two groups of samples
            { 16, 32, 7, 7, 64, 3, 1, 1, 1 },   // blocked on 7x7 planes: one group, four blocks of filters
            { 50, 16, 7, 7, 16, 3, 1, 1, 1 },   // blocked over a full group and a short one, one block of filters
            { 3, 16, 9, 9, 32, 3, 2, 1, 1 },    // strided: the forward pass blocked, the input gradient phase by phase (1 or 2 taps a row)
            { 5, 32, 14, 14, 48, 1, 2, 0, 1 },  // a 1x1 shortcut at stride 2: one phase of four has a tap, the rest stay zero
            { 2, 16, 11, 13, 48, 3, 2, 2, 2 },  // stride 2, dilation 2: no tap reaches the odd rows and columns, their gradient zero
            { 2, 16, 11, 13, 32, 3, 3, 2, 2 },  // stride 3: phases of uneven lengths, one tap each
            { 3, 16, 8, 8, 16, 2, 2, 0, 1 },    // 2x2 at stride 2 with 16 filters: 16 steps a phase, the input gradient on im2col
            { 3, 16, 11, 10, 16, 3, 1, 2, 2 },  // blocked, dilated: the input gradient's border is the reach less the padding
            { 2, 16, 5, 6, 16, 3, 1, 0, 1 },    // blocked, valid: the input gradient's border is the whole reach
            { 3, 32, 6, 5, 32, 1, 1, 0, 1 },    // blocked 1x1: no border either way
            { 7, 32, 6, 6, 16, 1, 1, 0, 1 },    // 1x1, the forward pass blocked, too few filters for a blocked input gradient
            { 2, 4, 9, 9, 16, 3, 1, 1, 1 },     // 36 taps on 4 channels: forward and weight gradient blocked, six whole tiles of taps
            { 3, 1, 28, 28, 16, 3, 1, 1, 1 },   // a first layer: only the weight gradient blocked, its second tile of taps half-filled
            { 1, 5, 6, 7, 32, 3, 2, 0, 2 },     // 45 taps, strided and dilated: the weight gradient's last tile of taps part-filled
            { 40, 6, 14, 14, 16, 5, 1, 0, 1 },  // LeNet-5's conv2 over whole groups across the lanes and a short last one
            { 20, 5, 11, 9, 7, 3, 1, 0, 2 },    // valid and dilated across the lanes: which taps reach depends on the dilation
            { 17, 4, 6, 5, 3, 4, 1, 1, 1 },     // 4 channels (a tile's rows part idle), an even kernel padded by 1, across the lanes at 256 bits
        };

        // And shapes drawn at random, each valid: the padded input holds at least one dilated window.
        var random = new Random(20261202);
        for (int added = 0; added < 10;)
        {
            int kernel = random.Next(1, 6), dilation = random.Next(1, 4), padding = random.Next(0, kernel), stride = random.Next(1, 4);
            int height = random.Next(1, 14), width = random.Next(1, 20);
            if (height + (2 * padding) <= dilation * (kernel - 1) || width + (2 * padding) <= dilation * (kernel - 1))
            {
                continue;
            }

            data.Add(random.Next(2) == 0 ? 1 : 7, random.Next(1, 5), height, width, random.Next(1, 6), kernel, stride, padding, dilation);
            added++;
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryVectorLevelAgreesWithTheScalarReference(int batch, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation) =>
        AgreesWithTheScalarReference(new Shape(batch, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation));

    /// <summary>
    /// batch, channels, height, width, filters, then the window per axis: kernel height and width, stride
    /// height and width, padding height and width, dilation height and width.
    /// </summary>
    public static TheoryData<int, int, int, int, int, int[]> RectangularShapes()
    {
        var data = new TheoryData<int, int, int, int, int, int[]>
        {
            { 1, 3, 10, 9, 4, new[] { 3, 2, 2, 1, 1, 0, 1, 2 } },   // PyTorch's Conv2d(3, 4, (3, 2), (2, 1), (1, 0), (1, 2)): im2col
            { 7, 2, 8, 11, 3, new[] { 3, 2, 1, 1, 1, 0, 1, 2 } },   // the same window at stride 1: shifted views
            { 7, 2, 9, 13, 3, new[] { 1, 5, 1, 1, 0, 2, 1, 1 } },   // a 1x5 kernel padded (0, 2): shifted views, 'same' size
            { 1, 3, 6, 20, 5, new[] { 5, 1, 1, 1, 2, 0, 1, 1 } },   // a 5x1 kernel, rows wider than a 512-bit vector
            { 7, 2, 12, 7, 3, new[] { 3, 3, 1, 1, 0, 1, 2, 1 } },   // square kernel, dilation (2, 1): shifted views
            { 7, 1, 7, 9, 2, new[] { 2, 3, 2, 1, 0, 2, 1, 1 } },    // stride (2, 1), padding (0, 2)
            { 1, 2, 9, 6, 3, new[] { 3, 2, 1, 2, 1, 0, 2, 1 } },    // stride (1, 2), dilation (2, 1)
            { 7, 2, 5, 17, 3, new[] { 1, 5, 1, 3, 0, 2, 1, 2 } },   // stride past the kernel along a row
            { 1, 1, 1, 6, 2, new[] { 1, 3, 1, 1, 0, 0, 1, 1 } },    // a single row
            { 3, 16, 8, 11, 32, new[] { 3, 2, 1, 1, 1, 0, 1, 2 } }, // blocked both ways: borders (1, 0) forward, (1, 2) for the input gradient
            { 2, 16, 10, 9, 16, new[] { 3, 2, 2, 1, 1, 0, 1, 2 } }, // stride (2, 1): the forward pass blocked, the input gradient phase by phase
            { 2, 16, 9, 12, 32, new[] { 2, 3, 1, 2, 2, 0, 1, 1 } }, // padding past the reach at stride 1 along one axis, stride 2 along the other
            { 18, 6, 9, 12, 5, new[] { 3, 5, 1, 1, 0, 1, 2, 1 } },  // the input gradient across the lanes: rows dilated and valid, columns padded by 1
        };

        // And windows drawn at random, each valid: the padded input holds at least one dilated window on each axis.
        var random = new Random(20261203);
        for (int added = 0; added < 12;)
        {
            int[] window = new int[8];
            int height = random.Next(1, 14), width = random.Next(1, 20);
            for (int axis = 0; axis < 2; axis++)
            {
                window[axis] = random.Next(1, 6);
                window[2 + axis] = random.Next(1, 4);
                window[4 + axis] = random.Next(0, window[axis]);
                window[6 + axis] = random.Next(1, 4);
            }

            if (height + (2 * window[4]) <= window[6] * (window[0] - 1) || width + (2 * window[5]) <= window[7] * (window[1] - 1))
            {
                continue;
            }

            data.Add(random.Next(2) == 0 ? 1 : 7, random.Next(1, 5), height, width, random.Next(1, 6), window);
            added++;
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RectangularShapes))]
    public void EveryVectorLevelAgreesWithTheScalarReferenceOnRectangularWindows(int batch, int channels, int height, int width, int filters, int[] window) =>
        AgreesWithTheScalarReference(Shape.Of(batch, channels, height, width, filters, window));

    [Fact]
    public void TheShapesRunEachPassBothInBlockedChannelsAndOnPlanes()
    {
        var passes = Shapes().Select(row => row.Select(value => (int)value).ToArray())
            .Select(s => Convolution.BlockedPasses(s[1], s[2], s[3], s[4], s[5], s[5], s[6], s[6], s[7], s[7], s[8], s[8]))
            .Concat(RectangularShapes().Select(row => (Size: row.Take(5).Select(value => (int)value).ToArray(), Window: (int[])row[5]))
                .Select(r => Convolution.BlockedPasses(r.Size[1], r.Size[2], r.Size[3], r.Size[4], r.Window[0], r.Window[1], r.Window[2], r.Window[3], r.Window[4], r.Window[5], r.Window[6], r.Window[7])))
            .ToArray();

        Assert.Contains(passes, p => p.Forward && p.InputGradient && p.WeightGradient);
        Assert.Contains(passes, p => p.Forward && !p.InputGradient && p.WeightGradient);
        Assert.Contains(passes, p => p.Forward && p.InputGradient && p.WeightGradient);
        Assert.Contains(passes, p => !p.Forward && !p.InputGradient && p.WeightGradient);
        Assert.Contains(passes, p => !p.Forward && !p.InputGradient && !p.WeightGradient);

        // Filters that do not fill blocks, or sums and taps too few to pay for the conversions, stay on planes.
        Assert.Equal((false, false, false), Convolution.BlockedPasses(6, 14, 14, 10, 5, 5, 1, 1, 0, 0, 1, 1));
        Assert.Equal((false, false, true), Convolution.BlockedPasses(1, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1));
        Assert.Equal((false, false, false), Convolution.BlockedPasses(1, 28, 28, 16, 2, 2, 1, 1, 1, 1, 1, 1));
        Assert.Equal((true, true, true), Convolution.BlockedPasses(16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1));

        // A longer stride's input gradient runs phase by phase when its phases' sums are long enough on average.
        Assert.Equal((true, true, true), Convolution.BlockedPasses(16, 9, 9, 32, 3, 3, 2, 2, 1, 1, 1, 1));
        Assert.Equal((true, true, true), Convolution.BlockedPasses(32, 14, 14, 48, 1, 1, 2, 2, 0, 0, 1, 1));
        Assert.Equal((true, false, true), Convolution.BlockedPasses(16, 8, 8, 16, 2, 2, 2, 2, 0, 0, 1, 1));
    }

    [Fact]
    public void ThreeByThreeLayersAtStrideOneOnBlocksRunTheirForwardAndInputGradientByWinogradsTransforms()
    {
        // The shapes above that take them: same-padded on 14x14 and 7x7, and the valid 5x6 layer's input gradient
        // alone (its 3x4 outputs too few for the forward pass, its transposed convolution padded by 2 on 5x6).
        Assert.Equal((true, true), Convolution.WinogradPasses(16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1));
        Assert.Equal((true, true), Convolution.WinogradPasses(32, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1));
        Assert.Equal((false, true), Convolution.WinogradPasses(16, 5, 6, 16, 3, 3, 1, 1, 0, 0, 1, 1));

        // A stride, a dilation, another window, channels or filters that do not fill blocks keep the direct tiles.
        Assert.Equal((false, false), Convolution.WinogradPasses(16, 14, 14, 32, 3, 3, 2, 2, 1, 1, 1, 1));
        Assert.Equal((false, false), Convolution.WinogradPasses(16, 14, 14, 32, 3, 3, 1, 1, 2, 2, 2, 2));
        Assert.Equal((false, false), Convolution.WinogradPasses(16, 14, 14, 32, 5, 5, 1, 1, 2, 2, 1, 1));
        Assert.Equal((false, false), Convolution.WinogradPasses(3, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1));
        Assert.Equal((false, false), Convolution.WinogradPasses(16, 14, 14, 24, 3, 3, 1, 1, 1, 1, 1, 1));
    }

    [Fact]
    public void TheInputGradientRunsAcrossSamplesWhereTheTransposedConvolutionWouldSumMostlyZeros()
    {
        // LeNet-5's conv2, valid 5x5 on 14x14: half the transposed convolution's multiply-adds read the zero border.
        foreach (SimdLevel level in KernelAssert.VectorLevels)
        {
            Assert.True(Convolution.InputGradientAcrossSamples(6, 14, 14, 16, 5, 5, 0, 0, 1, 1, 16, level), $"{level}");
        }

        // A 3x3 layer padded to keep its size wastes little there, and 8 channels would leave a third of the tile's rows idle.
        Assert.False(Convolution.InputGradientAcrossSamples(8, 28, 28, 8, 3, 3, 1, 1, 1, 1, 16, SimdLevel.Vector256));

        // One sample would fill one lane in eight; the scalar level runs the reference; channels that fill blocks run
        // blocked, and fewer than four take each tap's share.
        Assert.False(Convolution.InputGradientAcrossSamples(6, 14, 14, 16, 5, 5, 0, 0, 1, 1, 1, SimdLevel.Vector256));
        Assert.False(Convolution.InputGradientAcrossSamples(6, 14, 14, 16, 5, 5, 0, 0, 1, 1, 16, SimdLevel.Scalar));
        Assert.False(Convolution.InputGradientAcrossSamples(16, 14, 14, 16, 5, 5, 0, 0, 1, 1, 16, SimdLevel.Vector256));
        Assert.False(Convolution.InputGradientAcrossSamples(3, 14, 14, 16, 5, 5, 0, 0, 1, 1, 16, SimdLevel.Vector256));

        // Large planes would need megabytes of scratch a thread (whole planes across the lanes): they stay on the grid.
        Assert.False(Convolution.InputGradientAcrossSamples(6, 64, 64, 16, 5, 5, 0, 0, 1, 1, 16, SimdLevel.Vector256));
        Assert.True(Convolution.ScratchLength(6, 64, 64, 16, 5, 1, 0, 1, 16) < 1 << 20, "the layer's scratch should stay below 4 MB");

        // The shapes the vector levels are checked on take it at every level, on square and rectangular windows.
        foreach (SimdLevel level in KernelAssert.VectorLevels)
        {
            Assert.Contains(Shapes(), row => row[6] is 1 && Convolution.InputGradientAcrossSamples((int)row[1], (int)row[2], (int)row[3], (int)row[4], (int)row[5], (int)row[5], (int)row[7], (int)row[7], (int)row[8], (int)row[8], (int)row[0], level));
            Assert.Contains(RectangularShapes(), row => row[5] is int[] w && w[2] == 1 && w[3] == 1
                && Convolution.InputGradientAcrossSamples((int)row[1], (int)row[2], (int)row[3], (int)row[4], w[0], w[1], w[4], w[5], w[6], w[7], (int)row[0], level));
        }
    }

    [Fact]
    public void TheRectangularShapesTakeBothVectorAlgorithms()
    {
        bool[] shifts = RectangularShapes().Select(row => (int[])row[5]).Select(w => Convolution.CanShift(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7])).ToArray();

        Assert.Contains(true, shifts);
        Assert.Contains(false, shifts);

        // Stride 1 on one axis is not enough, and padding past the reach on one axis rules it out.
        Assert.False(Convolution.CanShift(3, 2, 2, 1, 1, 0, 1, 2));
        Assert.False(Convolution.CanShift(3, 2, 1, 1, 1, 2, 1, 1));
        Assert.True(Convolution.CanShift(3, 2, 1, 1, 1, 1, 1, 2));
    }

    private static void AgreesWithTheScalarReference(Shape shape)
    {
        float[] input = KernelAssert.Random(shape.InputLength, 1);
        float[] weight = KernelAssert.Random(shape.WeightLength, 2);
        float[] bias = KernelAssert.Random(shape.Filters, 3);
        float[] outputGradient = KernelAssert.Random(shape.OutputLength, 4);
        Results reference = Run(shape, input, weight, bias, outputGradient, SimdLevel.Scalar);
        foreach (SimdLevel level in KernelAssert.VectorLevels)
        {
            Results vector = Run(shape, input, weight, bias, outputGradient, level);
            KernelAssert.Close(reference.Output, vector.Output, $"{level} output");
            KernelAssert.Close(reference.OutputWithoutBias, vector.OutputWithoutBias, $"{level} output without bias");
            KernelAssert.Close(reference.InputGradient, vector.InputGradient, $"{level} input gradient");
            KernelAssert.Close(reference.WeightGradient, vector.WeightGradient, $"{level} weight gradient");
            KernelAssert.Close(reference.BiasGradient, vector.BiasGradient, $"{level} bias gradient");
            KernelAssert.Close(reference.WeightGradientWithoutBias, vector.WeightGradientWithoutBias, $"{level} weight gradient without bias");
        }
    }

    [Theory]
    [InlineData(7, 3, 9, 11, 5, 3, 1, 1)]     // shifted views, one group
    [InlineData(9, 2, 28, 28, 6, 3, 1, 1)]    // shifted views, several groups
    [InlineData(3, 6, 14, 14, 16, 5, 1, 0)]   // a valid convolution: one product per sample
    [InlineData(7, 3, 9, 11, 5, 3, 2, 1)]     // im2col
    [InlineData(5, 16, 7, 7, 32, 3, 1, 1)]    // blocked channels
    public void AFoldedBatchNormAndReluGiveWhatTheSeparatePassesGive(int batch, int channels, int height, int width, int filters, int kernel, int stride, int padding)
    {
        // Inference folds batch normalisation (by running estimates) and ReLU into the product's stores: at every
        // level, bit for bit what the convolution followed by ChannelAffine's own pass gives.
        var shape = new Shape(batch, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, 1, 1);
        float[] input = KernelAssert.Random(shape.InputLength, 1), weight = KernelAssert.Random(shape.WeightLength, 2), bias = KernelAssert.Random(filters, 3);
        float[] mean = KernelAssert.Random(filters, 4), variance = KernelAssert.Random(filters, 5).Select(v => v + 1.5f).ToArray();
        float[] gamma = KernelAssert.Random(filters, 6), beta = KernelAssert.Random(filters, 7);
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            foreach (bool normalizes in new[] { true, false })
            {
                var affine = normalizes ? new ChannelAffine(mean, variance, gamma, beta, 1e-5, relu: true) : new ChannelAffine(default, default, default, default, 0, relu: true);
                var separate = new float[shape.OutputLength];
                shape.Forward(input, weight, bias, separate, level);
                int plane = shape.OutHeight * shape.OutWidth;
                for (int b = 0; b < batch; b++)
                {
                    affine.Apply(separate.AsSpan(b * filters * plane, filters * plane), filters, plane, level);
                }

                var scales = new float[normalizes ? filters : 0];
                var shifts = new float[normalizes ? filters : 0];
                if (normalizes)
                {
                    affine.Coefficients(scales, shifts);
                }

                var folded = new float[shape.OutputLength];
                Convolution.Forward(input, folded, weight, bias, shape.Scratch(level), batch, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, 1, 1, level, new Gemm.RowEpilogue(scales, shifts, relu: true));
                Assert.Equal(separate, folded);
                Assert.Contains(folded, v => v == 0f);
            }
        }
    }

    [Fact]
    public void TheScalarReferenceComputesAHandWorkedCase()
    {
        // 1 channel of 3x3, one 2x2 filter, stride 1, no padding.
        float[] input = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        float[] weight = { 1, 2, 3, 4 };
        var output = new float[4];
        Convolution.Forward(input, output, weight, new float[] { 1 }, Span<float>.Empty, 1, 1, 3, 3, 1, 2, 1, 0, 1, SimdLevel.Scalar);

        // 1*1 + 2*2 + 3*4 + 4*5 + 1 = 38, then the window one to the right, one down, both.
        Assert.Equal(new float[] { 38, 48, 68, 78 }, output);

        // The top-left output's gradient reaches its window through the weights; each weight gathers the value it multiplied.
        float[] outputGradient = { 1, 0, 0, 0 };
        var inputGradient = new float[9];
        inputGradient.AsSpan().Fill(float.NaN);
        Convolution.BackwardInput(outputGradient, weight, inputGradient, Span<float>.Empty, 1, 1, 3, 3, 1, 2, 1, 0, 1, SimdLevel.Scalar);
        Assert.Equal(new float[] { 1, 2, 0, 3, 4, 0, 0, 0, 0 }, inputGradient);

        float[] weightGradient = { 10, 10, 10, 10 };
        float[] biasGradient = { 10 };
        Convolution.BackwardParameters(input, outputGradient, weightGradient, biasGradient, Span<float>.Empty, 1, 1, 3, 3, 1, 2, 1, 0, 1, SimdLevel.Scalar);
        Assert.Equal(new float[] { 11, 12, 14, 15 }, weightGradient);
        Assert.Equal(new float[] { 11 }, biasGradient);
    }

    [Fact]
    public void TheScalarReferenceHandlesStridePaddingAndDilationByHand()
    {
        // 3x3 input, a 2x2 kernel dilated by 2 (taps 2 apart), padding 1, stride 2: a 2x2 output. Output
        // (oy, ox) reads rows 2oy - 1 and 2oy + 1, columns 2ox - 1 and 2ox + 1: each window has one tap
        // inside the input, on the centre value 5, through weight 4, 3, 2 and 1 in turn.
        float[] input = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        float[] weight = { 1, 2, 3, 4 };
        var output = new float[4];
        Convolution.Forward(input, output, weight, ReadOnlySpan<float>.Empty, Span<float>.Empty, 1, 1, 3, 3, 1, 2, 2, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new float[] { 20, 15, 10, 5 }, output);

        var inputGradient = new float[9];
        Convolution.BackwardInput(new float[] { 1, 1, 1, 1 }, weight, inputGradient, Span<float>.Empty, 1, 1, 3, 3, 1, 2, 2, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new float[] { 0, 0, 0, 0, 4 + 3 + 2 + 1, 0, 0, 0, 0 }, inputGradient);

        var weightGradient = new float[4];
        Convolution.BackwardParameters(input, new float[] { 1, 2, 3, 4 }, weightGradient, Span<float>.Empty, Span<float>.Empty, 1, 1, 3, 3, 1, 2, 2, 1, 2, SimdLevel.Scalar);
        Assert.Equal(new float[] { 4 * 5, 3 * 5, 2 * 5, 1 * 5 }, weightGradient);
    }

    [Fact]
    public void EveryLevelComputesAHandWorkedRectangularKernelWithStrideAlongARow()
    {
        // One channel of 3x4, one 2x1 filter (a column of two taps), stride (1, 2), no padding: a 2x2 output.
        // Output (oy, ox) = 1 * x[oy][2 ox] + 2 * x[oy + 1][2 ox] + 1.
        float[] input = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        float[] weight = { 1, 2 };
        var shape = new Shape(1, 1, 3, 4, 1, 2, 1, 1, 2, 0, 0, 1, 1);
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            var output = new float[4];
            shape.Forward(input, weight, new float[] { 1 }, output, level);
            Assert.Equal(new float[] { 1 + 10 + 1, 3 + 14 + 1, 5 + 18 + 1, 7 + 22 + 1 }, output);

            // Each output's gradient reaches the two values of its column through weights 1 and 2; the odd columns get none.
            var inputGradient = new float[12];
            inputGradient.AsSpan().Fill(float.NaN);
            shape.BackwardInput(new float[] { 1, 2, 3, 4 }, weight, inputGradient, level);
            Assert.Equal(new float[] { 1, 0, 2, 0, 2 + 3, 0, 4 + 4, 0, 6, 0, 8, 0 }, inputGradient);

            var weightGradient = new float[2];
            var biasGradient = new float[1];
            shape.BackwardParameters(input, new float[] { 1, 2, 3, 4 }, weightGradient, biasGradient, level);
            Assert.Equal(new float[] { (1 * 1) + (2 * 3) + (3 * 5) + (4 * 7), (1 * 5) + (2 * 7) + (3 * 9) + (4 * 11) }, weightGradient);
            Assert.Equal(new float[] { 10 }, biasGradient);
        }
    }

    [Fact]
    public void EveryLevelComputesAHandWorkedRowKernelWithPaddingAndDilationOnOneAxisEach()
    {
        // One channel of 2x5, one 1x2 filter dilated by (1, 2) (taps two columns apart), padding (1, 0): the
        // rows above and below are zeros, the columns are not padded. A 4x3 output: (oy, ox) reads row
        // oy - 1, columns ox and ox + 2, through weights 1 and 10.
        float[] input = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        float[] weight = { 1, 10 };
        var shape = new Shape(1, 1, 2, 5, 1, 1, 2, 1, 1, 1, 0, 1, 2);
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            var output = new float[12];
            shape.Forward(input, weight, ReadOnlySpan<float>.Empty, output, level);
            Assert.Equal(new float[] { 0, 0, 0, 1 + 30, 2 + 40, 3 + 50, 6 + 80, 7 + 90, 8 + 100, 0, 0, 0 }, output);

            // With every output's gradient 1: columns 0 and 1 are read by the first tap only, 3 and 4 by the
            // second only, column 2 by both.
            float[] ones = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
            var inputGradient = new float[10];
            inputGradient.AsSpan().Fill(float.NaN);
            shape.BackwardInput(ones, weight, inputGradient, level);
            Assert.Equal(new float[] { 1, 1, 11, 10, 10, 1, 1, 11, 10, 10 }, inputGradient);

            var weightGradient = new float[2];
            var biasGradient = new float[1];
            shape.BackwardParameters(input, ones, weightGradient, biasGradient, level);
            Assert.Equal(new float[] { 1 + 2 + 3 + 6 + 7 + 8, 3 + 4 + 5 + 8 + 9 + 10 }, weightGradient);
            Assert.Equal(new float[] { 12 }, biasGradient);
        }
    }

    /// <summary>batch, channels, height, width, filters, kernel, stride, padding, dilation: small, so every value is stepped.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> SmallShapes() => new()
    {
        { 2, 2, 5, 6, 3, 3, 2, 1, 1 },
        { 1, 2, 6, 5, 2, 2, 1, 1, 2 },
        { 2, 1, 7, 7, 2, 3, 1, 0, 1 },
        { 1, 3, 4, 4, 2, 3, 3, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(SmallShapes))]
    public void TheScalarBackwardIsTheDerivativeOfTheScalarForward(int batch, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation) =>
        BackwardIsTheDerivativeOfForward(new Shape(batch, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation));

    /// <summary>Small rectangular windows, as <see cref="RectangularShapes"/> lists them: every value is stepped.</summary>
    public static TheoryData<int, int, int, int, int, int[]> SmallRectangularShapes() => new()
    {
        { 2, 2, 6, 5, 3, new[] { 3, 2, 2, 1, 1, 0, 1, 2 } },
        { 1, 2, 4, 7, 2, new[] { 1, 5, 1, 1, 0, 2, 1, 1 } },
        { 2, 1, 7, 5, 2, new[] { 2, 3, 1, 2, 1, 1, 2, 1 } },
    };

    [Theory]
    [MemberData(nameof(SmallRectangularShapes))]
    public void TheScalarBackwardIsTheDerivativeOfTheScalarForwardOnRectangularWindows(int batch, int channels, int height, int width, int filters, int[] window) =>
        BackwardIsTheDerivativeOfForward(Shape.Of(batch, channels, height, width, filters, window));

    private static void BackwardIsTheDerivativeOfForward(Shape shape)
    {
        int filters = shape.Filters;
        float[] input = KernelAssert.Random(shape.InputLength, 11);
        float[] weight = KernelAssert.Random(shape.WeightLength, 12);
        float[] bias = KernelAssert.Random(filters, 13);
        float[] outputWeights = KernelAssert.Random(shape.OutputLength, 14);
        var output = new float[shape.OutputLength];
        double Objective()
        {
            shape.Forward(input, weight, bias, output, SimdLevel.Scalar);
            return KernelAssert.WeightedSum(output, outputWeights);
        }

        var inputGradient = new float[input.Length];
        var weightGradient = new float[weight.Length];
        var biasGradient = new float[filters];
        shape.BackwardInput(outputWeights, weight, inputGradient, SimdLevel.Scalar);
        shape.BackwardParameters(input, outputWeights, weightGradient, biasGradient, SimdLevel.Scalar);

        // The convolution is linear in each of its arguments, so a large step costs no accuracy.
        KernelAssert.Gradient(input, inputGradient, Objective, "input gradient", step: 0.25f);
        KernelAssert.Gradient(weight, weightGradient, Objective, "weight gradient", step: 0.25f);
        KernelAssert.Gradient(bias, biasGradient, Objective, "bias gradient", step: 0.25f);
    }

    [Fact]
    public void SpansTooShortForTheSizesAreRejectedByName()
    {
        // 2 samples of 1x4x4 with 2 3x3 filters, padding 1: 32 input, 64 output, 18 weight values.
        var scratch = new float[Convolution.ScratchLength(1, 4, 4, 2, 3, 1, 1, 1, 2)];
        foreach (SimdLevel level in new[] { SimdLevel.Scalar, SimdLevel.Vector256 })
        {
            KernelAssert.Rejects(() => Convolution.Forward(new float[31], new float[64], new float[18], new float[2], scratch, 2, 1, 4, 4, 2, 3, 1, 1, 1, level), "input", "Convolution.Forward", "holds 31 values", "need 32");
            KernelAssert.Rejects(() => Convolution.Forward(new float[32], new float[63], new float[18], new float[2], scratch, 2, 1, 4, 4, 2, 3, 1, 1, 1, level), "output", "holds 63", "need 64");
            KernelAssert.Rejects(() => Convolution.Forward(new float[32], new float[64], new float[17], new float[2], scratch, 2, 1, 4, 4, 2, 3, 1, 1, 1, level), "weight", "holds 17", "need 18");
            KernelAssert.Rejects(() => Convolution.Forward(new float[32], new float[64], new float[18], new float[1], scratch, 2, 1, 4, 4, 2, 3, 1, 1, 1, level), "bias", "holds 1", "at least 2");
            KernelAssert.Rejects(() => Convolution.BackwardInput(new float[64], new float[18], new float[31], scratch, 2, 1, 4, 4, 2, 3, 1, 1, 1, level), "inputGradient", "Convolution.BackwardInput", "holds 31", "need 32");
            KernelAssert.Rejects(() => Convolution.BackwardParameters(new float[32], new float[63], new float[18], new float[2], scratch, 2, 1, 4, 4, 2, 3, 1, 1, 1, level), "outputGradient", "Convolution.BackwardParameters", "holds 63", "need 64");
            KernelAssert.Rejects(() => Convolution.BackwardParameters(new float[32], new float[64], new float[18], new float[1], scratch, 2, 1, 4, 4, 2, 3, 1, 1, 1, level), "biasGradient", "holds 1");
            KernelAssert.Rejects(() => Convolution.Forward(new float[32], new float[64], new float[18], new float[2], scratch, 2, 1, 4, 4, 2, 5, 1, 0, 1, level), "kernel", "5x5", "4x4");
        }
    }

    /// <summary>
    /// One convolution's sizes, the window's per axis, and its kernels called with them: a square window
    /// through the square overloads, any other through the per-axis ones.
    /// </summary>
    private sealed record Shape(int Batch, int Channels, int Height, int Width, int Filters, int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PaddingHeight, int PaddingWidth, int DilationHeight, int DilationWidth)
    {
        public static Shape Of(int batch, int channels, int height, int width, int filters, int[] w) =>
            new(batch, channels, height, width, filters, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);

        public bool IsSquare => KernelHeight == KernelWidth && StrideHeight == StrideWidth && PaddingHeight == PaddingWidth && DilationHeight == DilationWidth;

        public int OutHeight => ((Height + (2 * PaddingHeight) - (DilationHeight * (KernelHeight - 1)) - 1) / StrideHeight) + 1;

        public int OutWidth => ((Width + (2 * PaddingWidth) - (DilationWidth * (KernelWidth - 1)) - 1) / StrideWidth) + 1;

        public int InputLength => Batch * Channels * Height * Width;

        public int OutputLength => Batch * Filters * OutHeight * OutWidth;

        public int WeightLength => Filters * Channels * KernelHeight * KernelWidth;

        /// <summary>The scratch the vector levels need; the scalar reference needs none, and gets none, to prove it.</summary>
        public float[] Scratch(SimdLevel level) =>
            level == SimdLevel.Scalar ? Array.Empty<float>()
            : IsSquare ? new float[Convolution.ScratchLength(Channels, Height, Width, Filters, KernelHeight, StrideHeight, PaddingHeight, DilationHeight, Batch)]
            : new float[Convolution.ScratchLength(Channels, Height, Width, Filters, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, Batch)];

        public void Forward(float[] input, float[] weight, ReadOnlySpan<float> bias, float[] output, SimdLevel level)
        {
            if (IsSquare)
            {
                Convolution.Forward(input, output, weight, bias, Scratch(level), Batch, Channels, Height, Width, Filters, KernelHeight, StrideHeight, PaddingHeight, DilationHeight, level);
            }
            else
            {
                Convolution.Forward(input, output, weight, bias, Scratch(level), Batch, Channels, Height, Width, Filters, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, level);
            }
        }

        public void BackwardInput(float[] outputGradient, float[] weight, float[] inputGradient, SimdLevel level)
        {
            if (IsSquare)
            {
                Convolution.BackwardInput(outputGradient, weight, inputGradient, Scratch(level), Batch, Channels, Height, Width, Filters, KernelHeight, StrideHeight, PaddingHeight, DilationHeight, level);
            }
            else
            {
                Convolution.BackwardInput(outputGradient, weight, inputGradient, Scratch(level), Batch, Channels, Height, Width, Filters, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, level);
            }
        }

        public void BackwardParameters(float[] input, float[] outputGradient, float[] weightGradient, Span<float> biasGradient, SimdLevel level)
        {
            if (IsSquare)
            {
                Convolution.BackwardParameters(input, outputGradient, weightGradient, biasGradient, Scratch(level), Batch, Channels, Height, Width, Filters, KernelHeight, StrideHeight, PaddingHeight, DilationHeight, level);
            }
            else
            {
                Convolution.BackwardParameters(input, outputGradient, weightGradient, biasGradient, Scratch(level), Batch, Channels, Height, Width, Filters, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, level);
            }
        }
    }

    private sealed record Results(float[] Output, float[] OutputWithoutBias, float[] InputGradient, float[] WeightGradient, float[] BiasGradient, float[] WeightGradientWithoutBias);

    /// <summary>
    /// Every entry point at one level. The input gradient starts as NaN, which only overwriting clears; the
    /// parameter gradients start at 0.5, which only accumulating keeps.
    /// </summary>
    private static Results Run(Shape shape, float[] input, float[] weight, float[] bias, float[] outputGradient, SimdLevel level)
    {
        var output = new float[shape.OutputLength];
        var outputWithoutBias = new float[shape.OutputLength];
        shape.Forward(input, weight, bias, output, level);
        shape.Forward(input, weight, ReadOnlySpan<float>.Empty, outputWithoutBias, level);

        var inputGradient = new float[shape.InputLength];
        inputGradient.AsSpan().Fill(float.NaN);
        shape.BackwardInput(outputGradient, weight, inputGradient, level);

        var weightGradient = new float[weight.Length];
        var biasGradient = new float[bias.Length];
        var weightGradientWithoutBias = new float[weight.Length];
        weightGradient.AsSpan().Fill(0.5f);
        biasGradient.AsSpan().Fill(0.5f);
        weightGradientWithoutBias.AsSpan().Fill(0.5f);
        shape.BackwardParameters(input, outputGradient, weightGradient, biasGradient, level);
        shape.BackwardParameters(input, outputGradient, weightGradientWithoutBias, Span<float>.Empty, level);
        return new Results(output, outputWithoutBias, inputGradient, weightGradient, biasGradient, weightGradientWithoutBias);
    }
}
