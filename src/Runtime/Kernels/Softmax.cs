using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// Softmax and log-softmax over each sample's <c>features</c> values, one row per sample. Both subtract
/// the row's maximum before <c>exp</c>, so that it never overflows; backward is one sum over the row and
/// one formula per value, in terms of the saved output.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Softmax
{
    private const string ForwardName = "Softmax.Forward";
    private const string BackwardName = "Softmax.Backward";

    /// <summary>
    /// <c>y = exp(x - max(x)) / sum(exp(x - max(x)))</c> per sample, or when <paramref name="log"/> is set
    /// <c>y = x - max(x) - log(sum(exp(x - max(x))))</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int batchSize, int features, bool log)
    {
        CheckSizes(batchSize, features, ForwardName);
        KernelChecks.AtLeast(x.Length, (long)batchSize * features, nameof(x), ForwardName);
        KernelChecks.AtLeast(y.Length, (long)batchSize * features, nameof(y), ForwardName);
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> xs = x.Slice(b * features, features);
            Span<float> ys = y.Slice(b * features, features);
            float max = xs[0];
            for (int i = 1; i < features; i++)
            {
                max = xs[i] > max ? xs[i] : max;
            }

            float sum = 0f;
            if (log)
            {
                for (int i = 0; i < features; i++)
                {
                    sum += MathF.Exp(xs[i] - max);
                }

                // Shifted by the max first, then by log(sum): adding the two would round log(sum) to the
                // max's float spacing (1/128 near 1e5) and shift every output by that error.
                float logSum = MathF.Log(sum);
                for (int i = 0; i < features; i++)
                {
                    ys[i] = (xs[i] - max) - logSum;
                }
            }
            else
            {
                for (int i = 0; i < features; i++)
                {
                    ys[i] = MathF.Exp(xs[i] - max);
                    sum += ys[i];
                }

                float inverse = 1f / sum;
                for (int i = 0; i < features; i++)
                {
                    ys[i] *= inverse;
                }
            }
        }
    }

    /// <summary>
    /// <c>inputGradient = y * (dy - sum(dy * y))</c> per sample, or when <paramref name="log"/> is set
    /// <c>inputGradient = dy - exp(y) * sum(dy)</c> (exp(y) being the softmax), from the saved output
    /// <paramref name="y"/>. Overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> y, Span<float> inputGradient, int batchSize, int features, bool log)
    {
        CheckSizes(batchSize, features, BackwardName);
        KernelChecks.AtLeast(outputGradient.Length, (long)batchSize * features, nameof(outputGradient), BackwardName);
        KernelChecks.AtLeast(y.Length, (long)batchSize * features, nameof(y), BackwardName);
        KernelChecks.AtLeast(inputGradient.Length, (long)batchSize * features, nameof(inputGradient), BackwardName);
        ReadOnlySpan<float> dy = outputGradient;
        Span<float> dx = inputGradient;
        for (int b = 0; b < batchSize; b++)
        {
            int start = b * features;
            if (log)
            {
                float total = 0f;
                for (int i = start; i < start + features; i++)
                {
                    total += dy[i];
                }

                for (int i = start; i < start + features; i++)
                {
                    dx[i] = dy[i] - (MathF.Exp(y[i]) * total);
                }
            }
            else
            {
                float dot = 0f;
                for (int i = start; i < start + features; i++)
                {
                    dot += dy[i] * y[i];
                }

                for (int i = start; i < start + features; i++)
                {
                    dx[i] = y[i] * (dy[i] - dot);
                }
            }
        }
    }

    private static void CheckSizes(int batchSize, int features, string kernel)
    {
        KernelChecks.SizeAtLeast(batchSize, 0, nameof(batchSize), kernel);
        KernelChecks.SizeAtLeast(features, 1, nameof(features), kernel);
    }
}
