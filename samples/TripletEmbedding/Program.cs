// Learns an embedding of Fashion-MNIST images with the triplet margin loss: the network maps each image
// to 16 numbers, and training pulls an image (the anchor) towards another of its class (the positive)
// and pushes it from one of another class (the negative) until the negative is at least the margin
// farther away. The network never sees a class label as an output; classifying a test image by the
// nearest class centre in the embedding shows what it learned.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using StaticNet;
using StaticNet.Samples;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string dataDirectory = args.Length > 1 && args[0] == "--data" ? args[1] : FashionMnistData.DefaultDirectory;
const int Triplets = 32, Steps = 400, Seed = 1;

if (!FashionMnistData.TryLoad(dataDirectory, out Dataset train, out Dataset test))
{
    return 2;
}

Normalization normalization = Normalization.Fit(train);
normalization.Apply(train);
normalization.Apply(test);
int[][] byClass = Enumerable.Range(0, 10).Select(c => Enumerable.Range(0, train.Count).Where(i => train.Labels![i] == c).ToArray()).ToArray();

var network = new EmbeddingNet(Seed, batchCapacity: 3 * Triplets);
var trainer = new Trainer<EmbeddingNet>(network, new Adam(1e-3), new TripletMarginLoss(margin: 1.0));
Console.WriteLine(EmbeddingNet.Summary);
Console.WriteLine();
Console.WriteLine($"Before training: nearest class centre classifies {NearestCentreAccuracy() * 100:F2}% of the test images");

// Each batch: triplets of a random anchor, a positive of its class and a negative of another class,
// as samples 3k, 3k + 1, 3k + 2, which is the layout TripletMarginLoss takes (it checks the labels).
var random = new RandomStream(Seed, 0x7217);
var input = new float[3 * Triplets * EmbeddingNet.InputLength];
var labels = new int[3 * Triplets];
var watch = Stopwatch.StartNew();
double recentLoss = 0;
for (int step = 1; step <= Steps; step++)
{
    for (int k = 0; k < Triplets; k++)
    {
        int anchorClass = random.NextInt(10), negativeClass = (anchorClass + 1 + random.NextInt(9)) % 10;
        int[] samples =
        {
            byClass[anchorClass][random.NextInt(byClass[anchorClass].Length)],
            byClass[anchorClass][random.NextInt(byClass[anchorClass].Length)],
            byClass[negativeClass][random.NextInt(byClass[negativeClass].Length)],
        };
        for (int j = 0; j < 3; j++)
        {
            train.Sample(samples[j]).CopyTo(input.AsSpan(((3 * k) + j) * EmbeddingNet.InputLength, EmbeddingNet.InputLength));
            labels[(3 * k) + j] = train.Labels![samples[j]];
        }
    }

    recentLoss += trainer.TrainStep(input, new BatchTargets(labels), 3 * Triplets);
    if (step % 100 == 0)
    {
        Console.WriteLine($"step {step,4}: mean triplet loss of the last 100 batches {recentLoss / 100:F4} ({watch.Elapsed.TotalSeconds:F0} s)");
        recentLoss = 0;
    }
}

Console.WriteLine($"After {Steps} batches of {Triplets} triplets: nearest class centre classifies {NearestCentreAccuracy() * 100:F2}% of the test images");
return 0;

// Embeds 5,000 training images to find each class's centre, then classifies every test image by the nearest centre.
double NearestCentreAccuracy()
{
    const int Dimensions = EmbeddingNet.OutputLength, Reference = 5000;
    var embeddings = new float[Reference * Dimensions];
    network.Predict(train.Features.AsSpan(0, Reference * EmbeddingNet.InputLength), embeddings, Reference);
    var centres = new double[10, Dimensions];
    var counts = new int[10];
    for (int i = 0; i < Reference; i++)
    {
        counts[train.Labels![i]]++;
        for (int d = 0; d < Dimensions; d++)
        {
            centres[train.Labels[i], d] += embeddings[(i * Dimensions) + d];
        }
    }

    var testEmbeddings = new float[test.Count * Dimensions];
    network.Predict(test.Features, testEmbeddings, test.Count);
    int correct = 0;
    for (int i = 0; i < test.Count; i++)
    {
        int best = Enumerable.Range(0, 10).MinBy(c => Enumerable.Range(0, Dimensions).Sum(d => Math.Pow(testEmbeddings[(i * Dimensions) + d] - (centres[c, d] / counts[c]), 2)));
        correct += best == test.Labels![i] ? 1 : 0;
    }

    return (double)correct / test.Count;
}

/// <summary>Maps a 28x28 image to a 16-dimensional embedding: two convolutions and two dense layers, no classifier.</summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(16, 5, Padding = 2), ReLU, MaxPool2D(2)]
[Conv2D(32, 5), ReLU, MaxPool2D(2)]
[Flatten]
[Dense(64), ReLU]
[Dense(16, Name = "embedding")]
public partial class EmbeddingNet;
