using System;
using System.Collections.Generic;
using System.Diagnostics;
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
/// activations fused), measured as <see cref="Measurements"/> measures StaticNet.
/// </summary>
internal static class OnnxRuntimePeer
{
    /// <summary>The allowed difference from StaticNet's output: this much, plus <see cref="Relative"/> of ONNX Runtime's value.</summary>
    public const double Absolute = 1e-4;

    public const double Relative = 1e-4;

    /// <summary>How many test images are checked, as one batch and one at a time.</summary>
    public const int CheckedImages = 64;

    private const string InputName = "input", OutputName = "output";

    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Loads <paramref name="modelPath"/> once per intra-op thread count in <paramref name="threadSettings"/>,
    /// checks each session against StaticNet's Predict (<paramref name="single"/> for one image,
    /// <paramref name="batched"/> for a batch; both with the weights the model was exported with), and
    /// measures latency over <paramref name="calls"/> calls and throughput over the test set in batches of
    /// <paramref name="batched"/>'s capacity. Throws when ONNX Runtime and StaticNet disagree.
    /// </summary>
    public static OnnxRuntimeFigures Measure(string network, string modelPath, INetwork single, INetwork batched, Dataset test, IReadOnlyList<int> threadSettings, int calls, int warmup)
    {
        var latency = new Dictionary<int, double>();
        var throughput = new Dictionary<int, double>();
        foreach (int threads in threadSettings)
        {
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
            };
            using var session = new InferenceSession(modelPath, options);
            Check($"{network}, ONNX Runtime with {threads} intra-op thread{(threads == 1 ? "" : "s")}", session, single, batched, test);
            latency[threads] = LatencyMicroseconds(session, single, test, calls, warmup);
            throughput[threads] = Throughput(session, batched, test);
        }

        int latencyThreads = latency.MinBy(p => p.Value).Key, inferenceThreads = throughput.MaxBy(p => p.Value).Key;
        string measured = string.Join("; ", threadSettings.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t} intra-op thread{(t == 1 ? "" : "s")}: {latency[t]:F1} us, {throughput[t]:N0} samples/s")));
        return new OnnxRuntimeFigures(latency[latencyThreads], latencyThreads, throughput[inferenceThreads], inferenceThreads, measured);
    }

    /// <summary>
    /// Median microseconds of one single-sample run, after the same warm-up as StaticNet's, by its protocol
    /// (<see cref="Measurements.LatencyMicroseconds"/>). The input and output are bound once; each image
    /// is copied into the bound input before the clock starts, so ONNX Runtime's time is its run alone.
    /// </summary>
    private static double LatencyMicroseconds(InferenceSession session, INetwork single, Dataset test, int calls, int warmup)
    {
        float[] input = new float[single.InputLength], output = new float[single.OutputLength];
        using OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(input, Shape(single, 1));
        using OrtValue outputValue = OrtValue.CreateTensorValueFromMemory(output, new long[] { 1, single.OutputLength });
        using OrtIoBinding binding = session.CreateIoBinding();
        binding.BindInput(InputName, inputValue);
        binding.BindOutput(OutputName, outputValue);
        using var run = new RunOptions();
        var times = new List<double>(calls);
        int first = Measurements.WarmUp(warmup, i =>
        {
            test.Sample(i % test.Count).CopyTo(input);
            session.RunWithBinding(run, binding);
        });
        for (int i = first; i < first + calls; i++)
        {
            test.Sample(i % test.Count).CopyTo(input);
            long began = Stopwatch.GetTimestamp();
            session.RunWithBinding(run, binding);
            times.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds * 1000);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// Samples per second over the whole test set in batches of the network's capacity, the best of
    /// <paramref name="passes"/> passes after passes of warm-up for at least <see cref="Measurements.WarmupSeconds"/>
    /// (ONNX Runtime plans its memory per input shape, and the last batch is smaller), as <see cref="Measurements.InferenceThroughput"/> measures
    /// StaticNet. Every batch's input and output are bound beforehand, straight over the test set and one
    /// output array.
    /// </summary>
    private static double Throughput(InferenceSession session, INetwork batched, Dataset test, int passes = 3)
    {
        int batch = batched.BatchCapacity;
        float[] outputs = new float[test.Count * batched.OutputLength];
        var values = new List<OrtValue>();
        var bindings = new List<OrtIoBinding>();
        try
        {
            for (int start = 0; start < test.Count; start += batch)
            {
                int count = Math.Min(batch, test.Count - start);
                OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, test.Features.AsMemory(start * batched.InputLength, count * batched.InputLength), Shape(batched, count));
                values.Add(input);
                OrtValue output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputs.AsMemory(start * batched.OutputLength, count * batched.OutputLength), new long[] { count, batched.OutputLength });
                values.Add(output);
                OrtIoBinding binding = session.CreateIoBinding();
                bindings.Add(binding);
                binding.BindInput(InputName, input);
                binding.BindOutput(OutputName, output);
            }

            using var run = new RunOptions();
            Measurements.WarmUp(1, _ => bindings.ForEach(binding => session.RunWithBinding(run, binding)));
            double best = 0;
            for (int pass = 0; pass < passes; pass++)
            {
                long began = Stopwatch.GetTimestamp();
                foreach (OrtIoBinding binding in bindings)
                {
                    session.RunWithBinding(run, binding);
                }

                best = Math.Max(best, test.Count / Stopwatch.GetElapsedTime(began).TotalSeconds);
            }

            return best;
        }
        finally
        {
            bindings.ForEach(b => b.Dispose());
            values.ForEach(v => v.Dispose());
        }
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
