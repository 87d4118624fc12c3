using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

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
    /// Rounds each figure is timed in, the best one counting, configurations taking turns round by round: noise from
    /// elsewhere only ever slows a round down, and a burst of it then costs one round of each configuration instead of
    /// all of one.
    /// </summary>
    public const int Rounds = 5;

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

    /// <summary>
    /// One configuration of single-sample inference to time: <see cref="Prepare"/> puts test image <c>i</c> in place
    /// untimed (ONNX Runtime copies it into its bound input), then <see cref="Run"/> is the call timed.
    /// </summary>
    public sealed record LatencySide(Action<int> Prepare, Action Run)
    {
        /// <summary>StaticNet's single-sample Predict of <paramref name="network"/> on the test images, its copy of the image included.</summary>
        public static LatencySide Predict(INetwork network, Dataset test)
        {
            var output = new float[network.OutputLength];
            int image = 0;
            return new LatencySide(i => image = i % test.Count, () => network.Predict(test.Sample(image), output));
        }
    }

    /// <summary>
    /// Median microseconds of one single-sample call of each side, in <paramref name="rounds"/> rounds that take turns
    /// between the sides, each side's figure the median of its best round; <paramref name="calls"/> timed calls per
    /// side in all, after <paramref name="warmup"/> calls and at least <see cref="WarmupSeconds"/> of warm-up each. As
    /// training's rounds do, the turns make a burst of load from elsewhere slow one round of each side rather than
    /// all of one side's calls, which on a shared machine moved the figures of a side measured alone by up to 2.5x.
    /// </summary>
    public static double[] LatencyMicroseconds(IReadOnlyList<LatencySide> sides, int calls, int rounds, int warmup)
    {
        var next = new int[sides.Count];
        for (int side = 0; side < sides.Count; side++)
        {
            LatencySide s = sides[side];
            next[side] = WarmUp(warmup, i =>
            {
                s.Prepare(i);
                s.Run();
            });
        }

        int perRound = Math.Max(1, calls / rounds);
        var best = new double[sides.Count];
        Array.Fill(best, double.MaxValue);
        var times = new List<double>(perRound);
        for (int round = 0; round < rounds; round++)
        {
            for (int side = 0; side < sides.Count; side++)
            {
                Settle();
                times.Clear();
                for (int i = 0; i < perRound; i++)
                {
                    sides[side].Prepare(next[side]++);
                    long began = Stopwatch.GetTimestamp();
                    sides[side].Run();
                    times.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds * 1000);
                }

                times.Sort();
                best[side] = Math.Min(best[side], times[times.Count / 2]);
            }
        }

        return best;
    }

    /// <summary>
    /// Samples per second of each side's <paramref name="passes"/> (each runs <paramref name="samples"/> samples: the
    /// whole test set, batched), the best of <paramref name="rounds"/> rounds that take turns between the sides, after
    /// passes of warm-up for at least <see cref="WarmupSeconds"/> each.
    /// </summary>
    public static double[] Throughput(IReadOnlyList<Action> passes, int samples, int rounds)
    {
        foreach (Action pass in passes)
        {
            WarmUp(1, _ => pass());
        }

        var best = new double[passes.Count];
        for (int round = 0; round < rounds; round++)
        {
            for (int side = 0; side < passes.Count; side++)
            {
                Settle();
                long began = Stopwatch.GetTimestamp();
                passes[side]();
                best[side] = Math.Max(best[side], samples / Stopwatch.GetElapsedTime(began).TotalSeconds);
            }
        }

        return best;
    }

    /// <summary>
    /// Waits, before a configuration's turn, until no thread of this process runs: until the process used less than
    /// <see cref="IdleShare"/> of a core over a <see cref="SettleWindow"/>, for at most a second. The threads of the
    /// configuration before would otherwise take a core from the turn: ONNX Runtime's intra-op threads spin for 40 to
    /// 55 ms after a run (the process used 40.1 ms of processor time while its main thread slept 50 ms after a
    /// two-thread session's runs, 1.0 ms after StaticNet's), and a StaticNet turn right after one ran its two threads
    /// on one core.
    /// </summary>
    public static void Settle()
    {
        using var process = Process.GetCurrentProcess();
        long began = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(began).TotalSeconds < 1)
        {
            process.Refresh();
            TimeSpan before = process.TotalProcessorTime;
            Thread.Sleep(SettleWindow);
            process.Refresh();
            if (process.TotalProcessorTime - before < SettleWindow * IdleShare)
            {
                return;
            }
        }
    }

    /// <summary>The window <see cref="Settle"/> watches the process's processor time over.</summary>
    private static readonly TimeSpan SettleWindow = TimeSpan.FromMilliseconds(10);

    /// <summary>The share of one core under which <see cref="Settle"/> takes the process to be idle.</summary>
    private const double IdleShare = 0.2;

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
