using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.EndToEnd;

/// <summary>
/// The EmbeddedWeights sample, published with NativeAOT and run from a folder that holds nothing but
/// the binary, classifies the test set exactly as a managed LeNet-5 that loads the same weights from
/// the sample's safetensors file.
/// </summary>
[Collection(FashionMnistCollection.Name)]
public sealed class EmbeddedWeightsAotTests
{
    private readonly ITestOutputHelper _output;

    public EmbeddedWeightsAotTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void PublishedBinaryWithNoWeightsFileClassifiesAsTheFileDoes()
    {
        string sample = Path.Combine(Repository.Root(), "samples", "EmbeddedWeights");
        string weights = Path.Combine(sample, "lenet5.safetensors");
        string directory = Path.Combine(Path.GetTempPath(), "staticnet-embedded-" + Guid.NewGuid().ToString("N"));
        try
        {
            string publish = Path.Combine(directory, "publish");
            (int published, string log) = Processes.Run("dotnet", $"publish \"{Path.Combine(sample, "EmbeddedWeights.csproj")}\" -c Release -r linux-x64 -o \"{publish}\"");
            Assert.True(published == 0, log);
            Assert.DoesNotContain("warning", log, StringComparison.OrdinalIgnoreCase);

            // Only the binary, in a folder of its own: there is no weights file it could read.
            string alone = Path.Combine(directory, "alone");
            Directory.CreateDirectory(alone);
            string binary = Path.Combine(alone, "EmbeddedWeights");
            File.Copy(Path.Combine(publish, "EmbeddedWeights"), binary); // keeps the file mode, so it stays executable
            string data = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnistData.DefaultDirectory;
            (int exitCode, string output) = Processes.Run(binary, $"\"{data}\"", alone);
            _output.WriteLine(output);
            Assert.True(exitCode == 0, output);
            Assert.Contains("Weights compiled in from lenet5.safetensors", output, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(alone, "*.safetensors"));

            Match accuracy = Regex.Match(output, @"Accuracy: [\d.]+% \(([\d,]+) of ([\d,]+) test images\)");
            Assert.True(accuracy.Success, "The binary printed no accuracy:\n" + output);
            int correct = int.Parse(accuracy.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

            // The reference: the same weights loaded from the file into the managed LeNet-5, normalised as they were trained.
            var network = new LeNet5();
            IReadOnlyDictionary<string, string> metadata = network.Load(weights);
            (_, Dataset test) = FashionMnistData.Load(data);
            FashionMnistData.NormalizationFrom(metadata, weights).Apply(test);
            var logits = new float[LeNet5.OutputLength];
            int expected = 0;
            for (int i = 0; i < test.Count; i++)
            {
                network.Predict(test.Sample(i), logits);
                expected += Trainer<LeNet5>.ArgMax(logits) == test.Labels![i] ? 1 : 0;
            }

            Assert.Equal(expected, correct);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
