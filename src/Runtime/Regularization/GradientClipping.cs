using System;

namespace StaticNet;

/// <summary>
/// Gradient clipping as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>, over
/// ranges of the flat gradient buffer. Each is one pass over the buffer; neither allocates.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// The global L2 norm of the gradients in <paramref name="ranges"/>: <c>sqrt(sum of g^2)</c>, summed in
    /// double precision so that it does not depend on the order of the sum (PyTorch sums each tensor in
    /// float32, then the tensors' norms; the two agree to float32 rounding).
    /// </summary>
    public static double GlobalNorm(ReadOnlySpan<float> gradients, ReadOnlySpan<ParameterRange> ranges)
    {
        double sum = 0;
        foreach (ParameterRange range in ranges)
        {
            foreach (float g in gradients.Slice(range.Offset, range.Length))
            {
                sum += (double)g * g;
            }
        }

        return Math.Sqrt(sum);
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
            foreach (ref float g in gradients.Slice(range.Offset, range.Length))
            {
                g *= scale;
            }
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
            foreach (ref float g in gradients.Slice(range.Offset, range.Length))
            {
                g = Math.Clamp(g, -limit, limit);
            }
        }
    }
}
