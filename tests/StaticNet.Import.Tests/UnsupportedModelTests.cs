using System;
using System.IO;
using System.Linq;
using StaticNet.Tool.Import;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Import.Tests;

/// <summary>
/// Models with what StaticNet cannot express are refused: the message names the file, the node, its
/// operator and the attribute at fault, and says what is supported; through the command, it is one line
/// on standard error and exit code 1.
/// </summary>
[Collection(PyTorchModelsCollection.Name)]
public sealed class UnsupportedModelTests(PyTorchModels models, ITestOutputHelper output)
{
    /// <summary>Each refused model of python/export_models.py (FAILING, HANDMADE_FAILING) with what its message must say.</summary>
    private static readonly (string Model, string[] Fragments)[] Refusals =
    {
        ("grouped-conv", new[] { "node '/grouped/Conv' (Conv): attribute 'group' is 2", "group = 1 only" }),
        ("ceil-mode-pool", new[] { "node '/MaxPool' (MaxPool): attribute 'ceil_mode' is 1", "rounds the output size down" }),
        ("upsampling", new[] { "node '/Resize' (Resize) is not supported", "no layer that computes Resize", "The import reads: Conv; Gemm;" }),
        ("asymmetric-padding", new[] { "node 'padded' (Conv): attribute 'pads' is [1, 0, 0, 0]", "pads each axis alike at both ends" }),
        ("gemm-alpha", new[] { "node 'scaled' (Gemm): attribute 'alpha' is 0.5", "alpha and beta 1" }),
        ("external-data", new[] { "tensor 'fc.weight' keeps its data in an external file", "save_as_external_data=False" }),
    };

    public static TheoryData<string, string[]> Cases
    {
        get
        {
            var cases = new TheoryData<string, string[]>();
            foreach ((string model, string[] fragments) in Refusals)
            {
                cases.Add(model, fragments);
            }

            return cases;
        }
    }

    [Fact]
    public void Every_refused_model_the_script_exports_is_tested()
    {
        models.ThrowIfFailed();
        Assert.Equal(Refusals.Select(r => r.Model).Order(), models.Failing.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Model_is_refused_naming_the_node_operator_and_attribute(string name, string[] fragments)
    {
        string path = models.Model(name);

        ImportException error = Assert.Throws<ImportException>(() => ModelImporter.Import(path, new ImportOptions()));

        output.WriteLine(error.Message);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Command_prints_the_error_on_one_line_and_exits_with_1()
    {
        string path = models.Model("grouped-conv");
        var standardOutput = new StringWriter();
        var standardError = new StringWriter();

        int exitCode = Tool.Program.Run(new[] { "import", path, "--output", Path.Combine(models.Directory, "refused") }, standardOutput, standardError);

        Assert.Equal(1, exitCode);
        Assert.Equal(string.Empty, standardOutput.ToString());
        string[] lines = standardError.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = Assert.Single(lines);
        Assert.StartsWith($"staticnet import: {path}: node '/grouped/Conv' (Conv): attribute 'group' is 2", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(models.Directory, "refused")), "nothing is written for a refused model");
    }

    /// <summary>
    /// Bytes of the graph (nodes, attributes, shapes come before the weights in PyTorch's files) changed at
    /// random: each copy imports or is refused with the file named; no other exception escapes.
    /// </summary>
    [Theory]
    [InlineData("lenet5")]
    [InlineData("inception")]
    [InlineData("activations")]
    public void Damaged_PyTorch_model_is_imported_or_refused_and_nothing_else(string name)
    {
        byte[] original = File.ReadAllBytes(models.Model(name));
        string path = Path.Combine(models.Directory, name + "-damaged.onnx");
        var random = new Random(31);
        int refused = 0;
        for (int trial = 0; trial < 1000; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int change = random.Next(1, 5); change > 0; change--)
            {
                bytes[random.Next(Math.Min(bytes.Length, 6000))] = (byte)random.Next(256);
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

        output.WriteLine($"{refused} of 1000 damaged copies of {name} refused, the others imported");
    }

    /// <summary>PyTorch's LeNet-5 cut short anywhere is refused, never read as a smaller model.</summary>
    [Fact]
    public void Truncated_PyTorch_model_is_refused()
    {
        byte[] bytes = File.ReadAllBytes(models.Model("lenet5"));
        string path = Path.Combine(models.Directory, "lenet5-truncated.onnx");
        var random = new Random(29);
        foreach (int length in Enumerable.Range(0, 200).Select(_ => random.Next(1, bytes.Length)).Append(bytes.Length - 1))
        {
            File.WriteAllBytes(path, bytes[..length]);
            ImportException error = Assert.Throws<ImportException>(() => ModelImporter.Import(path, new ImportOptions()));
            Assert.StartsWith(path + " is not ", error.Message, StringComparison.Ordinal);
        }
    }
}
