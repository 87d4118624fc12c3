using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace StaticNet.Bench;

/// <summary>
/// ONNX Runtime's figures for one network: single-sample latency and batched throughput, each at the
/// intra-op thread count that did best, and what every thread count measured.
/// </summary>
internal sealed record OnnxRuntimeFigures(double LatencyMicroseconds, int LatencyThreads, double InferenceSamplesPerSecond, int InferenceThreads, string Measured);

/// <summary>
/// The inference peer: a network exported from PyTorch with StaticNet's weights, run in ONNX Runtime
/// with its default graph optimisations (ORT_ENABLE_ALL: batch normalisation folded into convolutions,
/// activations fused), one session per intra-op thread count, each checked against StaticNet's Predict and
/// timed by <see cref="Measurements"/> in turns with StaticNet's configurations.
/// </summary>
internal sealed class OnnxRuntimePeer : IDisposable
{
    /// <summary>The allowed difference from StaticNet's output: this much, plus <see cref="Relative"/> of ONNX Runtime's value.</summary>
    public const double Absolute = 1e-4;

    public const double Relative = 1e-4;

    /// <summary>How many test images are checked, as one batch and one at a time.</summary>
    public const int CheckedImages = 64;

    private const string InputName = "input", OutputName = "output";

    private readonly List<IDisposable> _owned = new();
    private readonly List<Measurements.LatencySide> _latency = new();
    private readonly List<Action> _throughput = new();

    /// <summary>
    /// Loads <paramref name="modelPath"/> once per intra-op thread count in <paramref name="threadSettings"/> and checks
    /// each session against StaticNet's Predict (<paramref name="single"/> for one image, <paramref name="batched"/> for a
    /// batch; both with the weights the model was exported with); throws when they disagree. Binds each session's input
    /// and output for one image, and for the test set in batches of <paramref name="batched"/>'s capacity.
    /// </summary>
    public OnnxRuntimePeer(string network, string modelPath, INetwork single, INetwork batched, Dataset test, IReadOnlyList<int> threadSettings)
    {
        Threads = threadSettings;
        try
        {
            foreach (int threads in threadSettings)
            {
                var options = Own(new SessionOptions
                {
                    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                    IntraOpNumThreads = threads,
                    InterOpNumThreads = 1,
                });
                InferenceSession session = Own(new InferenceSession(modelPath, options));
                Check($"{network}, ONNX Runtime with {threads} intra-op thread{(threads == 1 ? "" : "s")}", session, single, batched, test);
                _latency.Add(LatencySide(session, single, test));
                _throughput.Add(ThroughputPass(session, batched, test));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>The intra-op thread counts of the sessions, in order.</summary>
    public IReadOnlyList<int> Threads { get; }

    /// <summary>Single-sample runs of each session, in the order of <see cref="Threads"/>.</summary>
    public IReadOnlyList<Measurements.LatencySide> Latency => _latency;

    /// <summary>Passes over the test set of each session, in the order of <see cref="Threads"/>.</summary>
    public IReadOnlyList<Action> Throughput => _throughput;

    /// <summary>The figures at the thread counts that did best, from <paramref name="latency"/> and <paramref name="throughput"/> in the order of <see cref="Threads"/>.</summary>
    public OnnxRuntimeFigures Figures(IReadOnlyList<double> latency, IReadOnlyList<double> throughput)
    {
        int fastest = Enumerable.Range(0, Threads.Count).MinBy(i => latency[i]), widest = Enumerable.Range(0, Threads.Count).MaxBy(i => throughput[i]);
        string measured = string.Join("; ", Threads.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"{t} intra-op thread{(t == 1 ? "" : "s")}: {latency[i]:F1} us, {throughput[i]:N0} samples/s")));
        return new OnnxRuntimeFigures(latency[fastest], Threads[fastest], throughput[widest], Threads[widest], measured);
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    private T Own<T>(T value)
        where T : IDisposable
    {
        _owned.Add(value);
        return value;
    }

    /// <summary>
    /// One single-sample run with its input and output bound once; each image is copied into the bound input before
    /// the clock starts, so ONNX Runtime's time is its run alone.
    /// </summary>
    private Measurements.LatencySide LatencySide(InferenceSession session, INetwork single, Dataset test)
    {
        float[] input = new float[single.InputLength], output = new float[single.OutputLength];
        OrtValue inputValue = Own(OrtValue.CreateTensorValueFromMemory(input, Shape(single, 1)));
        OrtValue outputValue = Own(OrtValue.CreateTensorValueFromMemory(output, new long[] { 1, single.OutputLength }));
        OrtIoBinding binding = Own(session.CreateIoBinding());
        binding.BindInput(InputName, inputValue);
        binding.BindOutput(OutputName, outputValue);
        RunOptions run = Own(new RunOptions());
        return new Measurements.LatencySide(i => test.Sample(i % test.Count).CopyTo(input), () => session.RunWithBinding(run, binding));
    }

    /// <summary>
    /// One pass over the whole test set in batches of the network's capacity (ONNX Runtime plans its memory per input
    /// shape, and the last batch is smaller), as StaticNet's batched Predict runs it; every batch's input and output
    /// bound beforehand, straight over the test set and one output array.
    /// </summary>
    private Action ThroughputPass(InferenceSession session, INetwork batched, Dataset test)
    {
        int batch = batched.BatchCapacity;
        float[] outputs = new float[test.Count * batched.OutputLength];
        var bindings = new List<OrtIoBinding>();
        for (int start = 0; start < test.Count; start += batch)
        {
            int count = Math.Min(batch, test.Count - start);
            OrtValue input = Own(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, test.Features.AsMemory(start * batched.InputLength, count * batched.InputLength), Shape(batched, count)));
            OrtValue output = Own(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputs.AsMemory(start * batched.OutputLength, count * batched.OutputLength), new long[] { count, batched.OutputLength }));
            OrtIoBinding binding = Own(session.CreateIoBinding());
            binding.BindInput(InputName, input);
            binding.BindOutput(OutputName, output);
            bindings.Add(binding);
        }

        RunOptions run = Own(new RunOptions());
        return () =>
        {
            foreach (OrtIoBinding binding in bindings)
            {
                session.RunWithBinding(run, binding);
            }
        };
    }

