using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tests.LayerKernels;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// One sample's Predict keeps its blocked convolutions' packed and transformed weights from call to call: they must be
/// made again whenever the weights differ in any bit, and a network that reuses them must predict what one that makes
/// them afresh predicts.
/// </summary>
public class PreparedWeightsTests
{
    [Fact]
    public void KeptWeightsAreReusedOnlyForTheSameBitsAtTheSameLevel()
    {
        var kept = new PreparedWeights();
        var parameters = new AlignedFloats(20);
        float[] weights = { 0.25f, -1.5f, 0f, 3f };
        weights.CopyTo(parameters.AsSpan(7));
        PreparedWeights.Layer For(int offset, int length, SimdLevel simd)
        {
            kept.Compare(parameters, threads: 1);
            return kept.For(offset, parameters.AsSpan(offset, weights.Length), length, simd);
        }

        void Write(float[] values) => values.CopyTo(parameters.AsSpan(7));

        PreparedWeights.Layer layer = For(7, 10, SimdLevel.Vector256);
        Assert.False(layer.Ready);
        layer.Made(weights);
        Assert.True(For(7, 10, SimdLevel.Vector256).Ready);

        // One ulp, a zero's sign, another level, another length: each must be made again.
        float[] ulp = (float[])weights.Clone();
        ulp[1] = MathF.BitIncrement(ulp[1]);
        Write(ulp);
        Assert.False(For(7, 10, SimdLevel.Vector256).Ready);
        Write(weights);
        For(7, 10, SimdLevel.Vector256).Made(weights);
        float[] negativeZero = (float[])weights.Clone();
        negativeZero[2] = -0f;
        Write(negativeZero);
        Assert.False(For(7, 10, SimdLevel.Vector256).Ready);
        Write(weights);
        For(7, 10, SimdLevel.Vector256).Made(weights);
        Assert.False(For(7, 10, SimdLevel.Vector128).Ready);
        For(7, 10, SimdLevel.Vector256).Made(weights);
        Assert.False(For(7, 12, SimdLevel.Vector256).Ready);

        // A pass that did not compare first makes them again.
        For(7, 10, SimdLevel.Vector256).Made(weights);
        Assert.True(For(7, 10, SimdLevel.Vector256).Ready);
        Assert.False(kept.For(7, parameters.AsSpan(7, weights.Length), 10, SimdLevel.Vector256).Ready);

        // Layers are apart: another offset starts unmade.
        Assert.False(For(8, 10, SimdLevel.Vector256).Ready);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AComparisonSharedAmongThreadsFindsAChangedBitInEveryLayerAndPart(int threads)
    {
        // Three layers of uneven lengths, 43,000 floats: compared in parts that cut across layers on several threads.
        (int Offset, int Length)[] layers = { (5, 12_000), (12_010, 7_000), (19_010, 24_000) };
        var parameters = new AlignedFloats(43_100);
        KernelAssert.Random(43_100, 9).CopyTo(parameters.Span);
        var kept = new PreparedWeights();
        bool[] Ready()
        {
            kept.Compare(parameters, threads);
            var ready = new bool[layers.Length];
            for (int i = 0; i < layers.Length; i++)
            {
                ready[i] = kept.For(layers[i].Offset, parameters.AsSpan(layers[i].Offset, layers[i].Length), 1, SimdLevel.Vector256).Ready;
            }

            return ready;
        }

        Ready();
        foreach ((int offset, int length) in layers)
        {
            kept.For(offset, parameters.AsSpan(offset, length), 1, SimdLevel.Vector256).Made(parameters.AsSpan(offset, length));
        }

        Assert.Equal(new[] { true, true, true }, Ready());

        // Each layer's ends and middle, and the floats on both sides of every quarter and sixth of the whole.
        int total = layers.Sum(layer => layer.Length);
        var places = new List<int>();
        foreach ((int offset, int length) in layers)
        {
            places.AddRange(new[] { offset, offset + (length / 2), offset + length - 1 });
        }

        foreach (int parts in new[] { 4, 6 })
        {
            for (int part = 1; part < parts; part++)
            {
                int at = (int)((long)part * total / parts);
                places.AddRange(new[] { At(layers, at - 1), At(layers, at) });
            }
        }

        foreach (int place in places)
        {
            int layer = Array.FindIndex(layers, l => place >= l.Offset && place < l.Offset + l.Length);
            float was = parameters[place];
            parameters[place] = MathF.BitDecrement(was);
            bool[] ready = Ready();
            for (int i = 0; i < layers.Length; i++)
            {
                Assert.True(ready[i] == (i != layer), $"A bit changed at {place} (layer {layer}) on {threads} thread(s): layer {i} found {(ready[i] ? "ready" : "changed")}.");
            }

            kept.For(layers[layer].Offset, parameters.AsSpan(layers[layer].Offset, layers[layer].Length), 1, SimdLevel.Vector256).Made(parameters.AsSpan(layers[layer].Offset, layers[layer].Length));
            parameters[place] = was;
            Ready();
            kept.For(layers[layer].Offset, parameters.AsSpan(layers[layer].Offset, layers[layer].Length), 1, SimdLevel.Vector256).Made(parameters.AsSpan(layers[layer].Offset, layers[layer].Length));
        }
    }

    /// <summary>The place in the parameters of the <paramref name="index"/>th float of the layers laid end to end.</summary>
    private static int At((int Offset, int Length)[] layers, int index)
    {
        foreach ((int offset, int length) in layers)
        {
            if (index < length)
            {
                return offset + index;
            }

            index -= length;
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PredictAfterTheWeightsChangeIsWhatAFreshNetworkPredicts(int threads)
    {
        // conv1 runs the direct tiles, conv2 Winograd's; on two threads both share their tiles, Winograd its transform.
        float[] input = KernelAssert.Random(BlockedSharedNet.InputLength, 6);
        var network = new BlockedSharedNet(seed: 3, batchCapacity: 1);
        network.Threads = Math.Min(threads, network.MaxThreads);
        var before = new float[BlockedSharedNet.OutputLength];
        network.Predict(input, before);
        var again = new float[BlockedSharedNet.OutputLength];
        network.Predict(input, again);
        KernelAssert.Identical(before, again, "the same weights twice");

        foreach ((string tensor, int length) in new[] { ("conv1.weight", BlockedSharedNet.Layers.Conv1.WeightLength), ("conv2.weight", BlockedSharedNet.Layers.Conv2.WeightLength) })
        {
            // Every weight of the layer scaled, after the copies were made.
            var values = new float[length];
            network.ReadTensor(tensor, values);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] *= -0.75f;
            }

            network.WriteTensor(tensor, values);
            var changed = new float[BlockedSharedNet.OutputLength];
            network.Predict(input, changed);

            var fresh = new BlockedSharedNet(seed: 3, batchCapacity: 1);
            fresh.Threads = network.Threads;
            network.Parameters.CopyTo(fresh.Parameters);
            var expected = new float[BlockedSharedNet.OutputLength];
            fresh.Predict(input, expected);
            KernelAssert.Identical(expected, changed, $"{tensor} changed, {threads} thread(s)");
            Assert.NotEqual(before, changed);
            before = changed;
        }

        // Another level makes them again, at that level.
        network.Simd = SimdLevel.Vector128;
        var narrow = new float[BlockedSharedNet.OutputLength];
        network.Predict(input, narrow);
        var freshNarrow = new BlockedSharedNet(seed: 3, batchCapacity: 1) { Simd = SimdLevel.Vector128 };
        freshNarrow.Threads = network.Threads;
        network.Parameters.CopyTo(freshNarrow.Parameters);
        var expectedNarrow = new float[BlockedSharedNet.OutputLength];
        freshNarrow.Predict(input, expectedNarrow);
        KernelAssert.Identical(expectedNarrow, narrow, $"at Vector128, {threads} thread(s)");
    }
}
