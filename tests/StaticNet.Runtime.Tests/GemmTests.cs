using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The matrix kernels at every SIMD level against a naive double-precision product, on sizes chosen
/// to hit every block shape and every tail: rows not a multiple of 4, columns and depths not a
/// multiple of either vector width.
/// </summary>
public class GemmTests
{
    public static TheoryData<SimdLevel, int, int, int> Cases()
    {
        var data = new TheoryData<SimdLevel, int, int, int>();
        foreach (SimdLevel level in new[] { SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            foreach ((int m, int n, int k) in new[] { (1, 1, 1), (4, 48, 16), (5, 50, 17), (7, 3, 33), (6, 784, 25), (16, 100, 150), (13, 120, 400), (3, 10, 84) })
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
