using System;
using StaticNet.Kernels;
using StaticNet.Samples;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The execution choices that must not change results: the number of threads (bit for bit), and the
/// SIMD level (within float rounding of the scalar reference). The thread tests check that their
/// parallel runs really ran on more than one thread; they run alone, since a batch runs serially while
/// another test's batch holds the runner.
/// </summary>
[Collection(nameof(ParallelAndSimdTests))]
public class ParallelAndSimdTests
{
    /// <summary>
    /// Runs <paramref name="run"/> with the runner's caller waiting for a helper before each batch (on a busy
    /// machine a helper may otherwise wake after the caller has run every chunk), and checks that its
    /// batches ran on more than one thread.
    /// </summary>
    private static T OnSeveralThreads<T>(Func<T> run)
    {
        Assert.True(BatchRunner.MaxThreads > 1, $"This machine has {Environment.ProcessorCount} processor(s); comparing thread counts needs at least 2.");
        long before = BatchRunner.ParallelRuns;
        BatchRunner.WaitForHelpers = true;
        try
        {
            T result = run();
            Assert.True(BatchRunner.ParallelRuns > before, "No batch ran on more than one thread: the comparison would be of two serial runs.");
            return result;
        }
        finally
        {
            BatchRunner.WaitForHelpers = false;
        }
    }

    private static float[] TrainFewSteps(int threads, SimdLevel level)
    {
        var network = new LeNet5(seed: 3, batchCapacity: 64) { Threads = threads, Simd = level };
        var trainer = new Trainer<LeNet5>(network, new Adam(1e-3), Losses.SoftmaxCrossEntropy);
        for (int step = 0; step < 3; step++)
        {
            float[] input = GradientCheck.Random(61 * LeNet5.InputLength, 10 + step, 0f, 1f);
            var labels = new int[61];
            for (int i = 0; i < labels.Length; i++)
            {
                labels[i] = (i * 7 + step) % 10;
            }

            // 61 samples: chunks of 16, 15, 15 and 15, so uneven chunks are covered too.
            trainer.TrainStep(input, new BatchTargets(labels), 61);
        }

        return network.Parameters.ToArray();
    }

    [Theory]
    [InlineData(SimdLevel.Scalar)]
    [InlineData(SimdLevel.Vector512)]
    public void ResultsDoNotDependOnTheNumberOfThreads(SimdLevel level)
    {
        int maxThreads = new LeNet5().MaxThreads;
        Assert.Equal(TrainFewSteps(1, level), OnSeveralThreads(() => TrainFewSteps(maxThreads, level)));
    }

    [Theory]
    [InlineData(nameof(Networks.ProjectionResidualNet))]
    [InlineData(nameof(Networks.DropoutNet))]
    public void BatchCoupledAndRandomLayersDoNotDependOnTheNumberOfThreads(string name)
    {
        // Batch normalisation reduces every chunk's statistics between stages and dropout keys its mask by
        // each sample's place in the batch: neither may see how the batch was shared out. A batch of 7
        // splits into chunks of 2, 2, 2 and 1.
        float[] Train(int threads)
        {
            INetwork network = name == nameof(Networks.DropoutNet) ? new Networks.DropoutNet(seed: 2, batchCapacity: 8) : new Networks.ProjectionResidualNet(seed: 2, batchCapacity: 8);
            network.Threads = Math.Min(threads, network.MaxThreads);
            var trainer = new Trainer<INetwork>(network, new Adam(1e-2), Losses.SoftmaxCrossEntropy);
            for (int step = 0; step < 3; step++)
            {
                float[] input = GradientCheck.Random(7 * network.InputLength, 20 + step, -1f, 1f);
                trainer.TrainStep(input, new BatchTargets(new[] { 0, 1, 2, 0, 1, 2, 0 }), 7);
            }

            var state = new System.Collections.Generic.List<float>(network.Parameters.ToArray());
            foreach (TensorInfo tensor in network.Tensors)
            {
                var values = new float[tensor.Length];
                network.ReadTensor(tensor.Name, values);
                state.AddRange(values);
            }

            return state.ToArray();
        }

        Assert.Equal(Train(1), OnSeveralThreads(() => Train(4)));
    }

