using System;

namespace StaticNet.Parity;

/// <summary>
/// The one tolerance of the parity suite: a StaticNet value <c>a</c> matches PyTorch's <c>b</c> when
/// <c>|a - b| &lt;= 1e-5 + 1e-4 * |b|</c> (and NaN matches only NaN, an infinity only the same infinity).
/// </summary>
/// <remarks>
/// Why these numbers: both sides compute in float32 (machine epsilon 6e-8) but sum in different
/// orders: PyTorch's GEMM and convolution kernels block and vectorise their sums, StaticNet sums each
/// dot product in its own order, and the losses reduce in double here and in float there. Reordering a
/// sum of n terms changes it by about sqrt(n) ulps of the terms' magnitude, n ulps at worst; the
/// longest sums here have 784 terms (the MLP's first layer), so a few 1e-6 relative at most. The
/// relative term, 1e-4, leaves a margin of over ten times that, and the absolute term, 1e-5, covers
/// values that are small only because large terms cancelled (a gradient summed over a batch), whose
/// relative error means nothing. A real bug (a wrong index, a border read as zero instead of minus
/// infinity, a wrong divisor, a missing term) moves values by a sizeable fraction of themselves, far
/// above both. The reference is PyTorch's value, so the relative term scales with it.
/// <para>
/// Do not loosen this for one case. If a comparison cannot meet it, find out why; if the cause is
/// legitimate float reordering amplified by the computation (say, many training steps), measure it and
/// say so where the case is declared, as <see cref="WholeNetworkParityTests"/> does.
/// </para>
/// </remarks>
public static class Tolerance
{
    /// <summary>The absolute part of the tolerance.</summary>
    public const double Absolute = 1e-5;

    /// <summary>The relative part of the tolerance, times PyTorch's value.</summary>
    public const double Relative = 1e-4;

    /// <summary>The largest difference allowed from PyTorch's value <paramref name="reference"/>.</summary>
    public static double Allowed(double reference) => Absolute + (Relative * Math.Abs(reference));

    /// <summary>Whether StaticNet's <paramref name="actual"/> matches PyTorch's <paramref name="reference"/>.</summary>
    public static bool Matches(float actual, float reference)
    {
        if (float.IsNaN(actual) || float.IsNaN(reference))
        {
            return float.IsNaN(actual) && float.IsNaN(reference);
        }

        if (float.IsInfinity(actual) || float.IsInfinity(reference))
        {
            return actual == reference;
        }

        return Math.Abs((double)actual - reference) <= Allowed(reference);
    }
}
