using System;

namespace StaticNet.Kernels;

// The once-per-batch steps of batch normalisation, between its per-slice phases: a few values per
// channel, scalar at every SIMD level. A slice's record of partial sums is [count, channels values,
// channels values], 2 * channels + 1 floats; the statistics are [mean (channels), 1/std (channels)].
public static partial class BatchNormalization
{
    private const string ReduceStatisticsName = "BatchNormalization.ReduceStatistics";
    private const string InferenceStatisticsName = "BatchNormalization.InferenceStatistics";
    private const string ReduceSumsName = "BatchNormalization.ReduceSums";
    private const string AddParameterGradientsName = "BatchNormalization.AddParameterGradients";

    /// <summary>
    /// Forward in training, once per batch: merges the <paramref name="chunks"/> records
    /// <c>[count, mean, sum of squared deviations]</c> that <see cref="Statistics"/> wrote (Chan's parallel
    /// formula, in double, skipping empty slices) into the batch's <c>[mean, 1/sqrt(biased variance + epsilon)]</c>,
    /// moves the running estimates toward the batch's mean and unbiased variance by <paramref name="momentum"/>
    /// (PyTorch's convention: <c>running = (1 - momentum) * running + momentum * batch</c>), and counts the batch
    /// in <paramref name="batchesTracked"/>[0].
    /// </summary>
    public static void ReduceStatistics(ReadOnlySpan<float> partials, int chunks, Span<float> statistics, Span<float> runningMean, Span<float> runningVar, Span<float> batchesTracked, int channels, double momentum, double epsilon)
    {
        KernelChecks.SizeAtLeast(chunks, 1, nameof(chunks), ReduceStatisticsName);
        KernelChecks.SizeAtLeast(channels, 1, nameof(channels), ReduceStatisticsName);
        int partialLength = (2 * channels) + 1;
        KernelChecks.AtLeast(partials.Length, (long)chunks * partialLength, nameof(partials), ReduceStatisticsName);
        KernelChecks.AtLeast(statistics.Length, 2L * channels, nameof(statistics), ReduceStatisticsName);
        KernelChecks.AtLeast(runningMean.Length, channels, nameof(runningMean), ReduceStatisticsName);
        KernelChecks.AtLeast(runningVar.Length, channels, nameof(runningVar), ReduceStatisticsName);
        KernelChecks.AtLeast(batchesTracked.Length, 1, nameof(batchesTracked), ReduceStatisticsName);
        for (int c = 0; c < channels; c++)
        {
            double count = 0, mean = 0, squares = 0;
            for (int k = 0; k < chunks; k++)
            {
                ReadOnlySpan<float> part = partials.Slice(k * partialLength, partialLength);
                double n = part[0];
                if (n == 0)
                {
                    continue; // an empty slice adds nothing
                }

                double delta = part[1 + c] - mean, total = count + n;
                mean += delta * n / total;
                squares += part[1 + channels + c] + (delta * delta * count * n / total);
                count = total;
            }

            statistics[c] = (float)mean;
            statistics[channels + c] = (float)(1.0 / Math.Sqrt((squares / count) + epsilon));
            runningMean[c] = (float)(((1 - momentum) * runningMean[c]) + (momentum * mean));
            runningVar[c] = (float)(((1 - momentum) * runningVar[c]) + (momentum * squares / (count - 1)));
        }

        batchesTracked[0] += 1f;
    }

    /// <summary>Forward in inference: the running estimates as the statistics, <c>[running mean, 1/sqrt(running variance + epsilon)]</c>.</summary>
    public static void InferenceStatistics(ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> statistics, int channels, double epsilon)
    {
        KernelChecks.SizeAtLeast(channels, 1, nameof(channels), InferenceStatisticsName);
        KernelChecks.AtLeast(runningMean.Length, channels, nameof(runningMean), InferenceStatisticsName);
        KernelChecks.AtLeast(runningVar.Length, channels, nameof(runningVar), InferenceStatisticsName);
        KernelChecks.AtLeast(statistics.Length, 2L * channels, nameof(statistics), InferenceStatisticsName);
        for (int c = 0; c < channels; c++)
        {
            statistics[c] = runningMean[c];
            statistics[channels + c] = (float)(1.0 / Math.Sqrt(runningVar[c] + epsilon));
        }
    }

    /// <summary>
    /// Backward, once per batch: <c>totals = the sum of the <paramref name="chunks"/> records</c>
    /// <c>[count, sum dy, sum dy * x_hat]</c> that <see cref="BackwardStatistics"/> wrote, added in chunk order.
    /// </summary>
    public static void ReduceSums(ReadOnlySpan<float> partials, int chunks, Span<float> totals, int channels)
    {
        KernelChecks.SizeAtLeast(chunks, 1, nameof(chunks), ReduceSumsName);
        KernelChecks.SizeAtLeast(channels, 1, nameof(channels), ReduceSumsName);
        int partialLength = (2 * channels) + 1;
        KernelChecks.AtLeast(partials.Length, (long)chunks * partialLength, nameof(partials), ReduceSumsName);
        KernelChecks.AtLeast(totals.Length, partialLength, nameof(totals), ReduceSumsName);
        totals.Slice(0, partialLength).Clear();
        for (int k = 0; k < chunks; k++)
        {
            ReadOnlySpan<float> part = partials.Slice(k * partialLength, partialLength);
            for (int i = 0; i < partialLength; i++)
            {
                totals[i] += part[i];
            }
        }
    }

    /// <summary>
    /// Backward to the parameters, accumulated: <c>weightGradient += sum dy * x_hat</c> and
    /// <c>biasGradient += sum dy</c> per channel, from the batch's <paramref name="totals"/>.
    /// </summary>
    public static void AddParameterGradients(ReadOnlySpan<float> totals, Span<float> weightGradient, Span<float> biasGradient, int channels)
    {
        KernelChecks.SizeAtLeast(channels, 1, nameof(channels), AddParameterGradientsName);
        KernelChecks.AtLeast(totals.Length, (2L * channels) + 1, nameof(totals), AddParameterGradientsName);
        KernelChecks.AtLeast(weightGradient.Length, channels, nameof(weightGradient), AddParameterGradientsName);
        KernelChecks.AtLeast(biasGradient.Length, channels, nameof(biasGradient), AddParameterGradientsName);
        for (int c = 0; c < channels; c++)
        {
            weightGradient[c] += totals[1 + channels + c];
            biasGradient[c] += totals[1 + c];
        }
    }
}
