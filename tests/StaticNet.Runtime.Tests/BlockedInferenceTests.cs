using System;
using StaticNet.Tests.LayerKernels;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Inference in blocked channels, through whole generated networks: Predict against training's forward (the same
/// function when there is no batch normalisation or dropout), each sample alone as in a batch, and after the weights
/// change, which the packed copies must follow.
/// </summary>
public class BlockedInferenceTests
{
    public static TheoryData<string> Networks() => new() { nameof(BlockedChannelsNet), nameof(BlockedToPlanesNet), nameof(BlockedEdgesNet) };

    private static INetwork Create(string name, int seed) => name switch
    {
        nameof(BlockedChannelsNet) => new BlockedChannelsNet(seed, batchCapacity: 8),
        nameof(BlockedEdgesNet) => new BlockedEdgesNet(seed, batchCapacity: 8),
        _ => new BlockedToPlanesNet(seed, batchCapacity: 8),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void PredictComputesWhatForwardComputesAloneAndInABatch(string name)
    {
        const int Samples = 7;
        INetwork network = Create(name, seed: 3);
        float[] inputs = KernelAssert.Random(Samples * network.InputLength, 4);
        var forward = new float[Samples * network.OutputLength];
        network.Forward(inputs, forward, Samples);

        var batched = new float[forward.Length];
        network.Predict(inputs, batched, Samples);
        KernelAssert.Close(forward, batched, name + " batched Predict");
        for (int n = 0; n < Samples; n++)
        {
            var alone = new float[network.OutputLength];
            network.Predict(inputs.AsSpan(n * network.InputLength, network.InputLength), alone);
            KernelAssert.Identical(batched.AsSpan(n * network.OutputLength, network.OutputLength), alone, $"{name} sample {n} alone");
        }
    }

    [Fact]
    public void ABatchLargerThanAWaveRunsInWavesWithTheSameBits()
    {
        // At this capacity the workspace spans more than one wave, so Predict runs the batch in waves, the last part-filled.
        var network = new BlockedSharedNet(seed: 3, batchCapacity: 512);
        int wave = network.InferenceWaveSize;
        Assert.InRange(wave, CompiledNetwork.BatchChunks, 511);
        int samples = (2 * wave) + 5;
        float[] inputs = KernelAssert.Random(samples * BlockedSharedNet.InputLength, 4);
        var waves = new float[samples * BlockedSharedNet.OutputLength];
        network.Predict(inputs, waves, samples);

        // Each sample as it comes out alone, and a network of the same weights whose capacity is one wave's or less.
        var small = new BlockedSharedNet(seed: 3, batchCapacity: 6);
        Assert.Equal(6, small.InferenceWaveSize);
        var batches = new float[waves.Length];
        small.Predict(inputs, batches, samples);
        KernelAssert.Identical(batches, waves, "waves against batches of 6");
        for (int n = 0; n < samples; n += 37)
        {
            var alone = new float[BlockedSharedNet.OutputLength];
            network.Predict(inputs.AsSpan(n * BlockedSharedNet.InputLength, BlockedSharedNet.InputLength), alone);
            KernelAssert.Identical(waves.AsSpan(n * BlockedSharedNet.OutputLength, BlockedSharedNet.OutputLength), alone, $"sample {n} alone");
        }
    }

    [Fact]
    public void AWaveIsWhatTheWorkspaceBudgetHoldsInWholeSetsOfChunks()
    {
        long floats = CompiledNetwork.InferenceWaveBytes / sizeof(float);
        Assert.Equal(256, CompiledNetwork.InferenceWave(256, workspaceLengthPerSample: 100));
        Assert.Equal(3, CompiledNetwork.InferenceWave(3, (int)floats));
        Assert.Equal(CompiledNetwork.BatchChunks, CompiledNetwork.InferenceWave(256, (int)floats));
        Assert.Equal(48, CompiledNetwork.InferenceWave(256, (int)(floats / 50)));
        Assert.Equal(50, CompiledNetwork.InferenceWave(50, (int)(floats / 50)));
        Assert.Equal(48, CompiledNetwork.InferenceWave(51, (int)(floats / 50)));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void PredictFollowsWeightsChangedBetweenCalls(string name)
    {
        INetwork network = Create(name, seed: 5);
        float[] input = KernelAssert.Random(network.InputLength, 6);
        var before = new float[network.OutputLength];
        network.Predict(input, before);

        // Every parameter changes, through the span training writes to, after the weights were packed.
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= -0.75f;
        }

        var expected = new float[network.OutputLength];
        network.Forward(input, expected, 1);
        var after = new float[network.OutputLength];
        network.Predict(input, after);
        KernelAssert.Close(expected, after, name + " after the weights changed");
        Assert.NotEqual(before, after);
    }
}
