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
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd() + error.Result;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {arguments} exited with {process.ExitCode}:\n{output}");
    }
}
