using StaticNet;

namespace StaticNet.Kernels.Bench;

/// <summary>Buffers of random values for one layer's benchmarks.</summary>
internal static class Buffers
{
    public static float[] Random(int length, int seed = 1)
    {
        var random = new RandomStream(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }

        return values;
    }
}
