using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// Training's convolutions in blocked channels: the forward pass and the input gradient of a layer whose outputs
/// fill blocks of <see cref="BlockedConvolution.Block"/> run as <see cref="BlockedConvolution"/>'s tiles over a whole
/// group of samples at once, the group's planes given their border on the way in and transposed back to planes on
/// the way out. A product over planes computes the border of every plane too, a quarter of its work on a 7x7 plane;
/// the tiles compute outputs only and keep both multiply-add units busy, so even with the two conversions a layer
/// with enough channels runs faster this way, and the callers still see planes. A 3x3 layer at stride 1 whose channels
/// and filters fill blocks runs those two passes by <see cref="WinogradConvolution"/>'s transforms instead, where
/// inference would.
/// </summary>
public static partial class Convolution
{
    /// <summary>
    /// Below this many steps in each output's sum (input channels times taps), a tile's fixed cost, finding its positions
    /// and storing its outputs, outweighs its sums and the conversions cost more than they save: a first layer on one
    /// or three channels stays on planes.
    /// </summary>
    private const int FewBlockedSteps = 32;

    /// <summary>Which of a layer's passes run in blocked channels at a vector level: the forward pass, the input gradient, the weight gradient.</summary>
    internal static (bool Forward, bool InputGradient, bool WeightGradient) BlockedPasses(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth)
    {
        Geometry g = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        return (ForwardRunsBlocked(g), InputGradientRunsBlocked(g) || PhasedInputGradientRunsBlocked(g), WeightGradientRunsBlocked(g));
    }

    /// <summary>Which of a layer's blocked passes run by Winograd's transforms at a vector level: the forward pass, the input gradient.</summary>
    internal static (bool Forward, bool InputGradient) WinogradPasses(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth)
    {
        Geometry g = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        return (ForwardRunsWinograd(g), InputGradientRunsWinograd(g));
    }

    /// <summary>Whether the forward pass runs in blocked channels: its filters fill blocks and each sum is long enough.</summary>
    private static bool ForwardRunsBlocked(in Geometry g) => g.Filters % BlockedConvolution.Block == 0 && g.Taps >= FewBlockedSteps;

    /// <summary>
    /// Whether the forward pass runs by Winograd's transforms (<see cref="WinogradConvolution"/>), as inference does:
    /// a 3x3 window at stride 1 whose input channels and filters fill blocks, on a plane where it pays.
    /// </summary>
    private static bool ForwardRunsWinograd(in Geometry g) =>
        ForwardRunsBlocked(g) && g.Channels % BlockedConvolution.Block == 0
        && WinogradConvolution.Runs(WinogradForwardInput(g), ForwardLayouts(g).Output, ForwardWindow(g));

    /// <summary>The forward pass's input for Winograd's transforms: its planes in blocks, with a border as wide as the padding.</summary>
    private static BlockedLayout WinogradForwardInput(in Geometry g) =>
        new(g.Channels, g.Height, g.Width, Math.Max(g.PaddingHeight, g.PaddingWidth), BlockedConvolution.Block);

    /// <summary>The forward pass's window.</summary>
    private static BlockedConvolution.Window ForwardWindow(in Geometry g) =>
        new(g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth, g.PaddingHeight, g.PaddingWidth, g.DilationHeight, g.DilationWidth);

    /// <summary>
    /// Whether the input gradient, a blocked one, runs by Winograd's transforms: the transposed convolution is 3x3 at
    /// stride 1 too, and its input, the output gradient, has filters that fill blocks.
    /// </summary>
    private static bool InputGradientRunsWinograd(in Geometry g) =>
        InputGradientRunsBlocked(g) && g.Filters % BlockedConvolution.Block == 0
        && WinogradConvolution.Runs(WinogradGradientInput(g), InputGradientLayouts(g).Output, InputGradientWindow(g));

    /// <summary>The input gradient's input for Winograd's transforms: the output gradient's planes in blocks, with a border of the rest of the kernel's reach.</summary>
    private static BlockedLayout WinogradGradientInput(in Geometry g) =>
        new(g.Filters, g.OutHeight, g.OutWidth, Math.Max(g.ReachHeight - g.PaddingHeight, g.ReachWidth - g.PaddingWidth), BlockedConvolution.Block);

