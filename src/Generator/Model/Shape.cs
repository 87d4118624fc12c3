using System;

namespace StaticNet.Generator.Model;

/// <summary>
/// The shape of one sample's activation: a flat vector (<see cref="IsFlat"/>) or an image of
/// [channels, height, width] in NCHW order. The batch dimension is never part of it.
/// </summary>
internal readonly record struct Shape(int Channels, int Height, int Width, bool IsFlat)
{
    public static Shape Flat(int length) => new(length, 1, 1, IsFlat: true);

    public static Shape Image(int channels, int height, int width) => new(channels, height, width, IsFlat: false);

    /// <summary>The number of values in one sample. Sizes are validated to fit an <see cref="int"/> before a shape is built.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>The shape as PyTorch prints it without the batch dimension: <c>400</c> or <c>16x5x5</c>.</summary>
    public override string ToString() => IsFlat
        ? Channels.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : FormattableString.Invariant($"{Channels}x{Height}x{Width}");

    /// <summary>The shape with a leading batch dimension, for shape comments: <c>(B, 16, 5, 5)</c>.</summary>
    public string ToBatchedString() => IsFlat
        ? FormattableString.Invariant($"(B, {Channels})")
        : FormattableString.Invariant($"(B, {Channels}, {Height}, {Width})");
}
