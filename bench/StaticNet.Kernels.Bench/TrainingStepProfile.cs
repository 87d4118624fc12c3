using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using StaticNet;
using StaticNet.Bench;
using L = StaticNet.Bench.BatchNormCnn.Layers;

namespace StaticNet.Kernels.Bench;

/// <summary>
/// Where one training step of the batch-norm CNN (bench/Shared/BatchNormCnn.cs) goes, layer by layer: the
/// kernels its generated RunForward and RunBackward call, in their order, with the network's shapes, on a
/// batch of 64 split into the engine's 4 chunks of 16, on one thread. Each layer's forward and backward are
/// timed as the best of many repetitions, so the figures are what the kernels cost on a quiet core; the loss,
/// the optimizer and the per-batch reductions of batch normalisation (a few values per channel) are left out.
/// Run it with: dotnet run -c Release --project bench/StaticNet.Kernels.Bench -- --profile
/// </summary>
internal static class TrainingStepProfile
{
    private const int Batch = 64, Chunks = 4, Chunk = Batch / Chunks;

    private sealed record Part(string Layer, string What, Action Run);

    public static void Run(SimdLevel simd)
    {
        var parts = new List<Part>();
        float[] parameters = new BatchNormCnn(seed: 1).Parameters.ToArray();
        float[] gradients = new float[BatchNormCnn.ParameterCount];
        float[] image = Buffers.Random(Batch * BatchNormCnn.InputLength, 1);

        // conv -> bn -> relu (-> pool) blocks, as the network declares them.
        (int In, int Height, int Width, int Out)[] blocks =
        {
            (1, 28, 28, L.Conv1.Channels),
            (L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels),
            (L.Pool2.Channels, L.Pool2.Height, L.Pool2.Width, L.Conv3.Channels),
        };
        (int Offset, int Length)[] weights = { (L.Conv1.WeightOffset, L.Conv1.WeightLength), (L.Conv2.WeightOffset, L.Conv2.WeightLength), (L.Conv3.WeightOffset, L.Conv3.WeightLength) };
        (int Offset, int Length)[] norms = { (L.Bn1.WeightOffset, L.Bn1.WeightLength), (L.Bn2.WeightOffset, L.Bn2.WeightLength), (L.Bn3.WeightOffset, L.Bn3.WeightLength) };
        (int Offset, int Length)[] normBiases = { (L.Bn1.BiasOffset, L.Bn1.BiasLength), (L.Bn2.BiasOffset, L.Bn2.BiasLength), (L.Bn3.BiasOffset, L.Bn3.BiasLength) };
        int scratchLength = blocks.Max(b => Convolution.ScratchLength(b.In, b.Height, b.Width, b.Out, 3, 1, 1, 1, Chunk));
        float[] scratch = new float[scratchLength];

        float[] input = image;
        for (int layer = 0; layer < blocks.Length; layer++)
        {
            (int inChannels, int height, int width, int filters) = blocks[layer];
            int plane = height * width, inLength = inChannels * plane, outLength = filters * plane;
            float[] x = input, xGradient = new float[Batch * inLength];
            float[] conv = Buffers.Random(Batch * outLength, 2), relu = Buffers.Random(Batch * outLength, 3);
            float[] reluGradient = Buffers.Random(Batch * outLength, 4), normGradient = new float[Batch * outLength], convGradient = new float[Batch * outLength];
            float[] partial = new float[1 + (2 * filters)], statistics = Statistics(conv, filters, plane), totals = new float[1 + (2 * filters)];
            BatchNormalization.BackwardStatistics(reluGradient, conv, statistics, totals, Batch, filters, plane, SimdLevel.Scalar);
            (int wOffset, int wLength) = weights[layer];
            ReadOnlySpan<float> W() => parameters.AsSpan(wOffset, wLength);
            string name = (layer + 1).ToString(CultureInfo.InvariantCulture);
            bool firstLayer = layer == 0;
            int normOffset = norms[layer].Offset, biasOffset = normBiases[layer].Offset;

            parts.Add(new("conv" + name, "forward", () => Chunked((first, count) =>
                Convolution.Forward(x.AsSpan(first * inLength, count * inLength), conv.AsSpan(first * outLength, count * outLength), W(), ReadOnlySpan<float>.Empty, scratch, count, inChannels, height, width, filters, 3, 1, 1, 1, simd))));
            // The ReLU runs inside the batch normalisation, as the generated code runs it.
            parts.Add(new("bn" + name + "+relu" + name, "forward", () => Chunked((first, count) =>
            {
                BatchNormalization.Statistics(conv.AsSpan(first * outLength, count * outLength), partial, count, filters, plane, simd);
                BatchNormalization.NormalizeRelu(conv.AsSpan(first * outLength, count * outLength), relu.AsSpan(first * outLength, count * outLength), statistics, parameters.AsSpan(normOffset, filters), parameters.AsSpan(biasOffset, filters), count, filters, plane, simd);
            })));
            parts.Add(new("bn" + name + "+relu" + name, "backward", () => Chunked((first, count) =>
            {
                BatchNormalization.ReluBackwardStatistics(reluGradient.AsSpan(first * outLength, count * outLength), relu.AsSpan(first * outLength, count * outLength), normGradient.AsSpan(first * outLength, count * outLength), conv.AsSpan(first * outLength, count * outLength), statistics, partial, count, filters, plane, simd);
                BatchNormalization.BackwardInput(normGradient.AsSpan(first * outLength, count * outLength), conv.AsSpan(first * outLength, count * outLength), statistics, totals, parameters.AsSpan(normOffset, filters), convGradient.AsSpan(first * outLength, count * outLength), count, filters, plane, simd);
            })));
            parts.Add(new("conv" + name, "backward", () => Chunked((first, count) =>
            {
                Convolution.BackwardParameters(x.AsSpan(first * inLength, count * inLength), convGradient.AsSpan(first * outLength, count * outLength), gradients.AsSpan(wOffset, wLength), Span<float>.Empty, scratch, count, inChannels, height, width, filters, 3, 1, 1, 1, simd);
                if (!firstLayer)
                {
                    Convolution.BackwardInput(convGradient.AsSpan(first * outLength, count * outLength), W(), xGradient.AsSpan(first * inLength, count * inLength), scratch, count, inChannels, height, width, filters, 3, 1, 1, 1, simd);
                }
            })));

            if (layer < 2)
            {
                int pooledLength = filters * (plane / 4);
                float[] pooled = new float[Batch * pooledLength], pooledGradient = Buffers.Random(Batch * pooledLength, 5);
                parts.Add(new("pool" + name, "forward", () => Pooling.MaxForward(relu, pooled, Batch * filters, height, width, 2, 2, 0, height / 2, width / 2, simd)));
                parts.Add(new("pool" + name, "backward", () => Pooling.MaxBackward(relu, pooledGradient, reluGradient, Batch * filters, height, width, 2, 2, 0, height / 2, width / 2, simd)));
                input = pooled;
            }
            else
            {
                float[] gap = new float[Batch * filters], gapGradient = Buffers.Random(Batch * filters, 6), logits = new float[Batch * 10], logitsGradient = Buffers.Random(Batch * 10, 7);
                parts.Add(new("gap1", "forward", () => Pooling.GlobalAverageForward(relu, gap, Batch * filters, plane, simd)));
                parts.Add(new("gap1", "backward", () => Pooling.GlobalAverageBackward(gapGradient, reluGradient, Batch * filters, plane)));
                parts.Add(new("fc1", "forward", () => Dense.Forward(gap, parameters.AsSpan(L.Fc1.WeightOffset, L.Fc1.WeightLength), parameters.AsSpan(L.Fc1.BiasOffset, L.Fc1.BiasLength), logits, Batch, filters, 10, simd)));
                parts.Add(new("fc1", "backward", () =>
                {
                    Dense.BackwardParameters(gap, logitsGradient, gradients.AsSpan(L.Fc1.WeightOffset, L.Fc1.WeightLength), gradients.AsSpan(L.Fc1.BiasOffset, L.Fc1.BiasLength), Batch, filters, 10, 0, 10, simd);
                    Dense.BackwardInput(logitsGradient, parameters.AsSpan(L.Fc1.WeightOffset, L.Fc1.WeightLength), gapGradient, Batch, filters, 10, simd);
                }));
            }
        }

        var times = parts.Select(p => (p.Layer, p.What, Seconds: Best(p.Run))).ToList();
        double total = times.Sum(t => t.Seconds);
        Console.WriteLine(FormattableString.Invariant($"Batch-norm CNN training step, batch {Batch} in {Chunks} chunks, one thread, {simd}: {total * 1e3:F2} ms of kernels"));
        Console.WriteLine("| layer | forward, us | backward, us | share of the step |");
        Console.WriteLine("|---|---|---|---|");
        foreach (string layer in times.Select(t => t.Layer).Distinct())
        {
            double forward = times.Where(t => t.Layer == layer && t.What == "forward").Sum(t => t.Seconds);
            double backward = times.Where(t => t.Layer == layer && t.What == "backward").Sum(t => t.Seconds);
            Console.WriteLine(FormattableString.Invariant($"| {layer} | {forward * 1e6:F0} | {backward * 1e6:F0} | {(forward + backward) / total:P1} |"));
        }
    }

