using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// What inference folds into the layer that produces a tensor: batch normalisation with its running estimates,
/// <c>y = (x - mean) / sqrt(var + eps) * weight + bias</c>, which per channel is one multiply-add
/// <c>y = x * scale + shift</c>, and a ReLU after it. Applied by a convolution's product as it stores each tile
/// (through <see cref="Coefficients(Span{float}, Span{float})"/>), or to a dense layer's output sample by sample while
/// it is still in cache, it takes the place of a batch-norm pass and a ReLU pass over the whole batch.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct ChannelAffine
{
    private readonly ReadOnlySpan<float> _runningMean;
    private readonly ReadOnlySpan<float> _runningVar;
    private readonly ReadOnlySpan<float> _weight;
    private readonly ReadOnlySpan<float> _bias;
    private readonly double _epsilon;

    /// <summary>
    /// Batch normalisation by its running estimates (empty spans for none: then only the ReLU, if any), with its
    /// weight and bias (empty when it is not affine), and a ReLU after it when <paramref name="relu"/>.
    /// </summary>
    public ChannelAffine(ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, double epsilon, bool relu)
    {
        if (runningMean.Length != runningVar.Length || (!weight.IsEmpty && weight.Length != runningMean.Length) || weight.Length != bias.Length)
        {
            throw new ArgumentException($"The batch normalisation's tensors must have one value per channel each: running mean {runningMean.Length}, running variance {runningVar.Length}, weight {weight.Length}, bias {bias.Length}.", nameof(runningVar));
        }

        _runningMean = runningMean;
        _runningVar = runningVar;
        _weight = weight;
        _bias = bias;
        _epsilon = epsilon;
        Relu = relu;
    }

    /// <summary>Whether a ReLU follows.</summary>
    public bool Relu { get; }

    /// <summary>Whether there is a batch normalisation.</summary>
    public bool Normalizes => !_runningMean.IsEmpty;

    /// <summary>Applies the affine map and the ReLU in place to one sample's <paramref name="channels"/> planes of <paramref name="plane"/> values.</summary>
    public void Apply(Span<float> values, int channels, int plane, SimdLevel simd) => Apply(values, values, channels, plane, simd);

    /// <summary>
    /// Writes the affine map and the ReLU of one sample's <paramref name="channels"/> planes of <paramref name="plane"/>
    /// values into <paramref name="destination"/> (which may be <paramref name="source"/>). The scalar level is the
    /// reference: the plain loop of the formula.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, int channels, int plane, SimdLevel simd)
    {
        if (Normalizes && _runningMean.Length != channels)
        {
            throw new ArgumentException($"ChannelAffine.Apply: the batch normalisation has {_runningMean.Length} channels, but the values have {channels}.", nameof(channels));
        }

        KernelChecks.AtLeast(source.Length, (long)channels * plane, nameof(source), "ChannelAffine.Apply");
        KernelChecks.AtLeast(destination.Length, (long)channels * plane, nameof(destination), "ChannelAffine.Apply");
        if (!Normalizes)
        {
            // A ReLU alone, or a copy: one pass over the whole sample.
            ReadOnlySpan<float> values = source.Slice(0, channels * plane);
            Span<float> target = destination.Slice(0, channels * plane);
            if (Relu)
            {
                MaxWithZero(values, target, simd);
            }
            else if (!values.Overlaps(target))
            {
                values.CopyTo(target);
            }

            return;
        }

        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> from = source.Slice(c * plane, plane);
            Span<float> row = destination.Slice(c * plane, plane);
            (float scale, float shift) = Coefficients(c);

            // A multiply, then an add (never fused): every level rounds as the scalar reference does.
            int i = 0;
            if (simd != SimdLevel.Scalar && Vector.IsHardwareAccelerated)
            {
                Vector<float> scales = new(scale), shifts = new(shift);
                for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    ((new Vector<float>(from.Slice(i)) * scales) + shifts).CopyTo(row.Slice(i));
                }
            }

            for (; i < row.Length; i++)
            {
                row[i] = (from[i] * scale) + shift;
            }
        }

        if (Relu)
        {
            MaxWithZero(destination.Slice(0, channels * plane), destination.Slice(0, channels * plane), simd);
        }
    }

    /// <summary>
    /// Each channel's <c>scale</c> and <c>shift</c> (<c>y = x * scale + shift</c>, a multiply then an add, never
    /// fused), for a kernel that applies them as it writes its outputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Coefficients(Span<float> scales, Span<float> shifts)
    {
        for (int c = 0; c < _runningMean.Length; c++)
        {
            (scales[c], shifts[c]) = Coefficients(c);
        }
    }

    private (float Scale, float Shift) Coefficients(int channel)
    {
        // As BatchNormalization.InferenceStatistics: 1/std in double, rounded once.
        float inverseStd = (float)(1.0 / Math.Sqrt(_runningVar[channel] + _epsilon));
        float scale = _weight.IsEmpty ? inverseStd : inverseStd * _weight[channel];
        return (scale, (_bias.IsEmpty ? 0f : _bias[channel]) - (_runningMean[channel] * scale));
    }

    /// <summary>The ReLU over a whole span, as the ReLU layer computes it.</summary>
    private static void MaxWithZero(ReadOnlySpan<float> values, Span<float> target, SimdLevel simd) => VectorMath.Relu(values, target, simd);
}
