namespace StaticNet.Kernels;

/// <summary>
/// Where a sample's values lie in a tensor that inference keeps in blocked channels between the layers that run
/// in them: <c>[channels / Block][height + 2 border][width + 2 border][Block]</c>, the border and nothing else zero.
/// <c>Block</c> is <see cref="BlockedConvolution.Block"/> for the output of a layer that runs blocked, so that one
/// vector load reads 16 channels of one position; or 1 for planes (a network's input, or any layer's output on
/// planes), with a border only where a blocked convolution pads them. The border is as wide as the widest padding
/// of the convolutions that read the tensor, so that none of them needs a bounds check.
/// </summary>
internal readonly struct BlockedLayout
{
    public BlockedLayout(int channels, int height, int width, int border, int block)
    {
        KernelChecks.SizeAtLeast(channels, 1, nameof(channels), nameof(BlockedLayout));
        KernelChecks.SizeAtLeast(height, 1, nameof(height), nameof(BlockedLayout));
        KernelChecks.SizeAtLeast(width, 1, nameof(width), nameof(BlockedLayout));
        KernelChecks.SizeAtLeast(border, 0, nameof(border), nameof(BlockedLayout));
        if ((block != 1 && block != BlockedConvolution.Block) || channels % block != 0)
        {
            throw new System.ArgumentException($"A blocked layout has blocks of 1 or {BlockedConvolution.Block} channels that the channels fill; found blocks of {block} for {channels} channels.", nameof(block));
        }

        Channels = channels;
        Height = height;
        Width = width;
        Border = border;
        Block = block;

        // Kept, not derived on each use: the tile walks of the convolution read them per tile, and a division per read
        // cost as much as a small layer's arithmetic.
        Blocks = channels / block;
        PaddedHeight = height + (2 * border);
        PaddedWidth = width + (2 * border);
        BlockLength = PaddedHeight * PaddedWidth * block;
        Length = Blocks * BlockLength;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int Border { get; }

    public int Block { get; }

    public int Blocks { get; }

    public int PaddedHeight { get; }

    public int PaddedWidth { get; }

    /// <summary>Floats from one block of channels to the next.</summary>
    public int BlockLength { get; }

    /// <summary>Floats of one sample.</summary>
    public int Length { get; }

    /// <summary>Where position (<paramref name="y"/>, <paramref name="x"/>) of the first block starts; <paramref name="y"/> and <paramref name="x"/> may reach into the border.</summary>
    public int At(int y, int x) => ((((y + Border) * PaddedWidth) + x + Border) * Block);
}
