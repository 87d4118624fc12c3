using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Safetensors files for embedded-weights tests, written byte by byte here (not by the code under
/// test), and AdditionalFiles as StaticNet.EmbeddedWeights.targets hands them to the compiler.
/// </summary>
internal static class WeightsFiles
{
    /// <summary>A network with parameters and state (batch normalisation), which starts with the tensors of small.safetensors.</summary>
    public const string Small = """
        using StaticNet;

        [Network(Weights = "small.safetensors")]
        [Input(1, 6, 6)]
        [Conv2D(2, Kernel = 3), BatchNorm2D, ReLU]
        [Flatten]
        [Dense(3)]
        partial class Small;
        """;

    /// <summary>The tensors of <see cref="Small"/> in state_dict order, with their shapes.</summary>
    public static readonly (string Name, int[] Shape)[] SmallTensors =
    {
        ("conv1.weight", new[] { 2, 1, 3, 3 }),
        ("conv1.bias", new[] { 2 }),
        ("bn1.weight", new[] { 2 }),
        ("bn1.bias", new[] { 2 }),
        ("bn1.running_mean", new[] { 2 }),
        ("bn1.running_var", new[] { 2 }),
        ("bn1.num_batches_tracked", Array.Empty<int>()),
        ("fc1.weight", new[] { 3, 32 }),
        ("fc1.bias", new[] { 3 }),
    };

    /// <summary>Distinct, exactly representable values for each tensor: its index in the list and the position, so a value in the wrong place shows.</summary>
    public static float[] Values(int tensor, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (tensor + 1) + ((i % 64) - 32) / 64f;
        }

        return values;
    }

    /// <summary>The tensors of <see cref="Small"/> with <see cref="Values"/>, by name.</summary>
    public static Dictionary<string, float[]> SmallValues() => SmallTensors
        .Select((t, i) => (t.Name, Values: Values(i, t.Shape.Aggregate(1, (a, b) => a * b))))
        .ToDictionary(t => t.Name, t => t.Values);

    /// <summary>
    /// A safetensors file: the 8-byte little-endian header length, the header JSON padded with spaces
    /// to a multiple of 8, the data. Tensors are written in the order given; <paramref name="metadata"/>
    /// is a JSON object or null.
    /// </summary>
    public static byte[] Build(IEnumerable<(string Name, string Dtype, int[] Shape, byte[] Data)> tensors, string? metadata = null, bool checksum = false)
    {
        var header = new StringBuilder("{");
        var data = new MemoryStream();
        var entries = new List<string>();
        foreach ((string name, string dtype, int[] shape, byte[] bytes) in tensors)
        {
            long begin = data.Length;
            data.Write(bytes);
            entries.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{begin},{data.Length}]}}");
        }

        if (checksum)
        {
            string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data.ToArray())).ToLowerInvariant();
            metadata = $"{{\"format\":\"pt\",\"staticnet.sha256\":\"{hash}\"}}";
        }

        if (metadata is not null)
        {
            entries.Insert(0, "\"__metadata__\":" + metadata);
        }

        header.Append(string.Join(",", entries)).Append('}');
        return Assemble(header.ToString(), data.ToArray());
    }

    /// <summary>Header length, header (space-padded to a multiple of 8), data.</summary>
    public static byte[] Assemble(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BitConverter.GetBytes((ulong)padded).CopyTo(file, 0);
        json.CopyTo(file, 8);
        for (int i = json.Length; i < padded; i++)
        {
            file[8 + i] = (byte)' ';
        }

        data.CopyTo(file, 8 + padded);
        return file;
    }

    public static byte[] LittleEndian(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>The tensors of <see cref="Small"/> as file entries, optionally changed by <paramref name="edit"/>.</summary>
    public static List<(string Name, string Dtype, int[] Shape, byte[] Data)> SmallEntries()
    {
        Dictionary<string, float[]> values = SmallValues();
        return SmallTensors.Select(t => (t.Name, "F32", t.Shape, LittleEndian(values[t.Name]))).ToList();
    }

    /// <summary>small.safetensors with every tensor of <see cref="Small"/>, its data in reverse order (the order in a file is free) and a checksum.</summary>
    public static byte[] SmallFile(bool checksum = true)
    {
        List<(string Name, string Dtype, int[] Shape, byte[] Data)> entries = SmallEntries();
        entries.Reverse();
        return Build(entries, checksum: checksum);
    }

    /// <summary>What StaticNet.EmbeddedWeights.targets makes of a .safetensors item: a line naming it as the project lists it, then its bytes in base64.</summary>
    public static AdditionalText Encoded(byte[] file, string listedPath = "small.safetensors", string encodedPath = "/project/obj/staticnet/0/small.safetensors.base64") =>
        new InMemoryText(encodedPath, "staticnet-safetensors-base64 " + listedPath + "\n" + Convert.ToBase64String(file) + "\n");

    /// <summary>A driver for the generator that sees <paramref name="files"/> as AdditionalFiles and records every pipeline step.</summary>
    public static GeneratorDriver CreateDriver(params AdditionalText[] files) => CSharpGeneratorDriver.Create(
        new[] { new NetworkGenerator().AsSourceGenerator() },
        files,
        GeneratorHarness.ParseOptions,
        optionsProvider: null,
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source, params AdditionalText[] files)
    {
        Compilation compilation = GeneratorHarness.Compilation(source);
        GeneratorDriver driver = CreateDriver(files).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new GeneratorRun(compilation, output, driver.GetRunResult().Results.Single());
    }
}

/// <summary>An AdditionalFiles item held in memory.</summary>
internal sealed class InMemoryText : AdditionalText
{
    private readonly SourceText? _text;

    public InMemoryText(string path, string? text)
    {
        Path = path;
        _text = text is null ? null : SourceText.From(text, Encoding.UTF8);
    }

    public override string Path { get; }

    public override SourceText? GetText(CancellationToken cancellationToken = default) => _text;
}
