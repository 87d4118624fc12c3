using System;

namespace StaticNet;

/// <summary>
/// Parameter initialisation that generated networks call. Every tensor draws from its own
/// <see cref="RandomStream"/>, keyed by the seed and the tensor's name.
/// </summary>
public static class Initializers
{
    /// <summary>
    /// Fills <paramref name="values"/> uniformly in [<paramref name="low"/>, <paramref name="high"/>),
    /// as PyTorch's <c>uniform_</c> does: <c>low + (high - low) * u</c>.
    /// </summary>
    public static void Uniform(Span<float> values, float low, float high, int seed, string tensorName)
    {
        RandomStream random = RandomStream.ForKey(seed, tensorName);
        float range = high - low;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = low + (range * random.NextSingle());
        }
    }

    /// <summary>
    /// Fills <paramref name="values"/> from a normal distribution with mean <paramref name="mean"/> and
    /// standard deviation <paramref name="std"/>, as PyTorch's <c>normal_</c> does (the values differ from
    /// PyTorch's, whose generator is another; the distribution is the same).
    /// </summary>
    public static void Normal(Span<float> values, float mean, float std, int seed, string tensorName)
    {
        RandomStream random = RandomStream.ForKey(seed, tensorName);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = mean + (std * random.NextGaussian());
        }
    }
}
