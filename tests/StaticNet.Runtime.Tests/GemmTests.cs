using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The matrix kernels at every SIMD level against a naive double-precision product, on sizes chosen
/// to hit both tile shapes and every edge: rows not a multiple of 4 or 6, columns not a multiple of any
/// strip, depths past one block of depth, dot products in several blocks of rows and of columns; A read transposed
/// (copied to rows first) and in place.
/// </summary>
public class GemmTests
{
    public static TheoryData<SimdLevel, int, int, int> Cases()
    {
        var data = new TheoryData<SimdLevel, int, int, int>();
        foreach (SimdLevel level in new[] { SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            foreach ((int m, int n, int k) in new[] { (1, 1, 1), (4, 48, 16), (5, 50, 17), (7, 3, 33), (6, 784, 25), (16, 100, 150), (13, 120, 400), (3, 10, 84), (12, 32, 300), (18, 64, 130), (100, 42, 1000) })
            {
                data.Add(level, m, n, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MultiplyMatchesTheDefinition(SimdLevel level, int m, int n, int k)
    {
        float[] b = GradientCheck.Random(k * n, 2, -1f, 1f), bias = GradientCheck.Random(m, 3, -1f, 1f);

        // A read transposed through its strides: A[i, p] = at[p * m + i].
        float[] at = GradientCheck.Random(m * k, 1, -1f, 1f);
        float[] c = GradientCheck.Random(m * n, 4, -1f, 1f), initial = (float[])c.Clone();
        Gemm.Multiply(at, aRowStride: 1, aColumnStride: m, b, c, m, n, k, bias, accumulate: true, level);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = initial[(i * n) + j] + bias[i];
                for (int p = 0; p < k; p++)
                {
                    expected += (double)at[(p * m) + i] * b[(p * n) + j];
                }

                Assert.True(Math.Abs(expected - c[(i * n) + j]) <= 1e-4 * (1 + Math.Sqrt(k)), $"C[{i}, {j}]: expected {expected}, got {c[(i * n) + j]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MultiplyWithRowsOfAInPlaceMatchesTheDefinition(SimdLevel level, int m, int n, int k)
    {
        // A's rows k + 3 apart, so the row stride is not the depth; B's rows read where they lie (shifted) or packed (strided).
        int aRowStride = k + 3;
        float[] a = GradientCheck.Random(m * aRowStride, 1, -1f, 1f), b = GradientCheck.Random(k * n, 2, -1f, 1f), bias = GradientCheck.Random(m, 3, -1f, 1f);
        int[] rows = new int[k];
        for (int p = 0; p < k; p++)
        {
            rows[p] = p * n;
        }

        var strided = new float[m * n];
        var shifted = new float[m * n];
        Gemm.Multiply(a, aRowStride, 1, b, strided, m, n, k, bias, accumulate: false, level);
        Gemm.MultiplyShifted(a, aRowStride, 1, b, rows, shifted, n, m, n, k, bias, accumulate: false, level);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = bias[i];
                for (int p = 0; p < k; p++)
                {
                    expected += (double)a[(i * aRowStride) + p] * b[(p * n) + j];
                }

                Assert.True(Math.Abs(expected - strided[(i * n) + j]) <= 1e-4 * (1 + Math.Sqrt(k)), $"C[{i}, {j}]: expected {expected}, got {strided[(i * n) + j]}");
            }
        }

        // The two ways of reading B sum each element in the same order: the same floats.
        Assert.Equal(strided, shifted);
    }

    [Theory]
    [InlineData(SimdLevel.Vector128)]
    [InlineData(SimdLevel.Vector256)]
    [InlineData(SimdLevel.Vector512)]
    public void AnElementIsTheSameWhateverTileAndShapeItFallsIn(SimdLevel level)
    {
        // 13 x 50 takes 4 x 3 tiles, its first 6 rows alone 6 x 2 tiles, its last 7 columns alone an edge
        // tile: every element must come out bit for bit the same, which is what keeps a batch's results
        // independent of how it is split into chunks and groups.
        const int M = 13, N = 50, K = 300;
        float[] a = GradientCheck.Random(M * K, 1, -1f, 1f), b = GradientCheck.Random(K * N, 2, -1f, 1f), bias = GradientCheck.Random(M, 3, -1f, 1f);
        var whole = new float[M * N];
        Gemm.Multiply(a, K, 1, b, whole, M, N, K, bias, accumulate: false, level);

        var top = new float[6 * N];
        Gemm.Multiply(a, K, 1, b, top, 6, N, K, bias, accumulate: false, level);
        Assert.Equal(whole.AsSpan(0, 6 * N).ToArray(), top);

        int[] rows = new int[K];
        for (int p = 0; p < K; p++)
        {
            rows[p] = (p * N) + 43;
        }

        var right = new float[M * 7];
        Gemm.MultiplyShifted(a, K, 1, b, rows, right, 7, M, 7, K, bias, accumulate: false, level);
        for (int i = 0; i < M; i++)
        {
            Assert.Equal(whole.AsSpan((i * N) + 43, 7).ToArray(), right.AsSpan(i * 7, 7).ToArray());
        }
    }

    [Theory]
    [InlineData(SimdLevel.Vector128, 7, 9, 45)]
    [InlineData(SimdLevel.Vector256, 7, 9, 45)]
    [InlineData(SimdLevel.Vector512, 7, 9, 45)]
    [InlineData(SimdLevel.Vector128, 35, 41, 2100)]
    [InlineData(SimdLevel.Vector256, 35, 41, 2100)]
    [InlineData(SimdLevel.Vector512, 35, 41, 2100)]
    public void ADotProductIsTheSameWhateverBlockItFallsIn(SimdLevel level, int m, int n, int k)
    {
        // Blocks of rows by 4 columns, the columns past them a block of rows by one, the rows past the blocks one by
        // one; each row alone takes the one-row kernels. At a depth of 2,100 the rows of B come in cached blocks of 12
        // and the rows of A in blocks of 12 to 15, and the rows past the last block run against each block of B's
        // rows. Every element must come out bit for bit the same, written and added to C alike.
        float[] a = GradientCheck.Random(m * k, 1, -1f, 1f), b = GradientCheck.Random(n * k, 2, -1f, 1f), bias = GradientCheck.Random(n, 3, -1f, 1f);
        float[] start = GradientCheck.Random(m * n, 4, -1f, 1f);
        foreach (bool accumulate in new[] { false, true })
        {
            float[] whole = (float[])start.Clone();
            Gemm.MultiplyTransposed(a, b, whole, m, n, k, bias, accumulate, level);
            for (int i = 0; i < m; i++)
            {
                float[] row = start.AsSpan(i * n, n).ToArray();
                Gemm.MultiplyTransposed(a.AsSpan(i * k, k), b, row, 1, n, k, bias, accumulate, level);
                Assert.Equal(row, whole.AsSpan(i * n, n).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(SimdLevel.Vector128)]
    [InlineData(SimdLevel.Vector256)]
    [InlineData(SimdLevel.Vector512)]
    public void SlackPastTheLastColumnChangesNoWantedValueAndNothingPastIt(SimdLevel level)
    {
        // 50 wanted columns of rows 80 apart: with 30 columns of slack the last strip is computed whole in
        // place, writing junk into the slack; the 50 columns must be what a product without slack gives, and
        // nothing past the slack may be touched.
        const int M = 9, N = 50, K = 140, Stride = 80, Slack = 30;
        float[] a = GradientCheck.Random(M * K, 1, -1f, 1f), b = GradientCheck.Random((K * Stride) + Slack, 2, -1f, 1f), bias = GradientCheck.Random(M, 3, -1f, 1f);
        int[] rows = new int[K];
        for (int p = 0; p < K; p++)
        {
            rows[p] = p * Stride;
        }

        var exact = new float[M * Stride];
        var slack = new float[M * Stride];
        slack.AsSpan().Fill(7f);
        Gemm.MultiplyShifted(a, K, 1, b, rows, exact, Stride, M, N, K, bias, accumulate: false, level);
        Gemm.MultiplyShifted(a, K, 1, b, rows, slack, Stride, M, N, K, bias, accumulate: false, level, slack: Slack);
        for (int i = 0; i < M; i++)
        {
            Assert.Equal(exact.AsSpan(i * Stride, N).ToArray(), slack.AsSpan(i * Stride, N).ToArray());
            Assert.All(slack.AsSpan((i * Stride) + N + Slack, Stride - N - Slack).ToArray(), v => Assert.Equal(7f, v));
        }
    }

    [Theory]
    [InlineData(SimdLevel.Scalar)]
    [InlineData(SimdLevel.Vector256)]
    [InlineData(SimdLevel.Vector512)]
    public void MultiplyShiftedRowsMatchesTheDefinition(SimdLevel level)
    {
        // Rows of A at offsets that overlap, as a convolution's shifted views do; C accumulates.
        const int M = 9, N = 20, K = 37;
        float[] a = GradientCheck.Random(200, 1, -1f, 1f), b = GradientCheck.Random(K * N, 2, -1f, 1f);
        int[] rows = { 0, 1, 2, 15, 16, 17, 30, 31, 32 };
        float[] c = GradientCheck.Random(M * N, 4, -1f, 1f), initial = (float[])c.Clone();
        Gemm.MultiplyShiftedRows(a, rows, b, c, M, N, K, accumulate: true, level);
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double expected = initial[(i * N) + j];
                for (int p = 0; p < K; p++)
                {
                    expected += (double)a[rows[i] + p] * b[(p * N) + j];
                }

                Assert.True(Math.Abs(expected - c[(i * N) + j]) <= 1e-4 * (1 + Math.Sqrt(K)), $"C[{i}, {j}]: expected {expected}, got {c[(i * N) + j]}");
            }
        }
    }

    [Theory]
    [InlineData(SimdLevel.Vector128)]
    [InlineData(SimdLevel.Vector256)]
    [InlineData(SimdLevel.Vector512)]
    public void MultiplyBySegmentsSumsEachStripsOwnSegmentsOnly(SimdLevel level)
    {
        // Two tiles of rows, A's rows apart by more than the depth; B's rows at scattered, overlapping offsets; four
        // strips: two segments, none (zero), one step, and the whole depth split in two.
        int width = Gemm.SegmentStripWidth(level), rows = 2 * Gemm.SegmentTileRows;
        const int Depth = 40, ARowStride = 43;
        int cRowStride = (4 * width) + 5;
        float[] a = GradientCheck.Random(rows * ARowStride, 1, -1f, 1f), b = GradientCheck.Random(600 + (4 * width), 2, -1f, 1f);
        var random = new Random(3);
        int[] table = new int[Depth];
        for (int p = 0; p < Depth; p++)
        {
            table[p] = random.Next(0, 500);
        }

        int[] bColumns = { 0, 7, 31, 90 };
        int[] firstSegments = { 0, 2, 2, 3, 5 };
        int[] segments = { 0, 10, 15, 40, 5, 6, 0, 17, 17, 40 };
        float[] c = new float[rows * cRowStride];
        c.AsSpan().Fill(float.NaN);
        Gemm.MultiplyBySegments(a, ARowStride, b, bColumns, table, firstSegments, segments, c, cRowStride, rowTiles: 2, level);

        for (int strip = 0; strip < bColumns.Length; strip++)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int column = 0; column < width; column++)
                {
                    double expected = 0;
                    for (int segment = firstSegments[strip]; segment < firstSegments[strip + 1]; segment++)
                    {
                        for (int p = segments[2 * segment]; p < segments[(2 * segment) + 1]; p++)
                        {
                            expected += (double)a[(i * ARowStride) + p] * b[bColumns[strip] + table[p] + column];
                        }
                    }

                    float actual = c[(i * cRowStride) + (strip * width) + column];
                    Assert.True(Math.Abs(expected - actual) <= 1e-4 * (1 + Math.Sqrt(Depth)), $"strip {strip}, C[{i}, {column}]: expected {expected}, got {actual}");
                }
            }
        }

        // Nothing past the strips is written; a sum split into segments is the one it continues, bit for bit.
        for (int i = 0; i < rows; i++)
        {
            Assert.All(c.AsSpan((i * cRowStride) + (4 * width), 5).ToArray(), v => Assert.True(float.IsNaN(v)));
        }

        float[] whole = new float[rows * cRowStride];
        Gemm.MultiplyBySegments(a, ARowStride, b, new[] { 90 }, table, new[] { 0, 1 }, new[] { 0, 40 }, whole, cRowStride, rowTiles: 2, level);
        for (int i = 0; i < rows; i++)
        {
            Assert.Equal(whole.AsSpan(i * cRowStride, width).ToArray(), c.AsSpan((i * cRowStride) + (3 * width), width).ToArray());
        }
    }

    [Fact]
    public void MultiplyBySegmentsRefusesReadsAndWritesOutsideItsSpans()
    {
        const SimdLevel Level = SimdLevel.Vector256;
        int width = Gemm.SegmentStripWidth(Level);
        float[] a = new float[6 * 10], b = new float[100], c = new float[6 * width];
        int[] table = { 0, 10, 20, 30, 40, 50, 60, 70, 80, 100 - width };
        Gemm.MultiplyBySegments(a, 10, b, new[] { 0 }, table, new[] { 0, 1 }, new[] { 0, 10 }, c, width, 1, Level);

        Assert.Contains("outside the 10 rows of B", Assert.Throws<ArgumentException>(() => Gemm.MultiplyBySegments(a, 10, b, new[] { 0 }, table, new[] { 0, 1 }, new[] { 0, 11 }, c, width, 1, Level)).Message);
        Assert.Contains("strip 0 would read B outside its 100 values", Assert.Throws<ArgumentException>(() => Gemm.MultiplyBySegments(a, 10, b, new[] { 1 }, table, new[] { 0, 1 }, new[] { 0, 10 }, c, width, 1, Level)).Message);
        Assert.Contains("do not fit in 60 and", Assert.Throws<ArgumentException>(() => Gemm.MultiplyBySegments(a, 11, b, new[] { 0 }, table, new[] { 0, 1 }, new[] { 0, 10 }, c, width, 1, Level)).Message);
        Assert.Contains("do not describe a product", Assert.Throws<ArgumentException>(() => Gemm.MultiplyBySegments(a, 10, b, new[] { 0 }, table, new[] { 0, 2 }, new[] { 0, 10 }, c, width, 1, Level)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MultiplyBySegments(a, 10, b, new[] { 0 }, table, new[] { 0, 1 }, new[] { 0, 10 }, c, width, 1, SimdLevel.Scalar));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MultiplyTransposedMatchesTheDefinition(SimdLevel level, int m, int n, int k)
    {
        float[] a = GradientCheck.Random(m * k, 1, -1f, 1f), b = GradientCheck.Random(n * k, 2, -1f, 1f), bias = GradientCheck.Random(n, 3, -1f, 1f);
        var c = new float[m * n];
        c.AsSpan().Fill(float.NaN);
        Gemm.MultiplyTransposed(a, b, c, m, n, k, bias, accumulate: false, level);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = bias[j];
                for (int p = 0; p < k; p++)
                {
                    expected += (double)a[(i * k) + p] * b[(j * k) + p];
                }

                Assert.True(Math.Abs(expected - c[(i * n) + j]) <= 1e-4 * (1 + Math.Sqrt(k)), $"C[{i}, {j}]: expected {expected}, got {c[(i * n) + j]}");
            }
        }
    }

    [Fact]
    public void KernelsNeverWriteOutsideTheirMatrix()
    {
        // A C embedded in a larger buffer: the values around it must survive every path, tails included.
        foreach (SimdLevel level in new[] { SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            const int M = 5, N = 21, K = 19;
            var buffer = new float[(M * N) + 64];
            buffer.AsSpan().Fill(7f);
            Span<float> c = buffer.AsSpan(32, M * N);
            Gemm.Multiply(new float[M * K], K, 1, new float[K * N], c, M, N, K, ReadOnlySpan<float>.Empty, accumulate: false, level);
            Gemm.MultiplyTransposed(new float[M * K], new float[N * K], c, M, N, K, ReadOnlySpan<float>.Empty, accumulate: true, level);
            Assert.All(buffer.AsSpan(0, 32).ToArray(), v => Assert.Equal(7f, v));
            Assert.All(buffer.AsSpan(32 + (M * N)).ToArray(), v => Assert.Equal(7f, v));
            Assert.All(c.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void ShortBuffersAreRejected()
    {
        var exception = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[5], 3, 1, new float[6], new float[4], 2, 2, 3, ReadOnlySpan<float>.Empty, false, SimdLevel.Vector512));
        Assert.Contains("a holds 5 values, but the product needs 6", exception.Message);
    }
}
