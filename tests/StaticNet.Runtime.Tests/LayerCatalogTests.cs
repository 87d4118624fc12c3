using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNet.Kernels;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// What the layers of the catalog do beyond their gradients: batch normalisation's statistics and state,
/// dropout's mask, freezing, initializers, and the error function behind GELU.
/// </summary>
public class LayerCatalogTests
{
    [Fact]
    public void BatchNormNormalisesWithTheBatchsStatisticsAndUpdatesTheRunningOnes()
    {
        var network = new BatchNormOnlyNet(batchCapacity: 4);
        network.WriteTensor("bn1.weight", new[] { 2f, -0.5f });
        network.WriteTensor("bn1.bias", new[] { 0.25f, 1f });
        const int Batch = 3, Plane = 9;
        float[] input = GradientCheck.Random(Batch * 18, seed: 11, -2f, 3f);
        var output = new float[input.Length];
        network.Forward(input, output, Batch);

        float[] weight = { 2f, -0.5f }, bias = { 0.25f, 1f };
        var runningMean = new float[2];
        var runningVar = new float[2];
        network.ReadTensor("bn1.running_mean", runningMean);
        network.ReadTensor("bn1.running_var", runningVar);
        for (int c = 0; c < 2; c++)
        {
            double[] values = Enumerable.Range(0, Batch).SelectMany(b => Enumerable.Range(0, Plane).Select(i => (double)input[(((b * 2) + c) * Plane) + i])).ToArray();
            double mean = values.Average();
            double biased = values.Average(v => (v - mean) * (v - mean));
            double unbiased = biased * values.Length / (values.Length - 1);
            for (int b = 0; b < Batch; b++)
            {
                for (int i = 0; i < Plane; i++)
                {
                    int index = (((b * 2) + c) * Plane) + i;
                    double expected = ((input[index] - mean) / Math.Sqrt(biased + 1e-3) * weight[c]) + bias[c];
                    Assert.Equal(expected, output[index], 4);
                }
            }

            // PyTorch: running = (1 - momentum) running + momentum batch, from mean 0 and variance 1.
            Assert.Equal(0.2 * mean, runningMean[c], 5);
            Assert.Equal((0.8 * 1) + (0.2 * unbiased), runningVar[c], 5);
        }

        var tracked = new float[1];
        network.ReadTensor("bn1.num_batches_tracked", tracked);
        Assert.Equal(1f, tracked[0]);
        network.Forward(input, output, Batch);
        network.ReadTensor("bn1.num_batches_tracked", tracked);
        Assert.Equal(2f, tracked[0]);
    }

    [Fact]
    public void BatchNormInInferenceUsesTheRunningStatistics()
    {
        var network = new BatchNormOnlyNet();
        network.WriteTensor("bn1.running_mean", new[] { 0.5f, -1f });
        network.WriteTensor("bn1.running_var", new[] { 4f, 0.25f });
        network.WriteTensor("bn1.weight", new[] { 3f, 1f });
        network.WriteTensor("bn1.bias", new[] { 0f, 0.5f });
        float[] input = GradientCheck.Random(18, seed: 2, -1f, 1f);
        var output = new float[18];
        network.Predict(input, output);
        for (int i = 0; i < 18; i++)
        {
            double expected = i < 9 ? (input[i] - 0.5) / Math.Sqrt(4 + 1e-3) * 3 : ((input[i] + 1) / Math.Sqrt(0.25 + 1e-3)) + 0.5;
            Assert.Equal(expected, output[i], 5);
        }

        // Inference changes no state.
        var tracked = new float[1];
        network.ReadTensor("bn1.num_batches_tracked", tracked);
        Assert.Equal(0f, tracked[0]);
    }

