using System;
using System.IO;
using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Parity;

/// <summary>
/// The documented way in for PyTorch weights: a LeNet-5 written with nn.Sequential (so its tensors are
/// features.0.weight, ..., classifier.4.bias), saved with torch.save, converted by
/// scripts/torch_to_safetensors.py, and loaded into StaticNet's LeNet5 through a rename: either side
/// renames, and both predict as PyTorch does.
/// </summary>
public class PyTorchWeightsTests
{
    private readonly ITestOutputHelper _output;

    public PyTorchWeightsTests(ITestOutputHelper output) => _output = output;

    private static readonly (string From, string To)[] SequentialNames =
    {
        ("features.0.", "conv1."), ("features.3.", "conv2."), ("classifier.0.", "fc1."), ("classifier.2.", "fc2."), ("classifier.4.", "fc3."),
    };

    [Fact]
    public void ASequentialModelsWeightsLoadThroughARenameAndPredictAsPyTorchDoes()
    {
        string directory = Path.Combine(Path.GetTempPath(), "staticnet-pytorch-weights-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string python = Path.Combine(AppContext.BaseDirectory, "python");
            PythonReference.RunScript(Path.Combine(python, "sequential_lenet.py"), directory);
            string model = Path.Combine(directory, "lenet.pt");
            string converter = Path.Combine(python, "torch_to_safetensors.py");

            // The .pt file itself is refused, saying what it is and how to convert it.
            var refused = Assert.Throws<InvalidDataException>(() => new LeNet5(seed: 1).Load(model));
            Assert.Contains("is a zip archive, as torch.save writes it", refused.Message);

            // Renamed in C#: the converter keeps PyTorch's names.
            string asIs = Path.Combine(directory, "as-is.safetensors");
            PythonReference.RunScript(converter, model, asIs);
            var renamedHere = new LeNet5(seed: 1);
            renamedHere.Load(asIs, TensorRenames.Map(SequentialNames));

            // Renamed by the converter: the file has StaticNet's names.
            string converted = Path.Combine(directory, "converted.safetensors");
            var arguments = new System.Collections.Generic.List<string> { model, converted };
            foreach ((string from, string to) in SequentialNames)
            {
                arguments.Add("--rename");
                arguments.Add(from + "=" + to);
            }

            PythonReference.RunScript(converter, arguments.ToArray());
            var renamedThere = new LeNet5(seed: 2);
            renamedThere.Load(converted);
            Assert.Equal(renamedHere.Parameters.ToArray(), renamedThere.Parameters.ToArray());

            SafeTensorsFile io = SafeTensors.Read(Path.Combine(directory, "io.safetensors"));
            Assert.True(io.TryGet("inputs", out SafeTensor inputs));
            Assert.True(io.TryGet("outputs", out SafeTensor outputs));
            var logits = new float[LeNet5.OutputLength];
            double largest = 0;
            for (int sample = 0; sample < 100; sample++)
            {
                renamedHere.Predict(inputs.Values.AsSpan(sample * LeNet5.InputLength, LeNet5.InputLength), logits);
                for (int k = 0; k < logits.Length; k++)
                {
                    float expected = outputs.Values[(sample * LeNet5.OutputLength) + k];
                    Assert.True(Tolerance.Strict.Matches(logits[k], expected), $"sample {sample}, logit {k}: StaticNet {logits[k]}, PyTorch {expected}");
                    largest = Math.Max(largest, Math.Abs(logits[k] - expected));
                }
            }

            _output.WriteLine($"Largest difference from PyTorch over 100 samples x 10 logits: {largest:E2}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
