using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace StaticNet.Onnx;

/// <summary>
/// An ONNX graph being built, and its serialisation as a <c>ModelProto</c>. Field numbers are those of
/// onnx/onnx.proto; only the messages and fields an exported network uses are written.
/// </summary>
internal sealed class OnnxModel
{
    /// <summary>The operator set the graph is written against.</summary>
    public const int Opset = 13;

    /// <summary>The IR version that goes with opset 13 (ONNX 1.8).</summary>
    public const int IrVersion = 7;

    /// <summary>The name of the symbolic batch dimension of the input and output.</summary>
    public const string BatchDimension = "batch";

    private const int FloatType = 1;
    private const int Int64Type = 7;

    private readonly List<Node> _nodes = new();
    private readonly List<Initializer> _initializers = new();
    private readonly HashSet<string> _initializerNames = new(StringComparer.Ordinal);

    public OnnxModel(string name) => Name = name;

    public string Name { get; }

    /// <summary>Adds a node whose single output is <paramref name="output"/>; returns that name.</summary>
    public string Add(string opType, string name, string output, string[] inputs, params NodeAttribute[] attributes)
    {
        _nodes.Add(new Node(opType, name, inputs, output, attributes));
        return output;
    }

    /// <summary>Adds a float tensor initializer.</summary>
    public string Constant(string name, long[] dimensions, float[] values)
    {
        AddInitializer(new Initializer(name, dimensions, values, null));
        return name;
    }

    /// <summary>Adds a float scalar initializer.</summary>
    public string Scalar(string name, float value) => Constant(name, Array.Empty<long>(), new[] { value });

    /// <summary>Adds an int64 vector initializer (a shape for Reshape).</summary>
    public string Int64Vector(string name, long[] values)
    {
        AddInitializer(new Initializer(name, new long[] { values.Length }, null, values));
        return name;
    }

    /// <summary>Writes the model: the graph with its float input and output, whose first dimension is <see cref="BatchDimension"/>.</summary>
    public void Write(Stream stream, string producerVersion, string input, int[] inputShape, string output, int[] outputShape)
    {
        var model = new ProtobufWriter();
        model.Int(1, IrVersion);
        model.String(2, "StaticNet");
        model.String(3, producerVersion);
        model.Message(7, graph =>
        {
            foreach (Node node in _nodes)
            {
                graph.Message(1, n => WriteNode(n, node));
            }

            graph.String(2, Name);
            foreach (Initializer initializer in _initializers)
            {
                graph.Message(5, t => WriteTensor(t, initializer));
            }

            graph.Message(11, v => WriteValueInfo(v, input, inputShape));
            graph.Message(12, v => WriteValueInfo(v, output, outputShape));
        });
        model.Message(8, opset =>
        {
            opset.String(1, string.Empty);
            opset.Int(2, Opset);
        });
        model.CopyTo(stream);
    }

    private void AddInitializer(Initializer initializer)
    {
        if (!_initializerNames.Add(initializer.Name))
        {
            throw new InvalidOperationException($"The ONNX graph already has an initializer named '{initializer.Name}'.");
        }

        _initializers.Add(initializer);
    }

    private static void WriteNode(ProtobufWriter w, Node node)
    {
        foreach (string input in node.Inputs)
        {
            w.String(1, input);
        }

        w.String(2, node.Output);
        w.String(3, node.Name);
        w.String(4, node.OpType);
        foreach (NodeAttribute attribute in node.Attributes)
        {
            w.Message(5, a => WriteAttribute(a, attribute));
        }
    }

    // AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20 (FLOAT = 1, INT = 2, INTS = 7).
    private static void WriteAttribute(ProtobufWriter w, NodeAttribute attribute)
    {
        w.String(1, attribute.Name);
        switch (attribute.Type)
        {
            case AttributeType.Float:
                w.Float(2, attribute.FloatValue);
                w.Int(20, 1);
                break;
            case AttributeType.Int:
                w.Int(3, attribute.IntValues[0]);
                w.Int(20, 2);
                break;
            default:
                foreach (long value in attribute.IntValues)
                {
                    w.Int(8, value);
                }

                w.Int(20, 7);
                break;
        }
    }

    // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian, as ONNX requires).
    private static void WriteTensor(ProtobufWriter w, Initializer tensor)
    {
        foreach (long dimension in tensor.Dimensions)
        {
            w.Int(1, dimension);
        }

        w.Int(2, tensor.Floats is null ? Int64Type : FloatType);
        w.String(8, tensor.Name);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The ONNX export writes tensor data in the machine's byte order, which must be little-endian.");
        }

        w.Bytes(9, tensor.Floats is { } floats ? MemoryMarshal.AsBytes(floats.AsSpan()) : MemoryMarshal.AsBytes(tensor.Int64s.AsSpan()));
    }

    // ValueInfoProto: name = 1, type = 2; TypeProto.tensor_type = 1; Tensor: elem_type = 1, shape = 2;
    // TensorShapeProto.dim = 1; Dimension: dim_value = 1, dim_param = 2.
    private static void WriteValueInfo(ProtobufWriter w, string name, int[] shape)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int(1, FloatType);
            tensor.Message(2, dims =>
            {
                dims.Message(1, d => d.String(2, BatchDimension));
                foreach (int size in shape)
                {
                    dims.Message(1, d => d.Int(1, size));
                }
            });
        }));
    }

    private sealed record Node(string OpType, string Name, string[] Inputs, string Output, NodeAttribute[] Attributes);

    private sealed record Initializer(string Name, long[] Dimensions, float[]? Floats, long[]? Int64s);
}

internal enum AttributeType
{
    Float,
    Int,
    Ints,
}

/// <summary>A node attribute: a float, an integer, or a list of integers.</summary>
internal sealed record NodeAttribute(string Name, AttributeType Type, float FloatValue, long[] IntValues)
{
    public static NodeAttribute Float(string name, double value) => new(name, AttributeType.Float, (float)value, Array.Empty<long>());

    public static NodeAttribute Int(string name, long value) => new(name, AttributeType.Int, 0, new[] { value });

    public static NodeAttribute Ints(string name, params long[] values) => new(name, AttributeType.Ints, 0, values);
}