    /// <summary>Both convolutions are large enough to be shared out; a batch normalisation with running estimates away from the defaults is folded into the second.</summary>
    [Fact]
    public void OneSamplesPredictDoesNotDependOnTheNumberOfThreadsItsConvolutionsShare() =>
        OneSamplesPredictIsTheSameOnOneThreadOnTwoAndInABatch(capacity => new Networks.BlockedSharedNet(seed: 4, batchCapacity: capacity), "bn1", 32, seed: 31);

    /// <summary>A 300 x 260 dense layer is shared out by outputs, a batch normalisation with running estimates away from the defaults folded into it.</summary>
    [Fact]
    public void OneSamplesPredictDoesNotDependOnTheNumberOfThreadsItsDenseLayersShare() =>
        OneSamplesPredictIsTheSameOnOneThreadOnTwoAndInABatch(capacity => new Networks.WideDenseNet(seed: 5, batchCapacity: capacity), "bn1", 260, seed: 41);

    /// <summary>
    /// Three samples predicted one at a time on one thread, one at a time on two (a run on more than one thread
    /// asserted) and as one batch: the same bits. <paramref name="norm"/>'s running estimates, of <paramref name="channels"/>
    /// values, are set away from their defaults first.
    /// </summary>
    private static void OneSamplesPredictIsTheSameOnOneThreadOnTwoAndInABatch(Func<int, INetwork> create, string norm, int channels, int seed)
    {
        const int Samples = 3;
        INetwork Create(int threads)
        {
            INetwork network = create(Samples);
            network.Threads = Math.Min(threads, network.MaxThreads);
            network.WriteTensor(norm + ".running_mean", GradientCheck.Random(channels, seed + 1, -0.5f, 0.5f));
            network.WriteTensor(norm + ".running_var", GradientCheck.Random(channels, seed + 2, 0.5f, 2f));
            return network;
        }

        INetwork first = Create(1);
        int inputLength = first.InputLength, outputLength = first.OutputLength;
        float[] inputs = GradientCheck.Random(Samples * inputLength, seed, -1f, 1f);
        float[] Alone(INetwork network)
        {
            var outputs = new float[Samples * outputLength];
            for (int n = 0; n < Samples; n++)
            {
                network.Predict(inputs.AsSpan(n * inputLength, inputLength), outputs.AsSpan(n * outputLength, outputLength));
            }

            return outputs;
        }

        float[] oneThread = Alone(first);
        Assert.Equal(oneThread, OnSeveralThreads(() => Alone(Create(2))));
        var batched = new float[oneThread.Length];
        Create(1).Predict(inputs, batched, Samples);
        Assert.Equal(oneThread, batched);
    }

