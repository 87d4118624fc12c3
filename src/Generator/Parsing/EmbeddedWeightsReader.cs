using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Reads a safetensors file among the AdditionalFiles into a validated <see cref="WeightsFile"/>.
/// <para>
/// The compiler hands additional files to generators only as decoded text, and rejects a binary file
/// with error CS2015 before a generator sees it; a generator may not open files itself (RS1035). So
/// the bytes travel as text: <c>StaticNet.EmbeddedWeights.targets</c> replaces each <c>.safetensors</c>
/// AdditionalFiles item with <c>NAME.safetensors.base64</c> in the intermediate folder, whose first line
/// is <see cref="EncodedHeader"/> and the path as the project lists it, and whose second line is the
/// file's bytes in base64. Base64 is ASCII, which every decoder the compiler may pick reads unchanged,
/// so the bytes come back exactly; the structure is then validated and the checksum in
/// <c>__metadata__</c>, when there is one, verified, so that a damaged file fails the build instead
/// of being embedded.
/// </para>
/// </summary>
internal static class EmbeddedWeightsReader
{
    /// <summary>The first word of an encoded weights file; the path of the original file follows it on the same line.</summary>
    public const string EncodedHeader = "staticnet-safetensors-base64";

    public const string Extension = ".safetensors";

    public const string EncodedExtension = ".safetensors.base64";

    /// <summary>Whether an AdditionalFiles path is a weights file, raw or encoded.</summary>
    public static bool IsWeightsFile(string path) =>
        path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) || path.EndsWith(EncodedExtension, StringComparison.OrdinalIgnoreCase);

    public static WeightsFile Read(AdditionalText file, CancellationToken cancellationToken)
    {
        string path = Normalize(file.Path);
        if (path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
        {
            // The raw file: its text, if the compiler gives any, is a decoding of binary data, not the bytes.
            return WeightsFile.Failed(path, WeightsFileProblem.NotEncoded, string.Empty);
        }

        try
        {
            SourceText? text = file.GetText(cancellationToken);
            if (text is null)
            {
                return WeightsFile.Failed(path, WeightsFileProblem.Corrupt, "the compiler could not read " + path);
            }

            return Decode(text.ToString(), path);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return WeightsFile.Failed(path, WeightsFileProblem.Corrupt, "reading " + path + " failed: " + exception.Message);
        }
    }

    /// <summary>Reads the encoded form: the header line naming the original file, then its bytes in base64.</summary>
    public static WeightsFile Decode(string text, string encodedPath)
    {
        int newline = text.IndexOf('\n');
        string first = (newline < 0 ? text : text.Substring(0, newline)).TrimEnd('\r');
        if (!first.StartsWith(EncodedHeader + " ", StringComparison.Ordinal) || first.Length == EncodedHeader.Length + 1)
        {
            return WeightsFile.Failed(encodedPath, WeightsFileProblem.Corrupt, $"{encodedPath} does not start with the line '{EncodedHeader} <path>' that StaticNet.EmbeddedWeights.targets writes");
        }

        string path = Normalize(first.Substring(EncodedHeader.Length + 1));
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(newline < 0 ? string.Empty : text.Substring(newline + 1));
        }
        catch (FormatException)
        {
            return WeightsFile.Failed(path, WeightsFileProblem.Corrupt, $"its encoded copy {encodedPath} is not valid base64");
        }

        return SafeTensorsReader.Read(bytes, path);
    }

    /// <summary>A path with '/' separators and no leading "./", as <c>Weights</c> values are compared.</summary>
    public static string Normalize(string path)
    {
        path = path.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path.Substring(2);
        }

        return path;
    }
}

