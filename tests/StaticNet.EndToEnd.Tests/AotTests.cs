using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.EndToEnd;

/// <summary>The NativeAOT sample, published for real, classifies the test set exactly as the managed network does.</summary>
[Collection(FashionMnistCollection.Name)]
public class AotTests
{
    private const string Qemu = "/usr/bin/qemu-x86_64";

    private readonly FashionMnistFixture _data;
    private readonly ITestOutputHelper _output;

    public AotTests(FashionMnistFixture data, ITestOutputHelper output)
    {
        _data = data;
        _output = output;
    }

    [Fact]
    public void PublishedBinaryClassifiesLikeTheManagedNetwork()
    {
        string directory = Path.Combine(Path.GetTempPath(), "staticnet-aot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            // A briefly trained LeNet-5, so that accuracy is far from chance and any divergence shows.
            var network = new LeNet5(seed: 2, batchCapacity: 64);
            var trainer = new Trainer<LeNet5>(network, new Adam(1e-3), Losses.SoftmaxCrossEntropy) { Epochs = 1, Seed = 2 };
            trainer.Fit(_data.Train.Take(6000));
            double managed = trainer.Evaluate(_data.Test).Accuracy!.Value;
            string model = Path.Combine(directory, "lenet5.safetensors");
            network.Save(model, new System.Collections.Generic.Dictionary<string, string>
            {
                [FashionMnistData.MeanKey] = _data.Normalization.Mean[0].ToString("R", CultureInfo.InvariantCulture),
                [FashionMnistData.StdKey] = _data.Normalization.StandardDeviation[0].ToString("R", CultureInfo.InvariantCulture),
            });

            string publish = Path.Combine(directory, "publish");
            string project = Path.Combine(Repository.Root(), "samples", "AotInference", "AotInference.csproj");
            Run("dotnet", $"publish \"{project}\" -c Release -r linux-x64 -o \"{publish}\"", out string publishLog);
            Assert.DoesNotContain("warning", publishLog, StringComparison.OrdinalIgnoreCase);

            string binary = Path.Combine(publish, "AotInference");
            _output.WriteLine($"AOT binary: {new FileInfo(binary).Length / 1e6:F1} MB");
            string dataDirectory = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnistData.DefaultDirectory;
            Run(binary, $"--model \"{model}\" --data \"{dataDirectory}\" --show 0", out string output);
            _output.WriteLine(output);

            // Published with the package's defaults, the binary runs the 256-bit kernels, not NativeAOT's 128-bit baseline.
            Assert.Contains("SIMD: Vector256 kernels (NativeAOT)", output, StringComparison.Ordinal);

            // The same program under the JIT says so: a PublishAot project turns dynamic code off for its JIT
            // runs too, so that flag cannot tell the two apart.
            string jitBuild = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "net10.0", "linux-x64", "AotInference.dll");
            Run("dotnet", $"\"{jitBuild}\" --model \"{model}\" --data \"{dataDirectory}\" --show 0", out string jitOutput);
            Assert.Contains($"SIMD: {SimdLevels.Best} kernels (JIT)", jitOutput, StringComparison.Ordinal);

            // On a processor without AVX2 (qemu's user-mode emulation of a Nehalem) it must refuse to start
            // with the runtime's message, not crash inside a kernel.
            Assert.True(File.Exists(Qemu), $"{Qemu} is missing: install it with 'sudo apt-get install qemu-user' (.ci/install-prerequisites does).");
            (int exitCode, string refused) = Processes.Run(Qemu, $"-cpu Nehalem \"{binary}\" --model \"{model}\"");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("The required instruction sets are not supported by the current CPU.", refused, StringComparison.Ordinal);

            Match accuracy = Regex.Match(output, @"Accuracy: [\d.]+% \(([\d,]+) of ([\d,]+) test images\)");
            Assert.True(accuracy.Success, "The AOT binary printed no accuracy:\n" + output);
            int correct = int.Parse(accuracy.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            Assert.Equal((int)Math.Round(managed * _data.Test.Count), correct);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Run(string command, string arguments, out string output)
    {
        (int exitCode, output) = Processes.Run(command, arguments);
        Assert.True(exitCode == 0, $"{command} {arguments} exited with {exitCode}:\n{output}");
    }
}
