using System;
using System.IO;
using System.Linq;
using StaticNet.Tool.Import;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Import.Tests;

/// <summary>
/// Files that are not ONNX models, or are damaged, are refused with a message naming the file and what
/// is wrong; a truncated model is never read as a smaller one; damage never surfaces as anything but
/// that message (no other exception escapes).
/// </summary>
public sealed class DamagedFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "staticnet-import-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_tiny_model_itself_imports()
    {
        ImportResult result = ModelImporter.Import(Write("tiny.onnx", TinyModel.Bytes), new ImportOptions());

        Assert.Equal(new[] { LayerKind.Conv2D, LayerKind.BatchNorm2D, LayerKind.ReLU, LayerKind.GlobalAvgPool2D, LayerKind.Dense, LayerKind.Softmax }, result.Network.Layers.Select(l => l.Kind));
    }

    /// <summary>Every prefix of the file, from empty to one byte short, is refused: none reads as a model.</summary>
    [Fact]
    public void Truncated_model_is_refused_at_every_length()
    {
        byte[] bytes = TinyModel.Bytes;
        string path = Path.Combine(Directory.CreateDirectory(_directory).FullName, "truncated.onnx");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            ImportException error = Assert.Throws<ImportException>(() => ModelImporter.Import(path, new ImportOptions()));
            Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
            Assert.Matches(length == 0 ? "is empty" : "not (a valid )?an? (valid )?ONNX model", error.Message);
        }

        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        output.WriteLine(Assert.Throws<ImportException>(() => ModelImporter.Import(path, new ImportOptions())).Message);
    }

    /// <summary>Bytes changed at random: the model imports (a changed weight is still a model) or is refused with the file named; nothing else.</summary>
    [Fact]
    public void Damaged_model_is_imported_or_refused_and_nothing_else()
    {
        string path = Path.Combine(Directory.CreateDirectory(_directory).FullName, "damaged.onnx");
        var random = new Random(17);
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] bytes = (byte[])TinyModel.Bytes.Clone();
            for (int change = random.Next(1, 4); change > 0; change--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            File.WriteAllBytes(path, bytes);
            try
            {
                ModelImporter.Import(path, new ImportOptions());
            }
            catch (ImportException error)
            {
                Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        output.WriteLine($"{refused} of 2000 damaged copies refused, the others imported");
        Assert.InRange(refused, 1, 1999);
    }

    public static readonly TheoryData<string, byte[], string> NotModels = new()
    {
        { "empty.onnx", Array.Empty<byte>(), "is empty, not an ONNX model" },
        { "notes.onnx", "This is not a model, only some text.\n"u8.ToArray(), "not (a valid )?an? (valid )?ONNX model" },
        { "model.json", "{\"layers\": [\"conv\", \"relu\"]}"u8.ToArray(), "not (a valid )?an? (valid )?ONNX model" },
        { "model.pt", new byte[] { (byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0 }, "is a zip archive .*, not an ONNX model" },
        { "model.pkl", new byte[] { 0x80, 0x02, (byte)'c', (byte)'t', (byte)'o', (byte)'r', (byte)'c', (byte)'h' }, "is a Python pickle .*, not an ONNX model" },
        { "noise.onnx", Noise(4096), "not (a valid )?an? (valid )?ONNX model" },
    };

    [Theory]
    [MemberData(nameof(NotModels))]
    public void File_that_is_not_a_model_is_refused(string name, byte[] bytes, string pattern)
    {
        string path = Write(name, bytes);

        ImportException error = Assert.Throws<ImportException>(() => ModelImporter.Import(path, new ImportOptions()));

        output.WriteLine(error.Message);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Matches(pattern, error.Message);
    }

    [Fact]
    public void Safetensors_file_is_refused_as_weights_without_a_graph()
    {
        string path = Path.Combine(Directory.CreateDirectory(_directory).FullName, "weights.onnx");
        SafeTensors.Write(path, new[] { new SafeTensor("fc.weight", new[] { 2, 2 }, new float[4]) });

        ImportException error = Assert.Throws<ImportException>(() => ModelImporter.Import(path, new ImportOptions()));

        Assert.StartsWith(path + " is a safetensors file (weights without a graph), not an ONNX model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_and_directory_are_named()
    {
        string missing = Path.Combine(_directory, "missing.onnx");
        Assert.Equal($"{missing}: cannot read the ONNX model: no such file.", Assert.Throws<ImportException>(() => ModelImporter.Import(missing, new ImportOptions())).Message);

        string directory = Directory.CreateDirectory(Path.Combine(_directory, "folder.onnx")).FullName;
        Assert.Contains("is a directory", Assert.Throws<ImportException>(() => ModelImporter.Import(directory, new ImportOptions())).Message, StringComparison.Ordinal);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Directory.CreateDirectory(_directory).FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new Random(23).NextBytes(bytes);
        return bytes;
    }
}
