using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// The vectorised convolutions generated layers call, in three algorithms chosen by the layer's shape:
/// <list type="bullet">
/// <item><b>Blocked</b> (filters that fill blocks of 16, sums of at least 32 steps): inference's blocked
/// tiles over a group of samples, converted from and back to planes on the way (Convolution.Blocked.cs);
/// the input gradient so at stride 1 when the input's channels fill blocks too. The layers it does not
/// take run one of the two products below.</item>
/// <item><b>Shifted</b> (stride 1 along both axes): the samples of a group are laid side by side, each
/// channel's planes one after another with their zero borders shared: one run of zero rows between two
/// samples' planes serves as the bottom padding of one and the top padding of the next, and one run of
/// zero columns between two rows as the right padding of one and the left padding of the next. Read
/// flat, kernel tap (ky, kx) then sees every sample's plane shifted by
/// <c>dilationHeight * ky * rowLength + dilationWidth * kx</c>, so one matrix product over the whole
/// group reads its rows straight from the bordered input, with no im2col copy. Outputs come out on the
/// same grid; the positions that are not outputs (the border's) are dropped. The input gradient is the
/// transposed convolution on that grid: the output gradient, zero off the outputs, read at each tap's
/// negative shift by the weights rearranged to [channels, filters, kernelHeight, kernelWidth]; where most
/// of its taps would read zeros off the outputs, it runs with the samples across the lanes instead, each
/// input position summing only the taps that reach an output (Convolution.AcrossSamples.cs). The
/// weight gradient, transposed to [taps, filters], is one product of the shifted views and the output
/// gradient laid out position by position (with few taps, one dot product per weight).</item>
/// <item><b>Im2Col</b> (any stride and dilation): the windows of a group of samples are copied into columns
/// side by side, and one product covers the group; the weight gradient is again taken transposed.</item>
/// </list>
/// Every size of the window is given per axis, height then width, as PyTorch's tuples
/// (<c>kernel_size=(3, 2)</c>); the overloads with one kernel, stride, padding and dilation are the square
/// case. Both algorithms take the chunk's samples and one thread's scratch, whose length
/// <see cref="ScratchLength(int, int, int, int, int, int, int, int, int, int, int, int, int)"/> gives.
/// <see cref="SimdLevel.Scalar"/> runs neither: it runs the direct convolution of the scalar reference
/// (Convolution.Reference.cs), which needs no scratch.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Convolution
{
    /// <summary>The rows of the shifted views, one table per thread, rebuilt by every call.</summary>
    [ThreadStatic]
    private static int[]? t_rows;

    /// <summary>
    /// Output positions (the shifted algorithm's border included) one product takes side by side: enough
    /// that each call's set-up and each pass over the weights serve many columns, few enough that the
    /// group's planes stay in the second-level cache.
    /// </summary>
    private const int GroupPositions = 2048;

    /// <summary>
    /// Below this many taps the weight gradient is too small a product to pay for laying the output
    /// gradient out position by position; it is taken as dot products instead.
    /// </summary>
    private const int FewTaps = 32;

    /// <summary>
    /// Below this many input channels the input gradient's product (one row per channel) would leave most
    /// rows of a tile idle; each tap's share is computed and added at its shift instead.
    /// </summary>
    private const int FewChannels = 4;

    /// <summary>Whether the shifted algorithm applies to a square window: stride 1, and padding within the dilated kernel's reach.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CanShift(int kernel, int stride, int padding, int dilation) => CanShift(kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Whether the shifted algorithm applies: stride 1 along both axes, and on each the padding within the dilated kernel's reach.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CanShift(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth) =>
        strideHeight == 1 && strideWidth == 1 && paddingHeight <= dilationHeight * (kernelHeight - 1) && paddingWidth <= dilationWidth * (kernelWidth - 1);

    /// <summary>
    /// Floats of scratch one thread needs to run the layer on up to <paramref name="samples"/> samples at
    /// a time: one group's bordered input (for im2col, its columns), its output or output gradient on the
    /// grid, and the weight gradient transposed (for the input gradient, the rearranged weights); or, in
    /// blocked channels, every filter's packed weights.
    /// </summary>
    public static int ScratchLength(int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation, int samples) =>
        ScratchLength(channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation, samples);

    /// <summary>
    /// Floats of scratch one thread needs to run the layer on up to <paramref name="samples"/> samples at a
    /// time, for a window given per axis; see <see cref="ScratchLength(int, int, int, int, int, int, int, int, int)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScratchLength(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int samples)
    {
        Geometry g = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);

        // Inference may run the layer in blocked channels instead (BlockedConvolution), whose scratch holds its packed
        // weights, or, for a 3x3 window at stride 1, by Winograd's transforms (WinogradConvolution), whose scratch holds
        // its transformed weights and a work area; training may run any of its three passes blocked (Convolution.Blocked.cs).
        long length = Math.Max(g.GroupScratchLength(g.GroupSize(samples)), BlockedConvolution.ScratchLength(channels, kernelHeight, kernelWidth, filters));
        if (kernelHeight == 3 && kernelWidth == 3 && strideHeight == 1 && strideWidth == 1 && dilationHeight == 1 && dilationWidth == 1)
        {
            length = Math.Max(length, WinogradConvolution.ScratchLength(channels, filters));
        }

        length = Math.Max(length, Math.Max(BlockedScratchLength(g, samples), AcrossSamplesScratchLength(g)));
        return length > Array.MaxLength ? throw new ArgumentOutOfRangeException(nameof(samples), samples, "The convolution's scratch would not fit in one array.") : (int)length;
    }

    /// <summary>The output length along an axis of <paramref name="length"/> input values: where the dilated window, stepping by the stride, still fits in the padded input.</summary>
    public static int OutputLength(int length, int kernel, int stride, int padding, int dilation) =>
        ((length + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;

    private const string ForwardName = "Convolution.Forward";
    private const string BackwardInputName = "Convolution.BackwardInput";
    private const string BackwardParametersName = "Convolution.BackwardParameters";

    /// <summary>output = weight (*) input + bias for every sample, with a square window; <paramref name="bias"/> may be empty (no bias).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation, SimdLevel simd) =>
        Forward(input, output, weight, bias, scratch, batchSize, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation, simd);

    /// <summary>output = weight (*) input + bias for every sample; <paramref name="bias"/> may be empty (no bias).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, SimdLevel simd) =>
        Forward(input, output, weight, bias, scratch, batchSize, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, simd, default);

    /// <summary>
    /// output = epilogue(weight (*) input + bias) for every sample: each filter's outputs scaled and shifted,
    /// then through a ReLU, as the product stores them (inference's batch normalisation and ReLU, folded).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, SimdLevel simd, in Gemm.RowEpilogue epilogue)
    {
        Geometry g = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        g.CheckSizes(batchSize, ForwardName);
        KernelChecks.AtLeast(input.Length, (long)batchSize * g.InputLength, nameof(input), ForwardName);
        KernelChecks.AtLeast(output.Length, (long)batchSize * g.OutputLength, nameof(output), ForwardName);
        KernelChecks.AtLeast(weight.Length, (long)filters * g.Taps, nameof(weight), ForwardName);
        KernelChecks.EmptyOrAtLeast(bias.Length, filters, nameof(bias), ForwardName);
        if (simd == SimdLevel.Scalar)
        {
            ForwardReference(input, output, weight, bias, batchSize, g);
            for (int b = 0; b < batchSize; b++)
            {
                epilogue.Apply(ref output[b * g.OutputLength], filters, g.Positions, g.Positions);
            }

            return;
        }

        g.CheckScratch(scratch, batchSize);
        if (ForwardRunsBlocked(g))
        {
            ForwardBlocked(input, output, weight, bias, scratch, batchSize, g, simd, epilogue);
            return;
        }

        if (!g.Shifts)
        {
            // The group's columns side by side, one product, then each sample's outputs copied out of it.
            for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
            {
                int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
                int columns = samples * g.Positions;
                Span<float> unfolded = scratch.Slice(0, g.Taps * columns);
                Span<float> wide = scratch.Slice(unfolded.Length, filters * columns);
                g.Unfold(input.Slice(first * g.InputLength, samples * g.InputLength), unfolded, samples);
                Gemm.Multiply(weight, g.Taps, 1, unfolded, wide, filters, columns, g.Taps, bias, accumulate: false, simd, epilogue);
                g.GatherPositions(wide, output.Slice(first * g.OutputLength, samples * g.OutputLength), samples);
            }

            return;
        }

        for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
        {
            int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
            Span<float> bordered = scratch.Slice(0, g.Channels * g.ChannelSpan(samples));
            Span<float> wide = scratch.Slice(bordered.Length, filters * g.GridRow(samples));
            g.Border(input.Slice(first * g.InputLength, samples * g.InputLength), bordered, samples);
            g.MultiplyOnGrid(weight, g.Taps, bordered, g.InputRows(samples), wide, filters, samples, firstRow: 0, g.OutHeight, g.Taps, bias, simd, epilogue);
            g.Gather(wide, output.Slice(first * g.OutputLength, samples * g.OutputLength), filters, samples);
        }
    }

    /// <summary>weightGradient += outputGradient (*) input over every sample, with a square window; biasGradient += its sums, when not empty. Accumulates.</summary>
    public static void BackwardParameters(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation, SimdLevel simd) =>
        BackwardParameters(input, outputGradient, weightGradient, biasGradient, scratch, batchSize, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation, simd);

    /// <summary>weightGradient += outputGradient (*) input over every sample; biasGradient += its sums, when not empty. Accumulates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardParameters(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, SimdLevel simd)
    {
        Geometry g = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        g.CheckSizes(batchSize, BackwardParametersName);
        KernelChecks.AtLeast(input.Length, (long)batchSize * g.InputLength, nameof(input), BackwardParametersName);
        KernelChecks.AtLeast(outputGradient.Length, (long)batchSize * g.OutputLength, nameof(outputGradient), BackwardParametersName);
        KernelChecks.AtLeast(weightGradient.Length, (long)filters * g.Taps, nameof(weightGradient), BackwardParametersName);
        KernelChecks.EmptyOrAtLeast(biasGradient.Length, filters, nameof(biasGradient), BackwardParametersName);
        if (simd == SimdLevel.Scalar)
        {
            BackwardParametersReference(input, outputGradient, weightGradient, biasGradient, batchSize, g);
            return;
        }

        if (!biasGradient.IsEmpty)
        {
            VectorMath.AddRowSums(outputGradient, biasGradient, batchSize * filters, g.Positions, filters, simd);
        }

        g.CheckScratch(scratch, batchSize);
        if (WeightGradientRunsBlocked(g))
        {
            BackwardParametersBlocked(input, outputGradient, weightGradient, scratch, batchSize, g, simd);
            return;
        }

        if (!g.Shifts)
        {
            // The weight gradient transposed, [taps, filters]: the group's columns times its output
            // gradient laid out by position, over every group; added transposed back at the end.
            Span<float> transposedGradient = scratch.Slice(0, g.Taps * filters);
            for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
            {
                int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
                int columns = samples * g.Positions;
                Span<float> unfolded = scratch.Slice(transposedGradient.Length, g.Taps * columns);
                Span<float> byPosition = scratch.Slice(transposedGradient.Length + unfolded.Length, columns * filters);
                g.Unfold(input.Slice(first * g.InputLength, samples * g.InputLength), unfolded, samples);
                g.ScatterByPosition(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), byPosition, samples, g.Positions, g.OutWidth);
                Gemm.Multiply(unfolded, columns, 1, byPosition, transposedGradient, g.Taps, filters, columns, ReadOnlySpan<float>.Empty, accumulate: first > 0, simd);
            }

            if (batchSize > 0)
            {
                g.AddTransposed(transposedGradient, weightGradient);
            }

            return;
        }

        if (g.Taps < FewTaps)
        {
            // Few taps (a first layer's, on one or two channels): one dot product per weight, of the output
            // gradient on the bordered grid (zero off the outputs) with the tap's shifted view, over the group.
            for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
            {
                int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
                int columns = samples * g.SampleSpan;
                Span<float> bordered = scratch.Slice(0, g.Channels * g.ChannelSpan(samples));
                Span<float> wideGradient = scratch.Slice(bordered.Length, filters * columns);
                g.Border(input.Slice(first * g.InputLength, samples * g.InputLength), bordered, samples);
                g.Scatter(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), wideGradient, filters, samples, columns, margin: 0);
                Gemm.MultiplyTransposed(wideGradient, columns, 0, bordered, 0, 1, weightGradient, filters, g.Taps, columns, ReadOnlySpan<float>.Empty, accumulate: true, simd, g.InputRows(samples));
            }

            return;
        }

        // The weight gradient transposed, [taps, filters], as one product over every group: row t of A is
        // tap t's shifted view of the bordered input, B the output gradient on the bordered grid (one row
        // per position, zero off the outputs). Added to the weight gradient transposed back at the end.
        Span<float> transposed = scratch.Slice(0, g.Taps * filters);
        for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
        {
            int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
            int columns = samples * g.SampleSpan;
            Span<float> bordered = scratch.Slice(transposed.Length, g.Channels * g.ChannelSpan(samples));
            Span<float> positions = scratch.Slice(transposed.Length + bordered.Length, columns * filters);
            g.Border(input.Slice(first * g.InputLength, samples * g.InputLength), bordered, samples);
            g.ScatterByPosition(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), positions, samples, g.SampleSpan, g.RowLength);
            if (!g.PerSample(g.OutHeight))
            {
                Gemm.MultiplyShiftedRows(bordered, g.InputRows(samples), positions, transposed, g.Taps, filters, columns, accumulate: first > 0, simd);
                continue;
            }

            // A valid convolution's planes leave rows with no output: each sample's product stops at its last output row.
            int wanted = g.OutHeight * g.RowLength;
            int[] rows = g.InputRows(samples);
            for (int b = 0; b < samples; b++)
            {
                Gemm.MultiplyShiftedRows(bordered.Slice(b * g.SampleSpan), rows, positions.Slice(b * g.SampleSpan * filters), transposed, g.Taps, filters, wanted, accumulate: first > 0 || b > 0, simd);
            }
        }

        if (batchSize > 0)
        {
            g.AddTransposed(transposed, weightGradient);
        }
    }

    /// <summary>inputGradient = the gradient of the loss with respect to every sample's input, with a square window. Overwrites.</summary>
    public static void BackwardInput(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation, SimdLevel simd) =>
        BackwardInput(outputGradient, weight, inputGradient, scratch, batchSize, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation, simd);

    /// <summary>inputGradient = the gradient of the loss with respect to every sample's input. Overwrites.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardInput(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, SimdLevel simd)
    {
        Geometry g = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        g.CheckSizes(batchSize, BackwardInputName);
        KernelChecks.AtLeast(outputGradient.Length, (long)batchSize * g.OutputLength, nameof(outputGradient), BackwardInputName);
        KernelChecks.AtLeast(weight.Length, (long)filters * g.Taps, nameof(weight), BackwardInputName);
        KernelChecks.AtLeast(inputGradient.Length, (long)batchSize * g.InputLength, nameof(inputGradient), BackwardInputName);
        if (simd == SimdLevel.Scalar)
        {
            BackwardInputReference(outputGradient, weight, inputGradient, batchSize, g);
            return;
        }

        g.CheckScratch(scratch, batchSize);
        if (InputGradientRunsBlocked(g))
        {
            BackwardInputBlocked(outputGradient, weight, inputGradient, scratch, batchSize, g, simd);
            return;
        }

        if (PhasedInputGradientRunsBlocked(g))
        {
            BackwardInputByPhase(outputGradient, weight, inputGradient, scratch, batchSize, g, simd);
            return;
        }

        if (InputGradientRunsAcrossSamples(g, batchSize, simd))
        {
            BackwardInputAcrossSamples(outputGradient, weight, inputGradient, scratch, batchSize, g, simd);
            return;
        }

        if (!g.Shifts)
        {
            // The group's columns = weight transposed x its output gradient, side by side; each sample's
            // then summed back to the input positions they came from.
            inputGradient.Slice(0, batchSize * g.InputLength).Clear();
            for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
            {
                int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
                int columns = samples * g.Positions;
                Span<float> wideGradient = scratch.Slice(0, filters * columns);
                Span<float> unfolded = scratch.Slice(wideGradient.Length, g.Taps * columns);
                g.ScatterPositions(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), wideGradient, samples);
                Gemm.Multiply(weight, 1, g.Taps, wideGradient, unfolded, g.Taps, columns, filters, ReadOnlySpan<float>.Empty, accumulate: false, simd);
                g.FoldAdd(unfolded, inputGradient.Slice(first * g.InputLength, samples * g.InputLength), samples, simd);
            }

            return;
        }

        if (channels < FewChannels)
        {
            // So few channels that the transposed convolution's product would leave most of each tile's rows
            // idle: each tap's share of the input gradient instead (the weights transposed x the output
            // gradient on the grid, zero off the outputs), each share added into its channel at the tap's shift.
            for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
            {
                int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
                int gridRow = g.GridRow(samples), shiftedRow = gridRow + g.MaxShift;
                Span<float> wideGradient = scratch.Slice(0, filters * gridRow);
                Span<float> shares = scratch.Slice(wideGradient.Length, g.Taps * gridRow);
                Span<float> wideInputGradient = scratch.Slice(wideGradient.Length + shares.Length, channels * shiftedRow);
                g.Scatter(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), wideGradient, filters, samples, gridRow, margin: 0);
                Gemm.Multiply(weight, 1, g.Taps, wideGradient, shares, g.Taps, gridRow, filters, ReadOnlySpan<float>.Empty, accumulate: false, simd);
                wideInputGradient.Clear();
                int[] targets = g.TapOffsets(shiftedRow);
                for (int tap = 0; tap < g.Taps; tap++)
                {
                    VectorMath.Add(shares.Slice(tap * gridRow, gridRow), wideInputGradient.Slice(targets[tap], gridRow), simd);
                }

                g.Crop(wideInputGradient, inputGradient.Slice(first * g.InputLength, samples * g.InputLength), samples, shiftedRow);
            }

            return;
        }

        // The transposed convolution on the bordered grid: input gradient position n sums, over every
        // filter and tap, weight x the output gradient at n minus the tap's shift. The output gradient
        // sits after a margin of zeros as long as the largest shift, so no shift reads before it.
        Span<float> rearranged = scratch.Slice(0, g.Taps * filters);
        g.RearrangeWeights(weight, rearranged);
        int reverseTaps = filters * g.KernelHeight * g.KernelWidth;
        for (int first = 0; first < batchSize; first += g.GroupSize(batchSize))
        {
            int samples = Math.Min(g.GroupSize(batchSize), batchSize - first);
            int gradientSpan = g.MaxShift + g.GridRow(samples);
            Span<float> wideGradient = scratch.Slice(rearranged.Length, filters * gradientSpan);
            Span<float> wideInputGradient = scratch.Slice(rearranged.Length + wideGradient.Length, channels * g.GridRow(samples));
            g.Scatter(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), wideGradient, filters, samples, gradientSpan, g.MaxShift);
            g.MultiplyOnGrid(rearranged, reverseTaps, wideGradient, g.ReverseRows(gradientSpan), wideInputGradient, channels, samples, g.PaddingHeight, g.Height, reverseTaps, ReadOnlySpan<float>.Empty, simd, default);
            g.Crop(wideInputGradient, inputGradient.Slice(first * g.InputLength, samples * g.InputLength), samples, g.GridRow(samples));
        }
    }

    /// <summary>Every size of one convolution, derived once; the window's per axis, height then width.</summary>
    private readonly partial struct Geometry
    {
        public Geometry(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth)
        {
            Channels = channels;
            Height = height;
            Width = width;
            Filters = filters;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            StrideHeight = strideHeight;
            StrideWidth = strideWidth;
            PaddingHeight = paddingHeight;
            PaddingWidth = paddingWidth;
            DilationHeight = dilationHeight;
            DilationWidth = dilationWidth;
            ReachHeight = dilationHeight * (kernelHeight - 1);
            ReachWidth = dilationWidth * (kernelWidth - 1);
            // A stride below 1 is rejected by CheckSizes; it must not divide by zero before that.
            OutHeight = strideHeight > 0 ? OutputLength(height, kernelHeight, strideHeight, paddingHeight, dilationHeight) : 0;
            OutWidth = strideWidth > 0 ? OutputLength(width, kernelWidth, strideWidth, paddingWidth, dilationWidth) : 0;
            Shifts = CanShift(kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
            PaddedHeight = height + (2 * paddingHeight);
            PaddedWidth = width + (2 * paddingWidth);
        }

        public int Channels { get; }

        public int Height { get; }

        public int Width { get; }

        public int Filters { get; }

        public int KernelHeight { get; }

        public int KernelWidth { get; }

        public int StrideHeight { get; }

        public int StrideWidth { get; }

        public int PaddingHeight { get; }

        public int PaddingWidth { get; }

        public int DilationHeight { get; }

        public int DilationWidth { get; }

        /// <summary>How far the dilated kernel reaches down past its first tap: <c>dilationHeight * (kernelHeight - 1)</c>.</summary>
        public int ReachHeight { get; }

        /// <summary>How far the dilated kernel reaches right past its first tap: <c>dilationWidth * (kernelWidth - 1)</c>.</summary>
        public int ReachWidth { get; }

        public int OutHeight { get; }

        public int OutWidth { get; }

        public bool Shifts { get; }

        public int PaddedHeight { get; }

        public int PaddedWidth { get; }

        public int InputLength => Channels * Height * Width;

        public int OutputLength => Filters * OutHeight * OutWidth;

        public int Positions => OutHeight * OutWidth;

        public int Taps => Channels * KernelHeight * KernelWidth;

        /// <summary>Where weight (co, ci, ky, kx) is in the [filters, channels, kernelHeight, kernelWidth] weight.</summary>
        public int WeightIndex(int co, int ci, int ky, int kx) => (((((co * Channels) + ci) * KernelHeight) + ky) * KernelWidth) + kx;

        /// <summary>Where input (b, ci, iy, ix) is in the [batch, channels, height, width] input.</summary>
        public int InputIndex(int b, int ci, int iy, int ix) => (((((b * Channels) + ci) * Height) + iy) * Width) + ix;

        /// <summary>Where output (b, co, oy, ox) is in the [batch, filters, outHeight, outWidth] output.</summary>
        public int OutputIndex(int b, int co, int oy, int ox) => (((((b * Filters) + co) * OutHeight) + oy) * OutWidth) + ox;

        /// <summary>The unpadded input row that tap row <paramref name="ky"/> of output row <paramref name="oy"/> reads; outside [0, Height) it reads the zero padding.</summary>
        public int TapRow(int oy, int ky) => (oy * StrideHeight) - PaddingHeight + (ky * DilationHeight);

        /// <summary>The unpadded input column that tap column <paramref name="kx"/> of output column <paramref name="ox"/> reads; outside [0, Width) it reads the zero padding.</summary>
        public int TapColumn(int ox, int kx) => (ox * StrideWidth) - PaddingWidth + (kx * DilationWidth);

        /// <summary>Values from the start of one row to the next on the bordered grid: the row, then the zero columns it shares with the next.</summary>
        public int RowLength => Width + PaddingWidth;

        /// <summary>Values from the start of one sample's plane to the next on the bordered grid: its zero rows, then its rows.</summary>
        public int SampleSpan => (Height + PaddingHeight) * RowLength;

        /// <summary>The shift of the kernel's last tap on the bordered grid.</summary>
        public int MaxShift => (ReachHeight * RowLength) + ReachWidth;

        /// <summary>
        /// Values from one row of a product's output on the grid to the next: the group's positions, then room
        /// for the last strip of columns to be computed whole (the widest a product's tiles take).
        /// </summary>
        public int GridRow(int samples) => (samples * SampleSpan) + Gemm.WidestStrip;

        /// <summary>Values from one channel's bordered planes to the next: the samples', then zeros the last shifted views read past them, the last strip's room included.</summary>
        public int ChannelSpan(int samples) => GridRow(samples) + MaxShift;

        /// <summary>How many samples of a batch one product takes at a time.</summary>
        public int GroupSize(int batchSize) => Math.Clamp(GroupPositions / (Shifts ? SampleSpan : Positions), 1, Math.Max(batchSize, 1));

        /// <summary>Floats of scratch a group of <paramref name="samples"/> needs: the most any of the three passes lays out.</summary>
        public long GroupScratchLength(int samples)
        {
            if (!Shifts)
            {
                // The weight gradient transposed, the group's columns, and its outputs (or output gradient) side by side.
                long positions = (long)samples * Positions;
                return ((long)Taps * Filters) + (Taps * positions) + (Filters * positions);
            }

            // Forward and the weight gradient: the transposed weight gradient, the bordered input, the output
            // (or output gradient) on the grid. The input gradient: the rearranged weights, the output gradient
            // after its margin, the input gradient on the grid.
            long forward = ((long)Taps * Filters) + ((long)Channels * ChannelSpan(samples)) + ((long)Filters * GridRow(samples));
            long inputGradient = Channels < FewChannels
                ? (((long)Filters + Taps) * GridRow(samples)) + ((long)Channels * (GridRow(samples) + MaxShift))
                : ((long)Taps * Filters) + ((long)Filters * (MaxShift + GridRow(samples))) + ((long)Channels * GridRow(samples));
            return Math.Max(forward, inputGradient);
        }

        /// <summary>Throws unless every size is in range and the kernel's reach fits in the padded input along both axes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void CheckSizes(int batchSize, string kernel)
        {
            KernelChecks.SizeAtLeast(batchSize, 0, nameof(batchSize), kernel);
            KernelChecks.SizeAtLeast(Channels, 1, "channels", kernel);
            KernelChecks.SizeAtLeast(Height, 1, "height", kernel);
            KernelChecks.SizeAtLeast(Width, 1, "width", kernel);
            KernelChecks.SizeAtLeast(Filters, 1, "filters", kernel);
            KernelChecks.SizeAtLeast(KernelHeight, 1, "kernelHeight", kernel);
            KernelChecks.SizeAtLeast(KernelWidth, 1, "kernelWidth", kernel);
            KernelChecks.SizeAtLeast(StrideHeight, 1, "strideHeight", kernel);
            KernelChecks.SizeAtLeast(StrideWidth, 1, "strideWidth", kernel);
            KernelChecks.SizeAtLeast(PaddingHeight, 0, "paddingHeight", kernel);
            KernelChecks.SizeAtLeast(PaddingWidth, 0, "paddingWidth", kernel);
            KernelChecks.SizeAtLeast(DilationHeight, 1, "dilationHeight", kernel);
            KernelChecks.SizeAtLeast(DilationWidth, 1, "dilationWidth", kernel);
            if (PaddedHeight <= ReachHeight || PaddedWidth <= ReachWidth)
            {
                throw new ArgumentException($"{kernel}: a {KernelHeight}x{KernelWidth} kernel dilated by {Pair(DilationHeight, DilationWidth)} reaches {ReachHeight + 1}x{ReachWidth + 1} values, more than the {Height}x{Width} input padded by {Pair(PaddingHeight, PaddingWidth)} holds.", "kernel");
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void CheckScratch(Span<float> scratch, int samples)
        {
            int needed = ScratchLength(Channels, Height, Width, Filters, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, samples);
            if (scratch.Length < needed)
            {
                throw new ArgumentException($"A convolution of {Channels}x{Height}x{Width} by {Filters} {KernelHeight}x{KernelWidth} kernels on {samples} samples needs {needed} floats of scratch, but has {scratch.Length}.", nameof(scratch));
            }
        }

        /// <summary>Writes a group's im2col columns side by side: sample b's in columns [b * positions, (b + 1) * positions) of every row.</summary>
        public void Unfold(ReadOnlySpan<float> input, Span<float> columns, int samples)
        {
            for (int b = 0; b < samples; b++)
            {
                Im2Col.Unfold(input.Slice(b * InputLength, InputLength), columns.Slice(b * Positions), samples * Positions, Channels, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, OutHeight, OutWidth);
            }
        }

        /// <summary>Adds a group's im2col columns, laid out as <see cref="Unfold"/> writes them, back to the input positions they came from.</summary>
        public void FoldAdd(ReadOnlySpan<float> columns, Span<float> inputGradient, int samples, SimdLevel simd)
        {
            for (int b = 0; b < samples; b++)
            {
                Im2Col.FoldAdd(columns.Slice(b * Positions), samples * Positions, inputGradient.Slice(b * InputLength, InputLength), Channels, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, OutHeight, OutWidth, simd);
            }
        }

        /// <summary>Copies a group's outputs, [filters, samples * positions] side by side, into [samples, filters, positions].</summary>
        public void GatherPositions(ReadOnlySpan<float> wide, Span<float> output, int samples)
        {
            int columns = samples * Positions;
            for (int co = 0; co < Filters; co++)
            {
                for (int b = 0; b < samples; b++)
                {
                    wide.Slice((co * columns) + (b * Positions), Positions).CopyTo(output.Slice(OutputIndex(b, co, 0, 0), Positions));
                }
            }
        }

        /// <summary>Copies a group's output gradient, [samples, filters, positions], side by side into [filters, samples * positions].</summary>
        public void ScatterPositions(ReadOnlySpan<float> outputGradient, Span<float> wide, int samples)
        {
            int columns = samples * Positions;
            for (int co = 0; co < Filters; co++)
            {
                for (int b = 0; b < samples; b++)
                {
                    outputGradient.Slice(OutputIndex(b, co, 0, 0), Positions).CopyTo(wide.Slice((co * columns) + (b * Positions), Positions));
                }
            }
        }

        /// <summary>
        /// C = A B on the bordered grid of a group of <paramref name="samples"/>, where only rows
        /// [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>) of each
        /// sample's plane are wanted: one product over the whole grid, or one per sample over just those
        /// rows, whichever computes fewer columns (a valid convolution's output leaves several rows of each
        /// plane unused; a padded one's, one row in many).
        /// </summary>
        public void MultiplyOnGrid(ReadOnlySpan<float> a, int aRowStride, ReadOnlySpan<float> b, int[] bRows, Span<float> c, int m, int samples, int firstRow, int rowCount, int k, ReadOnlySpan<float> rowBias, SimdLevel simd, in Gemm.RowEpilogue epilogue)
        {
            // C's rows are GridRow long: past the group's positions is room for the last strip computed whole.
            int columns = samples * SampleSpan, gridRow = GridRow(samples);
            int wanted = rowCount * RowLength, offset = firstRow * RowLength;
            if (!PerSample(rowCount))
            {
                Gemm.MultiplyShifted(a, aRowStride, 1, b, bRows, c, gridRow, m, columns, k, rowBias, accumulate: false, simd, epilogue, slack: gridRow - columns);
                return;
            }

            // The rest of each sample's plane past the wanted rows is junk the product may overwrite too.
            int slack = SampleSpan - offset - wanted;
            for (int sample = 0; sample < samples; sample++)
            {
                int start = (sample * SampleSpan) + offset;
                Gemm.MultiplyShifted(a, aRowStride, 1, b.Slice(start), bRows, c.Slice(start), gridRow, m, wanted, k, rowBias, accumulate: false, simd, epilogue, slack);
            }
        }

        /// <summary>
        /// Whether one product per sample over <paramref name="rowCount"/> rows of its plane (rounded up to whole
        /// vectors) computes fewer columns than one over the group's whole grid.
        /// </summary>
        public bool PerSample(int rowCount) => (((rowCount * RowLength) + 15) / 16 * 16) < SampleSpan;

        /// <summary>Lays a group's samples out on the bordered grid, channel by channel, zero everywhere else.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Border(ReadOnlySpan<float> input, Span<float> bordered, int samples)
        {
            int channelSpan = ChannelSpan(samples);
            bordered.Slice(0, Channels * channelSpan).Clear();
            for (int c = 0; c < Channels; c++)
            {
                for (int b = 0; b < samples; b++)
                {
                    int target = (c * channelSpan) + (b * SampleSpan) + (PaddingHeight * RowLength) + PaddingWidth;
                    for (int row = 0; row < Height; row++)
                    {
                        RowCopy.Copy(input.Slice(InputIndex(b, c, row, 0), Width), bordered.Slice(target + (row * RowLength), Width));
                    }
                }
            }
        }

        /// <summary>Copies the outputs of a group off the bordered grid (<paramref name="planes"/> rows of one product, <see cref="GridRow"/> apart) into [samples, planes, outHeight, outWidth].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Gather(ReadOnlySpan<float> wide, Span<float> output, int planes, int samples)
        {
            int columns = GridRow(samples);
            for (int plane = 0; plane < planes; plane++)
            {
                for (int b = 0; b < samples; b++)
                {
                    for (int oy = 0; oy < OutHeight; oy++)
                    {
                        RowCopy.Copy(wide.Slice((plane * columns) + (b * SampleSpan) + (oy * RowLength), OutWidth), output.Slice(OutputIndex(b, plane, oy, 0), OutWidth));
                    }
                }
            }
        }

        /// <summary>
        /// Lays a group's output gradient out on the bordered grid, each plane <paramref name="span"/> values
        /// long and starting after <paramref name="margin"/> zeros, zero everywhere off the outputs.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scatter(ReadOnlySpan<float> outputGradient, Span<float> wide, int planes, int samples, int span, int margin)
        {
            // Front to back, each row copied and the zeros before it written, so no value is written twice.
            for (int plane = 0; plane < planes; plane++)
            {
                int written = plane * span;
                for (int b = 0; b < samples; b++)
                {
                    for (int oy = 0; oy < OutHeight; oy++)
                    {
                        int row = (plane * span) + margin + (b * SampleSpan) + (oy * RowLength);
                        wide.Slice(written, row - written).Clear();
                        RowCopy.Copy(outputGradient.Slice(OutputIndex(b, plane, oy, 0), OutWidth), wide.Slice(row, OutWidth));
                        written = row + OutWidth;
                    }
                }

                wide.Slice(written, ((plane + 1) * span) - written).Clear();
            }
        }

        /// <summary>
        /// Lays a group's output gradient out position by position, [position, filters], on a grid of
        /// <paramref name="sampleSpan"/> positions per sample and <paramref name="rowLength"/> per output row
        /// (the bordered grid, or the outputs alone); zero at every position that is not an output.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void ScatterByPosition(ReadOnlySpan<float> outputGradient, Span<float> positions, int samples, int sampleSpan, int rowLength)
        {
            // Written position by position, front to back (each position's filters side by side, read a
            // plane apart), with the zeros between: a pass that writes in order, where writing filter by
            // filter would touch every position's line once per filter.
            Span<float> target = positions.Slice(0, samples * sampleSpan * Filters);
            int plane = OutHeight * OutWidth, rowsOnGrid = sampleSpan / rowLength;
            ref float to = ref MemoryMarshal.GetReference(target);
            for (int b = 0; b < samples; b++)
            {
                ref float sample = ref Unsafe.AsRef(in outputGradient[OutputIndex(b, 0, 0, 0)]);
                for (int oy = 0; oy < rowsOnGrid; oy++)
                {
                    int position = (b * sampleSpan) + (oy * rowLength), written = 0;
                    if (oy < OutHeight)
                    {
                        for (int ox = 0; ox < OutWidth; ox++)
                        {
                            ref float from = ref Unsafe.Add(ref sample, (oy * OutWidth) + ox);
                            ref float filters = ref Unsafe.Add(ref to, (nint)(position + ox) * Filters);
                            for (int co = 0; co < Filters; co++)
                            {
                                Unsafe.Add(ref filters, co) = Unsafe.Add(ref from, (nint)co * plane);
                            }
                        }

                        written = OutWidth;
                    }

                    target.Slice((position + written) * Filters, (rowLength - written) * Filters).Clear();
                }
            }
        }

        /// <summary>weightGradient[co, tap] += transposed[tap, co].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddTransposed(ReadOnlySpan<float> transposed, Span<float> weightGradient)
        {
            for (int tap = 0; tap < Taps; tap++)
            {
                for (int co = 0; co < Filters; co++)
                {
                    weightGradient[(co * Taps) + tap] += transposed[(tap * Filters) + co];
                }
            }
        }

        /// <summary>Copies a group's input gradient off the bordered grid (one row per channel, <paramref name="columns"/> apart) into [samples, channels, height, width].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Crop(ReadOnlySpan<float> wide, Span<float> inputGradient, int samples, int columns)
        {
            for (int c = 0; c < Channels; c++)
            {
                for (int b = 0; b < samples; b++)
                {
                    int source = (c * columns) + (b * SampleSpan) + (PaddingHeight * RowLength) + PaddingWidth;
                    for (int row = 0; row < Height; row++)
                    {
                        RowCopy.Copy(wide.Slice(source + (row * RowLength), Width), inputGradient.Slice(InputIndex(b, c, row, 0), Width));
                    }
                }
            }
        }

        /// <summary>Copies the [filters, channels, kernelHeight, kernelWidth] weight to [channels, filters, kernelHeight, kernelWidth]: the transposed convolution's rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RearrangeWeights(ReadOnlySpan<float> weight, Span<float> rearranged)
        {
            int window = KernelHeight * KernelWidth;
            for (int co = 0; co < Filters; co++)
            {
                for (int ci = 0; ci < Channels; ci++)
                {
                    weight.Slice(WeightIndex(co, ci, 0, 0), window).CopyTo(rearranged.Slice(((ci * Filters) + co) * window, window));
                }
            }
        }

        /// <summary>Where tap (ci, ky, kx)'s shifted view of a bordered group of <paramref name="samples"/> starts.</summary>
        public int[] InputRows(int samples) => TapOffsets(ChannelSpan(samples));

        /// <summary>Where tap (ci, ky, kx) lands in channels <paramref name="planeLength"/> apart: its channel's start plus its shift.</summary>
        public int[] TapOffsets(int planeLength) => Rows(Channels, planeLength, 0, 1);

        /// <summary>Where tap (co, ky, kx) of the transposed convolution reads an output gradient whose planes are <paramref name="span"/> long: its shift back from the margin.</summary>
        public int[] ReverseRows(int span) => Rows(Filters, span, MaxShift, -1);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int[] Rows(int planes, int planeLength, int origin, int direction)
        {
            int count = planes * KernelHeight * KernelWidth;
            int[] rows = t_rows is { } cached && cached.Length >= count ? cached : (t_rows = new int[Math.Max(count, 256)]);
            int index = 0;
            for (int plane = 0; plane < planes; plane++)
            {
                for (int ky = 0; ky < KernelHeight; ky++)
                {
                    for (int kx = 0; kx < KernelWidth; kx++)
                    {
                        rows[index++] = (plane * planeLength) + origin + (direction * ((DilationHeight * ky * RowLength) + (DilationWidth * kx)));
                    }
                }
            }

            return rows;
        }

        /// <summary>A setting for messages: <c>2</c> when both axes agree, <c>(2, 1)</c> otherwise.</summary>
        private static string Pair(int height, int width) => height == width ? height.ToString(System.Globalization.CultureInfo.InvariantCulture) : FormattableString.Invariant($"({height}, {width})");
    }
}
