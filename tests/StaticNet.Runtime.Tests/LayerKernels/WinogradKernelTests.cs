using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// The Winograd convolution against plain loops in double over planes (<see cref="BlockedKernelTests.PlainConvolution"/>): every output within float
/// rounding of the direct sum, with the bias, folded normalisation and ReLU; the border zero whatever the buffer held;
/// the same bits at every level that fuses multiply-adds, in any ranges of tiles, and for a sample alone as in a batch.
/// </summary>
public class WinogradKernelTests
{
    private const int Block = BlockedConvolution.Block;

    [Theory]
    [InlineData(16, 14, 14, 32, 1, 1, 0, 2)]  // the bench's conv2: a 7x7 grid of tiles, groups across samples
    [InlineData(32, 7, 7, 64, 1, 1, 1, 3)]    // conv3: the last row and column of tiles half outside the plane
    [InlineData(16, 11, 9, 48, 0, 1, 0, 2)]   // valid: three blocks of filters (a pair and one alone at 512 bits), 9x7 outputs
    [InlineData(32, 6, 5, 16, 2, 2, 2, 1)]    // padded by 2, one block of filters, tiles reading past the plane's buffer
    [InlineData(16, 8, 8, 16, 1, 3, 0, 5)]    // a border wider than the padding: the tiles read zeros, never past them
    [InlineData(32, 3, 3, 32, 1, 1, 1, 3)]    // a 3x3 plane the router leaves to the direct kernel: four tiles, three part-filled
    public void WinogradMatchesPlainLoopsAtEveryLevelBitForBitAcrossLevelsAndRanges(int channels, int height, int width, int filters, int padding, int inputBorder, int outputBorder, int samples)
    {
        var inputLayout = new BlockedLayout(channels, height, width, inputBorder, Block);
        var window = new BlockedConvolution.Window(3, 3, 1, 1, padding, padding, 1, 1);
        var outputLayout = new BlockedLayout(filters, window.OutputHeight(height), window.OutputWidth(width), outputBorder, Block);
        Assert.True(WinogradConvolution.Fits(inputLayout, window));
        float[] planes = KernelAssert.Random(samples * channels * height * width, 21);
        float[] weight = KernelAssert.Random(filters * channels * 9, 22);
        float[] bias = KernelAssert.Random(filters, 23);
        float[] scale = KernelAssert.Random(filters, 24, 0.5f, 1.5f);
        float[] shift = KernelAssert.Random(filters, 25);
        float[] input = BlockedKernelTests.ToBlocks(planes, inputLayout, samples);
        float[] expected = BlockedKernelTests.PlainConvolution(planes, weight, bias, scale, shift, samples, channels, height, width, filters, 3, 3, 1, 1, padding, padding, 1, 1, outputLayout.Height, outputLayout.Width);
        float[] scratch = new float[WinogradConvolution.ScratchLength(channels, filters)];
        int transformed = WinogradConvolution.WeightsLength(channels, filters), tiles = WinogradConvolution.Tiles(outputLayout, samples);

        float[]? first = null;
        foreach (SimdLevel level in KernelAssert.AllLevels)
        {
            float[] output = BlockedKernelTests.Filled(samples * outputLayout.Length, float.NaN);
            WinogradConvolution.Forward(input, inputLayout, weight, bias, scale, shift, true, output, outputLayout, window, scratch, samples, level);
            KernelAssert.Close(expected, BlockedKernelTests.ToPlanes(output, outputLayout, samples), $"{level} Winograd convolution");
            BlockedKernelTests.AssertBorderZero(output, outputLayout, samples, level.ToString());
            if (BlockedKernelTests.Fused(level))
            {
                first ??= output;
                KernelAssert.Identical(first, output, $"{level} against {KernelAssert.AllLevels[0]}");
            }

            // The weights transformed in two parts of filter blocks, then the tiles in ranges that cut groups and
            // filter blocks, each with its own work area filled with garbage, as threads share one sample's
            // convolution: the same output, bit for bit.
            int cut1 = Math.Min(tiles, 7), cut2 = Math.Max(cut1, tiles - 4), blocks = filters / Block, half = blocks / 2;
            float[] inParts = BlockedKernelTests.Filled(samples * outputLayout.Length, float.NaN);
            float[] partsScratch = BlockedKernelTests.Filled(scratch.Length, float.NaN);
            WinogradConvolution.PrepareOutput(input, inputLayout, bias, scale, shift, inParts, outputLayout, window, samples);
            WinogradConvolution.TransformWeights(weight, channels, filters, partsScratch.AsSpan(0, transformed), BlockedKernelTests.Filled(Block * channels * 9, float.NaN), half, blocks - half, level);
            WinogradConvolution.TransformWeights(weight, channels, filters, partsScratch.AsSpan(0, transformed), BlockedKernelTests.Filled(Block * channels * 9, float.NaN), 0, half, level);
            foreach ((int from, int to, int firstBlock, int endBlock) in new[] { (cut2, tiles, 0, blocks), (0, cut1, half, blocks), (0, cut1, 0, half), (cut1, cut2, 0, blocks) })
            {
                float[] work = BlockedKernelTests.Filled(WinogradConvolution.WorkLength(channels), float.NaN);
                WinogradConvolution.Run(input, inputLayout, bias, scale, shift, true, inParts, outputLayout, window, partsScratch.AsSpan(0, transformed), work, samples, from, to - from, firstBlock, endBlock - firstBlock, level);
            }

            KernelAssert.Identical(output, inParts, $"{level} in ranges of tiles and filter blocks");

            // Ranges of 1, 2, ... 6 tiles, then the rest: a short group of every length, each multiplying only its rows.
            float[] shortGroups = BlockedKernelTests.Filled(samples * outputLayout.Length, float.NaN);
            WinogradConvolution.PrepareOutput(input, inputLayout, bias, scale, shift, shortGroups, outputLayout, window, samples);
            for (int from = 0, length = 1; from < tiles; from += length, length = length < WinogradConvolution.GroupTiles ? length + 1 : tiles)
            {
                int to = Math.Min(tiles, from + length);
                WinogradConvolution.Run(input, inputLayout, bias, scale, shift, true, shortGroups, outputLayout, window, partsScratch.AsSpan(0, transformed), BlockedKernelTests.Filled(WinogradConvolution.WorkLength(channels), float.NaN), samples, from, to - from, 0, blocks, level);
            }

            KernelAssert.Identical(output, shortGroups, $"{level} in groups of 1 to 6 tiles");

            // The groups' inputs transformed first, in two ranges of groups into a buffer of garbage, then the tiles
            // in ranges of whole groups and of filter blocks reading them: the same output, bit for bit.
            int groups = WinogradConvolution.Groups(outputLayout, samples), middle = groups / 2;
            float[] inputs = BlockedKernelTests.Filled(groups * WinogradConvolution.GroupInputsLength(channels), float.NaN);
            WinogradConvolution.TransformInputs(input, inputLayout, outputLayout, window, inputs, samples, middle, groups - middle, level);
            WinogradConvolution.TransformInputs(input, inputLayout, outputLayout, window, inputs, samples, 0, middle, level);
            float[] fromInputs = BlockedKernelTests.Filled(samples * outputLayout.Length, float.NaN);
            WinogradConvolution.PrepareOutput(input, inputLayout, bias, scale, shift, fromInputs, outputLayout, window, samples);
            int split = middle * WinogradConvolution.GroupTiles;
            foreach ((int from, int to, int firstBlock, int endBlock) in new[] { (split, tiles, half, blocks), (0, split, 0, blocks), (split, tiles, 0, half) })
            {
                float[] work = BlockedKernelTests.Filled(WinogradConvolution.WorkLength(channels), float.NaN);
                WinogradConvolution.Run(input, inputLayout, bias, scale, shift, true, fromInputs, outputLayout, window, partsScratch.AsSpan(0, transformed), work, samples, from, to - from, firstBlock, endBlock - firstBlock, level, inputs);
            }

            KernelAssert.Identical(output, fromInputs, $"{level} from inputs transformed apart, in ranges of groups and filter blocks");
        }
    }