    [Fact]
    public void BatchNormStateIsListedSavedAndLoadedButNotAParameter()
    {
        var network = new BatchNorm2DNet(seed: 3, batchCapacity: 2);
        TensorInfo[] state = network.Tensors.Where(t => t.Kind == TensorKind.State).ToArray();
        Assert.Equal(new[] { "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked" }, state.Select(t => t.Name));
        Assert.Empty(state[2].Shape);
        Assert.Equal(BatchNorm2DNet.StateCount, state.Sum(t => t.Length));
        Assert.Equal(BatchNorm2DNet.ParameterCount, network.Tensors.Where(t => t.Kind == TensorKind.Parameter).Sum(t => t.Length));
        Assert.Equal(new[] { "conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean" }, network.Tensors.Take(5).Select(t => t.Name));

        // A training step moves the running estimates; save, load into a fresh network, and they come back.
        float[] input = GradientCheck.Random(2 * BatchNorm2DNet.InputLength, seed: 4, -1f, 1f);
        network.Forward(input, new float[2 * BatchNorm2DNet.OutputLength], 2);
        float[] trained = network.State.ToArray();
        Assert.NotEqual(new BatchNorm2DNet().State.ToArray(), trained);
        using var directory = new TempDirectory();
        network.Save(directory.File("bn.safetensors"));
        var copy = new BatchNorm2DNet(seed: 9);
        copy.Load(directory.File("bn.safetensors"));
        Assert.Equal(trained, copy.State.ToArray());
        Assert.Equal(network.Parameters.ToArray(), copy.Parameters.ToArray());

        var outputs = new float[BatchNorm2DNet.OutputLength];
        var copied = new float[BatchNorm2DNet.OutputLength];
        network.Predict(input.AsSpan(0, BatchNorm2DNet.InputLength), outputs);
        copy.Predict(input.AsSpan(0, BatchNorm2DNet.InputLength), copied);
        Assert.Equal(outputs, copied);
    }

    [Fact]
    public void AnOptimizerStepNeverTouchesTheState()
    {
        var network = new BatchNorm1DNet(seed: 1, batchCapacity: 4);
        var trainer = new Trainer<BatchNorm1DNet>(network, new Sgd(10.0, momentum: 0.9, weightDecay: 0.5), Losses.SoftmaxCrossEntropy);
        float[] input = GradientCheck.Random(4 * BatchNorm1DNet.InputLength, seed: 4, -1f, 1f);
        var reference = new BatchNorm1DNet(seed: 1, batchCapacity: 4);
        reference.Forward(input, new float[4 * BatchNorm1DNet.OutputLength], 4);

        trainer.TrainStep(input, new BatchTargets(new[] { 0, 1, 2, 0 }), 4);

        // The step's Forward updated the running estimates exactly as a plain Forward does; the optimizer, nothing.
        Assert.Equal(reference.State.ToArray(), network.State.ToArray());
        Assert.NotEqual(reference.Parameters.ToArray(), network.Parameters.ToArray());
    }

    [Fact]
    public void BatchNorm1DRefusesTrainingOnOneSampleButPredictsOne()
    {
        var network = new BatchNorm1DNet(batchCapacity: 2);
        var exception = Assert.Throws<ArgumentException>(() => network.Forward(new float[6], new float[3], 1));
        Assert.Contains("Batch normalisation 'bn1' needs more than one value per channel in training, but this batch gives 1", exception.Message);
        network.Predict(new float[6], new float[3]);
        network.Forward(new float[12], new float[6], 2);
    }

    [Fact]
    public void DropoutDropsItsRateAndScalesTheRestInTrainingOnly()
    {
        var network = new DropoutOnlyNet(seed: 5, batchCapacity: 4);
        float[] input = GradientCheck.Random(4000, seed: 1, 0.5f, 1.5f);
        var output = new float[4000];
        network.Forward(input, output, 4);

        int dropped = output.Count(v => v == 0f);
        // Binomial(4000, 0.3): mean 1200, standard deviation 29; allow four.
        Assert.InRange(dropped, 1200 - 116, 1200 + 116);
        for (int i = 0; i < output.Length; i++)
        {
            Assert.True(output[i] == 0f || output[i] == input[i] * (1f / 0.7f), $"value {i}: {output[i]} from {input[i]}");
        }

        var predicted = new float[4000];
        network.Predict(input, predicted, 4);
        Assert.Equal(input, predicted);

        // Backward sends the gradient through the same mask.
        var inputGradient = new float[4000];
        float[] ones = Enumerable.Repeat(1f, 4000).ToArray();
        network.Forward(input, output, 4);
        network.Backward(ones, inputGradient, 4);
        for (int i = 0; i < output.Length; i++)
        {
            Assert.Equal(output[i] == 0f ? 0f : 1f / 0.7f, inputGradient[i]);
        }
    }

    [Fact]
    public void DropoutMasksDependOnSeedStepAndPositionOnly()
    {
        float[] input = GradientCheck.Random(2000, seed: 1, 0.5f, 1.5f);
        float[] Run(int seed, long step, int batchSize, float[]? data = null)
        {
            var network = new DropoutOnlyNet(seed, batchCapacity: 2) { Step = step };
            var output = new float[batchSize * 1000];
            network.Forward((data ?? input).AsSpan(0, batchSize * 1000), output, batchSize);
            Assert.Equal(step + 1, network.Step);
            return output;
        }

        float[] both = Run(5, 7, 2);
        Assert.Equal(both, Run(5, 7, 2));
        Assert.NotEqual(both, Run(5, 8, 2));
        Assert.NotEqual(both, Run(6, 7, 2));

        // The first sample's mask is the same in a batch of one as in a batch of two: it depends on the
        // sample's index, not on the batch it came in.
        Assert.Equal(both.AsSpan(0, 1000).ToArray(), Run(5, 7, 1));

        // The same values at another index get another mask.
        float[] twice = input.AsSpan(0, 1000).ToArray().Concat(input.AsSpan(0, 1000).ToArray()).ToArray();
        float[] repeated = Run(5, 7, 2, twice);
        Assert.NotEqual(repeated.AsSpan(0, 1000).ToArray(), repeated.AsSpan(1000, 1000).ToArray());
    }

