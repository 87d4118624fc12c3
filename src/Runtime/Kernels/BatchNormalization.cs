using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// Batch normalisation over <c>[batch, channels, plane]</c> tensors. The per-slice phases (statistics,
/// normalisation, backward's sums and the input gradient) are vectorised along each channel's plane, and
/// run their scalar reference (BatchNormalization.Reference.cs) at <see cref="SimdLevel.Scalar"/>; the
/// once-per-batch steps between them (BatchNormalization.Reduce.cs) touch a few values per channel and
/// are scalar at every level.
/// </summary>
/// <remarks>
/// Each sample's plane of a channel is summed in float vectors and the plane sums added up in double, so
/// the error grows with the plane's length, not the batch's. A plane shorter than a vector (a dense
/// layer's single value, a 2x2 map) runs the scalar tail alone.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class BatchNormalization
{
    /// <summary>
    /// <c>partial = [count, mean (channels), sum of squared deviations from the mean (channels)]</c> over
    /// the slice's samples and positions: two passes, the mean first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Statistics(ReadOnlySpan<float> x, Span<float> partial, int batchSize, int channels, int plane, SimdLevel simd)
    {
        Check(x.Length, batchSize, channels, plane, nameof(x));
        CheckLength(partial, 1 + (2 * channels), nameof(partial));
        switch (simd)
        {
            case SimdLevel.Vector512:
                Statistics<Vector512<float>, Ops512>(x, partial, batchSize, channels, plane);
                break;
            case SimdLevel.Vector256:
                Statistics<Vector256<float>, Ops256>(x, partial, batchSize, channels, plane);
                break;
            case SimdLevel.Scalar:
                StatisticsReference(x, partial, batchSize, channels, plane);
                break;
            default:
                Statistics<Vector128<float>, Ops128>(x, partial, batchSize, channels, plane);
                break;
        }
    }

    /// <summary>
    /// <c>y = (x - mean) * scale + shift</c> per channel, where <c>scale = weight / std</c> and
    /// <c>shift = bias</c>, or <c>1 / std</c> and 0 when <paramref name="weight"/> is empty; the
    /// statistics are <c>[mean (channels), 1/std (channels)]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> statistics, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batchSize, int channels, int plane, SimdLevel simd) =>
        Normalize<Unchanged>(x, y, statistics, weight, bias, batchSize, channels, plane, simd);

    /// <summary>
    /// <see cref="Normalize"/> and the ReLU after it in one pass: <c>y = max(0, (x - mean) * scale + shift)</c>,
    /// bit for bit the two passes' result, without writing and reading back the normalised values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NormalizeRelu(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> statistics, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batchSize, int channels, int plane, SimdLevel simd) =>
        Normalize<Rectified>(x, y, statistics, weight, bias, batchSize, channels, plane, simd);

    /// <summary>
    /// <c>partial = [count, sum dy (channels), sum dy * x_hat (channels)]</c> over the slice, with
    /// <c>x_hat = (x - mean) / std</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardStatistics(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, Span<float> partial, int batchSize, int channels, int plane, SimdLevel simd)
    {
        Check(outputGradient.Length, batchSize, channels, plane, nameof(outputGradient));
        BackwardStatistics<GivenGradient>(outputGradient, ReadOnlySpan<float>.Empty, Span<float>.Empty, x, statistics, partial, batchSize, channels, plane, simd);
    }

    /// <summary>
    /// The backward of a ReLU that follows the normalisation, and <see cref="BackwardStatistics"/> of its result, in
    /// one pass: <c>outputGradient = reluOutput &gt; 0 ? reluGradient : 0</c> is written, for the input gradient's
    /// pass to read, and summed as <see cref="BackwardStatistics"/> sums it; bit for bit the two passes' result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ReluBackwardStatistics(ReadOnlySpan<float> reluGradient, ReadOnlySpan<float> reluOutput, Span<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, Span<float> partial, int batchSize, int channels, int plane, SimdLevel simd)
    {
        Check(reluGradient.Length, batchSize, channels, plane, nameof(reluGradient));
        Check(reluOutput.Length, batchSize, channels, plane, nameof(reluOutput));
        Check(outputGradient.Length, batchSize, channels, plane, nameof(outputGradient));
        BackwardStatistics<RectifiedGradient>(reluGradient, reluOutput, outputGradient, x, statistics, partial, batchSize, channels, plane, simd);
    }

    /// <summary>
    /// <c>dx = scale * (dy - mean(dy) - x_hat * mean(dy * x_hat))</c>, the means over the whole batch
    /// (<paramref name="totals"/> = [count, sum dy, sum dy * x_hat]) and <c>scale = weight / std</c>, or
    /// <c>1 / std</c> when <paramref name="weight"/> is empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardInput(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, ReadOnlySpan<float> totals, ReadOnlySpan<float> weight, Span<float> inputGradient, int batchSize, int channels, int plane, SimdLevel simd)
    {
        Check(outputGradient.Length, batchSize, channels, plane, nameof(outputGradient));
        Check(x.Length, batchSize, channels, plane, nameof(x));
        Check(inputGradient.Length, batchSize, channels, plane, nameof(inputGradient));
        CheckLength(statistics, 2 * channels, nameof(statistics));
        CheckLength(totals, 1 + (2 * channels), nameof(totals));
        CheckAffine(weight, weight, channels);
        switch (simd)
        {
            case SimdLevel.Vector512:
                BackwardInput<Vector512<float>, Ops512>(outputGradient, x, statistics, totals, weight, inputGradient, batchSize, channels, plane);
                break;
            case SimdLevel.Vector256:
                BackwardInput<Vector256<float>, Ops256>(outputGradient, x, statistics, totals, weight, inputGradient, batchSize, channels, plane);
                break;
            case SimdLevel.Scalar:
                BackwardInputReference(outputGradient, x, statistics, totals, weight, inputGradient, batchSize, channels, plane);
                break;
            default:
                BackwardInput<Vector128<float>, Ops128>(outputGradient, x, statistics, totals, weight, inputGradient, batchSize, channels, plane);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Statistics<TVector, TOps>(ReadOnlySpan<float> x, Span<float> partial, int batchSize, int channels, int plane)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float source = ref MemoryMarshal.GetReference(x);
        int vectorEnd = VectorEnd<TVector, TOps>(plane);
        double count = (double)batchSize * plane;
        partial[0] = (float)count;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int b = 0; b < batchSize; b++)
            {
                ref float values = ref Unsafe.Add(ref source, ((b * channels) + c) * plane);
                // Even and odd vectors summed apart, so that each addition need not wait for the one before.
                TVector vectorSum = TOps.Zero, oddSum = TOps.Zero;
                int i = 0;
                for (; i + TOps.Count < vectorEnd; i += 2 * TOps.Count)
                {
                    vectorSum = TOps.Add(vectorSum, TOps.Load(ref values, i));
                    oddSum = TOps.Add(oddSum, TOps.Load(ref values, i + TOps.Count));
                }

                if (i < vectorEnd)
                {
                    vectorSum = TOps.Add(vectorSum, TOps.Load(ref values, i));
                    i += TOps.Count;
                }

                float planeSum = TOps.Sum(TOps.Add(vectorSum, oddSum));
                for (; i < plane; i++)
                {
                    planeSum += Unsafe.Add(ref values, i);
                }

                sum += planeSum;
            }

            float mean = (float)(sum / count);
            TVector negativeMean = TOps.Broadcast(-mean);
            double squares = 0;
            for (int b = 0; b < batchSize; b++)
            {
                ref float values = ref Unsafe.Add(ref source, ((b * channels) + c) * plane);
                TVector vectorSquares = TOps.Zero, oddSquares = TOps.Zero;
                int i = 0;
                for (; i + TOps.Count < vectorEnd; i += 2 * TOps.Count)
                {
                    TVector deviation = TOps.Add(TOps.Load(ref values, i), negativeMean);
                    TVector oddDeviation = TOps.Add(TOps.Load(ref values, i + TOps.Count), negativeMean);
                    vectorSquares = TOps.MultiplyAdd(deviation, deviation, vectorSquares);
                    oddSquares = TOps.MultiplyAdd(oddDeviation, oddDeviation, oddSquares);
                }

                if (i < vectorEnd)
                {
                    TVector deviation = TOps.Add(TOps.Load(ref values, i), negativeMean);
                    vectorSquares = TOps.MultiplyAdd(deviation, deviation, vectorSquares);
                    i += TOps.Count;
                }

                float planeSquares = TOps.Sum(TOps.Add(vectorSquares, oddSquares));
                for (; i < plane; i++)
                {
                    float deviation = Unsafe.Add(ref values, i) - mean;
                    planeSquares += deviation * deviation;
                }

                squares += planeSquares;
            }

            partial[1 + c] = mean;
            partial[1 + channels + c] = (float)squares;
        }
    }

    /// <summary>Checks, then the normalisation at <paramref name="simd"/>, each value passed through <typeparamref name="TActivation"/> as it is stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Normalize<TActivation>(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> statistics, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batchSize, int channels, int plane, SimdLevel simd)
        where TActivation : struct, IStoredActivation
    {
        Check(x.Length, batchSize, channels, plane, nameof(x));
        Check(y.Length, batchSize, channels, plane, nameof(y));
        CheckLength(statistics, 2 * channels, nameof(statistics));
        CheckAffine(weight, bias, channels);
        switch (simd)
        {
            case SimdLevel.Vector512:
                Normalize<Vector512<float>, Ops512, TActivation>(x, y, statistics, weight, bias, batchSize, channels, plane);
                break;
            case SimdLevel.Vector256:
                Normalize<Vector256<float>, Ops256, TActivation>(x, y, statistics, weight, bias, batchSize, channels, plane);
                break;
            case SimdLevel.Scalar:
                NormalizeReference<TActivation>(x, y, statistics, weight, bias, batchSize, channels, plane);
                break;
            default:
                Normalize<Vector128<float>, Ops128, TActivation>(x, y, statistics, weight, bias, batchSize, channels, plane);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Normalize<TVector, TOps, TActivation>(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> statistics, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batchSize, int channels, int plane)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TActivation : struct, IStoredActivation
    {
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(y);
        int vectorEnd = VectorEnd<TVector, TOps>(plane);
        for (int b = 0; b < batchSize; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                float mean = statistics[c];
                float scale = weight.IsEmpty ? statistics[channels + c] : statistics[channels + c] * weight[c];
                float shift = bias.IsEmpty ? 0f : bias[c];
                TVector negativeMean = TOps.Broadcast(-mean), scales = TOps.Broadcast(scale), shifts = TOps.Broadcast(shift);
                int start = ((b * channels) + c) * plane;
                ref float values = ref Unsafe.Add(ref source, start);
                ref float results = ref Unsafe.Add(ref target, start);
                int i = 0;
                for (; i < vectorEnd; i += TOps.Count)
                {
                    TOps.Store(TActivation.Vector<TVector, TOps>(TOps.MultiplyAdd(TOps.Add(TOps.Load(ref values, i), negativeMean), scales, shifts)), ref results, i);
                }

                for (; i < plane; i++)
                {
                    Unsafe.Add(ref results, i) = TActivation.Scalar(((Unsafe.Add(ref values, i) - mean) * scale) + shift);
                }
            }
        }
    }

    /// <summary>Checks, then backward's sums at <paramref name="simd"/>, of the gradient <typeparamref name="TGradient"/> reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardStatistics<TGradient>(ReadOnlySpan<float> gradient, ReadOnlySpan<float> output, Span<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, Span<float> partial, int batchSize, int channels, int plane, SimdLevel simd)
        where TGradient : struct, IGradientSource
    {
        Check(x.Length, batchSize, channels, plane, nameof(x));
        CheckLength(statistics, 2 * channels, nameof(statistics));
        CheckLength(partial, 1 + (2 * channels), nameof(partial));
        switch (simd)
        {
            case SimdLevel.Vector512:
                BackwardStatistics<Vector512<float>, Ops512, TGradient>(gradient, output, outputGradient, x, statistics, partial, batchSize, channels, plane);
                break;
            case SimdLevel.Vector256:
                BackwardStatistics<Vector256<float>, Ops256, TGradient>(gradient, output, outputGradient, x, statistics, partial, batchSize, channels, plane);
                break;
            case SimdLevel.Scalar:
                BackwardStatisticsReference<TGradient>(gradient, output, outputGradient, x, statistics, partial, batchSize, channels, plane);
                break;
            default:
                BackwardStatistics<Vector128<float>, Ops128, TGradient>(gradient, output, outputGradient, x, statistics, partial, batchSize, channels, plane);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardStatistics<TVector, TOps, TGradient>(ReadOnlySpan<float> gradient, ReadOnlySpan<float> output, Span<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, Span<float> partial, int batchSize, int channels, int plane)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TGradient : struct, IGradientSource
    {
        ref float given = ref MemoryMarshal.GetReference(gradient);
        ref float saved = ref MemoryMarshal.GetReference(output);
        ref float written = ref MemoryMarshal.GetReference(outputGradient);
        ref float source = ref MemoryMarshal.GetReference(x);
        int vectorEnd = VectorEnd<TVector, TOps>(plane);
        partial[0] = (float)((double)batchSize * plane);
        for (int c = 0; c < channels; c++)
        {
            float mean = statistics[c], inverseStd = statistics[channels + c];
            TVector negativeMean = TOps.Broadcast(-mean);

            // sum dy * x_hat = sum dy * (x - mean), times 1/std once per channel.
            double sumDy = 0, sumDyDeviation = 0;
            for (int b = 0; b < batchSize; b++)
            {
                int start = ((b * channels) + c) * plane;
                ref float g = ref Unsafe.Add(ref given, start);
                ref float y = ref Unsafe.Add(ref saved, start);
                ref float dy = ref Unsafe.Add(ref written, start);
                ref float values = ref Unsafe.Add(ref source, start);
                // Two sets of sums, even and odd vectors, so that each addition need not wait for the one before.
                TVector vectorDy = TOps.Zero, vectorDyDeviation = TOps.Zero, oddDy = TOps.Zero, oddDyDeviation = TOps.Zero;
                int i = 0;
                for (; i + TOps.Count < vectorEnd; i += 2 * TOps.Count)
                {
                    TVector d = TGradient.Vector<TVector, TOps>(ref g, ref y, ref dy, i);
                    TVector odd = TGradient.Vector<TVector, TOps>(ref g, ref y, ref dy, i + TOps.Count);
                    vectorDy = TOps.Add(vectorDy, d);
                    oddDy = TOps.Add(oddDy, odd);
                    vectorDyDeviation = TOps.MultiplyAdd(d, TOps.Add(TOps.Load(ref values, i), negativeMean), vectorDyDeviation);
                    oddDyDeviation = TOps.MultiplyAdd(odd, TOps.Add(TOps.Load(ref values, i + TOps.Count), negativeMean), oddDyDeviation);
                }

                if (i < vectorEnd)
                {
                    TVector d = TGradient.Vector<TVector, TOps>(ref g, ref y, ref dy, i);
                    vectorDy = TOps.Add(vectorDy, d);
                    vectorDyDeviation = TOps.MultiplyAdd(d, TOps.Add(TOps.Load(ref values, i), negativeMean), vectorDyDeviation);
                    i += TOps.Count;
                }

                float planeDy = TOps.Sum(TOps.Add(vectorDy, oddDy)), planeDyDeviation = TOps.Sum(TOps.Add(vectorDyDeviation, oddDyDeviation));
                for (; i < plane; i++)
                {
                    float d = TGradient.Scalar(ref g, ref y, ref dy, i);
                    planeDy += d;
                    planeDyDeviation += d * (Unsafe.Add(ref values, i) - mean);
                }

                sumDy += planeDy;
                sumDyDeviation += planeDyDeviation;
            }

            partial[1 + c] = (float)sumDy;
            partial[1 + channels + c] = (float)(sumDyDeviation * inverseStd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardInput<TVector, TOps>(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, ReadOnlySpan<float> totals, ReadOnlySpan<float> weight, Span<float> inputGradient, int batchSize, int channels, int plane)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float gradient = ref MemoryMarshal.GetReference(outputGradient);
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(inputGradient);
        int vectorEnd = VectorEnd<TVector, TOps>(plane);
        float inverseCount = 1f / totals[0];
        for (int b = 0; b < batchSize; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                float mean = statistics[c], inverseStd = statistics[channels + c];
                float scale = weight.IsEmpty ? inverseStd : weight[c] * inverseStd;
                float meanDy = totals[1 + c] * inverseCount, meanDyXHat = totals[1 + channels + c] * inverseCount;

                // scale * (dy - meanDy - (x - mean) * inverseStd * meanDyXHat), expanded into two FMAs:
                // dy * scale + ((x - mean) * slope + offset).
                float slope = -scale * inverseStd * meanDyXHat, offset = -scale * meanDy;
                TVector negativeMean = TOps.Broadcast(-mean), scales = TOps.Broadcast(scale), slopes = TOps.Broadcast(slope), offsets = TOps.Broadcast(offset);
                int start = ((b * channels) + c) * plane;
                ref float dy = ref Unsafe.Add(ref gradient, start);
                ref float values = ref Unsafe.Add(ref source, start);
                ref float dx = ref Unsafe.Add(ref target, start);
                int i = 0;
                for (; i < vectorEnd; i += TOps.Count)
                {
                    TVector deviationTerm = TOps.MultiplyAdd(TOps.Add(TOps.Load(ref values, i), negativeMean), slopes, offsets);
                    TOps.Store(TOps.MultiplyAdd(TOps.Load(ref dy, i), scales, deviationTerm), ref dx, i);
                }

                for (; i < plane; i++)
                {
                    Unsafe.Add(ref dx, i) = (Unsafe.Add(ref dy, i) * scale) + (((Unsafe.Add(ref values, i) - mean) * slope) + offset);
                }
            }
        }
    }

    /// <summary>What the normalisation applies to each value as it stores it: nothing, or the ReLU after it.</summary>
    private interface IStoredActivation
    {
        static abstract TVector Vector<TVector, TOps>(TVector value)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector>;

        static abstract float Scalar(float value);
    }

    private readonly struct Unchanged : IStoredActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector value)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => value;

        public static float Scalar(float value) => value;
    }

    /// <summary>The ReLU as <see cref="VectorMath.Relu"/> computes it, so that the fused pass equals the two.</summary>
    private readonly struct Rectified : IStoredActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector value)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Max(value, TOps.Zero);

        public static float Scalar(float value) => MathF.Max(value, 0f);
    }

    /// <summary>
    /// Where backward's sums read the gradient of the normalisation's output at position <c>i</c>: given, or made
    /// from the gradient and saved output of a ReLU after it, and then written where the input gradient's pass reads it.
    /// </summary>
    private interface IGradientSource
    {
        static abstract TVector Vector<TVector, TOps>(ref float gradient, ref float output, ref float outputGradient, int i)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector>;

        static abstract float Scalar(ref float gradient, ref float output, ref float outputGradient, int i);
    }

    private readonly struct GivenGradient : IGradientSource
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(ref float gradient, ref float output, ref float outputGradient, int i)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Load(ref gradient, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Scalar(ref float gradient, ref float output, ref float outputGradient, int i) => Unsafe.Add(ref gradient, i);
    }

    /// <summary><c>dy = y &gt; 0 ? g : 0</c> as <see cref="VectorMath.ReluBackward"/> computes it, written and returned.</summary>
    private readonly struct RectifiedGradient : IGradientSource
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(ref float gradient, ref float output, ref float outputGradient, int i)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector>
        {
            TVector dy = TOps.WherePositive(TOps.Load(ref output, i), TOps.Load(ref gradient, i));
            TOps.Store(dy, ref outputGradient, i);
            return dy;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Scalar(ref float gradient, ref float output, ref float outputGradient, int i)
        {
            float dy = Unsafe.Add(ref output, i) > 0f ? Unsafe.Add(ref gradient, i) : 0f;
            Unsafe.Add(ref outputGradient, i) = dy;
            return dy;
        }
    }

    /// <summary>Where each plane's whole vectors end; the scalar tail does the rest.</summary>
    private static int VectorEnd<TVector, TOps>(int plane)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector> =>
        plane - (plane % TOps.Count);

    private static void Check(int length, int batchSize, int channels, int plane, string name)
    {
        if (batchSize < 0 || channels <= 0 || plane <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch normalisation needs a batch of at least 0 and positive channels and plane; found {batchSize}, {channels} and {plane}.");
        }

        if (length < (long)batchSize * channels * plane)
        {
            throw new ArgumentException($"{name} holds {length} values, fewer than {batchSize} samples x {channels} channels x {plane} positions.", name);
        }
    }

    private static void CheckLength(ReadOnlySpan<float> values, int length, string name)
    {
        if (values.Length < length)
        {
            throw new ArgumentException($"{name} holds {values.Length} values; it needs {length}.", name);
        }
    }

    private static void CheckAffine(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int channels)
    {
        if (weight.IsEmpty != bias.IsEmpty || (!weight.IsEmpty && (weight.Length < channels || bias.Length < channels)))
        {
            throw new ArgumentException($"weight and bias are either both empty or both hold {channels} values; found {weight.Length} and {bias.Length}.", nameof(weight));
        }
    }
}
