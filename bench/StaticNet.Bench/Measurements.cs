using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace StaticNet.Bench;

/// <summary>StaticNet's side of the comparison, measured the way bench/pytorch_reference.py measures PyTorch.</summary>
internal static class Measurements
{
    /// <summary>
    /// The least time every measurement, StaticNet's and ONNX Runtime's, runs before it is timed: the runtime compiles the
    /// methods a call uses again, optimised, on a background thread once they have run a while, and until it is done
    /// that thread takes a core from the measurement. After 200 calls alone, FashionResNet's single-sample median was
    /// 247 µs against 119 after a second.
    /// </summary>
    public const double WarmupSeconds = 1.0;

    /// <summary>
    /// Adam 1e-3 steps with softmax cross-entropy on shuffled batches, gathered inside the timed loop as a
    /// data loader would, run in rounds (<see cref="Round"/>) so that two configurations can take turns:
    /// a burst of load from elsewhere then slows one round of each rather than all of one.
    /// </summary>
    public sealed class TrainingRun
    {
        private readonly Trainer<INetwork> _trainer;
        private readonly Dataset _train;
        private readonly int[] _order;
        private readonly float[] _input;
        private readonly int[] _labels;
        private readonly int _batch;
        private readonly int _inputLength;
        private int _step;
        private long _allocatedBytes;
        private long _timedSteps;

        /// <param name="warmupSeconds">The least time the warm-up takes; 0 for exactly <paramref name="warmup"/> steps.</param>
        public TrainingRun(INetwork network, Dataset train, int batch, int warmup, double warmupSeconds = WarmupSeconds)
        {
            _trainer = new Trainer<INetwork>(network, new Adam(1e-3), Losses.SoftmaxCrossEntropy);
            _train = train;
            _batch = batch;
            _inputLength = network.InputLength;
            _order = new int[train.Count];
            for (int i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }

            new RandomStream(0).Shuffle(_order.AsSpan());
            _input = new float[batch * network.InputLength];
            _labels = new int[batch];

            // At least the given steps, and at least WarmupSeconds (the first network measured lost up to a third
            // of its two-thread throughput to the runtime's background compilation).
            long began = Stopwatch.GetTimestamp();
            for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(began).TotalSeconds < warmupSeconds; i++)
            {
                Step();
            }
        }

        /// <summary>The bytes the whole process allocated per timed step, over every round so far.</summary>
        public double BytesPerStep => _timedSteps == 0 ? 0 : _allocatedBytes / (double)_timedSteps;

        /// <summary>Runs <paramref name="steps"/> steps and returns their samples per second.</summary>
        public double Round(int steps)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long began = Stopwatch.GetTimestamp();
            Train(steps);
            double seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
            _allocatedBytes += GC.GetTotalAllocatedBytes(precise: true) - allocated;
            _timedSteps += steps;
            return steps * _batch / seconds;
        }

        /// <summary>Runs <paramref name="steps"/> more steps on the next batches of the fixed order, untimed.</summary>
        public void Train(int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                Step();
            }
        }

        private void Step()
        {
            int start = (_step * _batch) % (_train.Count - _batch);
            for (int i = 0; i < _batch; i++)
            {
                int index = _order[start + i];
                _train.Sample(index).CopyTo(_input.AsSpan(i * _inputLength));
                _labels[i] = _train.Labels![index];
            }

            _trainer.TrainStep(_input, new BatchTargets(_labels), _batch);
            _step++;
        }
    }

    /// <summary>Median microseconds of one single-sample Predict, after a warm-up of <paramref name="warmup"/> calls and at least <see cref="WarmupSeconds"/>.</summary>
    public static double LatencyMicroseconds(INetwork network, Dataset test, int calls, int warmup)
    {
        var output = new float[network.OutputLength];
        var times = new List<double>(calls);
        int first = WarmUp(warmup, i => network.Predict(test.Sample(i % test.Count), output));
        for (int i = first; i < first + calls; i++)
        {
            ReadOnlySpan<float> sample = test.Sample(i % test.Count);
            long began = Stopwatch.GetTimestamp();
            network.Predict(sample, output);
            times.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds * 1000);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Samples per second of batched Predict over the whole test set, the best of <paramref name="passes"/> passes after passes of warm-up for at least <see cref="WarmupSeconds"/>.</summary>
    public static double InferenceThroughput(INetwork network, Dataset test, int passes = 3)
    {
        var outputs = new float[test.Count * network.OutputLength];
        WarmUp(1, _ => network.Predict(test.Features, outputs, test.Count));
        double best = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            long began = Stopwatch.GetTimestamp();
            network.Predict(test.Features, outputs, test.Count);
            best = Math.Max(best, test.Count / Stopwatch.GetElapsedTime(began).TotalSeconds);
        }

        return best;
    }

    /// <summary>
    /// Calls <paramref name="call"/> with 0, 1, 2 ... at least <paramref name="calls"/> times and until <see cref="WarmupSeconds"/>
    /// have passed; returns how many calls it made.
    /// </summary>
    public static int WarmUp(int calls, Action<int> call)
    {
        long began = Stopwatch.GetTimestamp();
        int made = 0;
        for (; made < calls || Stopwatch.GetElapsedTime(began).TotalSeconds < WarmupSeconds; made++)
        {
            call(made);
        }

        return made;
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
