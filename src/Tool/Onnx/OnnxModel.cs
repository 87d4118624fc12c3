using System;
using System.Collections.Generic;

namespace StaticNet.Tool.Onnx;

/// <summary>What an ONNX model file holds that the import reads: its versions and its graph (<c>ModelProto</c>).</summary>
internal sealed record OnnxModel(long IrVersion, string Producer, long Opset, OnnxGraph Graph);

/// <summary>
/// An ONNX graph (<c>GraphProto</c>): nodes in the order of the file (topological, as ONNX requires),
/// initializers by name, and the graph's inputs and outputs.
/// </summary>
internal sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyDictionary<string, OnnxTensor> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>One node (<c>NodeProto</c>). An optional input left out is the empty string, as in the file.</summary>
internal sealed record OnnxNode(
    string Name,
    string OpType,
    string Domain,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>How messages name the node: its name, or its first output when it has none.</summary>
    public string Label => Name.Length > 0 ? $"'{Name}'" : $"(unnamed, output '{(Outputs.Count > 0 ? Outputs[0] : "")}')";

    /// <summary>The node as messages name it: <c>node '/conv1/Conv' (Conv)</c>.</summary>
    public string Describe() => $"node {Label} ({OpType})";
}

/// <summary>The type of an attribute's value (<c>AttributeProto.AttributeType</c>).</summary>
internal enum OnnxAttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
    SparseTensor = 11,
    SparseTensors = 12,
    TypeProto = 13,
    TypeProtos = 14,
}

/// <summary>One node attribute (<c>AttributeProto</c>): the value its type names; the others stay empty.</summary>
internal sealed record OnnxAttribute(string Name, OnnxAttributeType Type, float Float, long Int, byte[] Bytes, OnnxTensor? Tensor, float[] Floats, long[] Ints)
{
    /// <summary>The value as a message shows it: <c>2</c>, <c>[1, 2, 1, 2]</c>, <c>'constant'</c>.</summary>
    public string ValueText => Type switch
    {
        OnnxAttributeType.Float => Numbers.Format(Float),
        OnnxAttributeType.Int => Numbers.Format(Int),
        OnnxAttributeType.String => "'" + System.Text.Encoding.UTF8.GetString(Bytes) + "'",
        OnnxAttributeType.Floats => "[" + string.Join(", ", Array.ConvertAll(Floats, Numbers.Format)) + "]",
        OnnxAttributeType.Ints => "[" + string.Join(", ", Array.ConvertAll(Ints, Numbers.Format)) + "]",
        _ => "a " + Type.ToString().ToLowerInvariant(),
    };
}

/// <summary>One dimension of a value's shape: a size, a symbolic name (<c>batch</c>), or unknown (both null).</summary>
internal readonly record struct OnnxDimension(long? Size, string? Symbol);

/// <summary>A graph input or output (<c>ValueInfoProto</c>): its element type and shape, when the file gives them.</summary>
internal sealed record OnnxValueInfo(string Name, int ElementType, IReadOnlyList<OnnxDimension>? Shape);

/// <summary>
/// A tensor (<c>TensorProto</c>): an initializer or a constant. Float and double data are read as
/// <see cref="Floats"/>, integer and boolean data as <see cref="Integers"/>; other types keep no values.
/// </summary>
internal sealed record OnnxTensor(string Name, long[] Dimensions, int DataType, float[]? Floats, long[]? Integers)
{
    public const int FloatType = 1;
    public const int Int64Type = 7;
    public const int DoubleType = 11;

    /// <summary>The number of values: the product of the dimensions (1 for a scalar).</summary>
    public long Count
    {
        get
        {
            long count = 1;
            foreach (long size in Dimensions)
            {
                count *= size;
            }

            return count;
        }
    }

    /// <summary>The shape as messages show it: <c>[6, 1, 5, 5]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Dimensions) + "]";

    /// <summary>The element type's ONNX name.</summary>
    public string TypeName => TypeNames.Of(DataType);
}

/// <summary>The names of ONNX element types (<c>TensorProto.DataType</c>).</summary>
internal static class TypeNames
{
    private static readonly string[] Names =
    {
        "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool", "float16",
        "double", "uint32", "uint64", "complex64", "complex128", "bfloat16",
    };

    public static string Of(int dataType) => dataType >= 0 && dataType < Names.Length ? Names[dataType] : $"type {dataType}";
}
