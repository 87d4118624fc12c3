// Data-parallel training on Open MPI, measured: LeNet-5's training samples/s on Fashion-MNIST with the
// ranks mpirun started (one thread each; run alone for one rank), and the time of one allreduce of
// each bench network's gradient buffer. Rank 0 prints; compare the runs with 1 and N ranks.
using System;
using System.Diagnostics;
using System.Globalization;
using StaticNet;
using StaticNet.Bench;
using StaticNet.Samples;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
using DataParallel? parallel = DataParallel.IsLaunchedByMpirun ? DataParallel.Initialize() : null;
int ranks = parallel?.Size ?? 1;
bool root = parallel?.IsRoot != false;

(Dataset train, Dataset _) = FashionMnistData.Load(args.Length > 0 ? args[0] : FashionMnistData.DefaultDirectory);
Normalization.Fit(train).Apply(train);
Dataset slice = train.Take(19_200);

// Two epochs of 300 steps of 64 samples; the second, warm, is the figure.
var network = new LeNet5(seed: 1, batchCapacity: 64) { Threads = 1 };
var trainer = new Trainer<LeNet5>(network, new Adam(1e-3), Losses.SoftmaxCrossEntropy) { BatchSize = 64, Epochs = 2, Seed = 1, DataParallel = parallel };
History history = trainer.Fit(slice);
if (root)
{
    Console.WriteLine($"LeNet-5 training on {ranks} rank(s), 1 thread each, global batch 64: {history.Last.SamplesPerSecond:N0} samples/s (epoch 2 of 2, {history.Last.Steps} steps)");
}

if (parallel is null)
{
    return;
}

foreach ((string name, int count) in new[] { ("MLP", Mlp.ParameterCount), ("LeNet-5", LeNet5.ParameterCount), ("BatchNorm CNN", BatchNormCnn.ParameterCount) })
{
    var gradients = new float[count];
    for (int i = 0; i < 20; i++)
    {
        parallel.AllReduceSum(gradients);
    }

    const int Calls = 200;
    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < Calls; i++)
    {
        parallel.AllReduceSum(gradients);
    }

    double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds / Calls;
    if (root)
    {
        Console.WriteLine($"allreduce of {name}'s gradients ({count:N0} floats, {count * 4 / 1024.0:N0} KiB) on {ranks} ranks: {microseconds:F1} us");
    }
}
