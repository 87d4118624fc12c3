using System;
using System.Collections.Generic;
using System.IO;
using StaticNet.Parity.Networks;
using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Parity;

/// <summary>
/// LeNet-5 (the samples' declaration) and the MLP 784-256-128-10, trained for
/// <see cref="Steps"/> steps of Adam on the same real Fashion-MNIST batches, from the same initial
/// weights, in StaticNet and in PyTorch; one PyTorch run for both.
/// </summary>
public sealed class WholeNetworkParityFixture : ParityFixture
{
    /// <summary>Training steps, one batch each.</summary>
    public const int Steps = 20;

    /// <summary>Samples per batch, as the training sample uses.</summary>
    public const int BatchSize = 64;

    public WholeNetworkParityFixture()
        : base("networks", Cases)
    {
    }

    private static IEnumerable<ParityCase> Cases()
    {
        IReadOnlyList<Batch> batches = FashionMnistBatches();
        OptimizerCase adam = OptimizerCase.Adam(lr: 1e-3);

        // Every step is compared strictly from PyTorch's parameters; the free-running trajectories
        // drift apart by legitimate rounding, measured and bounded in Tolerance.FreeRunning.
        yield return new ParityCase("lenet5-adam-20-steps", () => new LeNet5(seed: 42), LossCase.CrossEntropy, adam, _ => batches, Steps)
            { StepByStep = true, FreeRunning = Tolerance.FreeRunning };
        yield return new ParityCase("mlp-adam-20-steps", () => new Mlp(seed: 42), LossCase.CrossEntropy, adam, _ => batches, Steps)
            { StepByStep = true, FreeRunning = Tolerance.FreeRunning };
    }

    /// <summary>The first <see cref="Steps"/> x <see cref="BatchSize"/> training images in file order, normalised with the training set's mean and standard deviation.</summary>
    private static IReadOnlyList<Batch> FashionMnistBatches()
    {
        string directory = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnistData.DefaultDirectory;
        Dataset train;
        try
        {
            (train, _) = FashionMnistData.Load(directory);
        }
        catch (FileNotFoundException exception)
        {
            // A missing dataset fails these tests (it does not skip them); the message says what to install.
            throw new InvalidOperationException("The whole-network parity tests need Fashion-MNIST. " + exception.Message, exception);
        }

        Normalization normalization = Normalization.Fit(train);
        Dataset data = train.Take(Steps * BatchSize);
        normalization.Apply(data);
        var batches = new Batch[Steps];
        for (int k = 0; k < Steps; k++)
        {
            float[] input = data.Features.AsSpan(k * BatchSize * data.SampleLength, BatchSize * data.SampleLength).ToArray();
            int[] labels = data.Labels!.AsSpan(k * BatchSize, BatchSize).ToArray();
            batches[k] = new Batch(BatchSize, input, labels, null);
        }

        return batches;
    }
}

/// <summary>Whole networks trained side by side: the loss of every step and every parameter at the end agree with PyTorch.</summary>
[Collection(ParityCollection.Name)]
public sealed class WholeNetworkParityTests : IClassFixture<WholeNetworkParityFixture>
{
    private readonly WholeNetworkParityFixture _fixture;
    private readonly ITestOutputHelper _output;

    public WholeNetworkParityTests(WholeNetworkParityFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Theory]
    [InlineData("lenet5-adam-20-steps")]
    [InlineData("mlp-adam-20-steps")]
    public void TrainsLikePyTorch(string name)
    {
        ParityAssert.Matched(_fixture.Run(name), _output);
    }
}
