using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// The input gradient of a stride-1 layer whose input channels are too few to fill blocks (LeNet-5's second layer has
/// six), with a group's samples across the vector lanes. Input position (y, x) of every sample at once sums, over the
/// taps that reach an output from there and every filter, weight x the output gradient the tap reads: one product
/// whose rows are the channels, whose columns are (position, sample), and whose depth, (tap row, tap column, filter),
/// each strip of columns walks only as far as its taps reach. The transposed convolution over planes instead sums every
/// tap at every position and reads zeros where a tap falls off the output: half its multiply-adds on a valid 5x5
/// layer's 14x14 input. The output gradient is first transposed to [rows, filters, columns, samples] with a zero border
/// as wide as the reach less the padding, so a strip that spans two positions reads zeros for the taps only one of them
/// has; the input gradient comes back from [channels, rows, columns, samples] the same way.
/// </summary>
public static partial class Convolution
{
    /// <summary>The most samples one group lays across the lanes: a strip of two 512-bit vectors.</summary>
    private const int MostSamplesAcrossLanes = 32;

    /// <summary>
    /// The most of the transposed convolution's multiply-adds the product across samples may still do (its rows rounded
    /// up to whole tiles and its lanes to whole vectors) to be taken: below this it runs faster despite its two
    /// transposes. Measured at batch 16 on one thread: 0.51 (LeNet-5's conv2, 6 to 16 channels, 5x5 on 14x14) 205 to
    /// 120 µs; 0.69 (24 to 32, 3x3 on 12x12, no padding) 430 to 305; 0.84 (6 to 16, 5x5 padded by 2 on 14x14) 238 to
    /// 175-243; 0.91 (12 to 24, 3x3 padded by 1 on 14x14) 270 against 300-320; 1.43 (8 to 8, 3x3 padded on 28x28) 226
    /// against 306-448.
    /// </summary>
    private const double AcrossSamplesBreakEven = 0.85;

    /// <summary>
    /// Whether the layer's shape lets the input gradient run with the samples across the lanes: stride 1 with the
    /// padding within the reach (the shifted views' case), input channels that do not fill blocks (those run blocked),
    /// at least <see cref="FewChannels"/> of them (fewer leave most of a tile's rows idle: each tap's share instead),
    /// and planes small enough for a group's scratch (the bordered planes and the depth bounded first, in 64 bits, so
    /// that no size worked out from them overflows).
    /// </summary>
    private static bool InputGradientFitsAcrossSamples(in Geometry g) =>
        g.Shifts && g.Channels >= FewChannels && !InputGradientRunsBlocked(g) && g.Filters >= 1 && g.Height >= 1 && g.Width >= 1
        && g.OutHeight >= 1 && g.OutWidth >= 1
        && (long)(g.Height + g.ReachHeight) * (g.Width + g.ReachWidth) * MostSamplesAcrossLanes <= MostAcrossSamplesScratch
        && (long)g.KernelHeight * g.KernelWidth * g.Filters <= MostAcrossSamplesScratch
        && AcrossSamplesScratch(g) <= MostAcrossSamplesScratch;

    /// <summary>
    /// The most scratch, in floats, one thread may hold for the product across samples: 4 MB. A group lays whole
    /// planes across the lanes, so large planes (a valid 5x5 layer of 16 filters on 64x64 would take 12 MB) stay on the
    /// transposed convolution, whose groups are a few thousand positions whatever the plane.
    /// </summary>
    private const long MostAcrossSamplesScratch = 1 << 20;

    /// <summary>Floats of scratch the product across samples needs, for groups as wide as the widest level takes.</summary>
    private static long AcrossSamplesScratch(in Geometry g)
    {
        var sizes = new AcrossSamples(g, MostSamplesAcrossLanes, MostSamplesAcrossLanes);
        return ((long)sizes.Rows * sizes.Depth) + sizes.PlanLength(g) + sizes.GradientLength(g) + sizes.OutputLength(g);
    }

    /// <summary>
    /// Whether the input gradient of <paramref name="batchSize"/> samples at <paramref name="simd"/> runs with the samples
    /// across the lanes: the shape lets it, and it does enough fewer multiply-adds than the transposed convolution, whose
    /// every tap at every position includes the ones that fall off the output gradient.
    /// </summary>
    private static bool InputGradientRunsAcrossSamples(in Geometry g, int batchSize, SimdLevel simd)
    {
        if (!InputGradientFitsAcrossSamples(g) || batchSize < 1 || simd == SimdLevel.Scalar)
        {
            return false;
        }

        int stripWidth = Gemm.SegmentStripWidth(simd), vector = stripWidth / 2, samples = Math.Min(batchSize, stripWidth);
        double rows = (double)new AcrossSamples(g, vector, stripWidth).Rows / g.Channels, lanes = (double)((samples + vector - 1) / vector * vector) / samples;
        return ReachingShare(g.Height, g.PaddingHeight, g.DilationHeight, g.KernelHeight, g.OutHeight) * ReachingShare(g.Width, g.PaddingWidth, g.DilationWidth, g.KernelWidth, g.OutWidth) * rows * lanes
            <= AcrossSamplesBreakEven;
    }