    [Fact]
    public void EachSampleComesOutTheSameAloneAsInABatch()
    {
        var inputLayout = new BlockedLayout(16, 7, 7, 1, Block);
        var window = new BlockedConvolution.Window(3, 3, 1, 1, 1, 1, 1, 1);
        var outputLayout = new BlockedLayout(32, 7, 7, 0, Block);
        float[] input = BlockedKernelTests.ToBlocks(KernelAssert.Random(3 * 16 * 49, 31), inputLayout, 3);
        float[] weight = KernelAssert.Random(32 * 16 * 9, 32);
        float[] scratch = new float[WinogradConvolution.ScratchLength(16, 32)];
        var batch = new float[3 * outputLayout.Length];
        WinogradConvolution.Forward(input, inputLayout, weight, default, default, default, false, batch, outputLayout, window, scratch, 3, SimdLevels.Best);
        for (int n = 0; n < 3; n++)
        {
            var alone = new float[outputLayout.Length];
            WinogradConvolution.Forward(input.AsSpan(n * inputLayout.Length, inputLayout.Length), inputLayout, weight, default, default, default, false, alone, outputLayout, window, scratch, 1, SimdLevels.Best);
            KernelAssert.Identical(batch.AsSpan(n * outputLayout.Length, outputLayout.Length), alone, $"sample {n}");
        }
    }

