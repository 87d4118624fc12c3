using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Networks declared with <c>[Network(Weights = "...")]</c>: built and run, they start with exactly
/// the file's tensors and predict as the same network loaded from the file; their data is read once
/// and emitted again only when the file changes; and the build step that hands the binary file to
/// the generator gives back its exact bytes in a real MSBuild run.
/// </summary>
public sealed class EmbeddedWeightsTests
{
    private static readonly IncrementalStepRunReason[] Kept = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    [Fact]
    public void An_embedded_network_starts_with_exactly_the_files_tensors()
    {
        GeneratorRun run = WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.SmallFile()));
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.OutputDiagnostics);

        INetwork network = GeneratorHarness.CreateNetwork(run, "Small");
        Dictionary<string, float[]> expected = WeightsFiles.SmallValues();
        Assert.Equal(WeightsFiles.SmallTensors.Select(t => t.Name), network.Tensors.Select(t => t.Name));
        foreach (TensorInfo tensor in network.Tensors)
        {
            var values = new float[tensor.Length];
            network.ReadTensor(tensor.Name, values);
            Assert.True(expected[tensor.Name].AsSpan().SequenceEqual(values), $"{tensor.Name}: [{string.Join(", ", values)}]");
        }
    }

    [Fact]
    public void An_embedded_network_predicts_as_the_same_network_loaded_from_the_file()
    {
        byte[] file = WeightsFiles.SmallFile();
        INetwork embedded = GeneratorHarness.CreateNetwork(WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(file)), "Small");
        INetwork loaded = GeneratorHarness.CreateNetwork(GeneratorHarness.Run(WeightsFiles.Small.Replace("(Weights = \"small.safetensors\")", string.Empty)), "Small");
        string path = Path.Combine(Path.GetTempPath(), "staticnet-embedded-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            File.WriteAllBytes(path, file);
            loaded.Load(path);
        }
        finally
        {
            File.Delete(path);
        }

        var input = new float[36];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (i % 7) - 3;
        }

        var fromEmbedded = new float[3];
        var fromFile = new float[3];
        embedded.Predict(input, fromEmbedded);
        loaded.Predict(input, fromFile);
        Assert.Equal(fromFile, fromEmbedded);
        Assert.NotEqual(new float[3], fromEmbedded);
    }

    [Fact]
    public void LoadEmbeddedWeights_puts_the_tensors_back_after_Initialize()
    {
        GeneratorRun run = WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.SmallFile()));
        INetwork network = GeneratorHarness.CreateNetwork(run, "Small");
        float[] start = network.Parameters.ToArray();
        network.Initialize(1);
        Assert.NotEqual(start, network.Parameters.ToArray());

        network.GetType().GetMethod("LoadEmbeddedWeights")!.Invoke(network, null);
        Assert.Equal(start, network.Parameters.ToArray());
        Assert.Equal("small.safetensors", network.GetType().GetField("EmbeddedWeightsFile")!.GetValue(null));
    }

    [Fact]
    public void A_file_without_a_checksum_is_embedded_after_its_structure_is_checked()
    {
        GeneratorRun run = WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.SmallFile(checksum: false)));

        Assert.Empty(run.Diagnostics);
        Assert.NotNull(run.Source);
    }

    [Fact]
    public void Weights_null_is_a_network_that_starts_from_its_seed()
    {
        GeneratorRun run = WeightsFiles.Run(WeightsFiles.Small.Replace("\"small.safetensors\"", "null"), WeightsFiles.Encoded(WeightsFiles.SmallFile()));

        Assert.Empty(run.Diagnostics);
        Assert.Contains(": base(s_definition, seed, batchCapacity)\n", run.Source);
        Assert.DoesNotContain("EmbeddedWeightsFile", run.Source);
    }

    [Fact]
    public void A_path_relative_to_the_project_names_the_file()
    {
        string source = WeightsFiles.Small.Replace("\"small.safetensors\"", "\"weights/small.safetensors\"");
        GeneratorRun run = WeightsFiles.Run(
            source,
            WeightsFiles.Encoded(WeightsFiles.SmallFile(), "weights/small.safetensors", "/p/obj/staticnet/0/small.safetensors.base64"),
            WeightsFiles.Encoded(WeightsFiles.SmallFile(), "other/small.safetensors", "/p/obj/staticnet/1/small.safetensors.base64"));

        Assert.Empty(run.Diagnostics);
        Assert.Contains("EmbeddedWeightsFile = \"weights/small.safetensors\"", run.Source);
    }

    [Fact]
    public void The_data_is_emitted_as_one_base64_literal_per_tensor()
    {
        GeneratorRun run = WeightsFiles.Run(WeightsFiles.Small, WeightsFiles.Encoded(WeightsFiles.SmallFile()));
        byte[] fc1Bias = WeightsFiles.LittleEndian(WeightsFiles.SmallValues()["fc1.bias"]);

        Assert.Contains("public static global::System.ReadOnlySpan<byte> Tensor8 => \"" + Convert.ToBase64String(fc1Bias) + "\"u8;", run.Source);
    }

    [Fact]
    public void An_unrelated_edit_neither_reads_nor_emits_the_weights_again()
    {
        AdditionalText file = WeightsFiles.Encoded(WeightsFiles.SmallFile());
        Compilation first = GeneratorHarness.Compilation(WeightsFiles.Small);
        GeneratorDriver driver = WeightsFiles.CreateDriver(file).RunGenerators(first);
        string before = Source(driver);
        driver = driver.RunGenerators(first.AddSyntaxTrees(GeneratorHarness.Parse("class Unrelated { }", "Unrelated.cs")));

        GeneratorRunResult after = driver.GetRunResult().Results.Single();
        Assert.All(Reasons(after, TrackingNames.WeightsFile), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        Assert.All(Reasons(after, TrackingNames.WeightsMatch), reason => Assert.Contains(reason, Kept));
        Assert.All(Reasons(after, TrackingNames.EmbeddedModel), reason => Assert.Contains(reason, Kept));
        Assert.Equal(before, Source(driver));
    }

    [Fact]
    public void Moving_the_declaration_does_not_emit_the_weights_again()
    {
        AdditionalText file = WeightsFiles.Encoded(WeightsFiles.SmallFile());
        Compilation first = GeneratorHarness.Compilation(WeightsFiles.Small);
        GeneratorDriver driver = WeightsFiles.CreateDriver(file).RunGenerators(first);
        SyntaxTree old = first.SyntaxTrees.Single();
        driver = driver.RunGenerators(first.ReplaceSyntaxTree(old, GeneratorHarness.Parse("\n\n" + WeightsFiles.Small, GeneratorHarness.NetworkFile)));

        GeneratorRunResult after = driver.GetRunResult().Results.Single();
        Assert.All(Reasons(after, TrackingNames.WeightsFile), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(after, TrackingNames.Parse));
        Assert.All(Reasons(after, TrackingNames.WeightsMatch), reason => Assert.Contains(reason, Kept));
        Assert.All(Reasons(after, TrackingNames.EmbeddedModel), reason => Assert.Contains(reason, Kept));
    }

    [Fact]
    public void A_changed_file_is_read_and_emitted_again()
    {
        AdditionalText file = WeightsFiles.Encoded(WeightsFiles.SmallFile());
        Compilation compilation = GeneratorHarness.Compilation(WeightsFiles.Small);
        GeneratorDriver driver = WeightsFiles.CreateDriver(file).RunGenerators(compilation);
        string before = Source(driver);

        List<(string Name, string Dtype, int[] Shape, byte[] Data)> entries = WeightsFiles.SmallEntries();
        entries[8] = (entries[8].Name, "F32", entries[8].Shape, WeightsFiles.LittleEndian(new[] { 0.5f, -0.5f, 2f }));
        driver = driver.ReplaceAdditionalText(file, WeightsFiles.Encoded(WeightsFiles.Build(entries, checksum: true))).RunGenerators(compilation);

        GeneratorRunResult after = driver.GetRunResult().Results.Single();
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(after, TrackingNames.WeightsFile));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(after, TrackingNames.EmbeddedModel));
        Assert.NotEqual(before, Source(driver));
        Assert.Contains("Tensor8 => \"" + Convert.ToBase64String(WeightsFiles.LittleEndian(new[] { 0.5f, -0.5f, 2f })) + "\"u8;", Source(driver));
    }

    [Fact]
    public void Every_truncation_of_a_file_is_reported_not_embedded()
    {
        byte[] file = WeightsFiles.SmallFile(checksum: false);
        for (int length = 0; length < file.Length; length++)
        {
            WeightsFile read = SafeTensorsReader.Read(file[..length], "small.safetensors");
            Assert.True(read.Problem == WeightsFileProblem.Corrupt, $"{length} of {file.Length} bytes read as {read.Problem}");
        }
    }

    [Fact]
    public void Every_bit_flip_in_a_checksummed_file_is_reported_or_leaves_the_data_intact()
    {
        // A flip in the data must fail the checksum; one in the header must break its structure, or
        // change only what the header says (a name, a metadata value), never the values embedded.
        byte[] file = WeightsFiles.SmallFile();
        int dataStart = 8 + (int)BitConverter.ToUInt64(file, 0);
        int reportedInHeader = 0;
        for (int position = 0; position < file.Length; position++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] flipped = (byte[])file.Clone();
                flipped[position] ^= (byte)(1 << bit);
                WeightsFile read = SafeTensorsReader.Read(flipped, "small.safetensors");
                if (position >= dataStart)
                {
                    Assert.True(read.Problem == WeightsFileProblem.ChecksumMismatch, $"bit {bit} of data byte {position - dataStart} read as {read.Problem}");
                }
                else if (read.Problem == WeightsFileProblem.None)
                {
                    Assert.True(read.Data.Span.SequenceEqual(file.AsSpan(dataStart)), $"bit {bit} of header byte {position} changed the data");
                }
                else
                {
                    reportedInHeader++;
                }
            }
        }

        Assert.True(reportedInHeader > dataStart * 8 / 2, $"only {reportedInHeader} of {dataStart * 8} header flips were reported");
    }

    [Fact]
    public void The_build_step_gives_the_generator_the_exact_bytes_of_a_binary_file()
    {
        // A real MSBuild run of StaticNet.EmbeddedWeights.targets on a file of every byte value and
        // random floats: bytes that are not UTF-8, long runs of zeros, and CR/LF bytes.
        string directory = Path.Combine(Path.GetTempPath(), "staticnet-targets-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "weights"));
        try
        {
            var random = new Random(7);
            var values = new float[4096];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = i < 64 ? BitConverter.Int32BitsToSingle(i * 0x04040404) : (float)(random.NextDouble() * 2 - 1);
            }

            byte[] file = WeightsFiles.Build(new[] { ("w", "F32", new[] { values.Length }, WeightsFiles.LittleEndian(values)) }, checksum: true);
            File.WriteAllBytes(Path.Combine(directory, "weights", "net.safetensors"), file);
            File.WriteAllText(Path.Combine(directory, "probe.proj"), $"""
                <Project>
                  <PropertyGroup><IntermediateOutputPath>obj/</IntermediateOutputPath></PropertyGroup>
                  <ItemGroup><AdditionalFiles Include="weights/net.safetensors" /><AdditionalFiles Include="notes.txt" /></ItemGroup>
                  <Import Project="{Path.Combine(RepositoryRoot(), "src", "Runtime", "buildTransitive", "StaticNet.EmbeddedWeights.targets")}" />
                  <Target Name="CoreCompile"><WriteLinesToFile File="additional.txt" Lines="@(AdditionalFiles)" Overwrite="true" /></Target>
                </Project>
                """);

            RunMSBuild(directory, "probe.proj", "-t:CoreCompile");

            string[] additional = File.ReadAllLines(Path.Combine(directory, "additional.txt")).Select(p => p.Replace('\\', '/')).ToArray();
            Assert.Contains("notes.txt", additional);
            string encoded = Assert.Single(additional, p => p.EndsWith(".safetensors.base64", StringComparison.Ordinal));
            Assert.DoesNotContain(additional, p => p.EndsWith(".safetensors", StringComparison.Ordinal));

            WeightsFile read = EmbeddedWeightsReader.Decode(File.ReadAllText(encoded), encoded);
            Assert.Equal(WeightsFileProblem.None, read.Problem);
            Assert.Equal("weights/net.safetensors", read.Path);
            Assert.True(read.Data.Span.SequenceEqual(file.AsSpan(file.Length - values.Length * 4)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void RunMSBuild(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "msbuild", "-nologo", "-nodeReuse:false" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "MSBuild failed:\n" + output);
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Compiler.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Compiler.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Source(GeneratorDriver driver) => driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step)
    {
        IncrementalStepRunReason[] reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.NotEmpty(reasons);
        return reasons;
    }
}
