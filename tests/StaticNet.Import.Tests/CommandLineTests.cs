using System;
using System.IO;
using Xunit;

namespace StaticNet.Import.Tests;

/// <summary><c>staticnet import</c> as a user runs it: its options, the files it writes, and its exit codes.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "staticnet-import-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Import_writes_a_declaration_and_weights_that_Load_reads()
    {
        string model = Path.Combine(_directory, "tiny-model.onnx");
        File.WriteAllBytes(model, TinyModel.Bytes);
        string target = Path.Combine(_directory, "out");

        (int exitCode, string output, string error) = Run("import", model, "--output", target, "--class-name", "TinyCopy", "--namespace", "Models");

        Assert.Equal((0, string.Empty), (exitCode, error));
        Assert.Contains("TinyCopy.cs", output, StringComparison.Ordinal);
        string declaration = File.ReadAllText(Path.Combine(target, "TinyCopy.cs"));
        Assert.Contains("namespace Models;", declaration, StringComparison.Ordinal);

        // The weights file carries the checksum Save writes, and loads into the compiled declaration.
        string weights = Path.Combine(target, "TinyCopy.safetensors");
        Assert.Matches("^[0-9a-f]{64}$", SafeTensors.Read(weights).Metadata["staticnet.sha256"]);
        INetwork network = NetworkCompiler.CreateNetwork(declaration, "Models.TinyCopy");
        network.Load(weights);
        float[] input = new float[TinyModel.Network.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (i % 7) - 3;
        }

        float[] expected = new float[4], found = new float[4];
        TinyModel.Network.Predict(input, expected);
        network.Predict(input, found);
        Assert.Equal(expected, found);
    }

    [Fact]
    public void Default_class_name_comes_from_the_file_name()
    {
        string model = Path.Combine(_directory, "tiny-model_v2.onnx");
        File.WriteAllBytes(model, TinyModel.Bytes);

        (int exitCode, _, _) = Run("import", model, "-o", _directory);

        Assert.Equal(0, exitCode);
        Assert.True(File.Exists(Path.Combine(_directory, "TinyModelV2.cs")));
        Assert.True(File.Exists(Path.Combine(_directory, "TinyModelV2.safetensors")));
    }

    /// <summary>A declaration may have been edited since it was imported: it is overwritten only when asked.</summary>
    [Fact]
    public void Existing_files_are_kept_unless_forced()
    {
        string model = Path.Combine(_directory, "tiny.onnx");
        File.WriteAllBytes(model, TinyModel.Bytes);
        File.WriteAllText(Path.Combine(_directory, "Tiny.cs"), "// edited");

        (int refused, _, string error) = Run("import", model, "-o", _directory);
        Assert.Equal(1, refused);
        Assert.Equal($"staticnet import: {Path.Combine(_directory, "Tiny.cs")} exists already; pass --force to overwrite it, or --output to write elsewhere.", error.Trim());
        Assert.Equal("// edited", File.ReadAllText(Path.Combine(_directory, "Tiny.cs")));

        (int forced, _, _) = Run("import", model, "-o", _directory, "--force");
        Assert.Equal(0, forced);
        Assert.Contains("public partial class Tiny;", File.ReadAllText(Path.Combine(_directory, "Tiny.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_class_name_is_refused()
    {
        string model = Path.Combine(_directory, "tiny.onnx");
        File.WriteAllBytes(model, TinyModel.Bytes);

        (int exitCode, _, string error) = Run("import", model, "-c", "class");

        Assert.Equal(1, exitCode);
        Assert.Contains("The class name 'class' is not a C# identifier", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_command_and_its_options()
    {
        (int exitCode, string output, _) = Run("import", "--help");

        Assert.Equal(0, exitCode);
        foreach (string option in new[] { "<model>", "--output", "--class-name", "--namespace", "--force" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Missing_model_argument_is_an_error()
    {
        (int exitCode, _, string error) = Run("import");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Required argument missing", error, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = Tool.Program.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