    [Fact]
    public void OnlyThreeByThreeWindowsAtStrideOneOnBlocksOverLargeEnoughPlanesRunHere()
    {
        var window = new BlockedConvolution.Window(3, 3, 1, 1, 1, 1, 1, 1);
        BlockedLayout In(int size) => new(16, size, size, 1, Block);
        BlockedLayout Out(int size) => new(32, size, size, 0, Block);
        foreach (int size in new[] { 6, 7, 8, 14, 28 })
        {
            Assert.True(WinogradConvolution.Runs(In(size), Out(size), window), $"{size}x{size}");
        }

        // Planes where one sample's tiles and the weights' transform cost more than the direct sums.
        foreach (int size in new[] { 1, 2, 3, 4, 5 })
        {
            Assert.False(WinogradConvolution.Runs(In(size), Out(size), window), $"{size}x{size}");
        }

        Assert.False(WinogradConvolution.Runs(new BlockedLayout(16, 14, 14, 1, 1), Out(14), window), "planes");
        Assert.False(WinogradConvolution.Runs(new BlockedLayout(16, 14, 14, 1, Block), Out(7), window with { StrideHeight = 2, StrideWidth = 2 }), "stride 2");
        Assert.False(WinogradConvolution.Runs(new BlockedLayout(16, 9, 9, 2, Block), Out(7), window with { DilationHeight = 2, DilationWidth = 2 }), "dilated");
        Assert.False(WinogradConvolution.Runs(new BlockedLayout(16, 9, 9, 2, Block), Out(7), window with { KernelHeight = 5, KernelWidth = 5, PaddingHeight = 1, PaddingWidth = 1 }), "5x5");
        Assert.False(WinogradConvolution.Runs(new BlockedLayout(16, 7, 9, 1, Block), new BlockedLayout(32, 7, 7, 0, Block), window with { KernelWidth = 5 }), "3x5");
    }

