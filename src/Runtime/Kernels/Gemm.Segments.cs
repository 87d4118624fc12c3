using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

public static partial class Gemm
{
    /// <summary>Rows of A and C that <see cref="MultiplyBySegments"/> takes at a time: the tall tile's, so A and C hold a multiple of them.</summary>
    internal const int SegmentTileRows = 6;

    /// <summary>Columns of C in one strip of <see cref="MultiplyBySegments"/> at <paramref name="simd"/>: the tall tile's two vectors.</summary>
    internal static int SegmentStripWidth(SimdLevel simd) => simd switch
    {
        SimdLevel.Vector512 => 2 * Vector512<float>.Count,
        SimdLevel.Vector256 => 2 * Vector256<float>.Count,
        _ => 2 * Vector128<float>.Count,
    };

    /// <summary>
    /// C = A B one strip of <see cref="SegmentStripWidth"/> columns at a time, where each strip sums only its own
    /// segments of the depth: the ones the other strips' columns need would add nothing to its own (a convolution's
    /// taps that reach no output from where the strip lies). Strip j is <c>c[j * stripWidth]</c> onwards in every row
    /// of C; it reads B from <c>b[bColumns[j]]</c> onwards, row p of B <c>table[p]</c> past that; its segments are the
    /// pairs [begin, end) in <paramref name="segments"/> from pair <c>firstSegments[j]</c> up to
    /// <c>firstSegments[j + 1]</c>, summed in that order, and a strip without any is zero. A and C have
    /// <paramref name="rowTiles"/> x <see cref="SegmentTileRows"/> rows, <paramref name="aRowStride"/> and
    /// <paramref name="cRowStride"/> apart. Each element of C is one fused multiply-add per step of its segments in
    /// order, from zero: it does not depend on the strip it falls in. Vector levels only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyBySegments(ReadOnlySpan<float> a, int aRowStride, ReadOnlySpan<float> b, ReadOnlySpan<int> bColumns, ReadOnlySpan<int> table, ReadOnlySpan<int> firstSegments, ReadOnlySpan<int> segments, Span<float> c, int cRowStride, int rowTiles, SimdLevel simd)
    {
        CheckSegments(a.Length, aRowStride, b.Length, bColumns, table, firstSegments, segments, c.Length, cRowStride, rowTiles, SegmentStripWidth(simd));
        ref float aStart = ref MemoryMarshal.GetReference(a), bStart = ref MemoryMarshal.GetReference(b), cStart = ref MemoryMarshal.GetReference(c);
        ref int tableStart = ref MemoryMarshal.GetReference(table);
        switch (simd)
        {
            case SimdLevel.Vector512:
                MultiplyBySegments<Vector512<float>, Ops512>(ref aStart, aRowStride, ref bStart, bColumns, ref tableStart, firstSegments, segments, ref cStart, cRowStride, rowTiles);
                break;
            case SimdLevel.Vector256:
                MultiplyBySegments<Vector256<float>, Ops256>(ref aStart, aRowStride, ref bStart, bColumns, ref tableStart, firstSegments, segments, ref cStart, cRowStride, rowTiles);
                break;
            case SimdLevel.Vector128:
                MultiplyBySegments<Vector128<float>, Ops128>(ref aStart, aRowStride, ref bStart, bColumns, ref tableStart, firstSegments, segments, ref cStart, cRowStride, rowTiles);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(simd), simd, "Gemm.MultiplyBySegments runs at a vector level only.");
        }
    }

    /// <summary>Throws unless every read and write <see cref="MultiplyBySegments"/> would make falls inside its spans.</summary>
    private static void CheckSegments(int aLength, int aRowStride, int bLength, ReadOnlySpan<int> bColumns, ReadOnlySpan<int> table, ReadOnlySpan<int> firstSegments, ReadOnlySpan<int> segments, int cLength, int cRowStride, int rowTiles, int stripWidth)
    {
        const string Name = "Gemm.MultiplyBySegments";
        int strips = bColumns.Length, rows = rowTiles * SegmentTileRows;
        if (rowTiles < 1 || firstSegments.Length != strips + 1 || segments.Length % 2 != 0 || (strips > 0 && (firstSegments[0] != 0 || firstSegments[strips] > segments.Length / 2)))
        {
            throw new ArgumentException($"{Name}: {rowTiles} row tiles, {strips} strips with {firstSegments.Length} segment starts and {segments.Length / 2} segments do not describe a product.");
        }

        int tableMin = int.MaxValue, tableMax = int.MinValue, depth = 0;
        for (int s = 0; s < strips; s++)
        {
            if (firstSegments[s + 1] < firstSegments[s])
            {
                throw new ArgumentException($"{Name}: strip {s}'s segments end before they start.", nameof(firstSegments));
            }
        }

        for (int pair = 0; pair < segments.Length; pair += 2)
        {
            int begin = segments[pair], end = segments[pair + 1];
            if (begin < 0 || end <= begin || end > table.Length)
            {
                throw new ArgumentException($"{Name}: segment [{begin}, {end}) is empty or outside the {table.Length} rows of B.", nameof(segments));
            }

            depth = Math.Max(depth, end);
        }

        // Every row of B a strip may read, wherever it lies: a bound for all strips at once.
        foreach (int offset in table)
        {
            tableMin = Math.Min(tableMin, offset);
            tableMax = Math.Max(tableMax, offset);
        }

        for (int s = 0; s < strips; s++)
        {
            if (firstSegments[s + 1] > firstSegments[s] && ((long)bColumns[s] + tableMin < 0 || (long)bColumns[s] + tableMax + stripWidth > bLength))
            {
                throw new ArgumentException($"{Name}: strip {s} would read B outside its {bLength} values.", nameof(bColumns));
            }
        }

        if (((long)(rows - 1) * aRowStride) + depth > aLength || ((long)(rows - 1) * cRowStride) + ((long)strips * stripWidth) > cLength)
        {
            throw new ArgumentException($"{Name}: {rows} rows of A ({aRowStride} apart, {depth} deep) or of C ({cRowStride} apart, {strips} strips of {stripWidth}) do not fit in {aLength} and {cLength} values.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBySegments<TVector, TOps>(ref float a, int aRowStride, ref float b, ReadOnlySpan<int> bColumns, ref int table, ReadOnlySpan<int> firstSegments, ReadOnlySpan<int> segments, ref float c, int cRowStride, int rowTiles)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int w = TOps.Count, stripWidth = 2 * w;
        Span<nint> tileA = stackalloc nint[SegmentTileRows];
        float none = 0f;
        for (int j = 0; j < bColumns.Length; j++)
        {
            ref float strip = ref Unsafe.Add(ref b, bColumns[j]);
            ref float stripOfC = ref Unsafe.Add(ref c, (nint)j * stripWidth);
            int first = firstSegments[j], end = firstSegments[j + 1];
            if (first == end)
            {
                for (int row = 0; row < rowTiles * SegmentTileRows; row++)
                {
                    TOps.Store(TOps.Zero, ref stripOfC, (nint)row * cRowStride);
                    TOps.Store(TOps.Zero, ref stripOfC, ((nint)row * cRowStride) + w);
                }

                continue;
            }

            // Segment by segment, every tile of rows along the strip while its rows of B are in the first-level cache;
            // the segments after the first continue the sums the one before stored.
            for (int segment = first; segment < end; segment++)
            {
                int begin = segments[2 * segment], depth = segments[(2 * segment) + 1] - begin;
                for (int tile = 0; tile < rowTiles; tile++)
                {
                    for (int r = 0; r < SegmentTileRows; r++)
                    {
                        tileA[r] = ((nint)((tile * SegmentTileRows) + r) * aRowStride) + begin;
                    }

                    Tile6x2<TVector, TOps, TableStep>(ref a, tileA, ref strip, ref Unsafe.Add(ref table, begin), 0, depth, ref Unsafe.Add(ref stripOfC, (nint)tile * SegmentTileRows * cRowStride), cRowStride, ref none, hasBias: false, accumulate: segment > first, ref none, ref none, default);
                }
            }
        }
    }
}