/// <summary>
/// Validates the bytes of a safetensors file: an 8-byte little-endian header length, a UTF-8 JSON
/// header (read by <see cref="StrictJson"/>) mapping each tensor name to its dtype, shape and
/// data_offsets, an optional <c>__metadata__</c> map of strings, then the data. The tensors' byte
/// ranges must be contiguous, in some order, and cover the data section exactly: no gaps, no
/// overlaps, no trailing bytes.
/// </summary>
internal static class SafeTensorsReader
{
    private static readonly Dictionary<string, int> DtypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    public static WeightsFile Read(byte[] bytes, string path)
    {
        try
        {
            return ReadCore(bytes, path);
        }
        catch (FormatException exception)
        {
            return WeightsFile.Failed(path, WeightsFileProblem.Corrupt, exception.Message);
        }
    }

    private static WeightsFile ReadCore(byte[] bytes, string path)
    {
        if (bytes.Length < 8)
        {
            throw new FormatException($"it is {bytes.Length} bytes long, too short for the 8-byte header length; the file is truncated or not a safetensors file");
        }

        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--)
        {
            headerLength = (headerLength << 8) | bytes[i];
        }

        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw new FormatException($"its header length says {headerLength} bytes, but only {bytes.Length - 8} follow; the file is truncated or not a safetensors file");
        }

        if (headerLength < 2)
        {
            throw new FormatException($"its header length says {headerLength} bytes, too short for a JSON object");
        }

        int dataStart = 8 + (int)headerLength;
        int dataLength = bytes.Length - dataStart;
        string header;
        try
        {
            header = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 8, (int)headerLength);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("its header is not valid UTF-8; the file is corrupt or not a safetensors file");
        }

        JsonNode root = StrictJson.Parse(header);
        if (root.Kind != JsonKind.Object)
        {
            throw new FormatException($"its header is {root.Describe()}, not a JSON object");
        }

        var tensors = new List<SafeTensorsEntry>();
        string? checksum = null;
        foreach (KeyValuePair<string, JsonNode> member in root.Members!)
        {
            if (member.Key == SafeTensorsFormat.MetadataKey)
            {
                checksum = ReadMetadata(member.Value);
            }
            else
            {
                tensors.Add(ReadEntry(member.Key, member.Value, dataLength));
            }
        }

        // The data of the tensors, in the order of their offsets, must tile the data section exactly.
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        int expected = 0;
        string previous = "the start of the data section";
        foreach (SafeTensorsEntry tensor in tensors)
        {
            if (tensor.Begin < expected)
            {
                throw new FormatException($"the data of tensor '{tensor.Name}' (bytes {tensor.Begin} to {tensor.End}) overlaps that of {previous}, which ends at byte {expected}");
            }

            if (tensor.Begin > expected)
            {
                throw new FormatException($"the data section has {tensor.Begin - expected} unclaimed bytes between {previous} (ending at byte {expected}) and tensor '{tensor.Name}' (starting at byte {tensor.Begin})");
            }

            expected = tensor.End;
            previous = "tensor '" + tensor.Name + "'";
        }

        if (expected != dataLength)
        {
            throw new FormatException(tensors.Count == 0
                ? $"it holds no tensors, but {dataLength} bytes of data"
                : $"its tensors' data ends at byte {expected} of the data section, but {dataLength - expected} more bytes follow; the file has trailing bytes");
        }

        string sha256 = SafeTensorsFormat.Checksum(bytes, dataStart, dataLength);
        if (checksum is not null && !string.Equals(checksum, sha256, StringComparison.Ordinal))
        {
            return WeightsFile.Failed(path, WeightsFileProblem.ChecksumMismatch, $"{SafeTensorsFormat.ChecksumKey} in its metadata is {checksum}, but its data hashes to {sha256}");
        }

        var data = new byte[dataLength];
        Buffer.BlockCopy(bytes, dataStart, data, 0, dataLength);
        return new WeightsFile(path, WeightsFileProblem.None, string.Empty, tensors.ToEquatableArray(), new EquatableBytes(data), sha256);
    }

    /// <summary>Checks that the metadata is a map of strings and returns its checksum entry, if any.</summary>
    private static string? ReadMetadata(JsonNode metadata)
    {
        if (metadata.Kind != JsonKind.Object)
        {
            throw new FormatException($"its {SafeTensorsFormat.MetadataKey} is {metadata.Describe()}, not an object of strings");
        }

        string? checksum = null;
        foreach (KeyValuePair<string, JsonNode> entry in metadata.Members!)
        {
            if (entry.Value.Kind != JsonKind.String)
            {
                throw new FormatException($"its {SafeTensorsFormat.MetadataKey} entry '{entry.Key}' is {entry.Value.Describe()}, not a string");
            }

            if (entry.Key == SafeTensorsFormat.ChecksumKey)
            {
                checksum = entry.Value.Text;
            }
        }

        return checksum;
    }

    private static SafeTensorsEntry ReadEntry(string name, JsonNode entry, int dataLength)
    {
        if (entry.Kind != JsonKind.Object)
        {
            throw new FormatException($"the entry of tensor '{name}' is {entry.Describe()}, not an object with dtype, shape and data_offsets");
        }

        JsonNode? dtype = null, shape = null, offsets = null;
        foreach (KeyValuePair<string, JsonNode> member in entry.Members!)
        {
            switch (member.Key)
            {
                case "dtype": dtype = member.Value; break;
                case "shape": shape = member.Value; break;
                case "data_offsets": offsets = member.Value; break;
                default: throw new FormatException($"the entry of tensor '{name}' has the key '{member.Key}'; a tensor entry has dtype, shape and data_offsets only");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            string missing = string.Join(", ", new[] { ("dtype", dtype), ("shape", shape), ("data_offsets", offsets) }.Where(p => p.Item2 is null).Select(p => p.Item1));
            throw new FormatException($"the entry of tensor '{name}' lacks {missing}");
        }

        if (dtype.Kind != JsonKind.String || !DtypeSizes.TryGetValue(dtype.Text!, out int size))
        {
            throw new FormatException($"tensor '{name}' has dtype {dtype.Describe()}, which is not a safetensors dtype (F32, F16, BF16, F64, I64, ...)");
        }

        if (shape.Kind != JsonKind.Array)
        {
            throw new FormatException($"tensor '{name}' has shape {shape.Describe()}, not an array of sizes");
        }

        var dimensions = new List<int>();
        long count = 1;
        foreach (JsonNode dimension in shape.Items!)
        {
            if (!dimension.TryGetSize(int.MaxValue, out long value))
            {
                throw new FormatException($"tensor '{name}' has {dimension.Describe()} in its shape, which is not a size");
            }

            dimensions.Add((int)value);
            count = value == 0 ? 0 : count > long.MaxValue / value ? long.MaxValue : count * value;
        }

        if (offsets.Kind != JsonKind.Array || offsets.Items!.Count != 2
            || !offsets.Items[0].TryGetSize(long.MaxValue, out long begin) || !offsets.Items[1].TryGetSize(long.MaxValue, out long end))
        {
            throw new FormatException($"tensor '{name}' has data_offsets {Describe(offsets)}, not a pair of byte offsets [begin, end]");
        }

        if (end < begin || end > dataLength)
        {
            throw new FormatException($"tensor '{name}' has data_offsets [{begin}, {end}], outside the data section of {dataLength} bytes; the file is truncated or corrupt");
        }

        long needed = count > long.MaxValue / size ? long.MaxValue : count * size;
        if (end - begin != needed)
        {
            throw new FormatException($"tensor '{name}' of dtype {dtype.Text} and shape [{string.Join(", ", dimensions)}] needs {needed} bytes, but its data_offsets [{begin}, {end}] span {end - begin}");
        }

        return new SafeTensorsEntry(name, dtype.Text!, dimensions.ToEquatableArray(), (int)begin, (int)end);
    }

    private static string Describe(JsonNode node) =>
        node.Kind == JsonKind.Array ? "[" + string.Join(", ", node.Items!.Select(i => i.Kind == JsonKind.Number ? i.Text : i.Describe())) + "]" : node.Describe();
}