    /// <summary>The share of (position, tap) pairs along one axis whose tap reaches an output.</summary>
    private static double ReachingShare(int positions, int padding, int dilation, int kernel, int outputs)
    {
        long reaching = 0;
        for (int position = 0; position < positions; position++)
        {
            var (first, last) = TapsReaching(position, padding, dilation, kernel, outputs);
            reaching += Math.Max(0, last - first + 1);
        }

        return (double)reaching / ((long)positions * kernel);
    }

    /// <summary>Whether the input gradient of a layer of this shape runs with the samples across the lanes, for <paramref name="batchSize"/> samples at <paramref name="simd"/>.</summary>
    internal static bool InputGradientAcrossSamples(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int batchSize, SimdLevel simd) =>
        InputGradientRunsAcrossSamples(new Geometry(channels, height, width, filters, kernelHeight, kernelWidth, 1, 1, paddingHeight, paddingWidth, dilationHeight, dilationWidth), batchSize, simd);

    /// <summary>The sizes of one group's product, with a number of lanes a position: its samples rounded up to whole vectors.</summary>
    private readonly struct AcrossSamples
    {
        public AcrossSamples(in Geometry g, int lanes, int stripWidth)
        {
            Lanes = lanes;
            StripWidth = stripWidth;
            BorderedHeight = g.OutHeight + (2 * (g.ReachHeight - g.PaddingHeight));
            BorderedWidth = g.OutWidth + (2 * (g.ReachWidth - g.PaddingWidth));
            RowOfC = (((g.Width * lanes) + stripWidth - 1) / stripWidth) * stripWidth;
            Rows = ((g.Channels + Gemm.SegmentTileRows - 1) / Gemm.SegmentTileRows) * Gemm.SegmentTileRows;
            Depth = g.KernelHeight * g.KernelWidth * g.Filters;
            StripsPerRow = RowOfC / stripWidth;
        }

        /// <summary>Samples a position, the group's and then zero lanes up to a whole vector.</summary>
        public int Lanes { get; }

        public int StripWidth { get; }

        /// <summary>The output gradient's rows and columns with its border: the input's plus the reach.</summary>
        public int BorderedHeight { get; }

        public int BorderedWidth { get; }

        /// <summary>Values of one input row of the product's output: its positions' lanes, then room for the last strip to be whole.</summary>
        public int RowOfC { get; }

        /// <summary>The channels, rounded up to whole tiles of rows.</summary>
        public int Rows { get; }

        /// <summary>The product's depth: taps x filters.</summary>
        public int Depth { get; }

        public int StripsPerRow { get; }

        /// <summary>Values of one bordered row of one filter's output gradient.</summary>
        public int RowSpan => BorderedWidth * Lanes;

        /// <summary>Floats of the bordered output gradient, with room for a last strip to read whole past its end.</summary>
        public long GradientLength(in Geometry g) => ((long)BorderedHeight * g.Filters * RowSpan) + StripWidth;

        public long OutputLength(in Geometry g) => (long)Rows * g.Height * RowOfC;

        public int Strips(in Geometry g) => g.Height * StripsPerRow;

        /// <summary>Values of the plan, as integers: the depth's read table, where each strip reads, each strip's first segment and the segments (at most one per tap row).</summary>
        public long PlanLength(in Geometry g) => Depth + Strips(g) + (Strips(g) + 1L) + (2L * Strips(g) * g.KernelHeight);
    }

    /// <summary>Floats of scratch the input gradient across samples needs where the layer's shape lets it run so, else 0.</summary>
    private static long AcrossSamplesScratchLength(in Geometry g) =>
        InputGradientFitsAcrossSamples(g) ? AcrossSamplesScratch(g) : 0;

