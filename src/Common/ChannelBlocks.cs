namespace StaticNet.Kernels;

/// <summary>
/// The channels in a block of the layout inference keeps tensors in between the layers it runs in blocked channels.
/// The generator runs a convolution so when its filters fill whole blocks, and the runtime's kernels read and write
/// blocks of this many, so this one file is compiled into both assemblies.
/// </summary>
internal static class ChannelBlocks
{
    /// <summary>Channels in a block: two 256-bit vectors, or one of 512 bits.</summary>
    public const int Block = 16;
}
