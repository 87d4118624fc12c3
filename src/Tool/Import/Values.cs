using System;
using System.Linq;

namespace StaticNet.Tool.Import;

/// <summary>What an ONNX value is, as the import follows the graph.</summary>
internal abstract record Value;

/// <summary>
/// A float tensor computed from the network input, <c>[batch, ..Dims]</c>: the output of
/// <see cref="Producer"/> (null for the network input itself). <see cref="Shape"/> is how StaticNet holds
/// one sample of it, <c>[channels, height, width]</c> or <c>[features]</c>; it differs from
/// <see cref="Dims"/> only after a <c>GlobalAvgPool2D</c>, whose output ONNX keeps as <c>[C, 1, 1]</c>
/// and StaticNet as <c>[C]</c>.
/// </summary>
internal sealed record Activation(ImportedLayer? Producer, int[] Dims, int[] Shape) : Value
{
    public bool IsImage => Shape.Length == 3;

    /// <summary>The values of one sample.</summary>
    public int Length => Shape.Aggregate(1, (product, size) => product * size);

    /// <summary>The ONNX shape as messages show it: <c>[batch, 6, 28, 28]</c>.</summary>
    public string DimsText => "[batch" + string.Concat(Dims.Select(size => ", " + Numbers.Format(size))) + "]";
}

/// <summary>A float tensor known when the file is read: an initializer, a <c>Constant</c>, or computed from them.</summary>
internal sealed record FloatConstant(string Name, long[] Dims, float[] Values) : Value
{
    public string ShapeText => "[" + string.Join(", ", Dims) + "]";
}

/// <summary>
/// An integer tensor of at most one dimension (a shape, axes, indices), whose elements are numbers or
/// the batch size, which is known only when the network runs: what <c>Shape</c> and the arithmetic
/// exporters write around <c>Reshape</c> compute. <see cref="IsScalar"/> tells <c>5</c> from <c>[5]</c>.
/// </summary>
internal sealed record IntConstant(Dim[] Values, bool IsScalar) : Value
{
    public static IntConstant Of(params long[] values) => new(Array.ConvertAll(values, Dim.Of), IsScalar: false);

    /// <summary>The elements as numbers, or null when one of them is the batch size.</summary>
    public long[]? Known => Values.All(v => !v.IsBatch) ? Array.ConvertAll(Values, v => v.Size) : null;

    public string Text => IsScalar ? Values[0].ToString() : "[" + string.Join(", ", Values.Select(v => v.ToString())) + "]";
}

/// <summary>One element of an <see cref="IntConstant"/>: a number, or the batch size.</summary>
internal readonly record struct Dim(long Size, bool IsBatch)
{
    public static readonly Dim Batch = new(0, true);

    public static Dim Of(long size) => new(size, false);

    public override string ToString() => IsBatch ? "batch" : Numbers.Format(Size);
}