    [Fact]
    public void AWindowItDoesNotRunAShortScratchAndTilesOutsideTheOutputAreRefused()
    {
        var inputLayout = new BlockedLayout(16, 6, 6, 1, Block);
        var outputLayout = new BlockedLayout(16, 6, 6, 0, Block);
        var window = new BlockedConvolution.Window(3, 3, 1, 1, 1, 1, 1, 1);
        float[] input = new float[inputLayout.Length], output = new float[outputLayout.Length], weight = new float[16 * 16 * 9];
        float[] scratch = new float[WinogradConvolution.ScratchLength(16, 16)];
        KernelAssert.Rejects(
            () => WinogradConvolution.Prepare(new float[2 * 16 * 8 * 8], new BlockedLayout(16, 6, 6, 1, 1), weight, default, default, default, output, outputLayout, window, scratch, 1, SimdLevel.Scalar),
            "window",
            "3x3 window at stride 1",
            "input blocks of 1");
        KernelAssert.Rejects(() => WinogradConvolution.Prepare(input, inputLayout, weight, default, default, default, output, outputLayout, window, scratch.AsSpan(1), 1, SimdLevel.Scalar), "scratch");
        KernelAssert.Rejects(() => WinogradConvolution.Prepare(input, inputLayout, weight.AsSpan(1), default, default, default, output, outputLayout, window, scratch, 1, SimdLevel.Scalar), "weight");
        int transformed = WinogradConvolution.WeightsLength(16, 16);
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => WinogradConvolution.Run(input, inputLayout, default, default, default, false, output, outputLayout, window, scratch.AsSpan(0, transformed), scratch.AsSpan(transformed), 1, 7, 3, 0, 1, SimdLevel.Scalar));
        Assert.Contains("tiles 7 to 10 do not lie in the 9 tiles of the output", outside.Message, StringComparison.Ordinal);
        var blocks = Assert.Throws<ArgumentOutOfRangeException>(() => WinogradConvolution.Run(input, inputLayout, default, default, default, false, output, outputLayout, window, scratch.AsSpan(0, transformed), scratch.AsSpan(transformed), 1, 0, 9, 1, 1, SimdLevel.Scalar));
        Assert.Contains("filter blocks 1 to 2 do not lie in the output's 1", blocks.Message, StringComparison.Ordinal);
        var weightBlocks = Assert.Throws<ArgumentOutOfRangeException>(() => WinogradConvolution.TransformWeights(weight, 16, 16, scratch.AsSpan(0, transformed), scratch.AsSpan(transformed), 0, 2, SimdLevel.Scalar));
        Assert.Contains("filter blocks 0 to 2 do not lie in the 1 blocks of 16 filters", weightBlocks.Message, StringComparison.Ordinal);
        KernelAssert.Rejects(() => WinogradConvolution.TransformWeights(weight, 16, 16, scratch.AsSpan(0, transformed), new float[(Block * 16 * 9) - 1], 0, 1, SimdLevel.Scalar), "temporary");
        KernelAssert.Rejects(() => WinogradConvolution.TransformWeights(weight, 16, 24, scratch.AsSpan(0, transformed), scratch.AsSpan(transformed), 0, 1, SimdLevel.Scalar), "filters", "fill blocks of 16", "found 24");
        KernelAssert.Rejects(() => WinogradConvolution.Run(input, inputLayout, default, default, default, false, output, outputLayout, window, scratch.AsSpan(0, transformed), new float[WinogradConvolution.WorkLength(16) - 1], 1, 0, 9, 0, 1, SimdLevel.Scalar), "work");

        // Transformed inputs: two groups of tiles here (9 tiles), read from the start of a group only.
        float[] inputs = new float[2 * WinogradConvolution.GroupInputsLength(16)], work = new float[WinogradConvolution.WorkLength(16)];
        KernelAssert.Rejects(() => WinogradConvolution.TransformInputs(input, inputLayout, outputLayout, window, inputs.AsSpan(1), 1, 0, 2, SimdLevel.Scalar), "transformed");
        KernelAssert.Rejects(() => WinogradConvolution.TransformInputs(input.AsSpan(1), inputLayout, outputLayout, window, inputs, 1, 0, 2, SimdLevel.Scalar), "input");
        var groups = Assert.Throws<ArgumentOutOfRangeException>(() => WinogradConvolution.TransformInputs(input, inputLayout, outputLayout, window, inputs, 1, 1, 2, SimdLevel.Scalar));
        Assert.Contains("groups 1 to 3 do not lie in the 2 groups of the output's tiles", groups.Message, StringComparison.Ordinal);
        KernelAssert.Rejects(() => WinogradConvolution.Run(input, inputLayout, default, default, default, false, output, outputLayout, window, scratch.AsSpan(0, transformed), work, 1, 0, 9, 0, 1, SimdLevel.Scalar, inputs.AsSpan(1)), "transformedInputs");
        var midGroup = Assert.Throws<ArgumentOutOfRangeException>(() => WinogradConvolution.Run(input, inputLayout, default, default, default, false, output, outputLayout, window, scratch.AsSpan(0, transformed), work, 1, 3, 6, 0, 1, SimdLevel.Scalar, inputs));
        Assert.Contains("with transformed inputs, the tiles start a group of 6; found tile 3", midGroup.Message, StringComparison.Ordinal);
    }
}
