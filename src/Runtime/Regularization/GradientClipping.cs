using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// Gradient clipping as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>, over
/// ranges of the flat gradient buffer. Each is one pass over the buffer; neither allocates.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// The global L2 norm of the gradients in <paramref name="ranges"/>: <c>sqrt(sum of g^2)</c>, summed in
    /// double precision (PyTorch sums each tensor in float32, then the tensors' norms; the two agree to
    /// float32 rounding). The ranges, laid end to end, are summed in <see cref="NormParts"/> parts added in
    /// order, so that threads can share the parts (<see cref="GradientNorm"/>) with the same result.
    /// </summary>
    public static double GlobalNorm(ReadOnlySpan<float> gradients, ReadOnlySpan<ParameterRange> ranges)
    {
        int total = ParameterRange.TotalLength(ranges);
        double sum = 0;
        for (int part = 0; part < NormParts; part++)
        {
            sum += PartSumOfSquares(gradients, ranges, total, part);
        }

        return Math.Sqrt(sum);
    }

    /// <summary>How many parts a global norm is summed in, whatever the number of threads.</summary>
    internal const int NormParts = 4;

    /// <summary>
    /// The sum of squares of part <paramref name="part"/> of <see cref="NormParts"/>: the values from
    /// <c>part * total / NormParts</c> to the next part's start, counting along the ranges laid end to end.
    /// </summary>
    internal static double PartSumOfSquares(ReadOnlySpan<float> gradients, ReadOnlySpan<ParameterRange> ranges, int total, int part)
    {
        long start = part * (long)total / NormParts, end = (part + 1) * (long)total / NormParts, position = 0;
        double sum = 0;
        foreach (ParameterRange range in ranges)
        {
            long first = Math.Max(start, position), last = Math.Min(end, position + range.Length);
            if (first < last)
            {
                sum += SumOfSquares(gradients.Slice(range.Offset + (int)(first - position), (int)(last - first)));
            }

            position += range.Length;
        }

        return sum;
    }

    /// <summary>
    /// The sum of squares in double, vectorised: each float widened to double, four accumulators so that
    /// the additions' latency overlaps (a single scalar accumulator made this a quarter of a small
    /// network's training step).
    /// </summary>
    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            Vector<double> a = Vector<double>.Zero, b = a, c = a, d = a;
            int v = 0;
            for (; v + 1 < vectors.Length; v += 2)
            {
                Vector.Widen(vectors[v], out Vector<double> low, out Vector<double> high);
                a += low * low;
                b += high * high;
                Vector.Widen(vectors[v + 1], out low, out high);
                c += low * low;
                d += high * high;
            }

            if (v < vectors.Length)
            {
                Vector.Widen(vectors[v], out Vector<double> low, out Vector<double> high);
                a += low * low;
                b += high * high;
            }

            sum = Vector.Sum((a + b) + (c + d));
            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            sum += (double)values[i] * values[i];
        }

        return sum;
    }

    /// <summary>
    /// Scales the gradients in <paramref name="ranges"/> so that their global L2 norm is at most
    /// <paramref name="maxNorm"/>: with <c>coef = maxNorm / (norm + 1e-6)</c>, every gradient is multiplied
    /// by <c>coef</c> when it is below 1, as <c>clip_grad_norm_</c>. Returns the norm before clipping.
    /// </summary>
    public static double ClipByNorm(Span<float> gradients, ReadOnlySpan<ParameterRange> ranges, double maxNorm)
    {
        double norm = GlobalNorm(gradients, ranges);
        ScaleToNorm(gradients, ranges, norm, maxNorm);
        return norm;
    }

    /// <summary>The scaling of <see cref="ClipByNorm"/> when the norm is already known.</summary>
    public static void ScaleToNorm(Span<float> gradients, ReadOnlySpan<ParameterRange> ranges, double norm, double maxNorm)
    {
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The largest gradient norm must be above 0.");
        }

        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient >= 1)
        {
            return;
        }

        float scale = (float)coefficient;
        foreach (ParameterRange range in ranges)
        {
            Span<float> run = gradients.Slice(range.Offset, range.Length);
            TensorPrimitives.Multiply(run, scale, run);
        }
    }

    /// <summary>Clamps every gradient in <paramref name="ranges"/> to [-<paramref name="clipValue"/>, <paramref name="clipValue"/>], as <c>clip_grad_value_</c>.</summary>
    public static void ClipByValue(Span<float> gradients, ReadOnlySpan<ParameterRange> ranges, double clipValue)
    {
        if (!(clipValue > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "The clip value must be above 0.");
        }

        float limit = (float)clipValue;
        foreach (ParameterRange range in ranges)
        {
            // Min then max, as Math.Clamp: NaN stays NaN.
            Span<float> run = gradients.Slice(range.Offset, range.Length);
            TensorPrimitives.Min(run, limit, run);
            TensorPrimitives.Max(run, -limit, run);
        }
    }
}
