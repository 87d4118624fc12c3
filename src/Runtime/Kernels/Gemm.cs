using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// Matrix products on row-major float matrices, register-blocked and vectorised at 512 or 256 bits,
/// that the vectorised paths of generated layers call with their compile-time shapes. Two forms cover
/// every layer:
/// <list type="bullet">
/// <item><see cref="Multiply(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float}, int, int, int, ReadOnlySpan{float}, bool, SimdLevel)"/>: <c>C = A B</c>, one element of A broadcast against vectors of a row of
/// B, by register tiles over strips of B (Gemm.Packed.cs). A is read through strides, so a
/// transposed A costs one copy.</item>
/// <item><c>MultiplyTransposed</c>: <c>C = A B^T</c>, dot products of rows of A with rows of B,
/// both read along their contiguous length.</item>
/// </list>
/// Both can add a bias and accumulate into C. Columns past the last whole vector are computed in a
/// zero-padded copy, so no load ever reads past a buffer.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Gemm
{
    /// <summary>
    /// <c>C[i, j] = (accumulate ? C[i, j] : 0) + rowBias[i] + sum over p of A[i, p] * B[p, j]</c> for an
    /// <paramref name="m"/> x <paramref name="n"/> C, where <c>A[i, p] = a[i * aRowStride + p * aColumnStride]</c>
    /// and B is a row-major <paramref name="k"/> x <paramref name="n"/> matrix. <paramref name="rowBias"/>
    /// is empty or holds one value per row of C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(
        ReadOnlySpan<float> a,
        int aRowStride,
        int aColumnStride,
        ReadOnlySpan<float> b,
        Span<float> c,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> rowBias,
        bool accumulate,
        SimdLevel simd) =>
        Multiply(a, aRowStride, aColumnStride, b, c, m, n, k, rowBias, accumulate, simd, default);

    /// <summary>C = A B as <see cref="Multiply(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float}, int, int, int, ReadOnlySpan{float}, bool, SimdLevel)"/>, with an epilogue applied to each row as it is stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply(ReadOnlySpan<float> a, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, ReadOnlySpan<float> rowBias, bool accumulate, SimdLevel simd, in RowEpilogue epilogue)
    {
        CheckLength(a.Length, ((long)(m - 1) * aRowStride) + ((long)(k - 1) * aColumnStride) + 1, nameof(a));
        CheckLength(b.Length, (long)k * n, nameof(b));
        CheckLength(c.Length, (long)m * n, nameof(c));
        if (!rowBias.IsEmpty)
        {
            CheckLength(rowBias.Length, m, nameof(rowBias));
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        ref float bias = ref MemoryMarshal.GetReference(rowBias);
        CheckEpilogue(epilogue, m);
        var shape = new Shape(aRowStride, aColumnStride, m, n, k, !rowBias.IsEmpty, accumulate, CRowStride: n);
        switch (simd)
        {
            case SimdLevel.Vector512:
                MultiplyPacked<Vector512<float>, Ops512, StridedRows>(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(n), epilogue);
                break;
            case SimdLevel.Vector256:
                MultiplyPacked<Vector256<float>, Ops256, StridedRows>(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(n), epilogue);
                break;
            case SimdLevel.Vector128:
                MultiplyPacked<Vector128<float>, Ops128, StridedRows>(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(n), epilogue);
                break;
            default:
                MultiplyScalar(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(n));
                epilogue.Apply(ref rc, m, n, n);
                break;
        }
    }

    private static void CheckEpilogue(in RowEpilogue epilogue, int m)
    {
        if (!epilogue.Scales.IsEmpty)
        {
            CheckLength(epilogue.Scales.Length, m, "scales");
        }
    }

    /// <summary>
    /// <c>C[i, j] = (accumulate ? C[i, j] : 0) + columnBias[j] + sum over p of A[i, p] * B[j, p]</c>
    /// for a row-major <paramref name="m"/> x <paramref name="k"/> A and <paramref name="n"/> x <paramref name="k"/> B.
    /// <paramref name="columnBias"/> is empty or holds one value per column of C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposed(
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        Span<float> c,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> columnBias,
        bool accumulate,
        SimdLevel simd) =>
        MultiplyTransposed(a, k, 0, b, k, 0, segments: 1, c, m, n, k, columnBias, accumulate, simd);

    /// <summary>
    /// <c>C[i, j] = (accumulate ? C[i, j] : 0) + columnBias[j] + sum over segments s and p of A_s[i, p] * B_s[j, p]</c>:
    /// a product of A and B transposed whose depth is split into <paramref name="segments"/> pieces of
    /// <paramref name="k"/> values, where <c>A_s[i, p] = a[s * aSegmentStride + i * aRowStride + p]</c>
    /// (and likewise for B). A convolution's weight gradient is such a product, with one segment per
    /// sample of the batch: summing in registers across samples saves a reduction per sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposed(
        ReadOnlySpan<float> a,
        int aRowStride,
        int aSegmentStride,
        ReadOnlySpan<float> b,
        int bRowStride,
        int bSegmentStride,
        int segments,
        Span<float> c,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> columnBias,
        bool accumulate,
        SimdLevel simd)
    {
        CheckLength(a.Length, ((long)(segments - 1) * aSegmentStride) + ((long)(m - 1) * aRowStride) + k, nameof(a));
        CheckLength(b.Length, ((long)(segments - 1) * bSegmentStride) + ((long)(n - 1) * bRowStride) + k, nameof(b));
        CheckLength(c.Length, (long)m * n, nameof(c));
        if (!columnBias.IsEmpty)
        {
            CheckLength(columnBias.Length, n, nameof(columnBias));
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        ref float bias = ref MemoryMarshal.GetReference(columnBias);
        var shape = new DotShape(aRowStride, aSegmentStride, bRowStride, bSegmentStride, segments, m, n, k, !columnBias.IsEmpty, accumulate);
        switch (simd)
        {
            case SimdLevel.Vector512:
                MultiplyTransposed<Vector512<float>, Ops512, StridedRows>(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(bRowStride));
                break;
            case SimdLevel.Vector256:
                MultiplyTransposed<Vector256<float>, Ops256, StridedRows>(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(bRowStride));
                break;
            case SimdLevel.Vector128:
                MultiplyTransposed<Vector128<float>, Ops128, StridedRows>(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(bRowStride));
                break;
            default:
                MultiplyTransposedScalar(ref ra, ref rb, ref rc, ref bias, shape, new StridedRows(bRowStride));
                break;
        }
    }

    /// <summary>The segmented product of A and B transposed, with B's rows (within each segment) at the offsets of <paramref name="bRowOffsets"/>.</summary>
    internal static void MultiplyTransposed(
        ReadOnlySpan<float> a,
        int aRowStride,
        int aSegmentStride,
        ReadOnlySpan<float> b,
        int bSegmentStride,
        int segments,
        Span<float> c,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> columnBias,
        bool accumulate,
        SimdLevel simd,
        int[] bRowOffsets)
    {
        CheckLength(a.Length, ((long)(segments - 1) * aSegmentStride) + ((long)(m - 1) * aRowStride) + k, nameof(a));
        CheckRows(b.Length - ((segments - 1) * bSegmentStride), bRowOffsets, n, k);
        CheckLength(c.Length, (long)m * n, nameof(c));
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        ref float bias = ref MemoryMarshal.GetReference(columnBias);
        var shape = new DotShape(aRowStride, aSegmentStride, 0, bSegmentStride, segments, m, n, k, !columnBias.IsEmpty, accumulate);
        var rows = new OffsetRows(bRowOffsets);
        switch (simd)
        {
            case SimdLevel.Vector512:
                MultiplyTransposed<Vector512<float>, Ops512, OffsetRows>(ref ra, ref rb, ref rc, ref bias, shape, rows);
                break;
            case SimdLevel.Vector256:
                MultiplyTransposed<Vector256<float>, Ops256, OffsetRows>(ref ra, ref rb, ref rc, ref bias, shape, rows);
                break;
            case SimdLevel.Vector128:
                MultiplyTransposed<Vector128<float>, Ops128, OffsetRows>(ref ra, ref rb, ref rc, ref bias, shape, rows);
                break;
            default:
                MultiplyTransposedScalar(ref ra, ref rb, ref rc, ref bias, shape, rows);
                break;
        }
    }

    /// <summary>The sizes and options of one segmented product of A and B transposed.</summary>
    private readonly record struct DotShape(int ARowStride, int ASegmentStride, int BRowStride, int BSegmentStride, int Segments, int M, int N, int K, bool HasBias, bool Accumulate);

    /// <summary>The sizes and options of one product, passed as one value.</summary>
    /// <summary>
    /// The sizes and options of one product, passed as one value. <see cref="Slack"/> columns past the last of
    /// every row of B may be read, and past the last of every row of C overwritten: a last strip that fits
    /// in them is computed whole, in place, its extra columns junk.
    /// </summary>
    private readonly record struct Shape(int ARowStride, int AColumnStride, int M, int N, int K, bool HasBias, bool Accumulate, int CRowStride, int Slack = 0);

    /// <summary>
    /// <c>C = A B</c> where row p of B starts at <c>b[bRowOffsets[p]]</c> and its columns are contiguous:
    /// a convolution's shifted views of one padded input, read without copying (an implicit im2col).
    /// Rows may overlap; every row must have <paramref name="n"/> readable values. Row i of C starts at
    /// <c>c[i * cRowStride]</c>, so a product may fill part of each row of a wider C. The <paramref name="slack"/>
    /// values past the last column of every row of B may be read, and of C overwritten, with junk.
    /// </summary>
    internal static void MultiplyShifted(ReadOnlySpan<float> a, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, int[] bRowOffsets, Span<float> c, int cRowStride, int m, int n, int k, ReadOnlySpan<float> rowBias, bool accumulate, SimdLevel simd, in RowEpilogue epilogue = default, int slack = 0)
    {
        CheckEpilogue(epilogue, m);
        CheckLength(a.Length, ((long)(m - 1) * aRowStride) + ((long)(k - 1) * aColumnStride) + 1, nameof(a));
        CheckRows(b.Length, bRowOffsets, k, n + slack);
        CheckLength(c.Length, ((long)(m - 1) * cRowStride) + n + slack, nameof(c));
        if (slack > 0 && accumulate)
        {
            throw new ArgumentException("A product that accumulates has no columns to spare.", nameof(slack));
        }
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        ref float bias = ref MemoryMarshal.GetReference(rowBias);
        var shape = new Shape(aRowStride, aColumnStride, m, n, k, !rowBias.IsEmpty, accumulate, cRowStride, slack);
        var rows = new OffsetRows(bRowOffsets);
        switch (simd)
        {
            case SimdLevel.Vector512:
                MultiplyPacked<Vector512<float>, Ops512, OffsetRows>(ref ra, ref rb, ref rc, ref bias, shape, rows, epilogue);
                break;
            case SimdLevel.Vector256:
                MultiplyPacked<Vector256<float>, Ops256, OffsetRows>(ref ra, ref rb, ref rc, ref bias, shape, rows, epilogue);
                break;
            case SimdLevel.Vector128:
                MultiplyPacked<Vector128<float>, Ops128, OffsetRows>(ref ra, ref rb, ref rc, ref bias, shape, rows, epilogue);
                break;
            default:
                MultiplyScalar(ref ra, ref rb, ref rc, ref bias, shape, rows);
                epilogue.Apply(ref rc, m, n, cRowStride);
                break;
        }
    }

    /// <summary>
    /// <c>C = A B</c> where row i of A starts at <c>a[aRowOffsets[i]]</c> and its <paramref name="k"/> values
    /// are contiguous, and B is a row-major <paramref name="k"/> x <paramref name="n"/> matrix: a
    /// convolution's weight gradient, transposed, whose rows of A are the shifted views of its input.
    /// </summary>
    internal static void MultiplyShiftedRows(ReadOnlySpan<float> a, int[] aRowOffsets, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate, SimdLevel simd)
    {
        CheckRows(a.Length, aRowOffsets, m, k);
        CheckLength(b.Length, (long)k * n, nameof(b));
        CheckLength(c.Length, (long)m * n, nameof(c));
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        float none = 0f;
        var shape = new Shape(0, 1, m, n, k, HasBias: false, accumulate, CRowStride: n);
        var aRows = new OffsetRows(aRowOffsets);
        var bRows = new StridedRows(n);
        switch (simd)
        {
            case SimdLevel.Vector512:
                MultiplyPacked<Vector512<float>, Ops512, OffsetRows, StridedRows>(ref ra, aRows, ref rb, bRows, ref rc, ref none, shape, default);
                break;
            case SimdLevel.Vector256:
                MultiplyPacked<Vector256<float>, Ops256, OffsetRows, StridedRows>(ref ra, aRows, ref rb, bRows, ref rc, ref none, shape, default);
                break;
            case SimdLevel.Vector128:
                MultiplyPacked<Vector128<float>, Ops128, OffsetRows, StridedRows>(ref ra, aRows, ref rb, bRows, ref rc, ref none, shape, default);
                break;
            default:
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        float sum = 0f;
                        for (int p = 0; p < k; p++)
                        {
                            sum += Unsafe.Add(ref ra, aRows.Row(i) + p) * Unsafe.Add(ref rb, ((nint)p * n) + j);
                        }

                        ref float target = ref Unsafe.Add(ref rc, ((nint)i * n) + j);
                        target = accumulate ? target + sum : sum;
                    }
                }

                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckRows(int length, int[] offsets, int rows, int rowLength)
    {
        if (offsets.Length < rows)
        {
            throw new ArgumentException($"{rows} row offsets are needed, but {offsets.Length} were given.", nameof(offsets));
        }

        for (int row = 0; row < rows; row++)
        {
            if (offsets[row] < 0 || (long)offsets[row] + rowLength > length)
            {
                throw new ArgumentException($"Row {row} at offset {offsets[row]} with {rowLength} values does not fit in b's {length}.", nameof(offsets));
            }
        }
    }

    /// <summary>Where each row of B starts, in floats from its first value.</summary>
    private interface IRows
    {
        /// <summary>Whether the rows' offsets are read from a table (<see cref="Table"/>), not computed.</summary>
        bool HasTable { get; }

        nint Row(int index);

        /// <summary>The table's entry for row <paramref name="index"/>, when <see cref="HasTable"/>.</summary>
        ref int Table(int index);
    }

    /// <summary>Rows a fixed stride apart: an ordinary row-major matrix.</summary>
    private readonly struct StridedRows : IRows
    {
        private readonly nint _stride;

        public StridedRows(nint stride) => _stride = stride;

        public bool HasTable => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Row(int index) => index * _stride;

        public ref int Table(int index) => ref Unsafe.NullRef<int>();
    }

    /// <summary>Rows at arbitrary offsets, from a table.</summary>
    private readonly struct OffsetRows : IRows
    {
        private readonly int[] _offsets;

        public OffsetRows(int[] offsets) => _offsets = offsets;

        public bool HasTable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Row(int index) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_offsets), index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref int Table(int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_offsets), index);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckLength(int actual, long required, string argument)
    {
        if (actual < required)
        {
            throw new ArgumentException($"{argument} holds {actual} values, but the product needs {required}.", argument);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // C = A B^T: dot products, blocks of 4 rows of A (3 below 512 bits) x 4 rows of B, reduced four at
    // a time. The last values of each row, fewer than a vector, are read as one vector that ends at
    // the row's end and overlaps the previous one; a mask zeroes the lanes already counted.
    // ---------------------------------------------------------------------------------------------

    /// <summary>Lanes 0..15 are 0 and lanes 16..31 are 1: loading 16 lanes from index t gives a mask whose last t lanes are 1.</summary>
    private static readonly float[] TailMaskSource =
    {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyTransposed<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, DotShape s, TRows rows)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        if (s.K < TOps.Count)
        {
            // Rows shorter than one vector: the overlapping tail would read before the row. Rare (tiny layers); the scalar loop is fine.
            MultiplyTransposedScalar(ref a, ref b, ref c, ref bias, s, rows);
            return;
        }

        int tail = s.K % TOps.Count;
        TVector mask = TOps.Load(ref TailMaskSource[0], 16 - TOps.Count + tail);

        // C in blocks whose rows of A and of B both stay in the second-level cache while the block is computed, so that
        // each row of B comes from memory once per block of A's rows rather than once per few rows (a dense layer's
        // 784 x 256 weights are 800 KB). Each element is still one whole dot product: the blocks change only the order.
        // The rows past the last whole block run with the last block of rows, against each block of B's rows while it
        // is cached: after all the blocks, they read all of B from memory again for a row or two (the one row past
        // the blocks in a chunk of 64 took 4% of a batched MLP pass, for 1.6% of its products).
        int blockRows = DotBlockRows<TVector, TOps>(), fullRows = s.M - (s.M % blockRows);
        long rowFloats = Math.Max(1L, (long)s.K * s.Segments);
        int rowsAtOnce = Math.Max(blockRows, (int)Math.Min(s.M, DotCacheFloats / 2 / rowFloats) / blockRows * blockRows);
        int columnsAtOnce = Math.Max(4, (int)Math.Min(s.N, DotCacheFloats / 2 / rowFloats) / 4 * 4);
        int firstRow = 0;
        do
        {
            int endRow = Math.Min(fullRows, firstRow + rowsAtOnce);
            int endRest = endRow == fullRows ? s.M : endRow;
            for (int firstColumn = 0; firstColumn < s.N; firstColumn += columnsAtOnce)
            {
                int endColumn = Math.Min(s.N, firstColumn + columnsAtOnce);
                // Four rows of B at a time against every block of A's rows: those four stay in the first-level cache
                // and A's rows stream from the second, 3 loads of each step's 7 rather than 4.
                int j = firstColumn;
                for (; j + 4 <= endColumn; j += 4)
                {
                    for (int i = firstRow; i < endRow; i += blockRows)
                    {
                        DotBlock<TVector, TOps, TRows>(ref a, ref b, ref c, ref bias, i, j, s, rows, mask);
                    }
                }

                for (; j < endColumn; j++)
                {
                    for (int i = firstRow; i < endRow; i += blockRows)
                    {
                        DotColumn<TVector, TOps, TRows>(ref a, ref b, ref c, ref bias, i, j, s, rows, mask);
                    }
                }

                for (int i = endRow; i < endRest; i++)
                {
                    DotRow<TVector, TOps, TRows>(ref a, ref b, ref c, ref bias, i, firstColumn, endColumn, s, rows, mask);
                }
            }

            firstRow = endRow;
        }
        while (firstRow < fullRows);
    }

    /// <summary>The dot products of row <paramref name="i"/> of A with rows [<paramref name="firstColumn"/>, <paramref name="endColumn"/>) of B: eight at a time, then four, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotRow<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, int i, int firstColumn, int endColumn, DotShape s, TRows rows, TVector mask)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        int j = firstColumn;
        for (; j + 8 <= endColumn; j += 8)
        {
            Dot1x8<TVector, TOps, TRows>(ref a, ref b, ref c, ref bias, i, j, s, rows, mask);
        }

        for (; j + 4 <= endColumn; j += 4)
        {
            Dot1x4<TVector, TOps, TRows>(ref a, ref b, ref c, ref bias, i, j, s, rows, mask);
        }

        for (; j < endColumn; j++)
        {
            Dot1x1<TVector, TOps, TRows>(ref a, ref b, ref c, ref bias, i, j, s, rows, mask);
        }
    }

    /// <summary>
    /// Floats of A's and B's rows that one block of dot products keeps in the second-level cache: 256 KB, half the
    /// second-level cache of most current x86-64 cores, the other half left to C and whatever else the thread reads.
    /// </summary>
    private const long DotCacheFloats = 64 * 1024;

    /// <summary>
    /// Rows of A in a dot-product block of 4 rows of B: 4 x 4 blocks take 16 accumulators, which fit in the 32
    /// vector registers of 512 bits but spill to the stack at every step in 16, so narrower vectors take 3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DotBlockRows<TVector, TOps>()
        where TVector : struct
        where TOps : struct, IVectorOps<TVector> => TOps.Count == 16 ? 4 : 3;

    /// <summary>The dot products of a block of <see cref="DotBlockRows{TVector, TOps}"/> rows of A with 4 rows of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, int i, int j, DotShape s, TRows rows, TVector mask)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        // The fourth row's loads and multiply-adds sit behind a constant of the width, which the JIT drops below 512 bits.
        bool fourRows = DotBlockRows<TVector, TOps>() == 4;
        int w = TOps.Count, k = s.K, full = k - (k % w);
        nint ar = s.ARowStride;
        nint row0 = rows.Row(j), row1 = rows.Row(j + 1), row2 = rows.Row(j + 2), row3 = rows.Row(j + 3);
        TVector s00 = TOps.Zero, s01 = TOps.Zero, s02 = TOps.Zero, s03 = TOps.Zero;
        TVector s10 = TOps.Zero, s11 = TOps.Zero, s12 = TOps.Zero, s13 = TOps.Zero;
        TVector s20 = TOps.Zero, s21 = TOps.Zero, s22 = TOps.Zero, s23 = TOps.Zero;
        TVector s30 = TOps.Zero, s31 = TOps.Zero, s32 = TOps.Zero, s33 = TOps.Zero;
        for (int segment = 0; segment < s.Segments; segment++)
        {
            ref float a0 = ref Unsafe.Add(ref a, ((nint)segment * s.ASegmentStride) + ((nint)i * ar));
            ref float bs = ref Unsafe.Add(ref b, (nint)segment * s.BSegmentStride);
            ref float b0 = ref Unsafe.Add(ref bs, row0), b1 = ref Unsafe.Add(ref bs, row1), b2 = ref Unsafe.Add(ref bs, row2), b3 = ref Unsafe.Add(ref bs, row3);
            // Two steps a turn: half the loop's own instructions per multiply-add, each sum still taken in order.
            int p = 0;
            for (; p + w < full; p += 2 * w)
            {
                DotStep<TVector, TOps>(ref a0, ar, ref b0, ref b1, ref b2, ref b3, p, fourRows, mask, masked: false, ref s00, ref s01, ref s02, ref s03, ref s10, ref s11, ref s12, ref s13, ref s20, ref s21, ref s22, ref s23, ref s30, ref s31, ref s32, ref s33);
                DotStep<TVector, TOps>(ref a0, ar, ref b0, ref b1, ref b2, ref b3, p + w, fourRows, mask, masked: false, ref s00, ref s01, ref s02, ref s03, ref s10, ref s11, ref s12, ref s13, ref s20, ref s21, ref s22, ref s23, ref s30, ref s31, ref s32, ref s33);
            }

            for (; p < full; p += w)
            {
                DotStep<TVector, TOps>(ref a0, ar, ref b0, ref b1, ref b2, ref b3, p, fourRows, mask, masked: false, ref s00, ref s01, ref s02, ref s03, ref s10, ref s11, ref s12, ref s13, ref s20, ref s21, ref s22, ref s23, ref s30, ref s31, ref s32, ref s33);
            }

            if (full < k)
            {
                // The last values: one vector ending at the row's end, masked to the lanes not yet counted.
                DotStep<TVector, TOps>(ref a0, ar, ref b0, ref b1, ref b2, ref b3, k - w, fourRows, mask, masked: true, ref s00, ref s01, ref s02, ref s03, ref s10, ref s11, ref s12, ref s13, ref s20, ref s21, ref s22, ref s23, ref s30, ref s31, ref s32, ref s33);
            }
        }

        Put4(ref c, ref bias, i, j, s, TOps.Sum4(s00, s01, s02, s03));
        Put4(ref c, ref bias, i + 1, j, s, TOps.Sum4(s10, s11, s12, s13));
        Put4(ref c, ref bias, i + 2, j, s, TOps.Sum4(s20, s21, s22, s23));
        if (fourRows)
        {
            Put4(ref c, ref bias, i + 3, j, s, TOps.Sum4(s30, s31, s32, s33));
        }
    }

    /// <summary>
    /// One step of <see cref="DotBlock"/>: a vector of each of its rows of A and of B, at <paramref name="p"/>, into the
    /// block's sums; A's vectors times <paramref name="mask"/> when <paramref name="masked"/> (the last step of a row that
    /// whole vectors do not fill).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotStep<TVector, TOps>(ref float a0, nint ar, ref float b0, ref float b1, ref float b2, ref float b3, int p, bool fourRows, TVector mask, bool masked, ref TVector s00, ref TVector s01, ref TVector s02, ref TVector s03, ref TVector s10, ref TVector s11, ref TVector s12, ref TVector s13, ref TVector s20, ref TVector s21, ref TVector s22, ref TVector s23, ref TVector s30, ref TVector s31, ref TVector s32, ref TVector s33)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        LoadRows<TVector, TOps>(ref a0, ar, p, fourRows, mask, masked, out TVector x0, out TVector x1, out TVector x2, out TVector x3);
        DotStepColumn<TVector, TOps>(x0, x1, x2, x3, TOps.Load(ref b0, p), fourRows, ref s00, ref s10, ref s20, ref s30);
        DotStepColumn<TVector, TOps>(x0, x1, x2, x3, TOps.Load(ref b1, p), fourRows, ref s01, ref s11, ref s21, ref s31);
        DotStepColumn<TVector, TOps>(x0, x1, x2, x3, TOps.Load(ref b2, p), fourRows, ref s02, ref s12, ref s22, ref s32);
        DotStepColumn<TVector, TOps>(x0, x1, x2, x3, TOps.Load(ref b3, p), fourRows, ref s03, ref s13, ref s23, ref s33);
    }

    /// <summary>The vectors at <paramref name="p"/> of a block's rows of A, times <paramref name="mask"/> when <paramref name="masked"/>; the fourth zero unless <paramref name="fourRows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadRows<TVector, TOps>(ref float a0, nint ar, int p, bool fourRows, TVector mask, bool masked, out TVector x0, out TVector x1, out TVector x2, out TVector x3)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        x0 = TOps.Load(ref a0, p);
        x1 = TOps.Load(ref a0, ar + p);
        x2 = TOps.Load(ref a0, (2 * ar) + p);
        x3 = fourRows ? TOps.Load(ref a0, (3 * ar) + p) : TOps.Zero;
        if (masked)
        {
            x0 = TOps.Multiply(x0, mask);
            x1 = TOps.Multiply(x1, mask);
            x2 = TOps.Multiply(x2, mask);
            x3 = fourRows ? TOps.Multiply(x3, mask) : TOps.Zero;
        }
    }

    /// <summary>One row of B's vector <paramref name="y"/> of a <see cref="DotStep"/>, into its sums with each row of A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotStepColumn<TVector, TOps>(TVector x0, TVector x1, TVector x2, TVector x3, TVector y, bool fourRows, ref TVector s0, ref TVector s1, ref TVector s2, ref TVector s3)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        s0 = TOps.MultiplyAdd(x0, y, s0);
        s1 = TOps.MultiplyAdd(x1, y, s1);
        s2 = TOps.MultiplyAdd(x2, y, s2);
        if (fourRows)
        {
            s3 = TOps.MultiplyAdd(x3, y, s3);
        }
    }

    /// <summary>
    /// The dot products of a block of <see cref="DotBlockRows{TVector, TOps}"/> rows of A with one row of B: each
    /// exactly as <see cref="Dot1x1"/> computes it, their chains interleaved so that no multiply-add waits for the one
    /// before it (a first layer's 25 taps leave one column past the blocks of 4, whose single chains, each multiply-add
    /// waiting on the last, took 14% of LeNet-5's first weight gradient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotColumn<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, int i, int j, DotShape s, TRows rows, TVector mask)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        bool fourRows = DotBlockRows<TVector, TOps>() == 4;
        int w = TOps.Count, k = s.K, full = k - (k % w);
        nint ar = s.ARowStride, row = rows.Row(j);
        TVector s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
        for (int segment = 0; segment < s.Segments; segment++)
        {
            ref float a0 = ref Unsafe.Add(ref a, ((nint)segment * s.ASegmentStride) + ((nint)i * ar));
            ref float b0 = ref Unsafe.Add(ref b, ((nint)segment * s.BSegmentStride) + row);
            for (int p = 0; p < full; p += w)
            {
                TVector y = TOps.Load(ref b0, p);
                s0 = TOps.MultiplyAdd(TOps.Load(ref a0, p), y, s0);
                s1 = TOps.MultiplyAdd(TOps.Load(ref a0, ar + p), y, s1);
                s2 = TOps.MultiplyAdd(TOps.Load(ref a0, (2 * ar) + p), y, s2);
                if (fourRows)
                {
                    s3 = TOps.MultiplyAdd(TOps.Load(ref a0, (3 * ar) + p), y, s3);
                }
            }

            if (full < k)
            {
                int p = k - w;
                TVector y = TOps.Load(ref b0, p);
                s0 = TOps.MultiplyAdd(TOps.Multiply(TOps.Load(ref a0, p), mask), y, s0);
                s1 = TOps.MultiplyAdd(TOps.Multiply(TOps.Load(ref a0, ar + p), mask), y, s1);
                s2 = TOps.MultiplyAdd(TOps.Multiply(TOps.Load(ref a0, (2 * ar) + p), mask), y, s2);
                if (fourRows)
                {
                    s3 = TOps.MultiplyAdd(TOps.Multiply(TOps.Load(ref a0, (3 * ar) + p), mask), y, s3);
                }
            }
        }


        Put(ref c, ref bias, i, j, s.N, s.HasBias, s.Accumulate, TOps.Sum(s0));
        Put(ref c, ref bias, i + 1, j, s.N, s.HasBias, s.Accumulate, TOps.Sum(s1));
        Put(ref c, ref bias, i + 2, j, s.N, s.HasBias, s.Accumulate, TOps.Sum(s2));
        if (fourRows)
        {
            Put(ref c, ref bias, i + 3, j, s.N, s.HasBias, s.Accumulate, TOps.Sum(s3));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, int i, int j, DotShape s, TRows rows, TVector mask)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        int w = TOps.Count, k = s.K, full = k - (k % w);
        nint row0 = rows.Row(j), row1 = rows.Row(j + 1), row2 = rows.Row(j + 2), row3 = rows.Row(j + 3);
        TVector s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
        for (int segment = 0; segment < s.Segments; segment++)
        {
            ref float a0 = ref Unsafe.Add(ref a, ((nint)segment * s.ASegmentStride) + ((nint)i * s.ARowStride));
            ref float bs = ref Unsafe.Add(ref b, (nint)segment * s.BSegmentStride);
            ref float b0 = ref Unsafe.Add(ref bs, row0), b1 = ref Unsafe.Add(ref bs, row1), b2 = ref Unsafe.Add(ref bs, row2), b3 = ref Unsafe.Add(ref bs, row3);
            for (int p = 0; p < full; p += w)
            {
                TVector x = TOps.Load(ref a0, p);
                s0 = TOps.MultiplyAdd(x, TOps.Load(ref b0, p), s0);
                s1 = TOps.MultiplyAdd(x, TOps.Load(ref b1, p), s1);
                s2 = TOps.MultiplyAdd(x, TOps.Load(ref b2, p), s2);
                s3 = TOps.MultiplyAdd(x, TOps.Load(ref b3, p), s3);
            }

            if (full < k)
            {
                int p = k - w;
                TVector x = TOps.Multiply(TOps.Load(ref a0, p), mask);
                s0 = TOps.MultiplyAdd(x, TOps.Load(ref b0, p), s0);
                s1 = TOps.MultiplyAdd(x, TOps.Load(ref b1, p), s1);
                s2 = TOps.MultiplyAdd(x, TOps.Load(ref b2, p), s2);
                s3 = TOps.MultiplyAdd(x, TOps.Load(ref b3, p), s3);
            }
        }

        Put4(ref c, ref bias, i, j, s, TOps.Sum4(s0, s1, s2, s3));
    }

    /// <summary>
    /// Eight dot products of one row of A: a single sample through a dense layer, where the four of
    /// <see cref="Dot1x4"/> would leave the FMA pipes waiting on each accumulator's previous add. Each
    /// output is summed exactly as there, so one sample gives the same outputs alone or in a batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x8<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, int i, int j, DotShape s, TRows rows, TVector mask)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        int w = TOps.Count, k = s.K, full = k - (k % w);
        nint row0 = rows.Row(j), row1 = rows.Row(j + 1), row2 = rows.Row(j + 2), row3 = rows.Row(j + 3);
        nint row4 = rows.Row(j + 4), row5 = rows.Row(j + 5), row6 = rows.Row(j + 6), row7 = rows.Row(j + 7);
        TVector s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
        TVector s4 = TOps.Zero, s5 = TOps.Zero, s6 = TOps.Zero, s7 = TOps.Zero;
        for (int segment = 0; segment < s.Segments; segment++)
        {
            ref float a0 = ref Unsafe.Add(ref a, ((nint)segment * s.ASegmentStride) + ((nint)i * s.ARowStride));
            ref float bs = ref Unsafe.Add(ref b, (nint)segment * s.BSegmentStride);
            ref float b0 = ref Unsafe.Add(ref bs, row0), b1 = ref Unsafe.Add(ref bs, row1), b2 = ref Unsafe.Add(ref bs, row2), b3 = ref Unsafe.Add(ref bs, row3);
            ref float b4 = ref Unsafe.Add(ref bs, row4), b5 = ref Unsafe.Add(ref bs, row5), b6 = ref Unsafe.Add(ref bs, row6), b7 = ref Unsafe.Add(ref bs, row7);
            for (int p = 0; p < full; p += w)
            {
                TVector x = TOps.Load(ref a0, p);
                s0 = TOps.MultiplyAdd(x, TOps.Load(ref b0, p), s0);
                s1 = TOps.MultiplyAdd(x, TOps.Load(ref b1, p), s1);
                s2 = TOps.MultiplyAdd(x, TOps.Load(ref b2, p), s2);
                s3 = TOps.MultiplyAdd(x, TOps.Load(ref b3, p), s3);
                s4 = TOps.MultiplyAdd(x, TOps.Load(ref b4, p), s4);
                s5 = TOps.MultiplyAdd(x, TOps.Load(ref b5, p), s5);
                s6 = TOps.MultiplyAdd(x, TOps.Load(ref b6, p), s6);
                s7 = TOps.MultiplyAdd(x, TOps.Load(ref b7, p), s7);
            }

            if (full < k)
            {
                int p = k - w;
                TVector x = TOps.Multiply(TOps.Load(ref a0, p), mask);
                s0 = TOps.MultiplyAdd(x, TOps.Load(ref b0, p), s0);
                s1 = TOps.MultiplyAdd(x, TOps.Load(ref b1, p), s1);
                s2 = TOps.MultiplyAdd(x, TOps.Load(ref b2, p), s2);
                s3 = TOps.MultiplyAdd(x, TOps.Load(ref b3, p), s3);
                s4 = TOps.MultiplyAdd(x, TOps.Load(ref b4, p), s4);
                s5 = TOps.MultiplyAdd(x, TOps.Load(ref b5, p), s5);
                s6 = TOps.MultiplyAdd(x, TOps.Load(ref b6, p), s6);
                s7 = TOps.MultiplyAdd(x, TOps.Load(ref b7, p), s7);
            }
        }

        Put4(ref c, ref bias, i, j, s, TOps.Sum4(s0, s1, s2, s3));
        Put4(ref c, ref bias, i, j + 4, s, TOps.Sum4(s4, s5, s6, s7));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x1<TVector, TOps, TRows>(ref float a, ref float b, ref float c, ref float bias, int i, int j, DotShape s, TRows rows, TVector mask)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, IRows
    {
        int w = TOps.Count, k = s.K, full = k - (k % w);
        nint row = rows.Row(j);
        TVector sum = TOps.Zero;
        for (int segment = 0; segment < s.Segments; segment++)
        {
            ref float a0 = ref Unsafe.Add(ref a, ((nint)segment * s.ASegmentStride) + ((nint)i * s.ARowStride));
            ref float b0 = ref Unsafe.Add(ref b, ((nint)segment * s.BSegmentStride) + row);
            for (int p = 0; p < full; p += w)
            {
                sum = TOps.MultiplyAdd(TOps.Load(ref a0, p), TOps.Load(ref b0, p), sum);
            }

            if (full < k)
            {
                sum = TOps.MultiplyAdd(TOps.Multiply(TOps.Load(ref a0, k - w), mask), TOps.Load(ref b0, k - w), sum);
            }
        }

        Put(ref c, ref bias, i, j, s.N, s.HasBias, s.Accumulate, TOps.Sum(sum));
    }

    /// <summary>Writes four dot products, C[i, j..j+3], with the bias and accumulation applied to all four at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put4(ref float c, ref float bias, int i, int j, DotShape s, Vector128<float> dots)
    {
        ref float target = ref Unsafe.Add(ref c, ((nint)i * s.N) + j);
        if (s.HasBias)
        {
            dots += Vector128.LoadUnsafe(ref Unsafe.Add(ref bias, j));
        }

        if (s.Accumulate)
        {
            dots += Vector128.LoadUnsafe(ref target);
        }

        dots.StoreUnsafe(ref target);
    }

    /// <summary>Writes one dot product into C: added to C when accumulating, plus the column's bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref float c, ref float bias, int i, int j, int n, bool hasBias, bool accumulate, float dot)
    {
        ref float target = ref Unsafe.Add(ref c, ((nint)i * n) + j);
        float value = hasBias ? dot + Unsafe.Add(ref bias, j) : dot;
        target = accumulate ? target + value : value;
    }

    // ---------------------------------------------------------------------------------------------
    // The scalar reference.
    // ---------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyScalar<TRows>(ref float a, ref float b, ref float c, ref float bias, Shape s, TRows rows)
        where TRows : struct, IRows
    {
        for (int i = 0; i < s.M; i++)
        {
            for (int j = 0; j < s.N; j++)
            {
                float sum = s.HasBias ? Unsafe.Add(ref bias, i) : 0f;
                for (int p = 0; p < s.K; p++)
                {
                    sum += Unsafe.Add(ref a, ((nint)i * s.ARowStride) + ((nint)p * s.AColumnStride)) * Unsafe.Add(ref b, rows.Row(p) + j);
                }

                ref float target = ref Unsafe.Add(ref c, ((nint)i * s.CRowStride) + j);
                target = s.Accumulate ? target + sum : sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyTransposedScalar<TRows>(ref float a, ref float b, ref float c, ref float bias, DotShape s, TRows rows)
        where TRows : struct, IRows
    {
        for (int i = 0; i < s.M; i++)
        {
            for (int j = 0; j < s.N; j++)
            {
                float sum = 0f;
                for (int segment = 0; segment < s.Segments; segment++)
                {
                    nint aRow = ((nint)segment * s.ASegmentStride) + ((nint)i * s.ARowStride);
                    nint bRow = ((nint)segment * s.BSegmentStride) + rows.Row(j);
                    for (int p = 0; p < s.K; p++)
                    {
                        sum += Unsafe.Add(ref a, aRow + p) * Unsafe.Add(ref b, bRow + p);
                    }
                }

                Put(ref c, ref bias, i, j, s.N, s.HasBias, s.Accumulate, sum);
            }
        }
    }
}