    /// <summary>
    /// Whether the input gradient runs in blocked channels, as the convolution of the output gradient by the flipped
    /// weights: stride 1 (a longer stride goes phase by phase, <see cref="PhasedInputGradientRunsBlocked"/>), the input's
    /// channels fill blocks, and each sum, over the filters and taps, is long enough.
    /// </summary>
    private static bool InputGradientRunsBlocked(in Geometry g) =>
        g.Shifts && g.Channels % BlockedConvolution.Block == 0 && g.Filters * g.KernelHeight * g.KernelWidth >= FewBlockedSteps;

    /// <summary>
    /// Whether the input gradient of a layer the shifted views do not take (a longer stride, or padding past the
    /// kernel's reach) runs in blocked channels, phase by phase (<see cref="BackwardInputByPhase"/>): the input's
    /// channels fill blocks, the kernel is small enough for a phase's taps to be listed on the stack, and the sums of
    /// the phases that have taps are long enough on average.
    /// </summary>
    private static bool PhasedInputGradientRunsBlocked(in Geometry g) =>
        !g.Shifts && g.Channels % BlockedConvolution.Block == 0 && g.KernelHeight <= MaxPhasedKernel && g.KernelWidth <= MaxPhasedKernel
        && new Phases(g).AverageSteps >= FewBlockedSteps;

    /// <summary>The longest kernel axis whose phases <see cref="BackwardInputByPhase"/> lists on the stack.</summary>
    private const int MaxPhasedKernel = 64;

    /// <summary>
    /// Whether the weight gradient runs in blocked channels: the filters fill blocks, and there are taps for a whole
    /// tile. Its sums run over the group's positions, long whatever the layer, so even a first layer's nine taps
    /// (two tiles, the second half-filled) keep up with one dot product per weight, and more taps pass it.
    /// </summary>
    private static bool WeightGradientRunsBlocked(in Geometry g) => g.Filters % BlockedConvolution.Block == 0 && g.Taps >= BlockedConvolution.TilePositions;

    /// <summary>The samples a blocked pass takes at once: as many planes of <paramref name="positions"/> outputs as a product over planes takes.</summary>
    private static int BlockedGroupSize(int positions, int batchSize) => Math.Clamp(GroupPositions / positions, 1, Math.Max(batchSize, 1));

    /// <summary>The forward pass's layouts: its input planes with a border as wide as the padding, its output in blocks without one.</summary>
    private static (BlockedLayout Input, BlockedLayout Output) ForwardLayouts(in Geometry g) =>
        (new BlockedLayout(g.Channels, g.Height, g.Width, Math.Max(g.PaddingHeight, g.PaddingWidth), 1), new BlockedLayout(g.Filters, g.OutHeight, g.OutWidth, 0, BlockedConvolution.Block));

    /// <summary>
    /// The input gradient's layouts: the output gradient's planes with a border as wide as its padding, the rest of the
    /// kernel's reach past the forward padding, and the input gradient in blocks without one.
    /// </summary>
    private static (BlockedLayout Input, BlockedLayout Output) InputGradientLayouts(in Geometry g) =>
        (new BlockedLayout(g.Filters, g.OutHeight, g.OutWidth, Math.Max(g.ReachHeight - g.PaddingHeight, g.ReachWidth - g.PaddingWidth), 1), new BlockedLayout(g.Channels, g.Height, g.Width, 0, BlockedConvolution.Block));

    /// <summary>The transposed convolution's window: the same kernel and dilation, stride 1, padded by what the forward padding leaves of the reach.</summary>
    private static BlockedConvolution.Window InputGradientWindow(in Geometry g) =>
        new(g.KernelHeight, g.KernelWidth, 1, 1, g.ReachHeight - g.PaddingHeight, g.ReachWidth - g.PaddingWidth, g.DilationHeight, g.DilationWidth);

