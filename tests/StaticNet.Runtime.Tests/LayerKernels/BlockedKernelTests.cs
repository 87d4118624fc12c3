using System;
using System.Linq;
using System.Runtime.Intrinsics.X86;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// Inference's blocked-channel kernels against plain loops over planes written here: the convolution with its
/// folded batch normalisation and ReLU on every kind of window, from planes and from blocks; pooling, addition and
/// the conversions. Each output's border must come out zero whatever the buffer held, and every SIMD level must
/// give the same bits, alone or in a batch.
/// </summary>
public class BlockedKernelTests
{
    private const int Block = BlockedConvolution.Block;

    /// <summary>channels, input block, height, width, filters, kernel h/w, stride h/w, padding h/w, dilation h/w, output border, samples.</summary>
    public static System.Collections.Generic.IEnumerable<object[]> Convolutions() => new[]
    {
        new object[] { 1, 1, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1, 0, 2 }, // a first layer on planes
        new object[] { 16, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 },
        new object[] { 32, 16, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 0, 3 }, // 49 positions: tiles across samples
        new object[] { 32, 16, 8, 8, 48, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2 }, // strided, three blocks of filters
        new object[] { 16, 16, 9, 7, 16, 1, 1, 2, 2, 0, 0, 1, 1, 0, 1 }, // 1x1 shortcut
        new object[] { 3, 1, 11, 9, 32, 3, 2, 2, 1, 2, 0, 1, 2, 1, 2 }, // rectangular window, dilated
        new object[] { 6, 1, 5, 5, 16, 5, 5, 1, 1, 2, 2, 1, 1, 0, 1 }, // one output row per position tile
        new object[] { 16, 16, 1, 1, 32, 1, 1, 1, 1, 0, 0, 1, 1, 1, 5 }, // one position a sample
    };

    [Theory]
    [MemberData(nameof(Convolutions))]
    public void ConvolutionMatchesPlainLoopsAtEveryLevelBitForBitAcrossLevels(
        int channels, int inputBlock, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int outputBorder, int samples)
    {
        int outHeight = ((height + (2 * paddingHeight) - (dilationHeight * (kernelHeight - 1)) - 1) / strideHeight) + 1;
        int outWidth = ((width + (2 * paddingWidth) - (dilationWidth * (kernelWidth - 1)) - 1) / strideWidth) + 1;
        var inputLayout = new BlockedLayout(channels, height, width, Math.Max(paddingHeight, paddingWidth) + 1, inputBlock);
        var outputLayout = new BlockedLayout(filters, outHeight, outWidth, outputBorder, Block);
        float[] planes = KernelAssert.Random(samples * channels * height * width, 1);
        float[] weight = KernelAssert.Random(filters * channels * kernelHeight * kernelWidth, 2);
        float[] bias = KernelAssert.Random(filters, 3);
        float[] scale = KernelAssert.Random(filters, 4, 0.5f, 1.5f);
        float[] shift = KernelAssert.Random(filters, 5);
        float[] input = ToBlocks(planes, inputLayout, samples);
        float[] scratch = new float[BlockedConvolution.ScratchLength(channels, kernelHeight, kernelWidth, filters)];

        float[] expected = PlainConvolution(planes, weight, bias, scale, shift, samples, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, outHeight, outWidth);

        float[]? first = null;
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            float[] output = Filled(samples * outputLayout.Length, float.NaN);
            BlockedConvolution.Forward(input, inputLayout, weight, bias, scale, shift, true, output, outputLayout, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, scratch, samples, level);
            KernelAssert.Close(expected, ToPlanes(output, outputLayout, samples), $"{level} convolution");
            AssertBorderZero(output, outputLayout, samples, level.ToString());
            if (Fused(level))
            {
                first ??= output;
                KernelAssert.Identical(first, output, $"{level} against {KernelAssert.AllLevels[0]}");
            }

            // The positions in three ranges that cut tiles, each run on its own after one packing, as threads share
            // one sample's tiles: the same output, bit for bit.
            int positions = BlockedConvolution.Positions(outputLayout, samples), cut1 = positions / 3, cut2 = Math.Max(cut1, positions - 5);
            var window = new BlockedConvolution.Window(kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
            float[] inParts = Filled(samples * outputLayout.Length, float.NaN);
            BlockedConvolution.Prepare(input, inputLayout, weight, bias, scale, shift, inParts, outputLayout, window, scratch, samples);
            BlockedConvolution.Run(input, inputLayout, bias, scale, shift, true, inParts, outputLayout, window, scratch, samples, cut2, positions - cut2, level);
            BlockedConvolution.Run(input, inputLayout, bias, scale, shift, true, inParts, outputLayout, window, scratch, samples, 0, cut1, level);
            BlockedConvolution.Run(input, inputLayout, bias, scale, shift, true, inParts, outputLayout, window, scratch, samples, cut1, cut2 - cut1, level);
            KernelAssert.Identical(output, inParts, $"{level} in ranges of positions");
        }
    }

