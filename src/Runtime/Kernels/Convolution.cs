using System;
using System.Runtime.CompilerServices;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// The vectorised convolutions generated layers call, in two algorithms the generator chooses between
/// at compile time:
/// <list type="bullet">
/// <item><b>Shifted</b> (stride 1 along both axes): in a zero-bordered plane read flat, kernel tap (ky, kx)
/// sees the plane shifted by <c>dilationHeight * ky * paddedWidth + dilationWidth * kx</c>, so the matrix
/// product reads its rows straight from the padded input, with no im2col copy. Outputs come out on a grid as wide as the padded row; the few
/// columns past the output's width are dropped. For the input gradient, one product gives each tap's
/// share on that wide grid (zero in the extra columns), and each share is one contiguous add into the
/// padded gradient, shifted by its tap.</item>
/// <item><b>Im2Col</b> (any stride and dilation): each sample's windows are copied into columns first.</item>
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
    /// <summary>The rows of the shifted views, one table per thread, rebuilt when the shape changes.</summary>
    [ThreadStatic]
    private static int[]? t_rows;

    /// <summary>Whether the shifted algorithm applies to a square window: stride 1, and padding within the dilated kernel's reach.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CanShift(int kernel, int stride, int padding, int dilation) => CanShift(kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Whether the shifted algorithm applies: stride 1 along both axes, and on each the padding within the dilated kernel's reach.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CanShift(int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth) =>
        strideHeight == 1 && strideWidth == 1 && paddingHeight <= dilationHeight * (kernelHeight - 1) && paddingWidth <= dilationWidth * (kernelWidth - 1);

    /// <summary>
    /// Floats of scratch one thread needs to run the layer on up to <paramref name="samples"/> samples at
    /// a time: for the shifted algorithm, the padded input and wide output of each sample (and for the input
    /// gradient, one sample's bordered output gradient, wide input gradient and rearranged weights); for
    /// im2col, one sample's columns.
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
        long length = g.Shifts
            ? Math.Max((long)samples * (g.PaddedLength + g.WideOutputLength), g.WideOutputLength + ((long)g.Taps * g.WidePositions) + g.PaddedLength)
            : (long)channels * kernelHeight * kernelWidth * g.OutHeight * g.OutWidth;
        return length > Array.MaxLength ? throw new ArgumentOutOfRangeException(nameof(samples), samples, "The convolution's scratch would not fit in one array.") : (int)length;
    }

    private const string ForwardName = "Convolution.Forward";
    private const string BackwardInputName = "Convolution.BackwardInput";
    private const string BackwardParametersName = "Convolution.BackwardParameters";

    /// <summary>output = weight (*) input + bias for every sample, with a square window; <paramref name="bias"/> may be empty (no bias).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation, SimdLevel simd) =>
        Forward(input, output, weight, bias, scratch, batchSize, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation, simd);

    /// <summary>output = weight (*) input + bias for every sample; <paramref name="bias"/> may be empty (no bias).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> scratch, int batchSize, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, SimdLevel simd)
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
            return;
        }

        g.CheckScratch(scratch, 1);
        if (!g.Shifts)
        {
            for (int b = 0; b < batchSize; b++)
            {
                g.Unfold(input.Slice(b * g.InputLength, g.InputLength), scratch);
                Gemm.Multiply(weight, g.Taps, 1, scratch, output.Slice(b * g.OutputLength, g.OutputLength), filters, g.Positions, g.Taps, bias, accumulate: false, simd);
            }

            return;
        }

        int[] rows = g.InputRows();
        Span<float> padded = scratch.Slice(0, g.PaddedLength);
        Span<float> wide = scratch.Slice(g.PaddedLength, g.WideOutputLength);
        for (int b = 0; b < batchSize; b++)
        {
            g.Pad(input.Slice(b * g.InputLength, g.InputLength), padded);
            Gemm.MultiplyShifted(weight, g.Taps, 1, padded, rows, wide, filters, g.WidePositions, g.Taps, bias, accumulate: false, simd);
            Compact(wide, output.Slice(b * g.OutputLength, g.OutputLength), filters, g.OutHeight, g.PaddedWidth, g.OutWidth, g.WidePositions);
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

        if (!g.Shifts)
        {
            g.CheckScratch(scratch, 1);
            for (int b = 0; b < batchSize; b++)
            {
                g.Unfold(input.Slice(b * g.InputLength, g.InputLength), scratch);
                Gemm.MultiplyTransposed(outputGradient.Slice(b * g.OutputLength, g.OutputLength), scratch, weightGradient, filters, g.Taps, g.Positions, ReadOnlySpan<float>.Empty, accumulate: true, simd);
            }

            return;
        }

        // Every sample's padded input and wide output gradient side by side, so that one product sums over
        // all of them in registers: a dot product per weight for the whole chunk, not one per sample.
        g.CheckScratch(scratch, batchSize);
        int sampleStride = g.PaddedLength + g.WideOutputLength;
        for (int b = 0; b < batchSize; b++)
        {
            Span<float> sample = scratch.Slice(b * sampleStride, sampleStride);
            g.Pad(input.Slice(b * g.InputLength, g.InputLength), sample.Slice(0, g.PaddedLength));
            Widen(outputGradient.Slice(b * g.OutputLength, g.OutputLength), sample.Slice(g.PaddedLength, g.WideOutputLength), filters, g.OutHeight, g.OutWidth, g.PaddedWidth, g.WidePositions);
        }

        Gemm.MultiplyTransposed(
            scratch.Slice(g.PaddedLength),
            g.WidePositions,
            sampleStride,
            scratch,
            sampleStride,
            batchSize,
            weightGradient,
            filters,
            g.Taps,
            g.WidePositions,
            ReadOnlySpan<float>.Empty,
            accumulate: true,
            simd,
            g.InputRows());
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

        g.CheckScratch(scratch, 1);
        if (!g.Shifts)
        {
            inputGradient.Slice(0, batchSize * g.InputLength).Clear();
            for (int b = 0; b < batchSize; b++)
            {
                Gemm.Multiply(weight, 1, g.Taps, outputGradient.Slice(b * g.OutputLength, g.OutputLength), scratch, g.Taps, g.Positions, filters, ReadOnlySpan<float>.Empty, accumulate: false, simd);
                g.FoldAdd(scratch, inputGradient.Slice(b * g.InputLength, g.InputLength), simd);
            }

            return;
        }

        // Each tap's share of the input gradient, on the wide output grid: columns = weight transposed x
        // the output gradient, widened with zeros so the extra columns carry nothing. Each share is then
        // added, shifted by its tap, into the padded gradient, whose interior is the input gradient.
        Span<float> wideGradient = scratch.Slice(0, g.WideOutputLength);
        Span<float> columns = scratch.Slice(g.WideOutputLength, g.Taps * g.WidePositions);
        Span<float> padded = scratch.Slice(g.WideOutputLength + (g.Taps * g.WidePositions), g.PaddedLength);
        int[] rows = g.InputRows();
        for (int b = 0; b < batchSize; b++)
        {
            Widen(outputGradient.Slice(b * g.OutputLength, g.OutputLength), wideGradient, filters, g.OutHeight, g.OutWidth, g.PaddedWidth, g.WidePositions);
            Gemm.Multiply(weight, 1, g.Taps, wideGradient, columns, g.Taps, g.WidePositions, filters, ReadOnlySpan<float>.Empty, accumulate: false, simd);
            padded.Clear();
            for (int tap = 0; tap < g.Taps; tap++)
            {
                VectorMath.Add(columns.Slice(tap * g.WidePositions, g.WidePositions), padded.Slice(rows[tap], g.WidePositions), simd);
            }

            PaddedPlanes.Crop(padded, inputGradient.Slice(b * g.InputLength, g.InputLength), channels, height, width, g.PaddingHeight, g.PaddingWidth);
        }
    }

    /// <summary>
    /// Spreads each plane's rows of <paramref name="width"/> to rows of <paramref name="wideWidth"/> in planes
    /// of <paramref name="planeLength"/>, zero everywhere else, so the extra columns add nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ReadOnlySpan<float> compact, Span<float> wide, int planes, int height, int width, int wideWidth, int planeLength)
    {
        wide.Slice(0, planes * planeLength).Clear();
        for (int plane = 0; plane < planes; plane++)
        {
            for (int row = 0; row < height; row++)
            {
                RowCopy.Copy(compact.Slice(((plane * height) + row) * width, width), wide.Slice((plane * planeLength) + (row * wideWidth), width));
            }
        }
    }

    /// <summary>Copies the first <paramref name="width"/> values of each row of each plane of <paramref name="planeLength"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compact(ReadOnlySpan<float> wide, Span<float> compact, int planes, int height, int wideWidth, int width, int planeLength)
    {
        for (int plane = 0; plane < planes; plane++)
        {
            for (int row = 0; row < height; row++)
            {
                RowCopy.Copy(wide.Slice((plane * planeLength) + (row * wideWidth), width), compact.Slice(((plane * height) + row) * width, width));
            }
        }
    }

    /// <summary>Every size of one convolution, derived once; the window's per axis, height then width.</summary>
    private readonly struct Geometry
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
            OutHeight = strideHeight > 0 ? ((height + (2 * paddingHeight) - ReachHeight - 1) / strideHeight) + 1 : 0;
            OutWidth = strideWidth > 0 ? ((width + (2 * paddingWidth) - ReachWidth - 1) / strideWidth) + 1 : 0;
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

        /// <summary>
        /// Output positions on the padded-width grid, rounded up to whole 512-bit vectors so that every
        /// block of the products is full: the extra positions are junk, like the grid's extra columns.
        /// </summary>
        public int WidePositions => ((OutHeight * PaddedWidth) + 15) / 16 * 16;

        public int WideOutputLength => Filters * WidePositions;

        /// <summary>
        /// The padded planes, then zeros the last shifted rows read past them: the kernel's reach along a
        /// row, and the wide grid's rounding to whole vectors.
        /// </summary>
        public int PaddedLength => (Channels * PaddedHeight * PaddedWidth) + ReachWidth + (WidePositions - (OutHeight * PaddedWidth));

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

        /// <summary>Writes one sample's im2col columns.</summary>
        public void Unfold(ReadOnlySpan<float> sample, Span<float> columns) =>
            Im2Col.Unfold(sample, columns, Channels, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, OutHeight, OutWidth);

        /// <summary>Adds one sample's im2col columns back to the input positions they came from.</summary>
        public void FoldAdd(ReadOnlySpan<float> columns, Span<float> sampleGradient, SimdLevel simd) =>
            Im2Col.FoldAdd(columns, sampleGradient, Channels, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, DilationHeight, DilationWidth, OutHeight, OutWidth, simd);

        /// <summary>Copies one sample into the middle of its zero-bordered planes, and zeroes what the last rows read past them.</summary>
        public void Pad(ReadOnlySpan<float> sample, Span<float> padded)
        {
            int planes = Channels * PaddedHeight * PaddedWidth;
            PaddedPlanes.Pad(sample, padded, Channels, Height, Width, PaddingHeight, PaddingWidth, 0f);
            padded.Slice(planes, PaddedLength - planes).Clear();
        }

        /// <summary>Where tap (ci, ky, kx) of the input's shifted views starts in the padded sample.</summary>
        public int[] InputRows() => Rows(Channels, PaddedHeight * PaddedWidth, PaddedWidth);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int[] Rows(int planes, int planeLength, int rowLength)
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
                        rows[index++] = (plane * planeLength) + (DilationHeight * ky * rowLength) + (DilationWidth * kx);
                    }
                }
            }

            return rows;
        }

        /// <summary>A setting for messages: <c>2</c> when both axes agree, <c>(2, 1)</c> otherwise.</summary>
        private static string Pair(int height, int width) => height == width ? height.ToString(System.Globalization.CultureInfo.InvariantCulture) : FormattableString.Invariant($"({height}, {width})");
    }
}