    /// <summary>Floats of scratch the blocked passes that apply to the layer need for a batch of <paramref name="batchSize"/>: packed weights, and a group's two converted tensors.</summary>
    private static long BlockedScratchLength(in Geometry g, int batchSize)
    {
        long length = 0;
        if (g.OutHeight < 1 || g.OutWidth < 1 || g.Channels < 1 || g.Height < 1 || g.Width < 1 || g.PaddingHeight < 0 || g.PaddingWidth < 0)
        {
            // Sizes the kernels refuse: no layout to size.
            return length;
        }

        if (ForwardRunsBlocked(g))
        {
            var (input, output) = ForwardLayouts(g);
            int samples = BlockedGroupSize(g.Positions, batchSize);
            length = BlockedConvolution.ScratchLength(g.Channels, g.KernelHeight, g.KernelWidth, g.Filters) + ((long)samples * (input.Length + output.Length));
            if (ForwardRunsWinograd(g))
            {
                length = Math.Max(length, WinogradConvolution.ScratchLength(g.Channels, g.Filters) + ((long)samples * (WinogradForwardInput(g).Length + output.Length)));
            }
        }

        if (InputGradientRunsBlocked(g))
        {
            var (input, output) = InputGradientLayouts(g);
            int samples = BlockedGroupSize(g.Height * g.Width, batchSize);
            length = Math.Max(length, ((long)g.Taps * g.Filters) + BlockedConvolution.ScratchLength(g.Filters, g.KernelHeight, g.KernelWidth, g.Channels) + ((long)samples * (input.Length + output.Length)));
            if (InputGradientRunsWinograd(g))
            {
                length = Math.Max(length, ((long)g.Taps * g.Filters) + WinogradConvolution.ScratchLength(g.Filters, g.Channels) + ((long)samples * (WinogradGradientInput(g).Length + output.Length)));
            }
        }

        if (PhasedInputGradientRunsBlocked(g))
        {
            var phases = new Phases(g);
            int samples = BlockedGroupSize(g.Height * g.Width, batchSize);
            length = Math.Max(length, phases.ScratchBeforeGroup(g) + ((long)samples * (phases.GradientLayout(g).Length + ((long)g.Channels * phases.MostPositions))));
        }

        if (WeightGradientRunsBlocked(g))
        {
            var (input, _) = ForwardLayouts(g);
            int samples = BlockedGroupSize(g.Positions, batchSize);
            length = Math.Max(length, WeightGradientScratch(g, samples) + ((long)samples * input.Length));
        }

        return length;
    }

    /// <summary>
    /// Floats of the weight gradient's scratch before a group's bordered input: the group's sum and the sum over
    /// groups, both transposed, the taps' and the positions' reads, and the output gradient packed.
    /// </summary>
    private static int WeightGradientScratch(in Geometry g, int groupSize) =>
        (2 * g.Taps * g.Filters) + g.Taps + (groupSize * g.Positions) + (groupSize * g.Positions * g.Filters);

    /// <summary>The forward pass in blocked channels, group by group: border the input planes, run the tiles over every position of the group, transpose the blocks back to planes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBlocked(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> scratch, int batchSize, in Geometry g, SimdLevel simd, in Gemm.RowEpilogue epilogue)
    {
        if (ForwardRunsWinograd(g))
        {
            ForwardWinograd(input, output, weight, bias, scratch, batchSize, g, simd, epilogue);
            return;
        }

        var (inputLayout, outputLayout) = ForwardLayouts(g);
        var window = ForwardWindow(g);
        int groupSize = BlockedGroupSize(g.Positions, batchSize);
        Span<float> packed = scratch.Slice(0, BlockedConvolution.ScratchLength(g.Channels, g.KernelHeight, g.KernelWidth, g.Filters));
        for (int first = 0; first < batchSize; first += groupSize)
        {
            int samples = Math.Min(groupSize, batchSize - first);
            Span<float> blocked = scratch.Slice(packed.Length, samples * outputLayout.Length);
            ReadOnlySpan<float> planes = input.Slice(first * g.InputLength, samples * g.InputLength);
            if (inputLayout.Border > 0)
            {
                Span<float> padded = scratch.Slice(packed.Length + blocked.Length, samples * inputLayout.Length);
                BlockedTensors.Pad(planes, padded, inputLayout, samples);
                planes = padded;
            }

            if (first == 0)
            {
                // The weights packed once, for every group: the groups' tensors lie past them.
                BlockedConvolution.Prepare(planes, inputLayout, weight, bias, epilogue.Scales, epilogue.Shifts, blocked, outputLayout, window, packed, samples);
            }

            BlockedConvolution.Run(planes, inputLayout, bias, epilogue.Scales, epilogue.Shifts, epilogue.Relu, blocked, outputLayout, window, packed, samples, 0, BlockedConvolution.Positions(outputLayout, samples), simd);
            BlockedTensors.ToPlanes(blocked, outputLayout, output.Slice(first * g.OutputLength, samples * g.OutputLength), samples);
        }
    }

    /// <summary>
    /// The forward pass by Winograd's transforms (<see cref="RunWinograd"/>): the input planes bordered by the padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardWinograd(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> scratch, int batchSize, in Geometry g, SimdLevel simd, in Gemm.RowEpilogue epilogue) =>
        RunWinograd(input, WinogradForwardInput(g), output, ForwardLayouts(g).Output, ForwardWindow(g), weight, bias, epilogue, scratch, BlockedGroupSize(g.Positions, batchSize), batchSize, simd);

