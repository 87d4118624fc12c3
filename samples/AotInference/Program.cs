// Classifies Fashion-MNIST test images with a LeNet-5 trained by the FashionMnist sample. Published
// with NativeAOT, this is one self-contained binary: the network's code was compiled ahead of time
// and only its parameters are read from the file.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using StaticNet;
using StaticNet.Samples;

long started = Stopwatch.GetTimestamp();
string modelPath = "lenet5.safetensors";
string dataDirectory = FashionMnistData.DefaultDirectory;
int show = 10;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model" when i + 1 < args.Length:
            modelPath = args[++i];
            break;
        case "--data" when i + 1 < args.Length:
            dataDirectory = args[++i];
            break;
        case "--show" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) && count >= 0:
            show = count;
            i++;
            break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'.");
            Console.Error.WriteLine("Usage: AotInference [--model lenet5.safetensors] [--data /usr/share/datasets/fashion-mnist] [--show 10]");
            return 2;
    }
}

// Which kernels this binary runs, and whether the processor could run wider ones.
Console.WriteLine(SimdLevels.Describe());
var network = new LeNet5();
Normalization normalization;
Dataset test;
try
{
    IReadOnlyDictionary<string, string> metadata = network.Load(modelPath);
    normalization = FashionMnistData.NormalizationFrom(metadata, modelPath);
    string images = FashionMnistData.Find(dataDirectory, "t10k-images-idx3-ubyte") ?? throw new FileNotFoundException(
        $"Fashion-MNIST test images are not in {dataDirectory}. Install them with: sudo apt-get install dataset-fashion-mnist, or pass --data DIR.");
    string labels = FashionMnistData.Find(dataDirectory, "t10k-labels-idx1-ubyte") ?? throw new FileNotFoundException(
        $"Fashion-MNIST test labels are not in {dataDirectory}. Install them with: sudo apt-get install dataset-fashion-mnist, or pass --data DIR.");
    test = IdxDataset.Load(images, labels);
}
catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

normalization.Apply(test);

// The first prediction, timed from process start: what a user of a command-line classifier waits for.
var output = new float[LeNet5.OutputLength];
network.Predict(test.Sample(0), output);
TimeSpan firstPrediction = Stopwatch.GetElapsedTime(started);

int correct = 0;
long classifying = Stopwatch.GetTimestamp();
for (int i = 0; i < test.Count; i++)
{
    network.Predict(test.Sample(i), output);
    int predicted = Trainer<LeNet5>.ArgMax(output);
    if (predicted == test.Labels![i])
    {
        correct++;
    }

    if (i < show)
    {
        Console.WriteLine($"image {i,5}: {FashionMnistData.ClassNames[predicted],-12} (label {FashionMnistData.ClassNames[test.Labels[i]]})");
    }
}

TimeSpan elapsed = Stopwatch.GetElapsedTime(classifying);
Console.WriteLine($"Accuracy: {100.0 * correct / test.Count:F2}% ({correct:N0} of {test.Count:N0} test images)");
Console.WriteLine($"Time to first prediction: {firstPrediction.TotalMilliseconds:F1} ms from process start (model and test set loaded)");
Console.WriteLine($"Single-image latency: {elapsed.TotalMilliseconds * 1000 / test.Count:F1} us per image, one image at a time");
return 0;