    /// <summary>The input gradient with the samples across the lanes, group by group. Overwrites.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardInputAcrossSamples(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, Span<float> scratch, int batchSize, in Geometry g, SimdLevel simd)
    {
        int stripWidth = Gemm.SegmentStripWidth(simd), vector = stripWidth / 2;
        int groupSize = Math.Min(stripWidth, MostSamplesAcrossLanes);
        for (int first = 0; first < batchSize; first += groupSize)
        {
            int samples = Math.Min(groupSize, batchSize - first);
            var sizes = new AcrossSamples(g, (samples + vector - 1) / vector * vector, stripWidth);

            // The rearranged weights, the plan (integers), the bordered output gradient and the product, one after another.
            int strips = sizes.Strips(g);
            Span<float> rearranged = scratch.Slice(0, sizes.Rows * sizes.Depth);
            Span<int> plan = MemoryMarshal.Cast<float, int>(scratch.Slice(rearranged.Length, (int)sizes.PlanLength(g)));
            Span<float> bordered = scratch.Slice(rearranged.Length + plan.Length, (int)sizes.GradientLength(g));
            Span<float> product = scratch.Slice(rearranged.Length + plan.Length + bordered.Length, (int)sizes.OutputLength(g));
            Span<int> table = plan.Slice(0, sizes.Depth), bColumns = plan.Slice(table.Length, strips);
            Span<int> firstSegments = plan.Slice(table.Length + strips, strips + 1), segments = plan.Slice(table.Length + strips + strips + 1);
            if (first == 0)
            {
                RearrangeForSamples(weight, rearranged, g, sizes);
            }

            if (first == 0 || samples < groupSize)
            {
                // The same for every group as wide as the first; a short last group has fewer lanes.
                PlanStrips(table, bColumns, firstSegments, segments, g, sizes);
            }

            segments = segments.Slice(0, 2 * firstSegments[strips]);
            LayAcrossSamples(outputGradient.Slice(first * g.OutputLength, samples * g.OutputLength), bordered, samples, g, sizes);
            Gemm.MultiplyBySegments(rearranged, sizes.Depth, bordered, bColumns, table, firstSegments, segments, product, g.Height * sizes.RowOfC, sizes.Rows / Gemm.SegmentTileRows, simd);
            Span<float> target = inputGradient.Slice(first * g.InputLength, samples * g.InputLength);
            for (int c = 0; c < g.Channels; c++)
            {
                for (int y = 0; y < g.Height; y++)
                {
                    // Row y of channel c: [columns, samples] back to each sample's [columns].
                    BlockTranspose.Transpose(product.Slice(((c * g.Height) + y) * sizes.RowOfC), sizes.Lanes, target.Slice(((c * g.Height) + y) * g.Width), g.InputLength, g.Width, samples);
                }
            }
        }
    }

    /// <summary>The weights as the product's rows: channel c's row holds weight (f, c, ky, kx) at (ky, kx, f); the rows past the channels are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RearrangeForSamples(ReadOnlySpan<float> weight, Span<float> rearranged, in Geometry g, in AcrossSamples sizes)
    {
        rearranged.Slice(g.Channels * sizes.Depth).Clear();
        int taps = g.KernelHeight * g.KernelWidth, filters = g.Filters, depth = sizes.Depth;
        ref float from = ref MemoryMarshal.GetReference(weight);
        ref float to = ref MemoryMarshal.GetReference(rearranged);
        for (int f = 0; f < filters; f++)
        {
            for (int c = 0; c < g.Channels; c++)
            {
                // Weight (f, c, tap) for every tap, read in order, written a filter count apart.
                ref float source = ref Unsafe.Add(ref from, ((f * g.Channels) + c) * taps);
                ref float target = ref Unsafe.Add(ref to, (c * depth) + f);
                for (int tap = 0; tap < taps; tap++)
                {
                    Unsafe.Add(ref target, tap * filters) = Unsafe.Add(ref source, tap);
                }
            }
        }
    }

