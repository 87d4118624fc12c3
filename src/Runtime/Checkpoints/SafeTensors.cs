using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace StaticNet;

/// <summary>One float32 tensor of a safetensors file: its name, shape and values.</summary>
public sealed class SafeTensor
{
    /// <summary>Creates a tensor; <paramref name="values"/> must hold the product of <paramref name="shape"/>.</summary>
    public SafeTensor(string name, int[] shape, float[] values)
    {
        long length = 1;
        foreach (int size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] has a negative size.", nameof(shape));
            }

            length *= size;
        }

        if (length != values.Length)
        {
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] needs {length} values, but {values.Length} were given.", nameof(values));
        }

        Name = name;
        Shape = shape;
        Values = values;
    }

    /// <summary>The tensor's name (a PyTorch <c>state_dict</c> key).</summary>
    public string Name { get; }

    /// <summary>The shape, outermost dimension first.</summary>
    public int[] Shape { get; }

    /// <summary>The values in row-major order.</summary>
    public float[] Values { get; }

    /// <summary>The shape as PyTorch prints it: <c>[6, 1, 5, 5]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// Reads and writes the safetensors format, which PyTorch (through the <c>safetensors</c> package or a
/// few lines of <c>struct</c> and <c>json</c>) reads and writes too: an 8-byte little-endian header
/// length, a JSON header mapping each tensor name to its dtype, shape and byte offsets, an optional
/// <c>__metadata__</c> map of strings, then the raw little-endian data. StaticNet reads and writes
/// float32 (<c>F32</c>) tensors.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = BuildHeader(tensors, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (SafeTensor tensor in tensors)
            {
                WriteLittleEndian(stream, tensor.Values);
            }
        });
    }

    /// <summary>Reads every tensor of a safetensors file.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, or holds a tensor that is not float32; the message names the file and the tensor.</exception>
    public static SafeTensorsFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Safetensors file not found: {path}", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, too short for the 8-byte header length; the file is truncated or not a safetensors file.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw new InvalidDataException($"{path}: the header is said to be {headerLength} bytes, but only {bytes.Length - 8} follow; the file is truncated or not a safetensors file.");
        }

        int dataStart = 8 + (int)headerLength;
        var tensors = new List<SafeTensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(8, (int)headerLength));
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, path, "the header is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                if (name == SafeTensorsFormat.MetadataKey)
                {
                    ReadMetadata(ref reader, metadata, path);
                    continue;
                }

                (string dtype, int[] shape, long begin, long end) = ReadEntry(ref reader, name, path);
                if (dtype != "F32")
                {
                    throw new InvalidDataException($"{path}: tensor '{name}' has dtype {dtype}; StaticNet reads F32 (float32) tensors. Save it as float32 (tensor.float()).");
                }

                long length = 1;
                foreach (int size in shape)
                {
                    length *= size;
                }

                if (begin < 0 || end < begin || end > bytes.Length - dataStart)
                {
                    throw new InvalidDataException($"{path}: tensor '{name}' has data offsets [{begin}, {end}] outside the data section of {bytes.Length - dataStart} bytes; the file is truncated or corrupt.");
                }

                if (end - begin != length * sizeof(float))
                {
                    throw new InvalidDataException($"{path}: tensor '{name}' of shape [{string.Join(", ", shape)}] needs {length * sizeof(float)} bytes, but its data offsets span {end - begin}.");
                }

                var values = new float[length];
                ReadLittleEndian(bytes.AsSpan(dataStart + (int)begin, (int)(end - begin)), values);
                tensors.Add(new SafeTensor(name, shape, values));
                ranges.Add((begin, end, name));
            }
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON ({exception.Message}); the file is corrupt or not a safetensors file.", exception);
        }

        CheckNoOverlap(ranges, path);
        return new SafeTensorsFile(path, tensors, metadata);
    }

    private static byte[] BuildHeader(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsFormat.MetadataKey);
                foreach (KeyValuePair<string, string> entry in metadata)
                {
                    json.WriteString(entry.Key, entry.Value);
                }

                json.WriteEndObject();
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (SafeTensor tensor in tensors)
            {
                if (!names.Add(tensor.Name) || tensor.Name == SafeTensorsFormat.MetadataKey)
                {
                    throw new ArgumentException($"Tensor name '{tensor.Name}' appears twice or is reserved.", nameof(tensors));
                }

                long length = (long)tensor.Values.Length * sizeof(float);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int size in tensor.Shape)
                {
                    json.WriteNumberValue(size);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }

            json.WriteEndObject();
        }

        // Pad the header with spaces to a multiple of 8 bytes, so the data that follows is aligned (as the reference writer does).
        int padding = (int)((8 - (buffer.Length % 8)) % 8);
        for (int i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string path)
    {
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, path, "__metadata__ is not an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            Expect(reader.Read() && reader.TokenType == JsonTokenType.String, path, $"__metadata__ entry '{key}' is not a string");
            metadata[key] = reader.GetString()!;
        }
    }

    private static (string Dtype, int[] Shape, long Begin, long End) ReadEntry(ref Utf8JsonReader reader, string name, string path)
    {
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, path, $"the entry of tensor '{name}' is not an object");
        string? dtype = null;
        List<int>? shape = null;
        List<long>? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string property = reader.GetString()!;
            reader.Read();
            switch (property)
            {
                case "dtype":
                    Expect(reader.TokenType == JsonTokenType.String, path, $"tensor '{name}': dtype is not a string");
                    dtype = reader.GetString();
                    break;
                case "shape":
                    shape = new List<int>();
                    Expect(reader.TokenType == JsonTokenType.StartArray, path, $"tensor '{name}': shape is not an array");
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        Expect(reader.TryGetInt32(out int size) && size >= 0, path, $"tensor '{name}': a shape entry is not a size");
                        shape.Add(size);
                    }

                    break;
                case "data_offsets":
                    offsets = new List<long>();
                    Expect(reader.TokenType == JsonTokenType.StartArray, path, $"tensor '{name}': data_offsets is not an array");
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        offsets.Add(reader.GetInt64());
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        Expect(dtype is not null && shape is not null && offsets is { Count: 2 }, path, $"tensor '{name}' lacks dtype, shape or a pair of data_offsets");
        return (dtype!, shape!.ToArray(), offsets![0], offsets[1]);
    }

    private static void CheckNoOverlap(List<(long Begin, long End, string Name)> ranges, string path)
    {
        ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Begin < ranges[i - 1].End)
            {
                throw new InvalidDataException($"{path}: the data of tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap; the file is corrupt.");
            }
        }
    }

    private static void Expect(bool condition, string path, string problem)
    {
        if (!condition)
        {
            throw new InvalidDataException($"{path}: {problem}; the file is corrupt or not a safetensors file.");
        }
    }

    private static void WriteLittleEndian(Stream stream, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        Span<byte> word = stackalloc byte[4];
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(word, value);
            stream.Write(word);
        }
    }

    private static void ReadLittleEndian(ReadOnlySpan<byte> bytes, float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
        }
    }
}

/// <summary>The contents of a safetensors file, read whole.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, SafeTensor> _byName = new(StringComparer.Ordinal);

    internal SafeTensorsFile(string path, List<SafeTensor> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
        foreach (SafeTensor tensor in tensors)
        {
            if (!_byName.TryAdd(tensor.Name, tensor))
            {
                throw new InvalidDataException($"{path}: tensor '{tensor.Name}' appears twice.");
            }
        }
    }

    /// <summary>The file the tensors came from.</summary>
    public string Path { get; }

    /// <summary>Every tensor, in the order of the header.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>, if the file has it.</summary>
    public bool TryGet(string name, out SafeTensor tensor) => _byName.TryGetValue(name, out tensor!);
}
