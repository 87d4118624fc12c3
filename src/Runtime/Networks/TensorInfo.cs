using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// A named tensor of a network: its PyTorch <c>state_dict</c> name (<c>conv1.weight</c>), its shape
/// in PyTorch's order ([out, in, kh, kw] for a convolution weight), and where it lives in the flat
/// parameter buffer.
/// </summary>
public sealed class TensorInfo
{
    private readonly int[] _shape;

    /// <summary>Describes a tensor; generated code creates these.</summary>
    public TensorInfo(string name, int[] shape, int offset, int length)
    {
        Name = name;
        _shape = shape;
        Offset = offset;
        Length = length;
    }

    /// <summary>The PyTorch <c>state_dict</c> name.</summary>
    public string Name { get; }

    /// <summary>The shape in PyTorch's order.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Where the tensor starts in the parameter buffer.</summary>
    public int Offset { get; }

    /// <summary>The number of values.</summary>
    public int Length { get; }

    /// <summary>The shape as PyTorch prints it: <c>[6, 1, 5, 5]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    /// <inheritdoc/>
    public override string ToString() => Name + " " + ShapeText;
}