    /// <summary>
    /// Fails unless ONNX Runtime gives what StaticNet's Predict gives on the first test images, as one
    /// batch and one at a time: otherwise the timings would compare different work.
    /// </summary>
    private static void Check(string what, InferenceSession session, INetwork single, INetwork batched, Dataset test)
    {
        int count = Math.Min(CheckedImages, Math.Min(test.Count, batched.BatchCapacity));
        float[] inputs = test.Features.AsSpan(0, count * batched.InputLength).ToArray();
        float[] expected = new float[count * batched.OutputLength];
        batched.Predict(inputs, expected, count);
        Compare(what + ", a batch of " + count.ToString(CultureInfo.InvariantCulture), Run(session, batched, inputs, count), expected, batched.OutputLength);
        for (int i = 0; i < count; i++)
        {
            float[] input = test.Sample(i).ToArray(), output = new float[single.OutputLength];
            single.Predict(input, output);
            Compare(what + ", one image", Run(session, single, input, 1), output, single.OutputLength, firstImage: i);
        }
    }

    private static void Compare(string what, float[] onnxRuntime, float[] staticNet, int outputLength, int firstImage = 0)
    {
        for (int i = 0; i < staticNet.Length; i++)
        {
            double difference = Math.Abs((double)staticNet[i] - onnxRuntime[i]);
            if (!(difference <= Absolute + (Relative * Math.Abs(onnxRuntime[i]))))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: output {i % outputLength} of test image {firstImage + (i / outputLength)} is {onnxRuntime[i]:R} in ONNX Runtime and {staticNet[i]:R} in StaticNet's Predict; " +
                    $"the difference {difference:G3} exceeds {Absolute} + {Relative} x |ONNX Runtime's|. The exported model does not compute what StaticNet computes, so their timings would not compare."));
            }
        }
    }

    private static float[] Run(InferenceSession session, INetwork network, float[] inputs, int count)
    {
        float[] outputs = new float[count * network.OutputLength];
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, Shape(network, count));
        using OrtValue output = OrtValue.CreateTensorValueFromMemory(outputs, new long[] { count, network.OutputLength });
        using var run = new RunOptions();
        session.Run(run, new[] { InputName }, new[] { input }, new[] { OutputName }, new[] { output });
        return outputs;
    }

    /// <summary>The input's shape for <paramref name="count"/> samples: the batch, then one sample's shape ([784] or [1, 28, 28]).</summary>
    private static long[] Shape(INetwork network, int count) => new long[] { count }.Concat(network.LayerTable[0].InputShape.Select(d => (long)d)).ToArray();
}
