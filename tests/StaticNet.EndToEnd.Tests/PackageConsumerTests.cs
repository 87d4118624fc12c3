using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.EndToEnd;

/// <summary>
/// StaticNet as a user gets it: the package packed into a feed of its own, a fresh console project
/// outside the repository that references it by version alone, and, as its code, the README's example
/// taken from README.md. The project is built with warnings as errors, trains on a slice of
/// Fashion-MNIST, predicts, and is published with NativeAOT; the native binary trains to the same
/// losses as the JIT at the same SIMD level.
/// </summary>
[Collection(FashionMnistCollection.Name)]
public sealed class PackageConsumerTests
{
    // The slice of Fashion-MNIST the program trains on: enough for 30 short epochs with a validation split.
    private const int TrainingImages = 600;
    private const int TestImages = 200;

    private readonly ITestOutputHelper _output;

    public PackageConsumerTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void ReadmeExampleBuildsTrainsAndPublishesFromThePackage()
    {
        string root = Repository.Root();
        string work = Path.Combine(Path.GetTempPath(), "staticnet-consumer-" + Guid.NewGuid().ToString("N"));
        // A version of its own, so that NuGet's cache of packages by version never serves an older build.
        string version = "0.0.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        string feed = Path.Combine(work, "feed");
        string project = Path.Combine(work, "Consumer");
        string data = Path.Combine(work, "data");
        try
        {
            Directory.CreateDirectory(work);
            Run("dotnet", $"pack \"{Path.Combine(root, "src", "Runtime", "StaticNet.Runtime.csproj")}\" -c Release -o \"{feed}\" -p:PackageVersion={version}", root);
            Assert.True(File.Exists(Path.Combine(feed, $"StaticNet.{version}.nupkg")), "dotnet pack made no StaticNet package.");

            // A fresh console project, as `dotnet new console` makes it, that knows the feed and nothing of the repository.
            Run("dotnet", $"new console --framework net10.0 --name Consumer --output \"{project}\" --no-update-check", work);
            File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="staticnet-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            Run("dotnet", $"add package StaticNet --version {version}", project);
            string projectFile = Path.Combine(project, "Consumer.csproj");
            string csproj = File.ReadAllText(projectFile);
            Assert.Contains($"<PackageReference Include=\"StaticNet\" Version=\"{version}\" />", csproj);
            Assert.DoesNotContain("ProjectReference", csproj);
            // NativeAOT, and the weights file the README's PretrainedLeNet5 embeds (the EmbeddedWeights sample's), as the README says to list it.
            File.WriteAllText(projectFile, csproj
                .Replace("</PropertyGroup>", "  <PublishAot>true</PublishAot>\n  </PropertyGroup>")
                .Replace("</Project>", "  <ItemGroup>\n    <AdditionalFiles Include=\"lenet5.safetensors\" />\n  </ItemGroup>\n</Project>"));
            File.Copy(Path.Combine(root, "samples", "EmbeddedWeights", "lenet5.safetensors"), Path.Combine(project, "lenet5.safetensors"));

            // The README's example, file by file, as written there.
            File.Delete(Path.Combine(project, "Program.cs"));
            IReadOnlyDictionary<string, string> files = ReadmeFiles(File.ReadAllText(Path.Combine(root, "README.md")));
            Assert.Equal(new[] { "LeNet5.cs", "PretrainedLeNet5.cs", "Program.cs", "ResidualNet.cs" }, files.Keys.OrderBy(name => name, StringComparer.Ordinal));
            foreach ((string name, string code) in files)
            {
                File.WriteAllText(Path.Combine(project, name), code);
            }

            WriteSlice(data);
            string build = Run("dotnet", "build -c Release -warnaserror", project);
            Assert.Matches(@"\b0 Warning\(s\)", build);

            // The JIT at the SIMD level of the NativeAOT binary below (x86-64-v3: 256-bit vectors), so both run the same kernels.
            string jitDirectory = Path.Combine(work, "jit");
            Directory.CreateDirectory(jitDirectory);
            string jit = Run("dotnet", $"\"{Path.Combine(project, "bin", "Release", "net10.0", "Consumer.dll")}\" \"{data}\"", jitDirectory,
                ("DOTNET_PreferredVectorBitWidth", "256"), ("CI", "true"));
            _output.WriteLine(jit);

            string publish = Run("dotnet", "publish -c Release -r linux-x64 -warnaserror -o out", project);
            Assert.DoesNotContain("warning", publish, StringComparison.OrdinalIgnoreCase);
            string binary = Path.Combine(project, "out", "Consumer");
            _output.WriteLine($"NativeAOT binary: {new FileInfo(binary).Length / 1e6:F1} MB");
            string aotDirectory = Path.Combine(work, "aot");
            Directory.CreateDirectory(aotDirectory);
            string aot = Run(binary, $"\"{data}\"", aotDirectory, ("CI", "true"));
            _output.WriteLine(aot);

            Assert.Matches(@"The first test image is class \d; its label is \d\.", jit);
            Assert.Contains("Vector256 kernels", TrainingHeader(jit), StringComparison.Ordinal);
            Assert.Equal(TrainingHeader(jit), TrainingHeader(aot));
            Assert.Equal(Prediction(jit), Prediction(aot));
            string[] jitHistory = LossesByEpoch(Path.Combine(jitDirectory, "history.csv"));
            Assert.True(jitHistory.Length >= 2, "The JIT run recorded fewer than two epochs.");
            Assert.Equal(jitHistory, LossesByEpoch(Path.Combine(aotDirectory, "history.csv")));
            Assert.True(new FileInfo(Path.Combine(aotDirectory, "lenet5.safetensors")).Length > LeNet5.ParameterCount * sizeof(float));
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }

            // The unique version has no use once the test is over.
            string cached = Path.Combine(NuGetPackagesFolder(), "staticnet", version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    /// <summary>The code blocks of README.md that follow a <c>&lt;!-- consumer-file: NAME --&gt;</c> line, by file name.</summary>
    internal static IReadOnlyDictionary<string, string> ReadmeFiles(string readme)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in Regex.Matches(readme.Replace("\r\n", "\n"), @"<!-- consumer-file: (?<name>[\w.]+) -->\n```csharp\n(?<code>.*?)\n```\n", RegexOptions.Singleline))
        {
            files.Add(match.Groups["name"].Value, match.Groups["code"].Value + "\n");
        }

        return files;
    }

