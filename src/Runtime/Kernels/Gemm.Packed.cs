using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

// -------------------------------------------------------------------------------------------------
// C = A B by register tiles over strips of B (a few vectors of columns, every row). The tiles of every
// group of rows of C run along one strip before the next, reading it through a pointer bump or one
// load from the row-offset table per step. A strip is read where it lies when its rows are a
// convolution's shifted views (odd offsets, overlapping, few lines) or when one tile of rows reads it;
// a strip of a matrix a power of two wide, whose rows alias in the cache, or a strip cut short by the
// last column, is first copied into one contiguous panel. A is read in place, one broadcast per row and
// step; a transposed A is first copied to rows.
//
// Two tile shapes cover the products layers make: 4 rows x 3 vectors and 6 rows x 2 vectors, each 12
// accumulators (16 vector registers at 256 bits, with the loads of B and one broadcast). A product
// takes the one that wastes fewer multiply-adds on its edges: a convolution's forward has few rows (its
// filters, a multiple of 4) and many columns; its weight gradient, transposed, many rows (its taps) and
// a multiple of 16 columns (its filters).
//
// Every element of C is still (accumulate ? C : 0) + bias, then one fused multiply-add per p in
// order: the same value whatever tile it falls in, and whatever the tile shape.
// -------------------------------------------------------------------------------------------------
public static partial class Gemm
{
    /// <summary>
    /// Rows of B one strip holds: a strip of 128 rows of 3 vectors is 12 KB at 256 bits, so it stays in
    /// the first-level cache while every tile of rows reads it.
    /// </summary>
    private const int DepthBlock = 128;

    /// <summary>Depths up to which a product read in place runs each tile of rows along all its strips in one call.</summary>
    private const int ShallowDepth = 32;

    /// <summary>The widest strip of columns any tile shape takes at any level: 3 vectors of 16.</summary>
    internal const int WidestStrip = 48;

    /// <summary>A transposed A copied to rows, one buffer per thread, grown once to the largest size needed.</summary>
    [ThreadStatic]
    private static float[]? t_rowsOfA;

    /// <summary>One copied strip of B, then the row bias and the epilogue's scales and shifts, one buffer per thread.</summary>
    [ThreadStatic]
    private static float[]? t_strip;

    /// <summary>C = A B, with A read through <paramref name="s"/>'s strides and B's rows at <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPacked<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, Shape s, TRows rows, in RowEpilogue epilogue = default)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        if (s.AColumnStride == 1)
        {
            MultiplyPacked<TVector, TOps, StridedRows, TRows>(ref a, new StridedRows(s.ARowStride), ref b, rows, ref c, ref bias, s, epilogue);
            return;
        }

        // A transposed (a dense layer's output gradient as the weight gradient reads it): its rows copied out once.
        float[] rowsOfA = Grow(ref t_rowsOfA, s.M * s.K);
        ref float copy = ref MemoryMarshal.GetArrayDataReference(rowsOfA);
        for (int i = 0; i < s.M; i++)
        {
            for (int p = 0; p < s.K; p++)
            {
                Unsafe.Add(ref copy, (i * s.K) + p) = Unsafe.Add(ref a, ((nint)i * s.ARowStride) + ((nint)p * s.AColumnStride));
            }
        }