    /// <summary>
    /// A convolution by Winograd's transforms, group by group, on planes: each group's planes into bordered blocks
    /// (<paramref name="from"/>), the tiles over every output of the group, the blocks (<paramref name="to"/>)
    /// transposed back to planes. The weights are transformed once, for every group, at the start of
    /// <paramref name="scratch"/>; the groups' tensors lie past the kernel's scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunWinograd(ReadOnlySpan<float> planes, in BlockedLayout from, Span<float> outputPlanes, in BlockedLayout to, in BlockedConvolution.Window window, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, in Gemm.RowEpilogue epilogue, Span<float> scratch, int groupSize, int batchSize, SimdLevel simd)
    {
        int inputLength = from.Channels * from.Height * from.Width, outputLength = to.Channels * to.Height * to.Width;
        int kernelScratch = WinogradConvolution.ScratchLength(from.Channels, to.Channels), transformed = WinogradConvolution.WeightsLength(from.Channels, to.Channels);
        for (int first = 0; first < batchSize; first += groupSize)
        {
            int samples = Math.Min(groupSize, batchSize - first);
            Span<float> blocked = scratch.Slice(kernelScratch, samples * to.Length);
            Span<float> blocks = scratch.Slice(kernelScratch + blocked.Length, samples * from.Length);
            BlockedTensors.FromPlanes(planes.Slice(first * inputLength, samples * inputLength), from, blocks, samples);
            if (first == 0)
            {
                WinogradConvolution.Prepare(blocks, from, weight, bias, epilogue.Scales, epilogue.Shifts, blocked, to, window, scratch.Slice(0, kernelScratch), samples, simd);
            }

            WinogradConvolution.Run(blocks, from, bias, epilogue.Scales, epilogue.Shifts, epilogue.Relu, blocked, to, window, scratch.Slice(0, transformed), scratch.Slice(transformed, kernelScratch - transformed), samples, 0, WinogradConvolution.Tiles(to, samples), 0, to.Blocks, simd);
            BlockedTensors.ToPlanes(blocked, to, outputPlanes.Slice(first * outputLength, samples * outputLength), samples);
        }
    }

