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
    /// <summary>
    /// The metadata key whose value is the SHA-256 of the header as written, with these 64 hex digits
    /// replaced by 64 '0' characters: with <see cref="SafeTensorsFormat.ChecksumKey"/> (which the header
    /// holds) it covers every byte of the file, metadata included. Python checks it with
    /// <c>hashlib.sha256(header.replace(value.encode(), b"0" * 64)).hexdigest() == value</c>.
    /// </summary>
    internal const string HeaderChecksumKey = "staticnet.header_sha256";

    private const int ChecksumDigits = 64;

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>),
    /// with the SHA-256 of the data section (<c>staticnet.sha256</c>) and of the header
    /// (<c>staticnet.header_sha256</c>) in the <c>__metadata__</c>, which <see cref="Read"/> verifies.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] data = DataSection(tensors);
        var allMetadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                allMetadata[entry.Key] = entry.Value;
            }
        }

        allMetadata[SafeTensorsFormat.ChecksumKey] = SafeTensorsFormat.Checksum(data, 0, data.Length);
        allMetadata[HeaderChecksumKey] = new string('0', ChecksumDigits);
        byte[] header = BuildHeader(tensors, allMetadata);
        int placeholder = HeaderChecksumPosition(header);
        string headerChecksum = SafeTensorsFormat.Checksum(header, 0, header.Length);
        Encoding.ASCII.GetBytes(headerChecksum, header.AsSpan(placeholder, ChecksumDigits));
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            stream.Write(data);
        });
    }

    /// <summary>
    /// What torch.save writes, recognised by its first bytes: a zip archive (PyTorch 1.6 and later) or a
    /// Python pickle (protocol 2 to 5, older PyTorch); null for anything else.
    /// </summary>
    private static string? PyTorchFormat(byte[] bytes) =>
        bytes is [(byte)'P', (byte)'K', 3, 4, ..] ? "a zip archive, as torch.save writes it (.pt, .pth)"
        : bytes is [0x80, >= 2 and <= 5, ..] ? "a Python pickle, as older versions of torch.save write it (.pt, .pth)"
        : null;

    /// <summary>Reads every tensor of a safetensors file.</summary>
    /// <exception cref="FileNotFoundException">No file is at <paramref name="path"/> (the message says when it is a directory).</exception>
    /// <exception cref="InvalidDataException">
    /// The file is truncated, corrupt, damaged (its recorded SHA-256 differs), or holds a tensor that is not
    /// float32; the message names the file and, where there is one, the tensor, with what was expected and found.
    /// </exception>
    public static SafeTensorsFile Read(string path)
    {
        FileChecks.RequireFile(path, "Safetensors file");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, too short for the 8-byte header length; the file is truncated or not a safetensors file.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if ((headerLength > (ulong)(bytes.Length - 8) || headerLength < 2 || bytes[8] != (byte)'{') && PyTorchFormat(bytes) is string format)
        {
            throw new InvalidDataException($"{path} is {format}, not a safetensors file. Convert it with scripts/torch_to_safetensors.py (python3 torch_to_safetensors.py {System.IO.Path.GetFileName(path)} out.safetensors; see docs/pytorch.md) and load that.");
        }

        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw new InvalidDataException($"{path}: the header is said to be {headerLength} bytes, but only {bytes.Length - 8} follow; the file is truncated or not a safetensors file.");
        }

        if (headerLength < 2 || bytes[8] != (byte)'{')
        {
            throw new InvalidDataException($"{path}: the header ({headerLength} bytes) should be a JSON object starting with '{{', but {(headerLength == 0 ? "is empty" : $"starts with byte 0x{bytes[8]:X2}")}; the file is corrupt or not a safetensors file.");
        }

        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;
        var tensors = new List<(string Name, int[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        int headerChecksumAt = -1;
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(8, (int)headerLength));
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, path, "the header is not a JSON object");
            var names = new HashSet<string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = Text(ref reader, path, "a tensor name");
                if (name == SafeTensorsFormat.MetadataKey)
                {
                    Expect(!sawMetadata, path, $"the header has two {SafeTensorsFormat.MetadataKey} entries");
                    sawMetadata = true;
                    ReadMetadata(ref reader, metadata, path, ref headerChecksumAt);
                    continue;
                }

                Expect(names.Add(name), path, $"tensor '{name}' appears twice in the header");
                (string dtype, int[] shape, long begin, long end) = ReadEntry(ref reader, name, path);
                if (dtype != "F32")
                {
                    throw new InvalidDataException($"{path}: tensor '{name}' has dtype {dtype}; StaticNet reads F32 (float32) tensors. Save it as float32 (tensor.float()).");
                }

                long byteLength = ByteLength(shape, dataLength, name, path);
                if (end > dataLength)
                {
                    throw new InvalidDataException($"{path}: tensor '{name}' has data offsets [{begin}, {end}] outside the data section of {dataLength} bytes; the file is truncated or corrupt.");
                }

                if (end - begin != byteLength)
                {
                    throw new InvalidDataException($"{path}: tensor '{name}' of shape [{string.Join(", ", shape)}] needs {byteLength} bytes, but its data offsets [{begin}, {end}] span {end - begin}; the file is corrupt.");
                }

                tensors.Add((name, shape, begin, end));
            }

            Expect(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0, path, "the header's JSON object is not closed");
            CheckPadding(bytes, 8 + (int)reader.BytesConsumed, dataStart, path);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON ({exception.Message}); the file is corrupt or not a safetensors file.", exception);
        }

        CheckLayout(tensors, dataLength, path);
        if (headerChecksumAt >= 0)
        {
            VerifyHeaderChecksum(bytes, 8, (int)headerLength, headerChecksumAt, metadata[HeaderChecksumKey], path);
        }

        if (metadata.TryGetValue(SafeTensorsFormat.ChecksumKey, out string? recorded))
        {
            string actual = SafeTensorsFormat.Checksum(bytes, dataStart, (int)dataLength);
            if (!string.Equals(actual, recorded, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{path}: the data is damaged: its SHA-256 is {actual}, but the file records {recorded} ('{SafeTensorsFormat.ChecksumKey}'); restore the file from a copy.");
            }
        }

        var result = new List<SafeTensor>(tensors.Count);
        foreach ((string name, int[] shape, long begin, long end) in tensors)
        {
            var values = new float[(end - begin) / sizeof(float)];
            ReadLittleEndian(bytes.AsSpan(dataStart + (int)begin, (int)(end - begin)), values);
            result.Add(new SafeTensor(name, shape, values));
        }

        return new SafeTensorsFile(path, result, metadata);
    }

    private static byte[] DataSection(IReadOnlyList<SafeTensor> tensors)
    {
        var data = new MemoryStream();
        foreach (SafeTensor tensor in tensors)
        {
            WriteLittleEndian(data, tensor.Values);
        }

        return data.ToArray();
    }

    private static int HeaderChecksumPosition(byte[] header)
    {
        byte[] key = Encoding.UTF8.GetBytes("\"" + HeaderChecksumKey + "\":\"");
        int at = header.AsSpan().IndexOf(key);
        return at >= 0 ? at + key.Length : throw new InvalidOperationException("The header checksum placeholder is missing from the header written.");
    }

    private static void VerifyHeaderChecksum(byte[] bytes, int headerStart, int headerLength, int valueAt, string recorded, string path)
    {
        byte[] header = bytes.AsSpan(headerStart, headerLength).ToArray();
        header.AsSpan(valueAt, ChecksumDigits).Fill((byte)'0');
        string actual = SafeTensorsFormat.Checksum(header, 0, header.Length);
        if (!string.Equals(actual, recorded, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: the header is damaged: its SHA-256 is {actual}, but the file records {recorded} ('{HeaderChecksumKey}'); restore the file from a copy.");
        }
    }

    // The bytes a shape needs as float32, or an error when they are more than the data section holds
    // (which also keeps the product from overflowing).
    private static long ByteLength(int[] shape, long dataLength, string name, string path)
    {
        if (Array.IndexOf(shape, 0) >= 0)
        {
            return 0;
        }

        long values = 1;
        foreach (int size in shape)
        {
            if (values > dataLength / sizeof(float) / size)
            {
                throw new InvalidDataException($"{path}: tensor '{name}' has shape [{string.Join(", ", shape)}], more values than the data section of {dataLength} bytes holds ({dataLength / sizeof(float)} float32 values); the file is corrupt.");
            }

            values *= size;
        }

        return values * sizeof(float);
    }

    // Tensors must tile the data section exactly, as the safetensors format requires: sorted by
    // offset, the first at 0, each starting where the one before ends, the last ending at the end of the
    // file. A header length that is off by a byte, or bytes appended to the file, fail here.
    private static void CheckLayout(List<(string Name, int[] Shape, long Begin, long End)> tensors, long dataLength, string path)
    {
        var ranges = new List<(long Begin, long End, string Name)>(tensors.Count);
        foreach ((string name, _, long begin, long end) in tensors)
        {
            ranges.Add((begin, end, name));
        }

        ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        string previous = "";
        foreach ((long begin, long end, string name) in ranges)
        {
            if (begin != expected)
            {
                string where = previous.Length == 0 ? "the start of the data section, offset 0" : $"the end of tensor '{previous}', offset {expected}";
                string problem = begin < expected ? "overlaps the tensor before it" : $"leaves a gap of {begin - expected} bytes";
                throw new InvalidDataException($"{path}: tensor '{name}' begins at data offset {begin}, but should begin at {where}: it {problem}; the file is corrupt.");
            }

            expected = end;
            previous = name;
        }

        if (expected != dataLength)
        {
            throw new InvalidDataException($"{path}: the tensors' data ends at offset {expected}, but the data section holds {dataLength} bytes ({(dataLength > expected ? $"{dataLength - expected} bytes follow the last tensor" : "fewer than the tensors need")}); the header length is wrong or bytes were added, so the file is corrupt.");
        }
    }

    // After the JSON object, the header may hold only the spaces that pad it to a multiple of 8 bytes.
    private static void CheckPadding(byte[] bytes, int from, int to, string path)
    {
        for (int i = from; i < to; i++)
        {
            if (bytes[i] != (byte)' ')
            {
                throw new InvalidDataException($"{path}: header byte {i - 8} after the JSON object is 0x{bytes[i]:X2}; only spaces (0x20) may pad the header, so the header length is wrong or the file is corrupt.");
            }
        }
    }

    // A JSON string's text; invalid UTF-8 or a lone surrogate escape is a corrupt file, not a crash.
    private static string Text(ref Utf8JsonReader reader, string path, string what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            ReadOnlySpan<byte> raw = reader.ValueSpan; // one contiguous header, so never a sequence
            throw new InvalidDataException($"{path}: {what} at header byte {reader.TokenStartIndex} should be UTF-8 text, but its bytes ({BitConverter.ToString(raw.Slice(0, Math.Min(raw.Length, 32)).ToArray()).Replace('-', ' ')}) are not; the file is corrupt.");
        }
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

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string path, ref int headerChecksumAt)
    {
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, path, $"{SafeTensorsFormat.MetadataKey} is not an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = Text(ref reader, path, $"a {SafeTensorsFormat.MetadataKey} key");
            Expect(reader.Read() && reader.TokenType == JsonTokenType.String, path, $"{SafeTensorsFormat.MetadataKey} entry '{key}' is not a string");
            string value = Text(ref reader, path, $"the {SafeTensorsFormat.MetadataKey} value of '{key}'");
            Expect(metadata.TryAdd(key, value), path, $"{SafeTensorsFormat.MetadataKey} has two entries '{key}'");
            if (key == HeaderChecksumKey)
            {
                Expect(IsChecksum(value) && !reader.ValueIsEscaped && !reader.HasValueSequence, path, $"{SafeTensorsFormat.MetadataKey} entry '{key}' is '{value}', expected {ChecksumDigits} lowercase hex digits");
                headerChecksumAt = (int)reader.TokenStartIndex + 1;
            }
        }
    }

    private static bool IsChecksum(string value)
    {
        if (value.Length != ChecksumDigits)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static (string Dtype, int[] Shape, long Begin, long End) ReadEntry(ref Utf8JsonReader reader, string name, string path)
    {
        Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, path, $"the entry of tensor '{name}' is not an object");
        string? dtype = null;
        List<int>? shape = null;
        List<long>? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string property = Text(ref reader, path, $"a property name of tensor '{name}'");
            reader.Read();
            switch (property)
            {
                case "dtype":
                    Expect(dtype is null, path, $"tensor '{name}' has two dtypes");
                    Expect(reader.TokenType == JsonTokenType.String, path, $"tensor '{name}': dtype is {Found(ref reader)}, expected a string such as \"F32\"");
                    dtype = Text(ref reader, path, $"the dtype of tensor '{name}'");
                    break;
                case "shape":
                    Expect(shape is null, path, $"tensor '{name}' has two shapes");
                    shape = new List<int>();
                    Expect(reader.TokenType == JsonTokenType.StartArray, path, $"tensor '{name}': shape is {Found(ref reader)}, expected an array of sizes");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int size) && size >= 0, path, $"tensor '{name}': a shape entry is {Found(ref reader)}, expected a size (a whole number from 0 to {int.MaxValue})");
                        shape.Add(reader.GetInt32());
                    }

                    break;
                case "data_offsets":
                    Expect(offsets is null, path, $"tensor '{name}' has two data_offsets");
                    offsets = new List<long>();
                    Expect(reader.TokenType == JsonTokenType.StartArray, path, $"tensor '{name}': data_offsets is {Found(ref reader)}, expected an array of two byte offsets");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        Expect(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long offset) && offset >= 0, path, $"tensor '{name}': a data offset is {Found(ref reader)}, expected a byte offset (a whole number from 0)");
                        offsets.Add(reader.GetInt64());
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        Expect(dtype is not null && shape is not null && offsets is not null, path, $"tensor '{name}' lacks {(dtype is null ? "a dtype" : shape is null ? "a shape" : "data_offsets")}");
        Expect(offsets!.Count == 2 && offsets[0] <= offsets[1], path, $"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}], expected [begin, end] with begin <= end");
        return (dtype!, shape!.ToArray(), offsets[0], offsets[1]);
    }

    // The current JSON token as found, for messages: its kind and up to 40 bytes of its text.
    private static string Found(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan; // one contiguous header, so never a sequence
        string text = Encoding.UTF8.GetString(raw.Slice(0, Math.Min(raw.Length, 40)));
        return reader.TokenType switch
        {
            JsonTokenType.Number => $"the number {text}",
            JsonTokenType.String => $"the string \"{text}\"",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null => text,
            _ => reader.TokenType.ToString(),
        };
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

    /// <summary>
    /// The same file with each tensor named as <paramref name="rename"/> says, and without those it maps
    /// to <see langword="null"/> (listed in <paramref name="dropped"/>). Two tensors given one name throw, naming both.
    /// </summary>
    internal SafeTensorsFile Renamed(Func<string, string?> rename, List<string> dropped)
    {
        var tensors = new List<SafeTensor>(Tensors.Count);
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (SafeTensor tensor in Tensors)
        {
            string? name = rename(tensor.Name);
            if (name is null)
            {
                dropped.Add(tensor.Name);
                continue;
            }

            if (!from.TryAdd(name, tensor.Name))
            {
                throw new InvalidDataException($"{Path}: the rename gives tensors '{from[name]}' and '{tensor.Name}' the same name '{name}'; nothing was loaded.");
            }

            tensors.Add(name == tensor.Name ? tensor : new SafeTensor(name, tensor.Shape, tensor.Values));
        }

        return new SafeTensorsFile(Path, tensors, new Dictionary<string, string>(Metadata, StringComparer.Ordinal));
    }
}