    /// <summary>Runs <paramref name="run"/> on each of the batch's chunks in turn, as one thread of the engine would.</summary>
    private static void Chunked(Action<int, int> run)
    {
        for (int chunk = 0; chunk < Chunks; chunk++)
        {
            run(chunk * Chunk, Chunk);
        }
    }

    /// <summary>Per-channel mean and 1/std, as a real batch would leave them.</summary>
    private static float[] Statistics(float[] x, int channels, int plane)
    {
        var partial = new float[1 + (2 * channels)];
        BatchNormalization.Statistics(x, partial, Batch, channels, plane, SimdLevel.Scalar);
        var statistics = new float[2 * channels];
        for (int c = 0; c < channels; c++)
        {
            // partial holds the count, the means and the sums of squared deviations.
            statistics[c] = partial[1 + c];
            statistics[channels + c] = 1f / MathF.Sqrt((partial[1 + channels + c] / partial[0]) + 1e-5f);
        }

        return statistics;
    }

    /// <summary>The best of 200 timed runs after 5 to warm up: what the kernels cost when nothing else runs.</summary>
    private static double Best(Action run)
    {
        for (int i = 0; i < 5; i++)
        {
            run();
        }

        double best = double.MaxValue;
        for (int i = 0; i < 200; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return best;
    }
}
