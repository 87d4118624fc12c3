using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using StaticNet.Tool.Import;

namespace StaticNet.Tool.Onnx;

/// <summary>
/// Reads an ONNX model file: the <c>ModelProto</c>, <c>GraphProto</c>, <c>NodeProto</c>,
/// <c>AttributeProto</c>, <c>TensorProto</c> and <c>ValueInfoProto</c> fields the import needs, with the
/// field numbers of onnx/onnx.proto. Fields it does not use are skipped, as protobuf readers do; a file
/// whose bytes are not a well-formed message, or that is not an ONNX model, is refused with
/// <see cref="ImportException"/> naming the file and what is wrong.
/// </summary>
internal static class OnnxFile
{
    /// <summary>The oldest IR version a model can have (ONNX 1.0).</summary>
    private const long MinimumIrVersion = 3;

    public static OnnxModel Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ImportException($"{path}: cannot read the ONNX model: it is a directory, not a file.");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            string reason = exception is FileNotFoundException or DirectoryNotFoundException ? "no such file" : exception.Message.TrimEnd('.');
            throw new ImportException($"{path}: cannot read the ONNX model: {reason}.");
        }

        return Parse(bytes, path);
    }

    /// <summary>Reads a model from its bytes; <paramref name="path"/> names it in messages.</summary>
    public static OnnxModel Parse(byte[] bytes, string path)
    {
        if (bytes.Length == 0)
        {
            throw new ImportException($"{path} is empty, not an ONNX model.");
        }

        if (OtherFormat(bytes) is string format)
        {
            throw new ImportException($"{path} is {format}, not an ONNX model. Export the model with torch.onnx.export (see docs/onnx.md) and import that file.");
        }

        try
        {
            return ReadModel(new ProtobufReader(bytes, 0, "ModelProto"), path);
        }
        catch (ProtobufException exception)
        {
            throw new ImportException($"{path} is not a valid ONNX model: {exception.Message}. The file is truncated, damaged, or not an ONNX model.");
        }
    }

    /// <summary>What the file is, when its first bytes say it is a file that is often mistaken for a model; null otherwise.</summary>
    private static string? OtherFormat(byte[] bytes)
    {
        if (bytes is [(byte)'P', (byte)'K', 3, 4, ..])
        {
            return "a zip archive (torch.save writes .pt and .pth files so)";
        }

        if (bytes is [0x80, >= 2 and <= 5, ..])
        {
            return "a Python pickle (older versions of torch.save write .pt files so)";
        }

        if (bytes.Length > 9 && bytes[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(bytes) <= (ulong)(bytes.Length - 8))
        {
            return "a safetensors file (weights without a graph)";
        }

        return null;
    }

    private static OnnxModel ReadModel(ProtobufReader reader, string path)
    {
        long irVersion = 0;
        string producer = string.Empty, producerVersion = string.Empty;
        OnnxGraph? graph = null;
        long? opset = null;
        bool sawOpset = false;
        while (reader.NextField(out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wireType, WireType.Varint, "ir_version");
                    irVersion = reader.ReadInt64();
                    break;
                case 2:
                    reader.Expect(wireType, WireType.LengthDelimited, "producer_name");
                    producer = reader.ReadString();
                    break;
                case 3:
                    reader.Expect(wireType, WireType.LengthDelimited, "producer_version");
                    producerVersion = reader.ReadString();
                    break;
                case 7:
                    reader.Expect(wireType, WireType.LengthDelimited, "graph");
                    int at = reader.FileOffset;
                    if (graph is not null)
                    {
                        throw reader.Fail(at, "a second graph");
                    }

                    graph = ReadGraph(reader.ReadMessage("GraphProto"), path);
                    break;
                case 8:
                    reader.Expect(wireType, WireType.LengthDelimited, "opset_import");
                    sawOpset = true;
                    (string domain, long version) = ReadOpset(reader.ReadMessage("OperatorSetIdProto"));
                    if (domain is "" or "ai.onnx")
                    {
                        opset = version;
                    }

                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (irVersion < MinimumIrVersion || graph is null || !sawOpset)
        {
            string missing = graph is null ? "no graph" : !sawOpset ? "no opset_import" : $"IR version {irVersion}";
            throw new ImportException($"{path} is not an ONNX model: it has {missing} (an ONNX model has an IR version of at least {MinimumIrVersion}, a graph and its operator sets). The file is truncated, damaged, or not an ONNX model.");
        }

        if (opset is null)
        {
            throw new ImportException($"{path}: the model imports no version of the standard ONNX operator set (domain 'ai.onnx'), so its operators have no meaning the import knows.");
        }

        string producedBy = producer.Length == 0 ? "an unnamed producer" : producerVersion.Length == 0 ? producer : producer + " " + producerVersion;
        return new OnnxModel(irVersion, producedBy, opset.Value, graph);
    }

    private static (string Domain, long Version) ReadOpset(ProtobufReader reader)
    {
        string domain = string.Empty;
        long version = 0;
        while (reader.NextField(out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wireType, WireType.LengthDelimited, "domain");
                    domain = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(wireType, WireType.Varint, "version");
                    version = reader.ReadInt64();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return (domain, version);
    }

    private static OnnxGraph ReadGraph(ProtobufReader reader, string path)
    {
        string name = string.Empty;
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        while (reader.NextField(out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wireType, WireType.LengthDelimited, "node");
                    nodes.Add(ReadNode(reader.ReadMessage("NodeProto"), path));
                    break;
                case 2:
                    reader.Expect(wireType, WireType.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 5:
                    reader.Expect(wireType, WireType.LengthDelimited, "initializer");
                    int at = reader.FileOffset;
                    OnnxTensor tensor = ReadTensor(reader.ReadMessage("TensorProto"), path);
                    if (!initializers.TryAdd(tensor.Name, tensor))
                    {
                        throw reader.Fail(at, $"a second initializer named '{tensor.Name}'");
                    }

                    break;
                case 11:
                    reader.Expect(wireType, WireType.LengthDelimited, "input");
                    inputs.Add(ReadValueInfo(reader.ReadMessage("ValueInfoProto")));
                    break;
                case 12:
                    reader.Expect(wireType, WireType.LengthDelimited, "output");
                    outputs.Add(ReadValueInfo(reader.ReadMessage("ValueInfoProto")));
                    break;
                case 15:
                    throw new ImportException($"{path}: the graph has sparse initializers, which the import does not read; store the weights as dense tensors.");
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private static OnnxNode ReadNode(ProtobufReader reader, string path)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = string.Empty, opType = string.Empty, domain = string.Empty;
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        while (reader.NextField(out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wireType, WireType.LengthDelimited, "input");
                    inputs.Add(reader.ReadString());
                    break;
                case 2:
                    reader.Expect(wireType, WireType.LengthDelimited, "output");
                    outputs.Add(reader.ReadString());
                    break;
                case 3:
                    reader.Expect(wireType, WireType.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 4:
                    reader.Expect(wireType, WireType.LengthDelimited, "op_type");
                    opType = reader.ReadString();
                    break;
                case 5:
                    reader.Expect(wireType, WireType.LengthDelimited, "attribute");
                    int at = reader.FileOffset;
                    OnnxAttribute attribute = ReadAttribute(reader.ReadMessage("AttributeProto"), path);
                    if (!attributes.TryAdd(attribute.Name, attribute))
                    {
                        throw reader.Fail(at, $"a second attribute named '{attribute.Name}' on one node");
                    }

                    break;
                case 7:
                    reader.Expect(wireType, WireType.LengthDelimited, "domain");
                    domain = reader.ReadString();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (opType.Length == 0)
        {
            throw reader.Fail(reader.FileOffset, "a node without an operator type (op_type)");
        }

        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private static OnnxAttribute ReadAttribute(ProtobufReader reader, string path)
    {
        string name = string.Empty;
        var type = OnnxAttributeType.Undefined;
        float f = 0;
        long i = 0;
        byte[] s = Array.Empty<byte>();
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var inferred = OnnxAttributeType.Undefined;
        while (reader.NextField(out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(wireType, WireType.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(wireType, WireType.Fixed32, "f");
                    f = BitConverter.UInt32BitsToSingle(reader.ReadFixed32());
                    inferred = OnnxAttributeType.Float;
                    break;
                case 3:
                    reader.Expect(wireType, WireType.Varint, "i");
                    i = reader.ReadInt64();
                    inferred = OnnxAttributeType.Int;
                    break;
                case 4:
                    reader.Expect(wireType, WireType.LengthDelimited, "s");
                    s = reader.ReadBytes().ToArray();
                    inferred = OnnxAttributeType.String;
                    break;
                case 5:
                    reader.Expect(wireType, WireType.LengthDelimited, "t");
                    t = ReadTensor(reader.ReadMessage("TensorProto"), path);
                    inferred = OnnxAttributeType.Tensor;
                    break;
                case 7:
                    reader.ReadFloats(wireType, floats);
                    inferred = OnnxAttributeType.Floats;
                    break;
                case 8:
                    reader.ReadInt64s(wireType, ints);
                    inferred = OnnxAttributeType.Ints;
                    break;
                case 20:
                    reader.Expect(wireType, WireType.Varint, "type");
                    type = (OnnxAttributeType)(int)Math.Clamp(reader.ReadInt64(), 0, 100);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        // Files from before IR version 2 may leave the type out: the field that is set says it.
        return new OnnxAttribute(name, type == OnnxAttributeType.Undefined ? inferred : type, f, i, s, t, floats.ToArray(), ints.ToArray());
    }

    private static OnnxValueInfo ReadValueInfo(ProtobufReader reader)
    {
        string name = string.Empty;
        int elementType = 0;
        List<OnnxDimension>? shape = null;
        while (reader.NextField(out int field, out WireType wireType))
        {
            if (field == 1)
            {
                reader.Expect(wireType, WireType.LengthDelimited, "name");
                name = reader.ReadString();
            }
            else if (field == 2)
            {
                reader.Expect(wireType, WireType.LengthDelimited, "type");
                ProtobufReader type = reader.ReadMessage("TypeProto");
                while (type.NextField(out int typeField, out WireType typeWire))
                {
                    if (typeField != 1)
                    {
                        type.Skip(typeWire);
                        continue;
                    }

                    // TypeProto.tensor_type: elem_type = 1, shape = 2.
                    type.Expect(typeWire, WireType.LengthDelimited, "tensor_type");
                    ProtobufReader tensor = type.ReadMessage("TypeProto.Tensor");
                    while (tensor.NextField(out int tensorField, out WireType tensorWire))
                    {
                        if (tensorField == 1)
                        {
                            tensor.Expect(tensorWire, WireType.Varint, "elem_type");
                            elementType = (int)tensor.ReadInt64();
                        }
                        else if (tensorField == 2)
                        {
                            tensor.Expect(tensorWire, WireType.LengthDelimited, "shape");
                            shape = ReadShape(tensor.ReadMessage("TensorShapeProto"));
                        }
                        else
                        {
                            tensor.Skip(tensorWire);
                        }
                    }
                }
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return new OnnxValueInfo(name, elementType, shape);
    }

    private static List<OnnxDimension> ReadShape(ProtobufReader reader)
    {
        var dimensions = new List<OnnxDimension>();
        while (reader.NextField(out int field, out WireType wireType))
        {
            if (field != 1)
            {
                reader.Skip(wireType);
                continue;
            }

            reader.Expect(wireType, WireType.LengthDelimited, "dim");
            ProtobufReader dimension = reader.ReadMessage("TensorShapeProto.Dimension");
            long? size = null;
            string? symbol = null;
            while (dimension.NextField(out int dimensionField, out WireType dimensionWire))
            {
                if (dimensionField == 1)
                {
                    dimension.Expect(dimensionWire, WireType.Varint, "dim_value");
                    size = dimension.ReadInt64();
                }
                else if (dimensionField == 2)
                {
                    dimension.Expect(dimensionWire, WireType.LengthDelimited, "dim_param");
                    symbol = dimension.ReadString();
                }
                else
                {
                    dimension.Skip(dimensionWire);
                }
            }

            dimensions.Add(new OnnxDimension(size, symbol));
        }

        return dimensions;
    }

    private static OnnxTensor ReadTensor(ProtobufReader reader, string path)
    {
        int start = reader.FileOffset;
        string name = string.Empty;
        var dimensions = new List<long>();
        int dataType = 0;
        var floats = new List<float>();
        var doubles = new List<double>();
        var int32s = new List<long>();
        var int64s = new List<long>();
        byte[]? raw = null;
        bool external = false;
        while (reader.NextField(out int field, out WireType wireType))
        {
            switch (field)
            {
                case 1:
                    reader.ReadInt64s(wireType, dimensions);
                    break;
                case 2:
                    reader.Expect(wireType, WireType.Varint, "data_type");
                    dataType = (int)Math.Clamp(reader.ReadInt64(), -1, 1000);
                    break;
                case 3:
                    throw new ImportException($"{path}: a tensor is stored in segments (TensorProto.segment), which the import does not read.");
                case 4:
                    reader.ReadFloats(wireType, floats);
                    break;
                case 5:
                    reader.ReadInt64s(wireType, int32s);
                    break;
                case 7:
                    reader.ReadInt64s(wireType, int64s);
                    break;
                case 8:
                    reader.Expect(wireType, WireType.LengthDelimited, "name");
                    name = reader.ReadString();
                    break;
                case 9:
                    reader.Expect(wireType, WireType.LengthDelimited, "raw_data");
                    raw = reader.ReadBytes().ToArray();
                    break;
                case 10:
                    reader.ReadDoubles(wireType, doubles);
                    break;
                case 13:
                    external = true;
                    reader.Skip(wireType);
                    break;
                case 14:
                    reader.Expect(wireType, WireType.Varint, "data_location");
                    external |= reader.ReadInt64() == 1;
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        string label = name.Length > 0 ? $"tensor '{name}'" : "an unnamed tensor";
        if (external)
        {
            throw new ImportException(
                $"{path}: {label} keeps its data in an external file, which the import does not read. Save the model with its weights inside: " +
                "onnx.save_model(onnx.load(\"model.onnx\"), \"inline.onnx\", save_as_external_data=False) (for models under 2 GB).");
        }

        long count = 1;
        foreach (long size in dimensions)
        {
            if (size < 0 || (size > 0 && count > int.MaxValue / size))
            {
                throw new ProtobufException($"at byte {start}, in a TensorProto: {label} has dimensions [{string.Join(", ", dimensions)}], {(size < 0 ? "one of them negative" : "more values than a tensor can hold")}");
            }

            count *= size;
        }

        var tensor = new Decoded(label, start, (int)count, dataType, raw);
        return dataType switch
        {
            OnnxTensor.FloatType => new OnnxTensor(name, dimensions.ToArray(), dataType, tensor.Floats(floats), null),
            OnnxTensor.DoubleType => new OnnxTensor(name, dimensions.ToArray(), dataType, tensor.Doubles(doubles), null),
            OnnxTensor.Int64Type => new OnnxTensor(name, dimensions.ToArray(), dataType, null, tensor.Integers(int64s, 8)),
            6 => new OnnxTensor(name, dimensions.ToArray(), dataType, null, tensor.Integers(int32s, 4)), // int32
            5 or 4 => new OnnxTensor(name, dimensions.ToArray(), dataType, null, tensor.Integers(int32s, 2)), // int16, uint16
            3 or 2 or 9 => new OnnxTensor(name, dimensions.ToArray(), dataType, null, tensor.Integers(int32s, 1)), // int8, uint8, bool
            _ => new OnnxTensor(name, dimensions.ToArray(), dataType, null, null),
        };
    }

    /// <summary>A tensor's values from its raw bytes or its typed list, whichever it has, checked against its dimensions.</summary>
    private readonly record struct Decoded(string Label, int Offset, int Count, int DataType, byte[]? Raw)
    {
        public float[] Floats(List<float> typed) => Values(typed, 4, (bytes, i) => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)));

        public float[] Doubles(List<double> typed) => Values(typed.ConvertAll(value => (float)value), 8, (bytes, i) => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8)));

        public long[] Integers(List<long> typed, int size)
        {
            // uint8, uint16 and bool are unsigned; the others signed.
            bool unsigned = DataType is 2 or 4 or 9;
            return Values(typed, size, (bytes, i) => size switch
            {
                8 => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8)),
                4 => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4)),
                2 => unsigned ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)) : BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(i * 2)),
                _ => unsigned ? bytes[i] : (sbyte)bytes[i],
            });
        }

        private T[] Values<T>(List<T> typed, int size, Func<byte[], int, T> read)
        {
            if (Raw is not null && typed.Count > 0)
            {
                throw Problem("holds its values twice, as raw_data and as a typed list");
            }

            if (Raw is not null)
            {
                if (Raw.Length != (long)Count * size)
                {
                    throw Problem($"has {Count} values of {size} bytes, {(long)Count * size} bytes, but its raw_data has {Raw.Length}");
                }

                var values = new T[Count];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = read(Raw, i);
                }

                return values;
            }

            if (typed.Count != Count)
            {
                throw Problem($"has {Count} values by its dimensions, but {typed.Count} are stored");
            }

            return typed.ToArray();
        }

        private ProtobufException Problem(string what) => new($"at byte {Offset}, in a TensorProto: {Label} ({TypeNames.Of(DataType)}) {what}");
    }
}