    [Fact]
    public void DropoutMaskBitsAreUniform()
    {
        // 24 bits per value: the share below a threshold t is t / 2^24.
        ulong key = DropoutMask.Key(3, 12, DropoutMask.LayerConstant("dropout1"));
        const int Count = 100_000;
        int below = 0;
        for (int i = 0; i < Count; i++)
        {
            below += DropoutMask.Bits(key, i) < (1u << 22) ? 1 : 0;
        }

        // Binomial(100000, 0.25): standard deviation 137; allow four.
        Assert.InRange(below, 25_000 - 548, 25_000 + 548);
        Assert.Equal(DropoutMask.Bits(key, 12345), DropoutMask.Bits(key, 12345));
    }

    [Fact]
    public void InitializeRestartsTheDropoutSteps()
    {
        var network = new DropoutNet(seed: 1, batchCapacity: 1);
        network.Forward(new float[8], new float[3], 1);
        network.Forward(new float[8], new float[3], 1);
        Assert.Equal(2, network.Step);
        network.Initialize(1);
        Assert.Equal(0, network.Step);
    }

    [Fact]
    public void FreezingByNameRemovesALayerFromTrainingUntilUnfrozen()
    {
        var network = new DenseSmoothNet(seed: 1, batchCapacity: 2);
        Assert.Equal(new[] { RangeOf(0, DenseSmoothNet.ParameterCount) }, network.TrainableRanges);

        network.Freeze("fc2");
        Assert.True(network.IsFrozen("fc2"));
        Assert.False(network.IsFrozen("fc1"));
        int fc2 = DenseSmoothNet.Layers.Fc2.WeightOffset, fc3 = DenseSmoothNet.Layers.Fc3.WeightOffset;
        Assert.Equal(new[] { RangeOf(0, fc2), RangeOf(fc3, DenseSmoothNet.ParameterCount) }, network.TrainableRanges);

        float[] input = GradientCheck.Random(14, seed: 3, -1f, 1f);
        var output = new float[8];
        network.Forward(input, output, 2);
        network.ZeroGradients();
        network.Backward(GradientCheck.Random(8, seed: 4, -1f, 1f), Span<float>.Empty, 2);
        Assert.All(network.Gradients.Slice(fc2, fc3 - fc2).ToArray(), g => Assert.Equal(0f, g));
        Assert.Contains(network.Gradients.Slice(0, fc2).ToArray(), g => g != 0f);

        network.Unfreeze("fc2");
        Assert.Equal(new[] { RangeOf(0, DenseSmoothNet.ParameterCount) }, network.TrainableRanges);
        network.Forward(input, output, 2);
        network.Backward(GradientCheck.Random(8, seed: 4, -1f, 1f), Span<float>.Empty, 2);
        Assert.Contains(network.Gradients.Slice(fc2, fc3 - fc2).ToArray(), g => g != 0f);
    }

    [Fact]
    public void FreezingNamesWhatIsWrong()
    {
        var network = new FrozenBackboneNet();
        Assert.True(network.IsFrozen("backbone"));
        Assert.True(network.IsFrozen("bn1"));
        network.Freeze("backbone");
        Assert.Contains("frozen in its declaration", Assert.Throws<InvalidOperationException>(() => network.Unfreeze("backbone")).Message);
        Assert.Equal(new[] { RangeOf(FrozenBackboneNet.Layers.Head.WeightOffset, FrozenBackboneNet.ParameterCount) }, network.TrainableRanges);

        var unknown = Assert.Throws<KeyNotFoundException>(() => network.Freeze("tanh1"));
        Assert.Contains("has no layer with parameters named 'tanh1'; its layers with parameters are: backbone, bn1, head", unknown.Message);
        Assert.StartsWith("FrozenBackboneNet: 81 parameters (0.3 KiB as float32), 24 of them frozen; 5 state values\n", FrozenBackboneNet.Summary);
    }

