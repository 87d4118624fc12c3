using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// L1 and L2 penalties on the weights, as Keras's <c>L1L2</c> regularizer: the training objective gains
/// <c>l1 * sum(|w|) + l2 * sum(w^2)</c>, so each step adds <c>l1 * sign(w) + 2 * l2 * w</c> to the
/// gradient of every penalised parameter, before clipping and the optimizer step. (An L2 penalty
/// <c>l2</c> is the same as an optimizer's L2 <c>weightDecay</c> of <c>2 * l2</c>; unlike it, the penalty
/// can spare biases.) By default only tensors named <c>*.weight</c> are penalised, as Keras's
/// <c>kernel_regularizer</c>.
/// </summary>
public sealed class WeightPenalty
{
    /// <summary>Creates the penalty.</summary>
    /// <param name="l1">The L1 coefficient.</param>
    /// <param name="l2">The L2 coefficient.</param>
    /// <param name="appliesTo">Which tensors are penalised; by default those whose name ends in <c>.weight</c>.</param>
    public WeightPenalty(double l1 = 0, double l2 = 0, Func<TensorInfo, bool>? appliesTo = null)
    {
        if (!(l1 >= 0) || !(l2 >= 0) || double.IsInfinity(l1) || double.IsInfinity(l2))
        {
            throw new ArgumentOutOfRangeException(nameof(l1), $"The L1 ({l1}) and L2 ({l2}) coefficients must be finite and at least 0.");
        }

        L1 = l1;
        L2 = l2;
        AppliesTo = appliesTo ?? (tensor => tensor.Name.EndsWith(".weight", StringComparison.Ordinal));
    }

    /// <summary>The L1 coefficient.</summary>
    public double L1 { get; }

    /// <summary>The L2 coefficient.</summary>
    public double L2 { get; }

    /// <summary>Which tensors are penalised.</summary>
    public Func<TensorInfo, bool> AppliesTo { get; }

    /// <summary>The ranges of <paramref name="network"/>'s parameters the penalty applies to, within <paramref name="trainable"/>.</summary>
    public ParameterRange[] Ranges(INetwork network, ReadOnlySpan<ParameterRange> trainable)
    {
        ParameterRange[] selected = ParameterRange.ForTensors(network, AppliesTo);
        var result = new List<ParameterRange>();
        foreach (ParameterRange range in selected)
        {
            foreach (ParameterRange allowed in trainable)
            {
                int start = Math.Max(range.Offset, allowed.Offset), end = Math.Min(range.End, allowed.End);
                if (start < end)
                {
                    result.Add(new ParameterRange(start, end - start));
                }
            }
        }

        return result.ToArray();
    }

    /// <summary>Adds the penalty's gradient to <paramref name="gradients"/> for the parameters in <paramref name="ranges"/>.</summary>
    public void AddGradient(ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<ParameterRange> ranges)
    {
        float l1 = (float)L1, twiceL2 = (float)(2 * L2);
        foreach (ParameterRange range in ranges)
        {
            ReadOnlySpan<float> p = parameters.Slice(range.Offset, range.Length);
            Span<float> g = gradients.Slice(range.Offset, range.Length);
            for (int i = 0; i < p.Length; i++)
            {
                g[i] += (l1 * MathF.Sign(p[i])) + (twiceL2 * p[i]);
            }
        }
    }

    /// <summary>The penalty's value for the parameters in <paramref name="ranges"/>: <c>l1 * sum(|w|) + l2 * sum(w^2)</c>.</summary>
    public double Value(ReadOnlySpan<float> parameters, ReadOnlySpan<ParameterRange> ranges)
    {
        double absolute = 0, squares = 0;
        foreach (ParameterRange range in ranges)
        {
            foreach (float w in parameters.Slice(range.Offset, range.Length))
            {
                absolute += Math.Abs(w);
                squares += (double)w * w;
            }
        }

        return (L1 * absolute) + (L2 * squares);
    }
}
