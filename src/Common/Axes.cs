using System;
using System.Globalization;

namespace StaticNet;

/// <summary>
/// A window setting of a 2-D layer (kernel, stride, padding, dilation) along height and width, as PyTorch's
/// tuples: <c>kernel_size=(3, 2)</c> is <c>Axes(3, 2)</c>, and <c>kernel_size=3</c> is <c>Axes.Square(3)</c>.
/// The generator's model and the ONNX import both describe windows with it, and print them the same way;
/// this one file is compiled into both.
/// </summary>
internal readonly record struct Axes(int Height, int Width)
{
    public static Axes Square(int side) => new(side, side);

    /// <summary>Whether both axes have the same value, which the square forms (<c>Kernel = 3</c>) write.</summary>
    public bool IsSquare => Height == Width;

    /// <summary>The setting for summaries and messages: <c>2</c> when square, <c>(2, 1)</c> otherwise, as PyTorch prints it.</summary>
    public override string ToString() => IsSquare
        ? Height.ToString(CultureInfo.InvariantCulture)
        : FormattableString.Invariant($"({Height}, {Width})");

    /// <summary>A window's size, height by width: <c>3x2</c>, <c>5x5</c>.</summary>
    public string Window => FormattableString.Invariant($"{Height}x{Width}");
}