    [Fact]
    public void InitializersFollowPyTorchsFormulas()
    {
        var network = new InitializerNet(seed: 7);
        float[] Read(string name)
        {
            var values = new float[network.Tensors.Single(t => t.Name == name).Length];
            network.ReadTensor(name, values);
            return values;
        }

        // Uniform in +-bound: variance bound^2 / 3. Normal: the standard deviation given.
        AssertUniform(Read("fc1.weight"), Math.Sqrt(2) * Math.Sqrt(3.0 / 64));
        AssertNormal(Read("fc2.weight"), Math.Sqrt(2) / Math.Sqrt(128)); // fan_out: the 128 units
        AssertNormal(Read("fc3.weight"), Math.Sqrt(2 / (1 + (0.2 * 0.2))) / Math.Sqrt(128));
        AssertUniform(Read("fc4.weight"), Math.Sqrt(6.0 / (96 + 80)));
        AssertNormal(Read("fc5.weight"), 5.0 / 3 * Math.Sqrt(2.0 / (80 + 72)));
        AssertNormal(Read("fc6.weight"), Math.Sqrt(1.0 / 72));
        Assert.All(Read("fc1.bias"), v => Assert.Equal(0f, v));
        Assert.All(Read("fc2.bias"), v => Assert.Equal(1f, v));
        Assert.All(Read("fc3.bias"), v => Assert.Equal(0.5f, v));
        Assert.All(Read("fc7.weight"), v => Assert.Equal(-0.25f, v));
        Assert.All(Read("fc8.weight"), v => Assert.Equal(1f, v));
        Assert.All(Read("bn1.weight"), v => Assert.Equal(0.5f, v));
        Assert.All(Read("bn1.bias"), v => Assert.Equal(1f, v));
        Assert.All(Read("bn1.running_var"), v => Assert.Equal(1f, v));
        Assert.Equal(new InitializerNet(seed: 7).Parameters.ToArray(), network.Parameters.ToArray());
        Assert.NotEqual(new InitializerNet(seed: 8).Parameters.ToArray(), network.Parameters.ToArray());
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.52049987781304654)]
    [InlineData(1.0, 0.84270079294971487)]
    [InlineData(2.0, 0.99532226501895273)]
    [InlineData(2.9, 0.99995890212190054)]
    [InlineData(3.0, 0.99997790950300141)]
    [InlineData(3.5, 0.99999925690162766)]
    [InlineData(5.0, 0.99999999999846254)]
    [InlineData(-1.2, -0.91031397822963540)]
    public void ErfIsAccurateFarBeyondFloatPrecision(double x, double expected)
    {
        // The series loses up to four digits to cancellation just below 3: 1e-12 is what is left, and 1e5 times what a float needs.
        Assert.Equal(expected, Activations.Erf(x), 12);
    }

    [Fact]
    public void SoftplusIsLinearAboveItsThresholdAndAccurateFarBelowZero()
    {
        Assert.Equal(30f, Activations.Softplus(30f, 1f, 20f));
        Assert.Equal(1f, Activations.SoftplusDerivative(30f, 1f, 20f));
        Assert.Equal(1.0, Activations.Softplus(-40f, 1f, 20f) / Math.Exp(-40), 6);
    }

    private static void AssertUniform(float[] values, double bound)
    {
        Assert.All(values, v => Assert.InRange(v, -bound, bound));
        AssertMoments(values, 0, bound / Math.Sqrt(3), kurtosisOfNormal: false);
    }

    private static void AssertNormal(float[] values, double std) => AssertMoments(values, 0, std, kurtosisOfNormal: true);

    /// <summary>Mean and standard deviation within four standard errors; for normal values, a kurtosis near 3 (a uniform's is 1.8).</summary>
    private static void AssertMoments(float[] values, double mean, double std, bool kurtosisOfNormal)
    {
        double n = values.Length;
        double actualMean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - actualMean) * (v - actualMean));
        Assert.InRange(actualMean, mean - (4 * std / Math.Sqrt(n)), mean + (4 * std / Math.Sqrt(n)));
        Assert.InRange(Math.Sqrt(variance), std * (1 - (4 / Math.Sqrt(2 * n))), std * (1 + (4 / Math.Sqrt(2 * n))));
        double kurtosis = values.Average(v => Math.Pow(v - actualMean, 4)) / (variance * variance);
        Assert.InRange(kurtosis, kurtosisOfNormal ? 2.6 : 1.6, kurtosisOfNormal ? 3.4 : 2.0);
    }

    /// <summary>The parameters from <paramref name="start"/> up to, not including, <paramref name="end"/>.</summary>
    private static ParameterRange RangeOf(int start, int end) => new(start, end - start);
}