    [Theory]
    [InlineData(nameof(LeNet5))]
    [InlineData(nameof(Networks.ProjectionResidualNet))]
    [InlineData(nameof(Networks.BatchNormNotAffineNet))]
    public void EverySimdLevelComputesTheSameFunction(string name)
    {
        const int Batch = 5;
        INetwork Create(SimdLevel level) => name switch
        {
            nameof(LeNet5) => new LeNet5(seed: 4, batchCapacity: Batch) { Simd = level },
            nameof(Networks.ProjectionResidualNet) => new Networks.ProjectionResidualNet(seed: 4, batchCapacity: Batch) { Simd = level },
            _ => new Networks.BatchNormNotAffineNet(seed: 4, batchCapacity: Batch) { Simd = level },
        };

        INetwork shape = Create(SimdLevel.Scalar);
        float[] input = GradientCheck.Random(Batch * shape.InputLength, 1, -1f, 1f);
        float[] outputGradient = GradientCheck.Random(Batch * shape.OutputLength, 2, -1f, 1f);
        (float[] Output, float[] Gradients, float[] InputGradient) Run(SimdLevel level)
        {
            INetwork network = Create(level);
            var output = new float[Batch * network.OutputLength];
            var inputGradient = new float[input.Length];

            // Forward trains: batch normalisation normalises with the batch's statistics.
            network.Forward(input, output, Batch);
            network.ZeroGradients();
            network.Backward(outputGradient, inputGradient, Batch);
            return (output, network.Gradients.ToArray(), inputGradient);
        }

        var reference = Run(SimdLevel.Scalar);
        foreach (SimdLevel level in new[] { SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            var result = Run(level);
            AssertClose(reference.Output, result.Output, $"{name} at {level}: output");
            AssertClose(reference.Gradients, result.Gradients, $"{name} at {level}: parameter gradients");
            AssertClose(reference.InputGradient, result.InputGradient, $"{name} at {level}: input gradient");
        }
    }

    public static TheoryData<string> Optimizers() => new() { "sgd", "adam", "amsgrad", "adamw", "rmsprop", "adagrad", "nadam", "lion" };

    private static Optimizer CreateOptimizer(string name) => name switch
    {
        "sgd" => new Sgd(0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true),
        "adam" => new Adam(1e-2, weightDecay: 1e-3),
        "amsgrad" => new Adam(1e-2, amsgrad: true),
        "adamw" => new AdamW(1e-2),
        "rmsprop" => new RmsProp(1e-2, momentum: 0.5, centered: true),
        "adagrad" => new AdaGrad(0.1, learningRateDecay: 1e-2),
        "nadam" => new Nadam(1e-2, weightDecay: 1e-3),
        _ => new Lion(1e-3, weightDecay: 0.1),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerStepsDoNotDependOnTheNumberOfThreads(string name)
    {
        // Large enough to be split among threads, with a frozen gap and a range boundary moving between
        // steps, so runs are cut both by the ranges and by the slices.
        const int Length = 100_003;
        (float[] Parameters, OptimizerState State) Run(int threads)
        {
            float[] parameters = GradientCheck.Random(Length, 11, -1f, 1f);
            Optimizer optimizer = CreateOptimizer(name);
            optimizer.Threads = threads;
            for (int step = 0; step < 4; step++)
            {
                float[] gradients = GradientCheck.Random(Length, 20 + step, -1f, 1f);
                ParameterRange[] ranges = step < 2
                    ? new[] { new ParameterRange(0, 40_000), new ParameterRange(41_000, Length - 41_000) }
                    : new[] { new ParameterRange(0, 70_001), new ParameterRange(70_001, Length - 70_001) };
                optimizer.Step(parameters, gradients, ranges);
            }

            return (parameters, optimizer.ExportState());
        }

        (float[] parameters, OptimizerState state) = Run(1);
        foreach (int threads in new[] { 2, 3 })
        {
            (float[] parallelParameters, OptimizerState parallelState) = OnSeveralThreads(() => Run(threads));
            Assert.Equal(parameters, parallelParameters);
            Assert.Equal(state.Segments, parallelState.Segments);
            for (int b = 0; b < state.Buffers.Count; b++)
            {
                Assert.Equal(state.Buffers[b].Value, parallelState.Buffers[b].Value);
            }
        }
    }

    [Fact]
    public void ThreadsAreValidated()
    {
        var network = new DenseSmoothNet();
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Threads = network.MaxThreads + 1);
    }

    /// <summary>Float sums in another order differ by a few units in the last place of the largest terms; 1e-5 absolute plus 1e-4 relative allows that and nothing more.</summary>
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-4 * Math.Abs(expected[i])), $"{what}[{i}]: scalar {expected[i]}, vectorised {actual[i]}");
        }
    }
}

/// <summary>Tests that compare thread counts run with no other test at the same time.</summary>
[CollectionDefinition(nameof(ParallelAndSimdTests), DisableParallelization = true)]
public sealed class ParallelAndSimdTestsCollection
{
}
