using System;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

// The scalar references of batch normalisation's per-slice phases (SimdLevel.Scalar). Statistics and
// backward's sums are accumulated value by value in double; the normalisation and the input gradient are
// float formulas per value. A ReLU fused into the normalisation is applied by the same operator structs as
// the vector forms use (IStoredActivation, IGradientSource).
public static partial class BatchNormalization
{
    private static void StatisticsReference(ReadOnlySpan<float> x, Span<float> partial, int batchSize, int channels, int plane)
    {
        partial[0] = batchSize * plane;
        for (int c = 0; c < channels; c++)
        {
            // Two passes, in double: the mean, then the squared deviations from it.
            double sum = 0;
            for (int b = 0; b < batchSize; b++)
            {
                int start = ((b * channels) + c) * plane;
                for (int i = 0; i < plane; i++)
                {
                    sum += x[start + i];
                }
            }

            double mean = sum / (batchSize * plane);
            double squares = 0;
            for (int b = 0; b < batchSize; b++)
            {
                int start = ((b * channels) + c) * plane;
                for (int i = 0; i < plane; i++)
                {
                    double deviation = x[start + i] - mean;
                    squares += deviation * deviation;
                }
            }

            partial[1 + c] = (float)mean;
            partial[1 + channels + c] = (float)squares;
        }
    }

    private static void NormalizeReference<TActivation>(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> statistics, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batchSize, int channels, int plane)
        where TActivation : struct, IStoredActivation
    {
        for (int b = 0; b < batchSize; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                float mean = statistics[c];
                int start = ((b * channels) + c) * plane;
                if (weight.IsEmpty)
                {
                    float scale = statistics[channels + c];
                    for (int i = start; i < start + plane; i++)
                    {
                        y[i] = TActivation.Scalar((x[i] - mean) * scale);
                    }
                }
                else
                {
                    float scale = statistics[channels + c] * weight[c], shift = bias[c];
                    for (int i = start; i < start + plane; i++)
                    {
                        y[i] = TActivation.Scalar(((x[i] - mean) * scale) + shift);
                    }
                }
            }
        }
    }

    private static void BackwardStatisticsReference<TGradient>(ReadOnlySpan<float> gradient, ReadOnlySpan<float> output, Span<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, Span<float> partial, int batchSize, int channels, int plane)
        where TGradient : struct, IGradientSource
    {
        ref float given = ref MemoryMarshal.GetReference(gradient);
        ref float saved = ref MemoryMarshal.GetReference(output);
        ref float written = ref MemoryMarshal.GetReference(outputGradient);
        partial[0] = batchSize * plane;
        for (int c = 0; c < channels; c++)
        {
            float mean = statistics[c], inverseStd = statistics[channels + c];
            double sumDy = 0, sumDyXHat = 0;
            for (int b = 0; b < batchSize; b++)
            {
                int start = ((b * channels) + c) * plane;
                for (int i = 0; i < plane; i++)
                {
                    float dy = TGradient.Scalar(ref given, ref saved, ref written, start + i);
                    sumDy += dy;
                    sumDyXHat += dy * ((x[start + i] - mean) * inverseStd);
                }
            }

            partial[1 + c] = (float)sumDy;
            partial[1 + channels + c] = (float)sumDyXHat;
        }
    }

    private static void BackwardInputReference(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> statistics, ReadOnlySpan<float> totals, ReadOnlySpan<float> weight, Span<float> inputGradient, int batchSize, int channels, int plane)
    {
        float inverseCount = 1f / totals[0];
        for (int b = 0; b < batchSize; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                float mean = statistics[c], inverseStd = statistics[channels + c];
                float scale = weight.IsEmpty ? inverseStd : weight[c] * inverseStd;
                float meanDy = totals[1 + c] * inverseCount, meanDyXHat = totals[1 + channels + c] * inverseCount;
                int start = ((b * channels) + c) * plane;
                for (int i = start; i < start + plane; i++)
                {
                    float xHat = (x[i] - mean) * inverseStd;
                    inputGradient[i] = scale * (outputGradient[i] - meanDy - (xHat * meanDyXHat));
                }
            }
        }
    }
}
