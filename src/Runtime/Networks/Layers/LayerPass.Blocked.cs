using System;
using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// Inference in blocked channels, for the layers the generator runs so (BlockedLayout): a convolution whose filters
// fill blocks, with the batch normalisation and ReLU after it folded in; max pooling, global average pooling, a
// residual join and a ReLU on its blocked output; and the conversions at the edges of a blocked run. A tensor's
// layout is given as its channels, height, width, block (1 for planes) and border.
public readonly ref partial struct LayerPass
{
    /// <summary>Conv2D with a square window on a blocked input or on planes (block 1), into blocks, then batch normalisation by its running estimates (when <paramref name="runningMean"/> is not -1), then ReLU (when <paramref name="relu"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBlocked(int output, int input, int weight, int bias, int normWeight, int normBias, int runningMean, int runningVar, double epsilon, bool relu, int channels, int height, int width, int inputBlock, int inputBorder, int filters, int outputBorder, int kernel, int stride, int padding, int dilation) =>
        Conv2DBlocked(output, input, weight, bias, normWeight, normBias, runningMean, runningVar, epsilon, relu, channels, height, width, inputBlock, inputBorder, filters, outputBorder, kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Conv2D on a blocked input or on planes (block 1), into blocks, then batch normalisation by its running estimates (when <paramref name="runningMean"/> is not -1), then ReLU (when <paramref name="relu"/>); by Winograd's transforms where <see cref="WinogradConvolution.Runs"/> takes the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBlocked(
        int output,
        int input,
        int weight,
        int bias,
        int normWeight,
        int normBias,
        int runningMean,
        int runningVar,
        double epsilon,
        bool relu,
        int channels,
        int height,
        int width,
        int inputBlock,
        int inputBorder,
        int filters,
        int outputBorder,
        int kernelHeight,
        int kernelWidth,
        int strideHeight,
        int strideWidth,
        int paddingHeight,
        int paddingWidth,
        int dilationHeight,
        int dilationWidth)
    {
        var window = new BlockedConvolution.Window(kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        var from = new BlockedLayout(channels, height, width, inputBorder, inputBlock);
        var to = new BlockedLayout(filters, window.OutputHeight(height), window.OutputWidth(width), outputBorder, BlockedConvolution.Block);

        // The batch normalisation's per-filter scale and shift, applied with the ReLU as each tile is stored.
        float[] coefficients = FoldedCoefficients(normWeight, normBias, runningMean, runningVar, filters, epsilon, out int normalized);

        Span<float> x = Batch(input, from.Length), y = Batch(output, to.Length);
        ReadOnlySpan<float> biases = Parameter(bias, filters), scales = coefficients.AsSpan(0, normalized), shifts = coefficients.AsSpan(normalized, normalized);
        ReadOnlySpan<float> weights = Parameter(weight, filters * channels * kernelHeight * kernelWidth);
        if (WinogradConvolution.Runs(from, to, window))
        {
            int transformed = WinogradConvolution.WeightsLength(channels, filters);
            PreparedWeights.Layer? kept = _preparedWeights?.For(weight, weights, transformed, Simd);
            WinogradConvolution.PrepareOutput(x, from, biases, scales, shifts, y, to, window, Count);
            if (_sampleThreads is { } sharing && sharing.Splits(WinogradConvolution.TileSteps(from, to, Count)))
            {
                // The threads share the weights' transform, unless it is kept, as well as the tiles.
                sharing.Run(new SampleThreads.Convolution(BatchStart(input, from.Length), from, weight, bias, coefficients, normalized, relu, BatchStart(output, to.Length), to, window, Count, Simd, Winograd: true, kept?.Prepared, kept?.Ready ?? false));
                if (kept is { Ready: false })
                {
                    kept.Made(weights);
                }

                return;
            }

            Span<float> transformedWeights = kept is null ? Scratch.Slice(0, transformed) : kept.Prepared.Span, work = kept is null ? Scratch.Slice(transformed) : Scratch;
            if (kept is not { Ready: true })
            {
                WinogradConvolution.TransformWeights(weights, channels, filters, transformedWeights, work, 0, to.Blocks, Simd);
                kept?.Made(weights);
            }

            WinogradConvolution.Run(x, from, biases, scales, shifts, relu, y, to, window, transformedWeights, work, Count, 0, WinogradConvolution.Tiles(to, Count), 0, to.Blocks, Simd);
            return;
        }

        int packedLength = BlockedConvolution.ScratchLength(channels, kernelHeight, kernelWidth, filters);
        PreparedWeights.Layer? packed = _preparedWeights?.For(weight, weights, packedLength, Simd);
        BlockedConvolution.PrepareOutput(x, from, biases, scales, shifts, y, to, window, Count);
        Span<float> packedWeights = packed is null ? Scratch : packed.Prepared.Span;
        if (packed is not { Ready: true })
        {
            BlockedConvolution.Pack(weights, from, filters, window, packedWeights);
            packed?.Made(weights);
        }

        if (_sampleThreads is { } threads && threads.Splits(BlockedConvolution.TileSteps(from, to, window, Count)))
        {
            threads.Run(new SampleThreads.Convolution(BatchStart(input, from.Length), from, weight, bias, coefficients, normalized, relu, BatchStart(output, to.Length), to, window, Count, Simd, Winograd: false, packed?.Prepared, Ready: true));
        }
        else
        {
            BlockedConvolution.Run(x, from, biases, scales, shifts, relu, y, to, window, packedWeights, Count, 0, BlockedConvolution.Positions(to, Count), Simd);
        }
    }

    /// <summary>Planes given a zero border of <paramref name="border"/>, for a blocked convolution that pads them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PadPlanes(int output, int input, int channels, int height, int width, int border)
    {
        var to = new BlockedLayout(channels, height, width, border, 1);
        BlockedTensors.Pad(Batch(input, channels * height * width), Batch(output, to.Length), to, Count);
    }

    /// <summary>A blocked tensor's values as planes, for a layer that reads planes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BlocksToPlanes(int output, int input, int channels, int height, int width, int inputBorder)
    {
        var from = new BlockedLayout(channels, height, width, inputBorder, BlockedConvolution.Block);
        BlockedTensors.ToPlanes(Batch(input, from.Length), from, Batch(output, channels * height * width), Count);
    }

    /// <summary>MaxPool2D without padding, square windows, block to block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DBlocked(int output, int input, int channels, int height, int width, int inputBorder, int outputBorder, int kernel, int stride, int outHeight, int outWidth) =>
        MaxPool2DBlocked(output, input, channels, height, width, inputBorder, outputBorder, kernel, kernel, stride, stride, outHeight, outWidth);

    /// <summary>MaxPool2D without padding, block to block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DBlocked(int output, int input, int channels, int height, int width, int inputBorder, int outputBorder, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int outHeight, int outWidth)
    {
        var from = new BlockedLayout(channels, height, width, inputBorder, BlockedConvolution.Block);
        var to = new BlockedLayout(channels, outHeight, outWidth, outputBorder, BlockedConvolution.Block);
        BlockedTensors.MaxPool(Batch(input, from.Length), from, Batch(output, to.Length), to, kernelHeight, kernelWidth, strideHeight, strideWidth, Count, Simd);
    }

    /// <summary>GlobalAvgPool2D of a blocked tensor: one mean per channel, in channel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GlobalAvgPool2DBlocked(int output, int input, int channels, int height, int width, int inputBorder)
    {
        var from = new BlockedLayout(channels, height, width, inputBorder, BlockedConvolution.Block);
        BlockedTensors.GlobalAverage(Batch(input, from.Length), from, Batch(output, channels), Count, Simd);
    }

    /// <summary>Add of two blocked tensors, then ReLU when <paramref name="relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBlocked(int output, int input, int added, int channels, int height, int width, int inputBorder, int addedBorder, int outputBorder, bool relu)
    {
        var from = new BlockedLayout(channels, height, width, inputBorder, BlockedConvolution.Block);
        var other = new BlockedLayout(channels, height, width, addedBorder, BlockedConvolution.Block);
        var to = new BlockedLayout(channels, height, width, outputBorder, BlockedConvolution.Block);
        BlockedTensors.Add(Batch(input, from.Length), from, Batch(added, other.Length), other, relu, Batch(output, to.Length), to, Count, Simd);
    }

    /// <summary>ReLU of a blocked tensor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReLUBlocked(int output, int input, int channels, int height, int width, int inputBorder, int outputBorder)
    {
        var from = new BlockedLayout(channels, height, width, inputBorder, BlockedConvolution.Block);
        var to = new BlockedLayout(channels, height, width, outputBorder, BlockedConvolution.Block);
        BlockedTensors.Relu(Batch(input, from.Length), from, Batch(output, to.Length), to, Count, Simd);
    }
}
