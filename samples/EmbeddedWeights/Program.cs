// Classifies Fashion-MNIST images with a LeNet-5 whose trained weights are compiled into this
// program: there is no weights file next to it. It times the first prediction from process start,
// then, when the test set is installed, classifies all of it.
using System;
using System.Diagnostics;
using System.IO;
using StaticNet;
using StaticNet.Samples;

long started = Stopwatch.GetTimestamp();
#if WEIGHTS_FROM_FILE
var network = new PretrainedLeNet5();
network.Load(Path.Combine(AppContext.BaseDirectory, "lenet5.safetensors"));
const string Source = "read from lenet5.safetensors";
#else
var network = new PretrainedLeNet5();                       // starts with the embedded weights
const string Source = "compiled in from " + PretrainedLeNet5.EmbeddedWeightsFile;
#endif

// The normalisation the weights were trained with (the file's metadata: normalization.mean and .std).
const float Mean = 0.2860406f;
const float Std = 0.35302424f;

// The first prediction, on a blank image, timed from process start: all a classifier pays before its first answer.
var image = new float[PretrainedLeNet5.InputLength];
Array.Fill(image, (0 - Mean) / Std);
var output = new float[PretrainedLeNet5.OutputLength];
network.Predict(image, output);
TimeSpan firstPrediction = Stopwatch.GetElapsedTime(started);
Console.WriteLine($"Weights {Source}; first prediction {firstPrediction.TotalMilliseconds:F2} ms after process start: a blank image is a {FashionMnistData.ClassNames[Trainer<PretrainedLeNet5>.ArgMax(output)]}");

string directory = args.Length > 0 ? args[0] : FashionMnistData.DefaultDirectory;
string? images = FashionMnistData.Find(directory, "t10k-images-idx3-ubyte");
string? labels = FashionMnistData.Find(directory, "t10k-labels-idx1-ubyte");
if (images is null || labels is null)
{
    Console.WriteLine($"The Fashion-MNIST test set is not in {directory}; install it with: sudo apt-get install dataset-fashion-mnist, or pass its folder.");
    return 0;
}

Dataset test = IdxDataset.Load(images, labels);
new Normalization(new[] { Mean }, new[] { Std }).Apply(test);
int correct = 0;
for (int i = 0; i < test.Count; i++)
{
    network.Predict(test.Sample(i), output);
    int predicted = Trainer<PretrainedLeNet5>.ArgMax(output);
    correct += predicted == test.Labels![i] ? 1 : 0;
    if (i < 5)
    {
        Console.WriteLine($"image {i}: {FashionMnistData.ClassNames[predicted],-12} (label {FashionMnistData.ClassNames[test.Labels[i]]})");
    }
}

Console.WriteLine($"Accuracy: {100.0 * correct / test.Count:F2}% ({correct:N0} of {test.Count:N0} test images)");
return 0;
