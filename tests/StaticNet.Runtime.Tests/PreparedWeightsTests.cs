using System;
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
        float[] weights = { 0.25f, -1.5f, 0f, 3f };
        PreparedWeights.Layer layer = kept.For(offset: 7, weights, length: 10, SimdLevel.Vector256);
        Assert.False(layer.Ready);
        layer.Made(weights);
        Assert.True(kept.For(7, weights, 10, SimdLevel.Vector256).Ready);

        // One ulp, a zero's sign, another level, another length: each must be made again.
        float[] ulp = (float[])weights.Clone();
        ulp[1] = MathF.BitIncrement(ulp[1]);
        Assert.False(kept.For(7, ulp, 10, SimdLevel.Vector256).Ready);
        kept.For(7, weights, 10, SimdLevel.Vector256).Made(weights);
        float[] negativeZero = (float[])weights.Clone();
        negativeZero[2] = -0f;
        Assert.False(kept.For(7, negativeZero, 10, SimdLevel.Vector256).Ready);
        kept.For(7, weights, 10, SimdLevel.Vector256).Made(weights);
        Assert.False(kept.For(7, weights, 10, SimdLevel.Vector128).Ready);
        kept.For(7, weights, 10, SimdLevel.Vector256).Made(weights);
        Assert.False(kept.For(7, weights, 12, SimdLevel.Vector256).Ready);

        // Layers are apart: another offset starts unmade.
        Assert.False(kept.For(8, weights, 10, SimdLevel.Vector256).Ready);
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
