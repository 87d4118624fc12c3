using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// The counter-based random generator behind dropout: whether a value is kept is a pure function of
/// the network's seed, the training step, the layer, and the value's position (the sample's index in
/// the batch and the value's index in the sample), computed by hashing those numbers (SplitMix64's
/// finaliser) rather than by drawing from a sequential generator. A slice of the batch that starts
/// at sample <c>s</c> gets exactly the mask the whole batch gives its samples from <c>s</c> on, so the
/// mask does not depend on how a batch is split into chunks or on which thread runs which chunk.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DropoutMask
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The key of one dropout layer at one training step.</summary>
    /// <param name="seed">The network's seed.</param>
    /// <param name="step">The training step (the count of training Forward passes before this one).</param>
    /// <param name="layer">A constant of the layer (the FNV-1a hash of its name), so that two dropout layers draw independent masks.</param>
    public static ulong Key(int seed, long step, ulong layer) =>
        Mix(Mix(unchecked((ulong)(uint)seed ^ layer)) + unchecked((ulong)step * Golden));

    /// <summary>
    /// 24 uniform random bits for the value at <paramref name="index"/> (sample index times values per
    /// sample, plus the value's index): the value is kept when they are at least the layer's threshold,
    /// <c>round(rate * 2^24)</c>.
    /// </summary>
    public static uint Bits(ulong key, long index) => (uint)(Mix(unchecked(key + ((ulong)index * Golden))) >> 40);

    /// <summary>The FNV-1a hash of a layer name: the constant generated code passes to <see cref="Key"/>.</summary>
    public static ulong LayerConstant(string name) => StableHash.Fnv1a(name);

    /// <summary>SplitMix64's output function: a bijection of 64-bit values that mixes every input bit into every output bit.</summary>
    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