    /// <summary>
    /// Where each step of the depth reads, and for each strip where its columns read and which steps it sums: the tap
    /// rows that reach an output from the strip's input row, and the tap columns that do from any of its positions (one
    /// segment when those are all of them); the number of segments ends <paramref name="firstSegments"/>.
    /// </summary>
    private static void PlanStrips(Span<int> table, Span<int> bColumns, Span<int> firstSegments, Span<int> segments, in Geometry g, in AcrossSamples sizes)
    {
        // Input (y, x) reads the bordered output gradient at row y + reach - ky * dilation, column x + reach - kx * dilation.
        for (int ky = 0; ky < g.KernelHeight; ky++)
        {
            for (int kx = 0; kx < g.KernelWidth; kx++)
            {
                int row = g.ReachHeight - (ky * g.DilationHeight), column = g.ReachWidth - (kx * g.DilationWidth);
                for (int f = 0; f < g.Filters; f++)
                {
                    table[(((ky * g.KernelWidth) + kx) * g.Filters) + f] = ((((row * g.Filters) + f) * sizes.BorderedWidth) + column) * sizes.Lanes;
                }
            }
        }

        int count = 0, strip = 0;
        for (int y = 0; y < g.Height; y++)
        {
            var (rowFirst, rowLast) = TapsReaching(y, g.PaddingHeight, g.DilationHeight, g.KernelHeight, g.OutHeight);
            for (int s = 0; s < sizes.StripsPerRow; s++, strip++)
            {
                bColumns[strip] = (y * g.Filters * sizes.RowSpan) + (s * sizes.StripWidth);
                firstSegments[strip] = count;
                int firstX = s * sizes.StripWidth / sizes.Lanes, lastX = Math.Min(g.Width - 1, (((s + 1) * sizes.StripWidth) - 1) / sizes.Lanes);
                int columnFirst = TapsReaching(firstX, g.PaddingWidth, g.DilationWidth, g.KernelWidth, g.OutWidth).First;
                int columnLast = TapsReaching(lastX, g.PaddingWidth, g.DilationWidth, g.KernelWidth, g.OutWidth).Last;
                if (rowFirst > rowLast || columnFirst > columnLast)
                {
                    continue;
                }

                if (columnFirst == 0 && columnLast == g.KernelWidth - 1)
                {
                    // Whole tap rows: one run of the depth.
                    segments[2 * count] = rowFirst * g.KernelWidth * g.Filters;
                    segments[(2 * count) + 1] = (rowLast + 1) * g.KernelWidth * g.Filters;
                    count++;
                    continue;
                }

                for (int ky = rowFirst; ky <= rowLast; ky++)
                {
                    segments[2 * count] = ((ky * g.KernelWidth) + columnFirst) * g.Filters;
                    segments[(2 * count) + 1] = ((ky * g.KernelWidth) + columnLast + 1) * g.Filters;
                    count++;
                }
            }
        }

        firstSegments[strip] = count;
    }

    /// <summary>The taps along one axis that reach an output from input <paramref name="position"/> at stride 1: output = position + padding - tap x dilation, inside [0, outputs).</summary>
    private static (int First, int Last) TapsReaching(int position, int padding, int dilation, int kernel, int outputs)
    {
        int reached = position + padding;
        if (dilation == 1)
        {
            return (Math.Max(0, reached - outputs + 1), Math.Min(kernel - 1, reached));
        }

        // The first tap: the ceiling of (reached - outputs + 1) / dilation, and not below 0.
        return (Math.Max(0, (reached - outputs + dilation) / dilation), Math.Min(kernel - 1, reached / dilation));
    }

    /// <summary>
    /// The group's output gradient as [rows, filters, columns, lanes] with its zero border; lanes past the samples zero.
    /// A strip's steps, filter after filter, then read a few lines a row apart rather than a filter's whole plane apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LayAcrossSamples(ReadOnlySpan<float> outputGradient, Span<float> bordered, int samples, in Geometry g, in AcrossSamples sizes)
    {
        int borderRows = g.ReachHeight - g.PaddingHeight, borderColumns = g.ReachWidth - g.PaddingWidth;
        int rowSpan = sizes.RowSpan, rowsOfFilters = g.Filters * rowSpan;
        if (samples < sizes.Lanes)
        {
            bordered.Clear();
        }
        else
        {
            bordered.Slice(0, borderRows * rowsOfFilters).Clear();
            bordered.Slice((borderRows + g.OutHeight) * rowsOfFilters, borderRows * rowsOfFilters).Clear();
            for (int row = borderRows; row < borderRows + g.OutHeight; row++)
            {
                for (int f = 0; f < g.Filters; f++)
                {
                    Span<float> line = bordered.Slice((row * rowsOfFilters) + (f * rowSpan), rowSpan);
                    line.Slice(0, borderColumns * sizes.Lanes).Clear();
                    line.Slice((borderColumns + g.OutWidth) * sizes.Lanes).Clear();
                }
            }
        }

        for (int oy = 0; oy < g.OutHeight; oy++)
        {
            for (int f = 0; f < g.Filters; f++)
            {
                // Row oy of filter f: each sample's [columns] to [columns, samples].
                BlockTranspose.Transpose(outputGradient.Slice(g.OutputIndex(0, f, oy, 0)), g.OutputLength, bordered.Slice(((borderRows + oy) * rowsOfFilters) + (f * rowSpan) + (borderColumns * sizes.Lanes)), sizes.Lanes, samples, g.OutWidth);
            }
        }
    }
}
