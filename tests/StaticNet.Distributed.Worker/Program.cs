// Trains a small classifier on seeded synthetic data, alone or as one rank of an mpirun job, and
// writes the trained parameters (rank 0 only) for the data-parallel tests to compare.
//
//   Worker OUTPUT_DIR [--die-at-epoch N | --resume | --sum]
//
// OUTPUT_DIR/parameters.bin: the parameters as little-endian float32; OUTPUT_DIR/last.safetensors and
// resume.safetensors: the trainer's checkpoints after each epoch. With --die-at-epoch N, rank 1 exits at
// the end of epoch N without a word, as a crashed process would; with --resume, the run goes on from
// OUTPUT_DIR/resume.safetensors, with however many processes run it now. With --sum, the loss is summed over
// each batch rather than averaged (PyTorch's reduction='sum'), at the learning rate divided by the batch size.
using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using StaticNet;
using StaticNet.Distributed.Worker;

string output = args[0];
int dieAtEpoch = args.Length > 2 && args[1] == "--die-at-epoch" ? int.Parse(args[2], CultureInfo.InvariantCulture) : -1;
bool resume = args.Length > 1 && args[1] == "--resume";
bool sum = args.Length > 1 && args[1] == "--sum";

// 640 samples of 12 features, labelled by the largest of four fixed random projections.
const int Samples = 640, Features = 12, Classes = 4;
var random = new Random(11);
var features = new float[Samples * Features];
var labels = new int[Samples];
var projection = new float[Classes * Features];
for (int i = 0; i < projection.Length; i++)
{
    projection[i] = (float)((random.NextDouble() * 2) - 1);
}

for (int s = 0; s < Samples; s++)
{
    int best = 0;
    double bestScore = double.NegativeInfinity;
    for (int f = 0; f < Features; f++)
    {
        features[(s * Features) + f] = (float)((random.NextDouble() * 2) - 1);
    }

    for (int c = 0; c < Classes; c++)
    {
        double score = 0;
        for (int f = 0; f < Features; f++)
        {
            score += projection[(c * Features) + f] * features[(s * Features) + f];
        }

        (best, bestScore) = score > bestScore ? (c, score) : (best, bestScore);
    }

    labels[s] = best;
}

var data = new Dataset(features, new[] { Features }, labels, Classes, "synthetic");
using DataParallel? parallel = DataParallel.IsLaunchedByMpirun ? DataParallel.Initialize() : null;
var network = new SmallClassifier(seed: 5, batchCapacity: 64) { Threads = 1 };
const int BatchSize = 64;
var trainer = new Trainer<SmallClassifier>(
    network,
    new Sgd(sum ? 0.1 / BatchSize : 0.1, momentum: 0.9),
    sum ? new SoftmaxCrossEntropyLoss(reduction: LossReduction.Sum) : Losses.SoftmaxCrossEntropy)
{
    BatchSize = BatchSize,
    Epochs = 3,
    Seed = 3,
    DataParallel = parallel,
    Checkpoints = new CheckpointSettings(output) { KeepBest = false },
};
if (parallel is not null)
{
    parallel.CheckEvery = 5;
}

trainer.EpochCompleted += metrics =>
{
    if (metrics.Epoch == dieAtEpoch && parallel?.Rank == 1)
    {
        Environment.Exit(17);
    }
};

History history = resume ? trainer.Resume(Path.Combine(output, "resume.safetensors"), data) : trainer.Fit(data);
if (parallel?.IsRoot != false)
{
    File.WriteAllBytes(Path.Combine(output, "parameters.bin"), MemoryMarshal.AsBytes(network.Parameters).ToArray());
    Console.WriteLine($"trained {history.Epochs.Count} epochs on {parallel?.Size ?? 1} process(es); last loss {history.Last.TrainLoss.ToString("R", CultureInfo.InvariantCulture)}");
}

namespace StaticNet.Distributed.Worker
{
    /// <summary>No batch normalisation and no dropout: a data-parallel run computes what one process does.</summary>
    [Network]
    [Input(12)]
    [Dense(16), Tanh]
    [Dense(4)]
    public partial class SmallClassifier;
}