    private static string TrainingHeader(string output) =>
        Regex.Match(output, @"^Training .*$", RegexOptions.Multiline).Value;

    private static string Prediction(string output) =>
        Regex.Match(output, @"The first test image is class \d; its label is \d\.").Value;

    // Each epoch's training and validation loss and accuracy, as written (round-trip precision); times are left out.
    private static string[] LossesByEpoch(string historyCsv)
    {
        string[] lines = File.ReadAllLines(historyCsv);
        string[] header = lines[0].Split(',');
        int[] columns = Enumerable.Range(0, header.Length)
            .Where(i => header[i].Contains("loss", StringComparison.Ordinal) || header[i].Contains("accuracy", StringComparison.Ordinal) || header[i] == "epoch")
            .ToArray();
        Assert.True(columns.Length >= 3, "history.csv has no loss columns: " + lines[0]);
        return lines.Skip(1).Select(line =>
        {
            string[] cells = line.Split(',');
            return string.Join(",", columns.Select(i => header[i] + "=" + cells[i]));
        }).ToArray();
    }

    // The first images of each Fashion-MNIST file, written as the same gzip-compressed IDX files under the same names.
    private static void WriteSlice(string directory)
    {
        Directory.CreateDirectory(directory);
        string source = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnistData.DefaultDirectory;
        foreach ((string name, int count) in new[]
        {
            ("train-images-idx3-ubyte", TrainingImages), ("train-labels-idx1-ubyte", TrainingImages),
            ("t10k-images-idx3-ubyte", TestImages), ("t10k-labels-idx1-ubyte", TestImages),
        })
        {
            string path = FashionMnistData.Find(source, name) ?? throw new FileNotFoundException($"{name} is not in {source}.");
            byte[] idx = ReadAll(path);
            int dimensions = idx[3];
            int recordLength = 1;
            for (int d = 1; d < dimensions; d++)
            {
                recordLength *= System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(idx.AsSpan(4 + 4 * d));
            }

            int headerLength = 4 + 4 * dimensions;
            byte[] slice = idx.AsSpan(0, headerLength + count * recordLength).ToArray();
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(slice.AsSpan(4), count);
            using FileStream file = File.Create(Path.Combine(directory, name + ".gz"));
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(slice);
        }
    }

    private static byte[] ReadAll(string path)
    {
        using FileStream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private string Run(string command, string arguments, string workingDirectory, params (string Name, string Value)[] environment)
    {
        var timer = Stopwatch.StartNew();
        (int exitCode, string output) = Processes.Run(command, arguments, workingDirectory, environment);
        _output.WriteLine($"{command} {arguments}: exit {exitCode} after {timer.Elapsed.TotalSeconds:F1} s");
        Assert.True(exitCode == 0, $"{command} {arguments} (in {workingDirectory}) exited with {exitCode}:\n{output}");
        return output;
    }
}
