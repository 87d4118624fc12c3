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
}