    /// <summary>
    /// Each of the four epilogues, with and without the folded batch normalisation and the ReLU, in the direct kernel
    /// and in Winograd's, each compiled apart: what each stores must be what the plain loops give for the same options.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void EveryEpilogueStoresWhatPlainLoopsGive(bool normalizes, bool relu)
    {
        const int Channels = 16, Side = 6, Filters = 32, Samples = 2;
        var inputLayout = new BlockedLayout(Channels, Side, Side, 1, Block);
        var outputLayout = new BlockedLayout(Filters, Side, Side, 0, Block);
        var window = new BlockedConvolution.Window(3, 3, 1, 1, 1, 1, 1, 1);
        float[] planes = KernelAssert.Random(Samples * Channels * Side * Side, 31);
        float[] weight = KernelAssert.Random(Filters * Channels * 9, 32);
        float[] bias = KernelAssert.Random(Filters, 33);
        float[] scale = normalizes ? KernelAssert.Random(Filters, 34, 0.5f, 1.5f) : Array.Empty<float>();
        float[] shift = normalizes ? KernelAssert.Random(Filters, 35) : Array.Empty<float>();
        float[] input = ToBlocks(planes, inputLayout, Samples);
        float[] expected = PlainConvolution(planes, weight, bias, scale, shift, Samples, Channels, Side, Side, Filters, 3, 3, 1, 1, 1, 1, 1, 1, Side, Side, relu);
        Assert.Contains(expected, value => value < 0 == !relu && value != 0);
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            float[] direct = Filled(Samples * outputLayout.Length, float.NaN);
            BlockedConvolution.Forward(input, inputLayout, weight, bias, scale, shift, relu, direct, outputLayout, 3, 3, 1, 1, 1, 1, 1, 1, new float[BlockedConvolution.ScratchLength(Channels, 3, 3, Filters)], Samples, level);
            KernelAssert.Close(expected, ToPlanes(direct, outputLayout, Samples), $"{level} direct, normalizes {normalizes}, ReLU {relu}");
            float[] winograd = Filled(Samples * outputLayout.Length, float.NaN);
            WinogradConvolution.Forward(input, inputLayout, weight, bias, scale, shift, relu, winograd, outputLayout, window, new float[WinogradConvolution.ScratchLength(Channels, Filters)], Samples, level);
            KernelAssert.Close(expected, ToPlanes(winograd, outputLayout, Samples), $"{level} Winograd, normalizes {normalizes}, ReLU {relu}");
        }
    }

    [Fact]
    public void ARangeOfPositionsOutsideTheOutputIsRefused()
    {
        var inputLayout = new BlockedLayout(16, 5, 5, 1, Block);
        var outputLayout = new BlockedLayout(16, 5, 5, 0, Block);
        var window = new BlockedConvolution.Window(3, 3, 1, 1, 1, 1, 1, 1);
        float[] scratch = new float[BlockedConvolution.ScratchLength(16, 3, 3, 16)];
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => BlockedConvolution.Run(new float[inputLayout.Length], inputLayout, default, default, default, false, new float[outputLayout.Length], outputLayout, window, scratch, 1, 20, 6, SimdLevel.Scalar));
        Assert.Contains("positions 20 to 26 do not lie in the 25 output positions", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachSampleComesOutTheSameAloneAsInABatch()
    {
        var inputLayout = new BlockedLayout(16, 7, 7, 1, Block);
        var outputLayout = new BlockedLayout(32, 7, 7, 0, Block);
        float[] input = ToBlocks(KernelAssert.Random(3 * 16 * 49, 11), inputLayout, 3);
        float[] weight = KernelAssert.Random(32 * 16 * 9, 12);
        float[] scratch = new float[BlockedConvolution.ScratchLength(16, 3, 3, 32)];
        var batch = new float[3 * outputLayout.Length];
        BlockedConvolution.Forward(input, inputLayout, weight, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, false, batch, outputLayout, 3, 3, 1, 1, 1, 1, 1, 1, scratch, 3, SimdLevels.Best);
        for (int n = 0; n < 3; n++)
        {
            var alone = new float[outputLayout.Length];
            BlockedConvolution.Forward(input.AsSpan(n * inputLayout.Length, inputLayout.Length), inputLayout, weight, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, false, alone, outputLayout, 3, 3, 1, 1, 1, 1, 1, 1, scratch, 1, SimdLevels.Best);
            KernelAssert.Identical(batch.AsSpan(n * outputLayout.Length, outputLayout.Length), alone, $"sample {n}");
        }
    }

    [Fact]
    public void MaxPoolGlobalAverageAndAddMatchPlainLoops()
    {
        const int Channels = 32, Height = 6, Width = 5, Samples = 2;
        float[] planes = KernelAssert.Random(Samples * Channels * Height * Width, 21);
        float[] others = KernelAssert.Random(Samples * Channels * Height * Width, 22);
        var layout = new BlockedLayout(Channels, Height, Width, 1, Block);
        var otherLayout = new BlockedLayout(Channels, Height, Width, 0, Block);
        float[] blocks = ToBlocks(planes, layout, Samples), otherBlocks = ToBlocks(others, otherLayout, Samples);
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            // 3x2 windows at stride 2x2 (rows 0-2 and 2-4, columns 0-1 and 2-3); 2x2 at stride 2, and overlapping at
            // stride 1, which run written out.
            foreach ((int kh, int kw, int stride) in new[] { (3, 2, 2), (2, 2, 2), (2, 2, 1) })
            {
                int outHeight = ((Height - kh) / stride) + 1, outWidth = ((Width - kw) / stride) + 1, plane = outHeight * outWidth;
                var windowLayout = new BlockedLayout(Channels, outHeight, outWidth, 2, Block);
                float[] windowPooled = Filled(Samples * windowLayout.Length, float.NaN);
                BlockedTensors.MaxPool(blocks, layout, windowPooled, windowLayout, kh, kw, stride, stride, Samples, level);
                var expectedWindows = new float[Samples * Channels * plane];
                for (int p = 0; p < Samples * Channels; p++)
                {
                    for (int oy = 0; oy < outHeight; oy++)
                    {
                        for (int ox = 0; ox < outWidth; ox++)
                        {
                            float largest = float.NegativeInfinity;
                            for (int i = 0; i < kh; i++)
                            {
                                for (int j = 0; j < kw; j++)
                                {
                                    largest = Math.Max(largest, planes[(p * Height * Width) + (((oy * stride) + i) * Width) + (ox * stride) + j]);
                                }
                            }

                            expectedWindows[(p * plane) + (oy * outWidth) + ox] = largest;
                        }
                    }
                }

                KernelAssert.Identical(expectedWindows, ToPlanes(windowPooled, windowLayout, Samples), $"{level} max pool {kh}x{kw}, stride {stride}");
                AssertBorderZero(windowPooled, windowLayout, Samples, $"{level} max pool {kh}x{kw}, stride {stride}");
            }

            var means = new float[Samples * Channels];
            BlockedTensors.GlobalAverage(blocks, layout, means, Samples, level);
            var expectedMeans = new float[Samples * Channels];
            for (int p = 0; p < Samples * Channels; p++)
            {
                double sum = 0;
                for (int i = 0; i < Height * Width; i++)
                {
                    sum += planes[(p * Height * Width) + i];
                }

                expectedMeans[p] = (float)(sum / (Height * Width));
            }

            KernelAssert.Close(expectedMeans, means, $"{level} global average");

            var sumLayout = new BlockedLayout(Channels, Height, Width, 2, Block);
            float[] sums = Filled(Samples * sumLayout.Length, float.NaN);
            BlockedTensors.Add(blocks, layout, otherBlocks, otherLayout, true, sums, sumLayout, Samples, level);
            var expectedSums = new float[planes.Length];
            var expectedRelu = new float[planes.Length];
            for (int i = 0; i < planes.Length; i++)
            {
                expectedSums[i] = Math.Max(0f, planes[i] + others[i]);
                expectedRelu[i] = Math.Max(0f, planes[i]);
            }

            KernelAssert.Identical(expectedSums, ToPlanes(sums, sumLayout, Samples), $"{level} add and ReLU");
            AssertBorderZero(sums, sumLayout, Samples, $"{level} add");
            BlockedTensors.Relu(blocks, layout, sums, sumLayout, Samples, level);
            KernelAssert.Identical(expectedRelu, ToPlanes(sums, sumLayout, Samples), $"{level} ReLU alone");
        }
    }

    /// <summary>channels, height, width, border, samples: planes padded and blocks turned back into planes.</summary>
    [Theory]
    [InlineData(32, 4, 5, 1, 2)]    // rows narrower than a square of the transpose
    [InlineData(32, 7, 7, 0, 3)]    // no border: each block's 49 positions at once, a tail past the squares
    [InlineData(16, 14, 14, 1, 1)]  // a border: row by row, 14 positions a row
    [InlineData(48, 3, 19, 2, 2)]   // rows of two squares and a tail, three blocks
    public void PadAndToPlanesKeepEveryValueAndZeroTheBorder(int channels, int height, int width, int border, int samples)
    {
        int plane = height * width;
        float[] planes = KernelAssert.Random(samples * channels * plane, 31);
        var layout = new BlockedLayout(channels, height, width, border, 1);
        float[] padded = Filled(samples * layout.Length, float.NaN);
        BlockedTensors.Pad(planes, padded, layout, samples);
        AssertBorderZero(padded, layout, samples, "padded planes");
        KernelAssert.Identical(planes, ToPlanes(padded, layout, samples), "padded planes' values");

        var blockedLayout = new BlockedLayout(channels, height, width, border, Block);
        var back = Filled(planes.Length, float.NaN);
        BlockedTensors.ToPlanes(ToBlocks(planes, blockedLayout, samples), blockedLayout, back, samples);
        KernelAssert.Identical(planes, back, "blocks back to planes");
        KernelAssert.Rejects(() => BlockedTensors.ToPlanes(new float[10], blockedLayout, back, samples), "blocked", "BlockedTensors.ToPlanes", "holds 10 values");
    }

    [Theory]
    [InlineData(16, 288, 288, 16)]  // a block of filters' weights packed step by step
    [InlineData(49, 16, 16, 49)]    // a block's positions into channel planes
    [InlineData(13, 19, 21, 17)]    // squares, a column tail and a row tail, rows and columns apart
    [InlineData(5, 3, 3, 7)]        // smaller than a square
    [InlineData(8, 8, 8, 8)]        // one square exactly
    [InlineData(16, 10, 10, 16)]    // samples' rows of 10 into lanes: the last column of squares overlaps the first
    [InlineData(14, 16, 17, 14)]    // lanes back into rows of 14: the last row of squares overlaps
    [InlineData(9, 30, 31, 9)]      // both overlap, by 7 rows and 2 columns
    [InlineData(7, 20, 20, 7)]      // fewer than 8 rows: value by value
    public void ATransposeMovesEveryValueAndNothingElse(int rows, int columns, int sourceStride, int targetStride)
    {
        float[] source = KernelAssert.Random(((rows - 1) * sourceStride) + columns, 41);
        float[] target = Filled(((columns - 1) * targetStride) + rows + 3, float.NaN);
        BlockTranspose.Transpose(source, sourceStride, target, targetStride, rows, columns);
        for (int c = 0; c < columns; c++)
        {
            for (int r = 0; r < targetStride && (c * targetStride) + r < target.Length; r++)
            {
                float value = target[(c * targetStride) + r];
                if (r < rows)
                {
                    Assert.Equal(source[(r * sourceStride) + c], value);
                }
                else
                {
                    Assert.True(float.IsNaN(value), $"row {r} of column {c}, past the rows, was written: {value}.");
                }
            }
        }

        KernelAssert.Rejects(() => BlockTranspose.Transpose(source, sourceStride, new float[rows], targetStride, rows, columns), "target", "BlockTranspose.Transpose", "do not fit");
    }

    [Fact]
    public void TheWeightGradientsTilesRefuseReadsPastTheInputAndFiltersThatDoNotFillBlocks()
    {
        float[] input = new float[100], packed = new float[16 * 10], transposed = new float[16 * 3];
        int[] taps = { 0, 1, 2 }, reads = Enumerable.Range(0, 10).ToArray();
        BlockedConvolution.SumOverPositions(input, taps, packed, reads, 16, transposed, SimdLevel.Vector256);
        KernelAssert.Rejects(() => BlockedConvolution.SumOverPositions(input, new[] { 0, 1, 91 }, packed, reads, 16, transposed, SimdLevel.Vector256), "input", "reads the input at 100", "past its 100 values");
        KernelAssert.Rejects(() => BlockedConvolution.SumOverPositions(input, new[] { 0, -1, 2 }, packed, reads, 16, transposed, SimdLevel.Vector256), "offsets", "negative");
        KernelAssert.Rejects(() => BlockedConvolution.SumOverPositions(input, taps, packed, reads, 8, transposed, SimdLevel.Vector256), "filters", "fill blocks of 16");

        // The positions' reads are checked a vector at a time: a read too far, or negative, among the first eight is found too.
        int[] tooFar = reads.ToArray(), negative = reads.ToArray();
        tooFar[6] = 98;
        negative[3] = -2;
        KernelAssert.Rejects(() => BlockedConvolution.SumOverPositions(input, taps, packed, tooFar, 16, transposed, SimdLevel.Vector256), "input", "reads the input at 100", "past its 100 values");
        KernelAssert.Rejects(() => BlockedConvolution.SumOverPositions(input, taps, packed, negative, 16, transposed, SimdLevel.Vector256), "offsets", "negative");
    }

    /// <summary>
    /// The convolution by plain loops over planes, in double, then the bias, the affine map and the ReLU:
    /// [samples, filters, outHeight, outWidth].
    /// </summary>
    /// <summary>The convolution, then <c>* scale + shift</c> when <paramref name="scale"/> is not empty, then the ReLU when <paramref name="relu"/>.</summary>
    internal static float[] PlainConvolution(float[] planes, float[] weight, float[] bias, float[] scale, float[] shift, int samples, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int outHeight, int outWidth, bool relu = true)
    {
        int plane = outHeight * outWidth;
        var expected = new float[samples * filters * plane];
        for (int n = 0; n < samples; n++)
        {
            for (int f = 0; f < filters; f++)
            {
                for (int oy = 0; oy < outHeight; oy++)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        double sum = bias[f];
                        for (int c = 0; c < channels; c++)
                        {
                            for (int i = 0; i < kernelHeight; i++)
                            {
                                for (int j = 0; j < kernelWidth; j++)
                                {
                                    int iy = (oy * strideHeight) - paddingHeight + (i * dilationHeight), ix = (ox * strideWidth) - paddingWidth + (j * dilationWidth);
                                    if (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                    {
                                        sum += (double)weight[(((f * channels) + c) * kernelHeight * kernelWidth) + (i * kernelWidth) + j] * planes[(((n * channels) + c) * height * width) + (iy * width) + ix];
                                    }
                                }
                            }
                        }

                        float value = scale.Length == 0 ? (float)sum : (float)((sum * scale[f]) + shift[f]);
                        expected[(((n * filters) + f) * plane) + (oy * outWidth) + ox] = relu ? Math.Max(0f, value) : value;
                    }
                }
            }
        }

        return expected;
    }

    /// <summary>Whether the level's multiply-adds are fused on this machine, as the scalar level's are: then every output must come out the same.</summary>
    internal static bool Fused(SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => Avx512F.IsSupported,
        SimdLevel.Vector256 => Fma.IsSupported,
        SimdLevel.Vector128 => Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported,
        _ => true,
    };

    /// <summary>Planes ([channels, height, width] per sample) into a blocked layout, by the definition of the layout.</summary>
    internal static float[] ToBlocks(float[] planes, BlockedLayout layout, int samples)
    {
        var blocks = new float[samples * layout.Length];
        int plane = layout.Height * layout.Width;
        for (int n = 0; n < samples; n++)
        {
            for (int c = 0; c < layout.Channels; c++)
            {
                for (int y = 0; y < layout.Height; y++)
                {
                    for (int x = 0; x < layout.Width; x++)
                    {
                        blocks[(n * layout.Length) + (c / layout.Block * layout.BlockLength) + ((((y + layout.Border) * layout.PaddedWidth) + x + layout.Border) * layout.Block) + (c % layout.Block)] =
                            planes[(((n * layout.Channels) + c) * plane) + (y * layout.Width) + x];
                    }
                }
            }
        }

        return blocks;
    }

    /// <summary>The inverse of <see cref="ToBlocks"/>, by the same definition.</summary>
    internal static float[] ToPlanes(float[] blocks, BlockedLayout layout, int samples)
    {
        int plane = layout.Height * layout.Width;
        var planes = new float[samples * layout.Channels * plane];
        for (int n = 0; n < samples; n++)
        {
            for (int c = 0; c < layout.Channels; c++)
            {
                for (int y = 0; y < layout.Height; y++)
                {
                    for (int x = 0; x < layout.Width; x++)
                    {
                        planes[(((n * layout.Channels) + c) * plane) + (y * layout.Width) + x] =
                            blocks[(n * layout.Length) + (c / layout.Block * layout.BlockLength) + ((((y + layout.Border) * layout.PaddedWidth) + x + layout.Border) * layout.Block) + (c % layout.Block)];
                    }
                }
            }
        }

        return planes;
    }

    internal static void AssertBorderZero(float[] blocks, BlockedLayout layout, int samples, string what)
    {
        for (int b = 0; b < samples * layout.Blocks; b++)
        {
            for (int y = 0; y < layout.PaddedHeight; y++)
            {
                for (int x = 0; x < layout.PaddedWidth; x++)
                {
                    bool inside = y >= layout.Border && y < layout.Border + layout.Height && x >= layout.Border && x < layout.Border + layout.Width;
                    for (int lane = 0; lane < layout.Block && !inside; lane++)
                    {
                        float value = blocks[(b * layout.BlockLength) + (((y * layout.PaddedWidth) + x) * layout.Block) + lane];
                        Assert.True(BitConverter.SingleToInt32Bits(value) == 0, $"{what}: border value {value} at block {b}, row {y}, column {x}.");
                    }
                }
            }
        }
    }

    internal static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }
}
