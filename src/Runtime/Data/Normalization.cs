using System;

namespace StaticNet;

/// <summary>
/// Per-channel standardisation, <c>(x - mean) / std</c>, with the statistics of a training set, as
/// torchvision's <c>Normalize</c>. Fit it on the training set only and apply it to every split, so
/// validation and test data never leak into the statistics.
/// </summary>
public sealed class Normalization
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a normalisation from known per-channel statistics.</summary>
    public Normalization(float[] mean, float[] std)
    {
        if (mean.Length == 0 || mean.Length != std.Length)
        {
            throw new ArgumentException($"mean has {mean.Length} channels and std has {std.Length}; both need the same number, at least 1.", nameof(std));
        }

        for (int c = 0; c < std.Length; c++)
        {
            if (!(std[c] > 0f) || !float.IsFinite(std[c]) || !float.IsFinite(mean[c]))
            {
                throw new ArgumentException($"Channel {c}: the mean must be finite and the standard deviation positive, but they are {mean[c]} and {std[c]}.", nameof(std));
            }
        }

        _mean = (float[])mean.Clone();
        _std = (float[])std.Clone();
    }

    /// <summary>The per-channel means.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>The per-channel standard deviations.</summary>
    public ReadOnlySpan<float> StandardDeviation => _std;

    /// <summary>
    /// Computes per-channel mean and (population) standard deviation over every sample of
    /// <paramref name="data"/>. Samples of shape [channels, height, width] get one pair per channel;
    /// any other shape gets one pair for all values.
    /// </summary>
    public static Normalization Fit(Dataset data)
    {
        int channels = Channels(data);
        int plane = data.SampleLength / channels;
        var sum = new double[channels];
        var sumOfSquares = new double[channels];
        for (int s = 0; s < data.Count; s++)
        {
            ReadOnlySpan<float> sample = data.Sample(s);
            for (int c = 0; c < channels; c++)
            {
                foreach (float value in sample.Slice(c * plane, plane))
                {
                    sum[c] += value;
                    sumOfSquares[c] += (double)value * value;
                }
            }
        }

        var mean = new float[channels];
        var std = new float[channels];
        double count = (double)data.Count * plane;
        for (int c = 0; c < channels; c++)
        {
            double m = sum[c] / count;
            mean[c] = (float)m;
            std[c] = (float)Math.Sqrt(Math.Max((sumOfSquares[c] / count) - (m * m), 1e-12));
        }

        return new Normalization(mean, std);
    }

    /// <summary>Standardises every sample of <paramref name="data"/> in place.</summary>
    public void Apply(Dataset data)
    {
        int channels = Channels(data);
        if (channels != _mean.Length)
        {
            throw new ArgumentException($"{data.Source}: samples have {channels} channels, but this normalisation was fitted on {_mean.Length}.", nameof(data));
        }

        int plane = data.SampleLength / channels;
        Span<float> features = data.Features;
        for (int s = 0; s < data.Count; s++)
        {
            for (int c = 0; c < channels; c++)
            {
                Span<float> values = features.Slice((s * data.SampleLength) + (c * plane), plane);
                float mean = _mean[c], inverse = 1f / _std[c];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (values[i] - mean) * inverse;
                }
            }
        }
    }

    private static int Channels(Dataset data) => data.SampleShape.Count == 3 ? data.SampleShape[0] : 1;
}