    /// <summary>
    /// The input gradient in blocked channels: the convolution of the output gradient, bordered by the rest of the
    /// kernel's reach, by the weights rearranged to [channels, filters, kernelHeight, kernelWidth] and flipped in both
    /// axes, so that input position n sums every output whose window covered it. Overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardInputBlocked(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, Span<float> scratch, int batchSize, in Geometry g, SimdLevel simd)
    {
        if (InputGradientRunsWinograd(g))
        {
            BackwardInputWinograd(outputGradient, weight, inputGradient, scratch, batchSize, g, simd);
            return;
        }

        var (gradientLayout, inputLayout) = InputGradientLayouts(g);
        var window = InputGradientWindow(g);
        int groupSize = BlockedGroupSize(g.Height * g.Width, batchSize);
        Span<float> flipped = scratch.Slice(0, g.Taps * g.Filters);
        Span<float> packed = scratch.Slice(flipped.Length, BlockedConvolution.ScratchLength(g.Filters, g.KernelHeight, g.KernelWidth, g.Channels));
        g.FlipWeights(weight, flipped);
        int used = flipped.Length + packed.Length;
        for (int first = 0; first < batchSize; first += groupSize)
        {
            int samples = Math.Min(groupSize, batchSize - first);
            Span<float> blocked = scratch.Slice(used, samples * inputLayout.Length);
            ReadOnlySpan<float> planes = outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength);
            if (gradientLayout.Border > 0)
            {
                Span<float> padded = scratch.Slice(used + blocked.Length, samples * gradientLayout.Length);
                BlockedTensors.Pad(planes, padded, gradientLayout, samples);
                planes = padded;
            }

            if (first == 0)
            {
                // The flipped weights packed once, for every group.
                BlockedConvolution.Prepare(planes, gradientLayout, flipped, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, blocked, inputLayout, window, packed, samples);
            }

            BlockedConvolution.Run(planes, gradientLayout, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, relu: false, blocked, inputLayout, window, packed, samples, 0, BlockedConvolution.Positions(inputLayout, samples), simd);
            BlockedTensors.ToPlanes(blocked, inputLayout, inputGradient.Slice(first * g.InputLength, samples * g.InputLength), samples);
        }
    }

    /// <summary>
    /// The input gradient by Winograd's transforms (<see cref="RunWinograd"/>), as the forward pass: the convolution
    /// of the output gradient, bordered by the rest of the kernel's reach, by the flipped weights. Overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardInputWinograd(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, Span<float> scratch, int batchSize, in Geometry g, SimdLevel simd)
    {
        Span<float> flipped = scratch.Slice(0, g.Taps * g.Filters);
        g.FlipWeights(weight, flipped);
        RunWinograd(outputGradient, WinogradGradientInput(g), inputGradient, InputGradientLayouts(g).Output, InputGradientWindow(g), flipped, ReadOnlySpan<float>.Empty, default, scratch.Slice(flipped.Length), BlockedGroupSize(g.Height * g.Width, batchSize), batchSize, simd);
    }

    /// <summary>
    /// The weight gradient in blocked channels, group by group: the output gradient packed a block of filters at a
    /// time, position by position, the input bordered, then each tile sums six taps' products over the group's
    /// positions. The sums come out transposed, [taps, filters]; they are added up over the groups, then added to the
    /// weight gradient transposed back. Accumulates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardParametersBlocked(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> scratch, int batchSize, in Geometry g, SimdLevel simd)
    {
        const int Block = BlockedConvolution.Block;
        var (inputLayout, _) = ForwardLayouts(g);
        int groupSize = BlockedGroupSize(g.Positions, batchSize), taps = g.Taps, filters = g.Filters, plane = g.Positions;
        Span<float> groupSum = scratch.Slice(0, taps * filters);
        Span<float> sum = scratch.Slice(groupSum.Length, taps * filters);
        Span<int> tapAt = MemoryMarshal.Cast<float, int>(scratch.Slice(2 * taps * filters, taps));
        Span<int> reads = MemoryMarshal.Cast<float, int>(scratch.Slice((2 * taps * filters) + taps, groupSize * plane));
        Span<float> packed = scratch.Slice((2 * taps * filters) + taps + reads.Length, groupSize * plane * filters);
        Span<float> padded = scratch.Slice(WeightGradientScratch(g, groupSize), groupSize * inputLayout.Length);

        // Tap (c, ky, kx) of the window at output (0, 0) reads channel c's bordered plane at the window's first row and
        // column, the padding's reach into the border, plus the tap's dilated offset.
        int origin = inputLayout.At(-g.PaddingHeight, -g.PaddingWidth);
        for (int c = 0, t = 0; c < g.Channels; c++)
        {
            for (int ky = 0; ky < g.KernelHeight; ky++)
            {
                for (int kx = 0; kx < g.KernelWidth; kx++, t++)
                {
                    tapAt[t] = (c * inputLayout.BlockLength) + origin + (ky * g.DilationHeight * inputLayout.PaddedWidth) + (kx * g.DilationWidth);
                }
            }
        }

        // Output (n, oy, ox)'s windows start a sample, and then the strides, apart: the same in every group, a shorter
        // last one reading the start of the table.
        for (int n = 0, k = 0; n < groupSize; n++)
        {
            for (int oy = 0; oy < g.OutHeight; oy++)
            {
                for (int ox = 0; ox < g.OutWidth; ox++, k++)
                {
                    reads[k] = (n * inputLayout.Length) + (((oy * g.StrideHeight * inputLayout.PaddedWidth) + (ox * g.StrideWidth)) * inputLayout.Block);
                }
            }
        }

        for (int first = 0; first < batchSize; first += groupSize)
        {
            int samples = Math.Min(groupSize, batchSize - first), steps = samples * plane;

            // Each block of filters' output gradient, [steps][Block]: every sample's plane of the block, transposed.
            ReadOnlySpan<float> gradient = outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength);
            for (int block = 0; block < filters; block += Block)
            {
                for (int n = 0; n < samples; n++)
                {
                    BlockTranspose.Transpose(gradient.Slice((n * g.OutputLength) + (block * plane), Block * plane), plane, packed.Slice((block * steps) + (n * plane * Block), plane * Block), Block, Block, plane);
                }
            }

            ReadOnlySpan<float> planes = input.Slice(first * g.InputLength, samples * g.InputLength);
            if (inputLayout.Border > 0)
            {
                BlockedTensors.Pad(planes, padded, inputLayout, samples);
                planes = padded.Slice(0, samples * inputLayout.Length);
            }

            BlockedConvolution.SumOverPositions(planes, tapAt, packed.Slice(0, steps * filters), reads.Slice(0, steps), filters, first == 0 ? sum : groupSum, simd);
            if (first > 0)
            {
                VectorMath.Add(groupSum, sum, simd);
            }
        }

        if (batchSize > 0)
        {
            // The sum over groups back to [filters, taps], then added in.
            BlockTranspose.Transpose(sum, filters, groupSum, taps, taps, filters);
            VectorMath.Add(groupSum, weightGradient.Slice(0, filters * taps), simd);
        }
    }

    /// <summary>
    /// The input gradient of a longer stride, in blocked channels, phase by phase. Input positions (r + s * Y) along an
    /// axis of stride s form phase r, and each is reached only by the taps whose dilated offset, less the padding,
    /// leaves r modulo s; those taps read the output gradient at Y plus a fixed offset. So each phase is a stride-1
    /// sum over the filters and its own taps of the output gradient, bordered wide enough for every offset: the
    /// blocked tiles with a table of where each step reads, the phase's positions then put back in place in the
    /// planes. Positions no tap reaches (a phase without taps) keep the zero they start from. Overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardInputByPhase(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, Span<float> scratch, int batchSize, in Geometry g, SimdLevel simd)
    {
        const int Block = BlockedConvolution.Block;
        var phases = new Phases(g);
        BlockedLayout gradientLayout = phases.GradientLayout(g);
        int groupSize = BlockedGroupSize(g.Height * g.Width, batchSize), used = phases.ScratchBeforeGroup(g);
        Span<float> byLane = scratch.Slice(0, g.Channels * phases.MostSteps);
        Span<int> tapsY = stackalloc int[MaxPhasedKernel], offsetsY = stackalloc int[MaxPhasedKernel];
        Span<int> tapsX = stackalloc int[MaxPhasedKernel], offsetsX = stackalloc int[MaxPhasedKernel];

        // Every phase's weights packed once, the phases one after the other: step (f, i, j) is filter f's weight at
        // the phase's i-th row tap and j-th column tap for every channel, and reads filter f's bordered plane at the
        // taps' offsets from the phase position.
        for (int phaseY = 0, at = byLane.Length; phaseY < g.StrideHeight; phaseY++)
        {
            int countY = Phases.Taps(phaseY, g.KernelHeight, g.StrideHeight, g.PaddingHeight, g.DilationHeight, tapsY, offsetsY);
            for (int phaseX = 0; phaseX < g.StrideWidth; phaseX++)
            {
                int countX = Phases.Taps(phaseX, g.KernelWidth, g.StrideWidth, g.PaddingWidth, g.DilationWidth, tapsX, offsetsX);
                int steps = g.Filters * countY * countX;
                Span<float> packed = scratch.Slice(at, (g.Channels + 1) * steps);
                Span<int> reads = MemoryMarshal.Cast<float, int>(packed.Slice(g.Channels * steps, steps));
                at += packed.Length;
                for (int c = 0; c < g.Channels; c++)
                {
                    Span<float> lane = byLane.Slice(c * steps, steps);
                    for (int f = 0, step = 0; f < g.Filters; f++)
                    {
                        for (int i = 0; i < countY; i++)
                        {
                            for (int j = 0; j < countX; j++, step++)
                            {
                                lane[step] = weight[g.WeightIndex(f, c, tapsY[i], tapsX[j])];
                                reads[step] = (f * gradientLayout.BlockLength) + (offsetsY[i] * gradientLayout.PaddedWidth) + offsetsX[j];
                            }
                        }
                    }
                }

                for (int block = 0; block < g.Channels; block += Block)
                {
                    BlockTranspose.Transpose(byLane.Slice(block * steps, Block * steps), steps, packed.Slice(block * steps, Block * steps), Block, Block, steps);
                }
            }
        }

        inputGradient.Slice(0, batchSize * g.InputLength).Clear();
        for (int first = 0; first < batchSize; first += groupSize)
        {
            int samples = Math.Min(groupSize, batchSize - first);
            Span<float> padded = scratch.Slice(used, samples * gradientLayout.Length);
            Span<float> blocked = scratch.Slice(used + padded.Length, samples * g.Channels * phases.MostPositions);
            Span<float> group = inputGradient.Slice(first * g.InputLength, samples * g.InputLength);
            BlockedTensors.Pad(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), padded, gradientLayout, samples);
            for (int phaseY = 0, at = byLane.Length; phaseY < g.StrideHeight; phaseY++)
            {
                int rows = Phases.Length(phaseY, g.Height, g.StrideHeight);
                int countY = Phases.Taps(phaseY, g.KernelHeight, g.StrideHeight, g.PaddingHeight, g.DilationHeight, tapsY, offsetsY);
                for (int phaseX = 0; phaseX < g.StrideWidth; phaseX++)
                {
                    int columns = Phases.Length(phaseX, g.Width, g.StrideWidth);
                    int countX = Phases.Taps(phaseX, g.KernelWidth, g.StrideWidth, g.PaddingWidth, g.DilationWidth, tapsX, offsetsX);
                    int steps = g.Filters * countY * countX;
                    ReadOnlySpan<float> packed = scratch.Slice(at, (g.Channels + 1) * steps);
                    at += packed.Length;
                    if (rows == 0 || columns == 0 || steps == 0)
                    {
                        // No position, or no tap reaches them: their gradient stays zero.
                        continue;
                    }

                    var phaseLayout = new BlockedLayout(g.Channels, rows, columns, 0, Block);
                    var phaseWindow = new BlockedConvolution.Window(countY, countX, 1, 1, 0, 0, 1, 1);
                    Span<float> phaseGradient = blocked.Slice(0, samples * phaseLayout.Length);
                    BlockedConvolution.Run(padded, gradientLayout, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, relu: false, phaseGradient, phaseLayout, phaseWindow, packed, samples, 0, BlockedConvolution.Positions(phaseLayout, samples), simd);
                    g.PlacePhase(phaseGradient, phaseLayout, group, phaseY, phaseX, samples);
                }
            }
        }
    }

    /// <summary>
    /// The phases of a longer stride's input gradient (<see cref="BackwardInputByPhase"/>): along each axis, which taps
    /// reach phase r and where they read, and the sizes every phase shares: the output gradient's border, the most
    /// steps and positions of any phase.
    /// </summary>
    private readonly struct Phases
    {
        public Phases(in Geometry g)
        {
            Axis rows = new(g.Height, g.OutHeight, g.KernelHeight, g.StrideHeight, g.PaddingHeight, g.DilationHeight);
            Axis columns = new(g.Width, g.OutWidth, g.KernelWidth, g.StrideWidth, g.PaddingWidth, g.DilationWidth);
            GradientBorder = Math.Max(rows.Border, columns.Border);
            PackedLength = (g.Channels + 1) * g.Filters * rows.AllTaps * columns.AllTaps;
            MostSteps = Math.Max(1, g.Filters * rows.MostTaps * columns.MostTaps);
            MostPositions = rows.MostPositions * columns.MostPositions;
            AverageSteps = rows.Reached * columns.Reached == 0 ? 0 : (double)g.Filters * rows.ReachedTaps * columns.ReachedTaps / (rows.Reached * columns.Reached);
        }

        /// <summary>The steps in the sums of a phase that has taps, on average over such phases; 0 when none has.</summary>
        public double AverageSteps { get; }

        /// <summary>The output gradient's border: as far as any phase's taps read past its planes.</summary>
        public int GradientBorder { get; }

        /// <summary>Floats of every phase's packed weights and read table, the phases one after the other.</summary>
        public int PackedLength { get; }

        /// <summary>The most steps in any phase's sums.</summary>
        public int MostSteps { get; }

        /// <summary>The most positions of any phase.</summary>
        public int MostPositions { get; }

        /// <summary>The input positions of phase <paramref name="phase"/> along an axis <paramref name="length"/> long.</summary>
        public static int Length(int phase, int length, int stride) => phase < length ? (length - phase + stride - 1) / stride : 0;

        /// <summary>
        /// Fills the taps that reach phase <paramref name="phase"/> along an axis, in order, and where each reads the
        /// output gradient from the phase position's own index; returns how many there are.
        /// </summary>
        public static int Taps(int phase, int kernel, int stride, int padding, int dilation, Span<int> taps, Span<int> offsets)
        {
            int count = 0;
            for (int k = 0; k < kernel; k++)
            {
                // Input position r + s Y is read by output o through tap k when o s - padding + k dilation = r + s Y.
                int reach = phase + padding - (k * dilation);
                if (reach % stride == 0)
                {
                    taps[count] = k;
                    offsets[count++] = reach / stride;
                }
            }

            return count;
        }

        /// <summary>The output gradient laid out for the phases: planes of one filter, bordered by <see cref="GradientBorder"/>.</summary>
        public BlockedLayout GradientLayout(in Geometry g) => new(g.Filters, g.OutHeight, g.OutWidth, GradientBorder, 1);

        /// <summary>Floats of scratch before a group's tensors: a phase's weights by channel, then every phase's packed, with its read table.</summary>
        public int ScratchBeforeGroup(in Geometry g) => (g.Channels * MostSteps) + PackedLength;

        /// <summary>How far phase positions 0 to <paramref name="positions"/> - 1, reading at <paramref name="offsets"/> from themselves, reach past an axis of <paramref name="length"/>.</summary>
        private static int Border(ReadOnlySpan<int> offsets, int positions, int length)
        {
            int border = 0;
            foreach (int offset in offsets)
            {
                border = Math.Max(border, Math.Max(-offset, positions - 1 + offset - (length - 1)));
            }

            return positions == 0 ? 0 : border;
        }

        /// <summary>One axis's phases, summed up: the border they need, their taps and positions.</summary>
        private readonly struct Axis
        {
            public Axis(int length, int outputLength, int kernel, int stride, int padding, int dilation)
            {
                Span<int> taps = stackalloc int[MaxPhasedKernel], offsets = stackalloc int[MaxPhasedKernel];
                for (int phase = 0; phase < stride; phase++)
                {
                    int positions = Length(phase, length, stride), count = Taps(phase, kernel, stride, padding, dilation, taps, offsets);
                    Border = Math.Max(Border, Phases.Border(offsets.Slice(0, count), positions, outputLength));
                    MostTaps = Math.Max(MostTaps, count);
                    MostPositions = Math.Max(MostPositions, positions);
                    AllTaps += count;
                    if (positions > 0 && count > 0)
                    {
                        ReachedTaps += count;
                        Reached++;
                    }
                }
            }

            /// <summary>How far any phase's taps read past the output gradient.</summary>
            public int Border { get; }

            /// <summary>The most taps of any phase.</summary>
            public int MostTaps { get; }

            /// <summary>The most positions of any phase.</summary>
            public int MostPositions { get; }

            /// <summary>The taps of every phase together.</summary>
            public int AllTaps { get; }

            /// <summary>The phases that have both positions and taps.</summary>
            public int Reached { get; }

            /// <summary>The taps of those phases together.</summary>
            public int ReachedTaps { get; }
        }
    }

    private readonly partial struct Geometry
    {
        /// <summary>
        /// Puts a phase's input gradient, blocked ([samples][channel blocks][rows x columns][Block]), in its place in the
        /// planes: position (Y, X) at row <paramref name="phaseY"/> + strideHeight Y, column <paramref name="phaseX"/> + strideWidth X.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void PlacePhase(ReadOnlySpan<float> blocked, in BlockedLayout layout, Span<float> inputGradient, int phaseY, int phaseX, int samples)
        {
            const int Block = BlockedConvolution.Block;
            KernelChecks.AtLeast(blocked.Length, (long)samples * layout.Length, nameof(blocked), "Convolution.PlacePhase");
            KernelChecks.AtLeast(inputGradient.Length, (long)samples * InputLength, nameof(inputGradient), "Convolution.PlacePhase");
            ref float from = ref MemoryMarshal.GetReference(blocked);
            ref float to = ref MemoryMarshal.GetReference(inputGradient);
            for (int n = 0; n < samples; n++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    ref float lane = ref Unsafe.Add(ref from, (n * layout.Length) + (c / Block * layout.BlockLength) + (c % Block));
                    ref float plane = ref Unsafe.Add(ref to, InputIndex(n, c, phaseY, phaseX));
                    for (int y = 0; y < layout.Height; y++)
                    {
                        ref float row = ref Unsafe.Add(ref plane, y * StrideHeight * Width);
                        ref float values = ref Unsafe.Add(ref lane, y * layout.Width * Block);
                        for (int x = 0; x < layout.Width; x++)
                        {
                            Unsafe.Add(ref row, x * StrideWidth) = Unsafe.Add(ref values, x * Block);
                        }
                    }
                }
            }
        }

        /// <summary>Copies the [filters, channels, kernelHeight, kernelWidth] weight to [channels, filters, kernelHeight, kernelWidth] with each window reversed: the transposed convolution's filters.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void FlipWeights(ReadOnlySpan<float> weight, Span<float> flipped)
        {
            int window = KernelHeight * KernelWidth;
            for (int co = 0; co < Filters; co++)
            {
                for (int ci = 0; ci < Channels; ci++)
                {
                    ReadOnlySpan<float> source = weight.Slice(WeightIndex(co, ci, 0, 0), window);
                    Span<float> target = flipped.Slice(((ci * Filters) + co) * window, window);
                    for (int tap = 0; tap < window; tap++)
                    {
                        target[window - 1 - tap] = source[tap];
                    }
                }
            }
        }
    }
}