        MultiplyPacked<TVector, TOps, StridedRows, TRows>(ref copy, new StridedRows(s.K), ref b, rows, ref c, ref bias, s, epilogue);
    }

    /// <summary>C = A B, with A's rows (contiguous) at <paramref name="aRows"/> and B's at <paramref name="bRows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPacked<TVector, TOps, TRowsA, TRowsB>(ref float a, TRowsA aRows, ref float b, TRowsB bRows, ref float c, ref float bias, Shape s, in RowEpilogue epilogue)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRowsA : struct, IRows
        where TRowsB : struct, IRows
    {
        if (s.M == 0 || s.N == 0)
        {
            return;
        }

        // The tile shape that leaves fewer idle lanes and rows on the edges of C; 4 x 3 when they tie.
        int w = TOps.Count;
        long wide = RoundUp(s.M, 4) * RoundUp(s.N, 3 * w), tall = RoundUp(s.M, 6) * RoundUp(s.N, 2 * w);
        bool tallTiles = tall < wide;
        int tileRows = tallTiles ? 6 : 4, stripWidth = (tallTiles ? 2 : 3) * w;

        // The strip, then the bias and the epilogue's scales and shifts, one per row, zero past the last.
        int paddedRows = (int)RoundUp(s.M, tileRows);
        float[] buffer = Grow(ref t_strip, (DepthBlock * stripWidth) + (3 * paddedRows));
        ref float strip = ref MemoryMarshal.GetArrayDataReference(buffer);
        ref float rowBias = ref Unsafe.Add(ref strip, DepthBlock * stripWidth);
        ref float rowScale = ref Unsafe.Add(ref rowBias, paddedRows);
        ref float rowShift = ref Unsafe.Add(ref rowScale, paddedRows);
        bool affine = !epilogue.Scales.IsEmpty;
        for (int i = 0; i < paddedRows; i++)
        {
            Unsafe.Add(ref rowBias, i) = s.HasBias && i < s.M ? Unsafe.Add(ref bias, i) : 0f;
            Unsafe.Add(ref rowScale, i) = affine && i < s.M ? epilogue.Scales[i] : 0f;
            Unsafe.Add(ref rowShift, i) = affine && i < s.M ? epilogue.Shifts[i] : 0f;
        }

        // A tile on the edge of C runs on this copy of its corner, so the tile itself never tests a bound.
        Span<float> edge = stackalloc float[6 * 3 * 64 / sizeof(float)];
        ref float corner = ref MemoryMarshal.GetReference(edge);
        Span<nint> tileA = stackalloc nint[6];
        int rowTiles = (s.M + tileRows - 1) / tileRows;
        int firstStrip = 0;
        if (s.K <= ShallowDepth && s.M % tileRows == 0 && (rowTiles == 1 || bRows.HasTable))
        {
            // A shallow product read in place (a first layer's: 9 or 25 taps): each tile of rows runs along
            // every strip that fits in one call, so the call's cost is not paid for a few steps each.
            int strips = Math.Min((s.N + stripWidth - 1) / stripWidth, (s.N + s.Slack) / stripWidth);
            var finish = new TileFinish(affine, epilogue.Relu);
            for (int i = 0; i < s.M && strips > 0; i += tileRows)
            {
                for (int r = 0; r < tileRows; r++)
                {
                    tileA[r] = aRows.Row(i + r);
                }

                ref float tileC = ref Unsafe.Add(ref c, (nint)i * s.CRowStride);
                ref float tileBias = ref Unsafe.Add(ref rowBias, i);
                ref float tileScale = ref Unsafe.Add(ref rowScale, i), tileShift = ref Unsafe.Add(ref rowShift, i);
                if (bRows.HasTable)
                {
                    Tile<TVector, TOps, TableStep>(tallTiles, ref a, tileA, ref b, ref bRows.Table(0), 0, s.K, ref tileC, s.CRowStride, ref tileBias, s.HasBias, s.Accumulate, ref tileScale, ref tileShift, finish, strips);
                }
                else
                {
                    Tile<TVector, TOps, StrideStep>(tallTiles, ref a, tileA, ref b, ref Unsafe.NullRef<int>(), bRows.Row(1) - bRows.Row(0), s.K, ref tileC, s.CRowStride, ref tileBias, s.HasBias, s.Accumulate, ref tileScale, ref tileShift, finish, strips);
                }
            }

            firstStrip = strips * stripWidth;
        }

        for (int j = firstStrip; j < s.N; j += stripWidth)
        {
            // A last strip that fits in the slack past the last column is computed whole, in place.
            int columns = Math.Min(stripWidth, s.N - j);
            bool fits = columns == stripWidth || s.N - j + s.Slack >= stripWidth;
            for (int p0 = 0; p0 < s.K; p0 += DepthBlock)
            {
                // The first block of depth starts from the bias (and C when accumulating); the others from the sums before them.
                int depth = Math.Min(DepthBlock, s.K - p0);
                bool first = p0 == 0, accumulate = s.Accumulate || !first, hasBias = s.HasBias && first;
                var finish = new TileFinish(affine && p0 + depth == s.K, epilogue.Relu && p0 + depth == s.K);
                // A whole strip is read where it lies when a copy would be read only once (one tile of rows),
                // or when its rows are a convolution's shifted views: their odd offsets never alias in the
                // cache, as the rows of a matrix a power of two wide do, and they overlap, so they are few.
                bool direct = fits && (rowTiles == 1 || typeof(TRowsB) != typeof(StridedRows));
                if (!direct)
                {
                    PackStrip<TVector, TOps, TRowsB>(ref b, bRows, ref strip, j, columns, stripWidth, p0, depth);
                }

                for (int i = 0; i < s.M; i += tileRows)
                {
                    int rowsHere = Math.Min(tileRows, s.M - i);

                    // Rows past the last read row i again; their sums are computed and dropped.
                    for (int r = 0; r < tileRows; r++)
                    {
                        tileA[r] = aRows.Row(r < rowsHere ? i + r : i) + p0;
                    }

                    ref float tileC = ref Unsafe.Add(ref c, ((nint)i * s.CRowStride) + j);
                    bool whole = rowsHere == tileRows && (columns == stripWidth || (direct && fits));
                    ref float target = ref whole ? ref tileC : ref corner;
                    nint stride = whole ? s.CRowStride : stripWidth;
                    if (!whole && accumulate)
                    {
                        CopyCorner(ref tileC, s.CRowStride, ref corner, stripWidth, rowsHere, columns);
                    }

                    ref float tileBias = ref Unsafe.Add(ref rowBias, i);
                    ref float tileScale = ref Unsafe.Add(ref rowScale, i), tileShift = ref Unsafe.Add(ref rowShift, i);
                    if (!direct)
                    {
                        Tile<TVector, TOps, StrideStep>(tallTiles, ref a, tileA, ref strip, ref Unsafe.NullRef<int>(), stripWidth, depth, ref target, stride, ref tileBias, hasBias, accumulate, ref tileScale, ref tileShift, finish);
                    }
                    else if (bRows.HasTable)
                    {
                        Tile<TVector, TOps, TableStep>(tallTiles, ref a, tileA, ref Unsafe.Add(ref b, j), ref bRows.Table(p0), 0, depth, ref target, stride, ref tileBias, hasBias, accumulate, ref tileScale, ref tileShift, finish);
                    }
                    else
                    {
                        Tile<TVector, TOps, StrideStep>(tallTiles, ref a, tileA, ref Unsafe.Add(ref b, bRows.Row(p0) + j), ref Unsafe.NullRef<int>(), bRows.Row(1) - bRows.Row(0), depth, ref target, stride, ref tileBias, hasBias, accumulate, ref tileScale, ref tileShift, finish);
                    }

                    if (!whole)
                    {
                        CopyCorner(ref corner, stripWidth, ref tileC, s.CRowStride, rowsHere, columns);
                    }
                }
            }
        }
    }

    private static long RoundUp(int value, int multiple) => ((long)value + multiple - 1) / multiple * multiple;

    /// <summary>Copies columns [j, j + columns) of rows [p0, p0 + depth) of B into one contiguous strip of <paramref name="stripWidth"/>, zero past the last column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackStrip<TVector, TOps, TRows>(ref float b, TRows rows, ref float strip, int j, int columns, int stripWidth, int p0, int depth)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        int w = TOps.Count, vectors = columns / w;
        for (int p = p0; p < p0 + depth; p++)
        {
            ref float row = ref Unsafe.Add(ref b, rows.Row(p) + j);
            for (int v = 0; v < vectors; v++)
            {
                TOps.Store(TOps.Load(ref row, v * w), ref strip, v * w);
            }

            for (int t = vectors * w; t < stripWidth; t++)
            {
                Unsafe.Add(ref strip, t) = t < columns ? Unsafe.Add(ref row, t) : 0f;
            }

            strip = ref Unsafe.Add(ref strip, stripWidth);
        }
    }

    /// <summary>
    /// What a product does to row i of C as it stores it: <c>y = x * Scales[i] + Shifts[i]</c> (a multiply,
    /// then an add, never fused) when there are scales, then a ReLU when <see cref="Relu"/>. Inference's
    /// batch normalisation and ReLU after a convolution, applied while the values are still in registers.
    /// </summary>
    internal readonly ref struct RowEpilogue
    {
        public RowEpilogue(ReadOnlySpan<float> scales, ReadOnlySpan<float> shifts, bool relu)
        {
            if (scales.Length != shifts.Length)
            {
                throw new ArgumentException($"An epilogue needs as many shifts as scales, but has {shifts.Length} and {scales.Length}.", nameof(shifts));
            }

            Scales = scales;
            Shifts = shifts;
            Relu = relu;
        }

        public ReadOnlySpan<float> Scales { get; }

        public ReadOnlySpan<float> Shifts { get; }

        public bool Relu { get; }

        /// <summary>Applies the epilogue to the <paramref name="m"/> rows of C (row i at <c>c[i * rowStride]</c>, <paramref name="n"/> values), one value at a time: the scalar reference's way.</summary>
        public void Apply(ref float c, int m, int n, int rowStride)
        {
            for (int i = 0; i < m && (!Scales.IsEmpty || Relu); i++)
            {
                for (int j = 0; j < n; j++)
                {
                    ref float value = ref Unsafe.Add(ref c, ((nint)i * rowStride) + j);
                    float y = Scales.IsEmpty ? value : (value * Scales[i]) + Shifts[i];
                    value = Relu ? MathF.Max(y, 0f) : y;
                }
            }
        }
    }

    /// <summary>Copies a <paramref name="rows"/> x <paramref name="columns"/> corner between C and the edge tile.</summary>
    private static void CopyCorner(ref float source, nint sourceStride, ref float target, nint targetStride, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, r * sourceStride), columns).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref target, r * targetStride), columns));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TVector, TOps, TStep>(bool tall, ref float a, ReadOnlySpan<nint> rowsOfA, ref float b, ref int table, nint stride, int k, ref float c, nint cStride, ref float bias, bool hasBias, bool accumulate, ref float scale, ref float shift, TileFinish finish, int strips = 1)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TStep : struct, IStripStep
    {
        if (tall)
        {
            Tile6x2<TVector, TOps, TStep>(ref a, rowsOfA, ref b, ref table, stride, k, ref c, cStride, ref bias, hasBias, accumulate, ref scale, ref shift, finish, strips);
        }
        else
        {
            Tile4x3<TVector, TOps, TStep>(ref a, rowsOfA, ref b, ref table, stride, k, ref c, cStride, ref bias, hasBias, accumulate, ref scale, ref shift, finish, strips);
        }
    }

    /// <summary>Where a tile finds row p of its strip of B: rows a fixed stride apart, or at the offsets of a table.</summary>
    private interface IStripStep
    {
        static abstract nint Offset(ref int table, nint stride, nint p);
    }

    private readonly struct StrideStep : IStripStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Offset(ref int table, nint stride, nint p) => p * stride;
    }

    private readonly struct TableStep : IStripStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Offset(ref int table, nint stride, nint p) => Unsafe.Add(ref table, p);
    }

    /// <summary>
    /// 4 rows x 3 vectors of C = start + A x the strip: <paramref name="k"/> steps of 3 loads, 4
    /// broadcasts and 12 fused multiply-adds. Row r of A starts at <c>a[rowsOfA[r]]</c>; row p of B where <typeparamref name="TStep"/> puts it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x3<TVector, TOps, TStep>(ref float a, ReadOnlySpan<nint> rowsOfA, ref float b, ref int table, nint stride, int k, ref float c, nint cStride, ref float bias, bool hasBias, bool accumulate, ref float scale, ref float shift, TileFinish finish, int strips = 1)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TStep : struct, IStripStep
    {
        int w = TOps.Count;
        ref float a0 = ref Unsafe.Add(ref a, rowsOfA[0]), a1 = ref Unsafe.Add(ref a, rowsOfA[1]), a2 = ref Unsafe.Add(ref a, rowsOfA[2]), a3 = ref Unsafe.Add(ref a, rowsOfA[3]);
        for (int next = 0; next < strips; next++)
        {
            TVector c00 = TileStart<TVector, TOps>(ref c, 0, 0, cStride, ref bias, hasBias, accumulate), c01 = TileStart<TVector, TOps>(ref c, 0, w, cStride, ref bias, hasBias, accumulate), c02 = TileStart<TVector, TOps>(ref c, 0, 2 * w, cStride, ref bias, hasBias, accumulate);
            TVector c10 = TileStart<TVector, TOps>(ref c, 1, 0, cStride, ref bias, hasBias, accumulate), c11 = TileStart<TVector, TOps>(ref c, 1, w, cStride, ref bias, hasBias, accumulate), c12 = TileStart<TVector, TOps>(ref c, 1, 2 * w, cStride, ref bias, hasBias, accumulate);
            TVector c20 = TileStart<TVector, TOps>(ref c, 2, 0, cStride, ref bias, hasBias, accumulate), c21 = TileStart<TVector, TOps>(ref c, 2, w, cStride, ref bias, hasBias, accumulate), c22 = TileStart<TVector, TOps>(ref c, 2, 2 * w, cStride, ref bias, hasBias, accumulate);
            TVector c30 = TileStart<TVector, TOps>(ref c, 3, 0, cStride, ref bias, hasBias, accumulate), c31 = TileStart<TVector, TOps>(ref c, 3, w, cStride, ref bias, hasBias, accumulate), c32 = TileStart<TVector, TOps>(ref c, 3, 2 * w, cStride, ref bias, hasBias, accumulate);
            for (nint p = 0, depth = k; p < depth; p++)
            {
                ref float strip = ref Unsafe.Add(ref b, TStep.Offset(ref table, stride, p));
                TVector b0 = TOps.Load(ref strip, 0), b1 = TOps.Load(ref strip, w), b2 = TOps.Load(ref strip, 2 * w);
                TVector x = TOps.Broadcast(Unsafe.Add(ref a0, p));
                c00 = TOps.MultiplyAdd(x, b0, c00);
                c01 = TOps.MultiplyAdd(x, b1, c01);
                c02 = TOps.MultiplyAdd(x, b2, c02);
                x = TOps.Broadcast(Unsafe.Add(ref a1, p));
                c10 = TOps.MultiplyAdd(x, b0, c10);
                c11 = TOps.MultiplyAdd(x, b1, c11);
                c12 = TOps.MultiplyAdd(x, b2, c12);
                x = TOps.Broadcast(Unsafe.Add(ref a2, p));
                c20 = TOps.MultiplyAdd(x, b0, c20);
                c21 = TOps.MultiplyAdd(x, b1, c21);
                c22 = TOps.MultiplyAdd(x, b2, c22);
                x = TOps.Broadcast(Unsafe.Add(ref a3, p));
                c30 = TOps.MultiplyAdd(x, b0, c30);
                c31 = TOps.MultiplyAdd(x, b1, c31);
                c32 = TOps.MultiplyAdd(x, b2, c32);
            }

            TOps.Store(Finish<TVector, TOps>(c00, 0, ref scale, ref shift, finish), ref c, 0);
            TOps.Store(Finish<TVector, TOps>(c01, 0, ref scale, ref shift, finish), ref c, w);
            TOps.Store(Finish<TVector, TOps>(c02, 0, ref scale, ref shift, finish), ref c, 2 * w);
            TOps.Store(Finish<TVector, TOps>(c10, 1, ref scale, ref shift, finish), ref c, cStride);
            TOps.Store(Finish<TVector, TOps>(c11, 1, ref scale, ref shift, finish), ref c, cStride + w);
            TOps.Store(Finish<TVector, TOps>(c12, 1, ref scale, ref shift, finish), ref c, cStride + (2 * w));
            TOps.Store(Finish<TVector, TOps>(c20, 2, ref scale, ref shift, finish), ref c, 2 * cStride);
            TOps.Store(Finish<TVector, TOps>(c21, 2, ref scale, ref shift, finish), ref c, (2 * cStride) + w);
            TOps.Store(Finish<TVector, TOps>(c22, 2, ref scale, ref shift, finish), ref c, (2 * cStride) + (2 * w));
            TOps.Store(Finish<TVector, TOps>(c30, 3, ref scale, ref shift, finish), ref c, 3 * cStride);
            TOps.Store(Finish<TVector, TOps>(c31, 3, ref scale, ref shift, finish), ref c, (3 * cStride) + w);
            TOps.Store(Finish<TVector, TOps>(c32, 3, ref scale, ref shift, finish), ref c, (3 * cStride) + (2 * w));
            b = ref Unsafe.Add(ref b, 3 * w);
            c = ref Unsafe.Add(ref c, 3 * w);
        }
    }

    /// <summary>
    /// 6 rows x 2 vectors of C = start + A x the strip: <paramref name="k"/> steps of 2 loads, 6
    /// broadcasts and 12 fused multiply-adds. Row r of A starts at <c>a[rowsOfA[r]]</c>; row p of B where <typeparamref name="TStep"/> puts it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x2<TVector, TOps, TStep>(ref float a, ReadOnlySpan<nint> rowsOfA, ref float b, ref int table, nint stride, int k, ref float c, nint cStride, ref float bias, bool hasBias, bool accumulate, ref float scale, ref float shift, TileFinish finish, int strips = 1)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TStep : struct, IStripStep
    {
        int w = TOps.Count;
        ref float a0 = ref Unsafe.Add(ref a, rowsOfA[0]), a1 = ref Unsafe.Add(ref a, rowsOfA[1]), a2 = ref Unsafe.Add(ref a, rowsOfA[2]);
        ref float a3 = ref Unsafe.Add(ref a, rowsOfA[3]), a4 = ref Unsafe.Add(ref a, rowsOfA[4]), a5 = ref Unsafe.Add(ref a, rowsOfA[5]);
        for (int next = 0; next < strips; next++)
        {
            TVector c00 = TileStart<TVector, TOps>(ref c, 0, 0, cStride, ref bias, hasBias, accumulate), c01 = TileStart<TVector, TOps>(ref c, 0, w, cStride, ref bias, hasBias, accumulate);
            TVector c10 = TileStart<TVector, TOps>(ref c, 1, 0, cStride, ref bias, hasBias, accumulate), c11 = TileStart<TVector, TOps>(ref c, 1, w, cStride, ref bias, hasBias, accumulate);
            TVector c20 = TileStart<TVector, TOps>(ref c, 2, 0, cStride, ref bias, hasBias, accumulate), c21 = TileStart<TVector, TOps>(ref c, 2, w, cStride, ref bias, hasBias, accumulate);
            TVector c30 = TileStart<TVector, TOps>(ref c, 3, 0, cStride, ref bias, hasBias, accumulate), c31 = TileStart<TVector, TOps>(ref c, 3, w, cStride, ref bias, hasBias, accumulate);
            TVector c40 = TileStart<TVector, TOps>(ref c, 4, 0, cStride, ref bias, hasBias, accumulate), c41 = TileStart<TVector, TOps>(ref c, 4, w, cStride, ref bias, hasBias, accumulate);
            TVector c50 = TileStart<TVector, TOps>(ref c, 5, 0, cStride, ref bias, hasBias, accumulate), c51 = TileStart<TVector, TOps>(ref c, 5, w, cStride, ref bias, hasBias, accumulate);
            for (nint p = 0, depth = k; p < depth; p++)
            {
                ref float strip = ref Unsafe.Add(ref b, TStep.Offset(ref table, stride, p));
                TVector b0 = TOps.Load(ref strip, 0), b1 = TOps.Load(ref strip, w);
                TVector x = TOps.Broadcast(Unsafe.Add(ref a0, p));
                c00 = TOps.MultiplyAdd(x, b0, c00);
                c01 = TOps.MultiplyAdd(x, b1, c01);
                x = TOps.Broadcast(Unsafe.Add(ref a1, p));
                c10 = TOps.MultiplyAdd(x, b0, c10);
                c11 = TOps.MultiplyAdd(x, b1, c11);
                x = TOps.Broadcast(Unsafe.Add(ref a2, p));
                c20 = TOps.MultiplyAdd(x, b0, c20);
                c21 = TOps.MultiplyAdd(x, b1, c21);
                x = TOps.Broadcast(Unsafe.Add(ref a3, p));
                c30 = TOps.MultiplyAdd(x, b0, c30);
                c31 = TOps.MultiplyAdd(x, b1, c31);
                x = TOps.Broadcast(Unsafe.Add(ref a4, p));
                c40 = TOps.MultiplyAdd(x, b0, c40);
                c41 = TOps.MultiplyAdd(x, b1, c41);
                x = TOps.Broadcast(Unsafe.Add(ref a5, p));
                c50 = TOps.MultiplyAdd(x, b0, c50);
                c51 = TOps.MultiplyAdd(x, b1, c51);
            }

            TOps.Store(Finish<TVector, TOps>(c00, 0, ref scale, ref shift, finish), ref c, 0);
            TOps.Store(Finish<TVector, TOps>(c01, 0, ref scale, ref shift, finish), ref c, w);
            TOps.Store(Finish<TVector, TOps>(c10, 1, ref scale, ref shift, finish), ref c, cStride);
            TOps.Store(Finish<TVector, TOps>(c11, 1, ref scale, ref shift, finish), ref c, cStride + w);
            TOps.Store(Finish<TVector, TOps>(c20, 2, ref scale, ref shift, finish), ref c, 2 * cStride);
            TOps.Store(Finish<TVector, TOps>(c21, 2, ref scale, ref shift, finish), ref c, (2 * cStride) + w);
            TOps.Store(Finish<TVector, TOps>(c30, 3, ref scale, ref shift, finish), ref c, 3 * cStride);
            TOps.Store(Finish<TVector, TOps>(c31, 3, ref scale, ref shift, finish), ref c, (3 * cStride) + w);
            TOps.Store(Finish<TVector, TOps>(c40, 4, ref scale, ref shift, finish), ref c, 4 * cStride);
            TOps.Store(Finish<TVector, TOps>(c41, 4, ref scale, ref shift, finish), ref c, (4 * cStride) + w);
            TOps.Store(Finish<TVector, TOps>(c50, 5, ref scale, ref shift, finish), ref c, 5 * cStride);
            TOps.Store(Finish<TVector, TOps>(c51, 5, ref scale, ref shift, finish), ref c, (5 * cStride) + w);
            b = ref Unsafe.Add(ref b, 2 * w);
            c = ref Unsafe.Add(ref c, 2 * w);
        }
    }

    /// <summary>What the last block of depth does to a tile's rows as it stores them: the epilogue's scale and shift, its ReLU.</summary>
    private readonly record struct TileFinish(bool Affine, bool Relu);

    /// <summary>One accumulator of row <paramref name="row"/> as it is stored: times the row's scale plus its shift (a multiply, then an add), then the ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Finish<TVector, TOps>(TVector value, int row, ref float scale, ref float shift, TileFinish finish)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        if (finish.Affine)
        {
            value = TOps.Add(TOps.Multiply(value, TOps.Broadcast(Unsafe.Add(ref scale, row))), TOps.Broadcast(Unsafe.Add(ref shift, row)));
        }

        return finish.Relu ? TOps.Max(value, TOps.Zero) : value;
    }

    /// <summary>The starting value of one accumulator: the row's bias, plus C's current lanes when accumulating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector TileStart<TVector, TOps>(ref float c, int row, int column, nint cStride, ref float bias, bool hasBias, bool accumulate)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        TVector start = hasBias ? TOps.Broadcast(Unsafe.Add(ref bias, row)) : TOps.Zero;
        return accumulate ? TOps.Add(start, TOps.Load(ref c, (row * cStride) + column)) : start;
    }

    private static float[] Grow(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[Math.Max(length, 4096)];
        }

        return buffer;
    }
}
