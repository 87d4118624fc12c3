using System;

namespace StaticNet;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64) whose output is the
/// same on every machine and .NET version, so that a seed reproduces a run bit for bit. Each
/// <c>(seed, stream)</c> pair gives an independent sequence: the trainer keys its shuffles by epoch
/// and initialisation keys each tensor by its name, so one part of a run never shifts another's draws.
/// </summary>
public sealed class RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates the stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public RandomStream(long seed, ulong stream = 0) => Reseed(seed, stream);

    /// <summary>
    /// Restarts this generator as the stream <paramref name="stream"/> of <paramref name="seed"/>, exactly
    /// as a new <see cref="RandomStream"/> would start, without allocating: the trainer reseeds one
    /// generator per batch, so a resumed run draws the same numbers as the run it continues.
    /// </summary>
    public void Reseed(long seed, ulong stream = 0)
    {
        ulong state = unchecked((ulong)seed ^ (stream * 0xD1B54A32D192ED03UL));
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>
    /// A stream number for a (purpose, a, b) triple, such as (augmentation, epoch, batch): each part is
    /// mixed through SplitMix64, so neighbouring epochs or batches get unrelated streams.
    /// </summary>
    public static ulong StreamKey(ulong purpose, ulong a, ulong b = 0)
    {
        ulong state = purpose;
        ulong key = SplitMix64(ref state);
        state = key ^ a;
        key = SplitMix64(ref state);
        state = key ^ b;
        return SplitMix64(ref state);
    }

    /// <summary>A stream keyed by a string (a tensor name), through its stable 64-bit FNV-1a hash.</summary>
    public static RandomStream ForKey(long seed, string key) => new(seed, StableHash.Fnv1a(key));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1) with 24 random bits, every value a multiple of 2^-24.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A double uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer uniform in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The upper bound must be at least 1.");
        }

        ulong range = (ulong)maxExclusive;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            ulong product = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low >= threshold)
            {
                return (int)product;
            }
        }
    }

    /// <summary>A standard normal value (Box-Muller, using both uniforms for one value so the sequence stays simple to reproduce).</summary>
    public float NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // in (0, 1], so the logarithm is finite
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>Puts <paramref name="values"/> in a uniformly random order (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
