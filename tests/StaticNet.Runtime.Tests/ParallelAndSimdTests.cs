using System;
using StaticNet.Samples;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The execution choices that must not change results: the number of threads (bit for bit), and the
/// SIMD level (within float rounding of the scalar reference).
/// </summary>
public class ParallelAndSimdTests
{
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
        Assert.Equal(TrainFewSteps(1, level), TrainFewSteps(maxThreads, level));
    }

    [Fact]
    public void EverySimdLevelComputesTheSameFunction()
    {
        const int Batch = 5;
        float[] input = GradientCheck.Random(Batch * LeNet5.InputLength, 1, -1f, 1f);
        float[] outputGradient = GradientCheck.Random(Batch * LeNet5.OutputLength, 2, -1f, 1f);
        (float[] Output, float[] Gradients, float[] InputGradient) Run(SimdLevel level)
        {
            var network = new LeNet5(seed: 4, batchCapacity: Batch) { Simd = level };
            var output = new float[Batch * LeNet5.OutputLength];
            var inputGradient = new float[input.Length];
            network.Forward(input, output, Batch);
            network.ZeroGradients();
            network.Backward(outputGradient, inputGradient, Batch);
            return (output, network.Gradients.ToArray(), inputGradient);
        }

        var reference = Run(SimdLevel.Scalar);
        foreach (SimdLevel level in new[] { SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            var result = Run(level);
            AssertClose(reference.Output, result.Output, $"{level} output");
            AssertClose(reference.Gradients, result.Gradients, $"{level} parameter gradients");
            AssertClose(reference.InputGradient, result.InputGradient, $"{level} input gradient");
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
