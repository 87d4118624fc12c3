using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace StaticNet.Bench;

/// <summary>StaticNet's side of the comparison, measured the way bench/pytorch_reference.py measures PyTorch.</summary>
internal static class Measurements
{
    /// <summary>
    /// Samples per second of Adam 1e-3 steps with softmax cross-entropy on shuffled batches, gathered
    /// inside the timed loop as a data loader would; and the bytes the whole process allocated per step.
    /// </summary>
    public static (double SamplesPerSecond, double BytesPerStep) Training(INetwork network, Dataset train, int batch, int steps, int warmup)
    {
        var trainer = new Trainer<INetwork>(network, new Adam(1e-3), Losses.SoftmaxCrossEntropy);
        var order = new int[train.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new RandomStream(0).Shuffle(order.AsSpan());
        var input = new float[batch * network.InputLength];
        var labels = new int[batch];
        void Step(int step)
        {
            int start = (step * batch) % (train.Count - batch);
            for (int i = 0; i < batch; i++)
            {
                int index = order[start + i];
                train.Sample(index).CopyTo(input.AsSpan(i * network.InputLength));
                labels[i] = train.Labels![index];
            }

            trainer.TrainStep(input, new BatchTargets(labels), batch);
        }

        for (int step = 0; step < warmup; step++)
        {
            Step(step);
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long began = Stopwatch.GetTimestamp();
        for (int step = 0; step < steps; step++)
        {
            Step(warmup + step);
        }

        double seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        double bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)steps;
        return (steps * batch / seconds, bytes);
    }

    /// <summary>Median microseconds of one single-sample Predict, after a warm-up.</summary>
    public static double LatencyMicroseconds(INetwork network, Dataset test, int calls, int warmup)
    {
        var output = new float[network.OutputLength];
        var times = new List<double>(calls);
        for (int i = 0; i < warmup + calls; i++)
        {
            ReadOnlySpan<float> sample = test.Sample(i % test.Count);
            long began = Stopwatch.GetTimestamp();
            network.Predict(sample, output);
            double microseconds = Stopwatch.GetElapsedTime(began).TotalMilliseconds * 1000;
            if (i >= warmup)
            {
                times.Add(microseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Samples per second of batched Predict over the whole test set.</summary>
    public static double InferenceThroughput(INetwork network, Dataset test)
    {
        var outputs = new float[test.Count * network.OutputLength];
        network.Predict(test.Features.AsSpan(0, network.BatchCapacity * network.InputLength), outputs, network.BatchCapacity);
        long began = Stopwatch.GetTimestamp();
        network.Predict(test.Features, outputs, test.Count);
        return test.Count / Stopwatch.GetElapsedTime(began).TotalSeconds;
    }

    /// <summary>The seconds <paramref name="work"/> takes, the best of several runs after a warm-up.</summary>
    public static double BestSeconds(Action work, int runs = 20)
    {
        work();
        double best = double.MaxValue;
        for (int run = 0; run < runs; run++)
        {
            long began = Stopwatch.GetTimestamp();
            work();
            best = Math.Min(best, Stopwatch.GetElapsedTime(began).TotalSeconds);
        }

        return best;
    }
}
