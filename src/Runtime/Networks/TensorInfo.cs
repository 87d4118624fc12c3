using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>What a named tensor of a network is: a learned parameter, or state that is saved but not trained.</summary>
public enum TensorKind
{
    /// <summary>A learned parameter (<c>conv1.weight</c>): it lives in <see cref="INetwork.Parameters"/>, has a gradient, and optimizers update it.</summary>
    Parameter,

    /// <summary>
    /// State that is saved and loaded with the parameters but never touched by an optimizer
    /// (<c>bn1.running_mean</c>): it lives in the network's state buffer and changes only in training Forward passes.
    /// </summary>
    State,
}

/// <summary>
/// A named tensor of a network: its PyTorch <c>state_dict</c> name (<c>conv1.weight</c>), its shape
/// in PyTorch's order ([out, in, kh, kw] for a convolution weight; [] for a scalar), whether it is a
/// parameter or state, and where it lives in the flat parameter buffer (for parameters) or state
/// buffer (for state).
/// </summary>
public sealed class TensorInfo
{
    private readonly int[] _shape;

    /// <summary>Describes a parameter tensor; generated code creates these.</summary>
    public TensorInfo(string name, int[] shape, int offset, int length)
        : this(name, shape, offset, length, TensorKind.Parameter)
    {
    }

    /// <summary>Describes a parameter or state tensor; generated code creates these.</summary>
    public TensorInfo(string name, int[] shape, int offset, int length, TensorKind kind)
    {
        Name = name;
        _shape = shape;
        Offset = offset;
        Length = length;
        Kind = kind;
    }

    /// <summary>The PyTorch <c>state_dict</c> name.</summary>
    public string Name { get; }

    /// <summary>The shape in PyTorch's order; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Where the tensor starts in its buffer: the parameter buffer for parameters, the state buffer for state.</summary>
    public int Offset { get; }

    /// <summary>The number of values.</summary>
    public int Length { get; }

    /// <summary>Whether the tensor is a trained parameter or saved state.</summary>
    public TensorKind Kind { get; }

    /// <summary>How <see cref="CompiledNetwork.Initialize"/> sets the tensor's values: zeros unless its layer's declaration says otherwise.</summary>
    public TensorInit Init { get; init; }

    /// <summary>The shape as PyTorch prints it: <c>[6, 1, 5, 5]</c>, or <c>[]</c> for a scalar.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    /// <inheritdoc/>
    public override string ToString() => Name + " " + ShapeText + (Kind == TensorKind.State ? " (state)" : string.Empty);
}
