using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Samples;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The public surface of a generated network: sizes, names, initialisation, argument checks, and the agreement of its entry points.</summary>
public class NetworkApiTests
{
    [Fact]
    public void LeNet5HasPyTorchsStateDict()
    {
        // The shapes of torchvision-style LeNet-5's state_dict, written out by hand.
        var expected = new (string Name, int[] Shape)[]
        {
            ("conv1.weight", new[] { 6, 1, 5, 5 }), ("conv1.bias", new[] { 6 }),
            ("conv2.weight", new[] { 16, 6, 5, 5 }), ("conv2.bias", new[] { 16 }),
            ("fc1.weight", new[] { 120, 400 }), ("fc1.bias", new[] { 120 }),
            ("fc2.weight", new[] { 84, 120 }), ("fc2.bias", new[] { 84 }),
            ("fc3.weight", new[] { 10, 84 }), ("fc3.bias", new[] { 10 }),
        };
        var network = new LeNet5();
        Assert.Equal(expected.Select(e => e.Name), network.Tensors.Select(t => t.Name));
        Assert.Equal(expected.Select(e => e.Shape), network.Tensors.Select(t => t.Shape.ToArray()));
        Assert.Equal(61_706, LeNet5.ParameterCount);
        Assert.Equal(784, LeNet5.InputLength);
        Assert.Equal(10, LeNet5.OutputLength);
        Assert.Equal(new[] { 1, 28, 28 }, LeNet5.InputShape.ToArray());
        Assert.Equal(16, LeNet5.Layers.Conv2.Channels);
        Assert.Equal(5, LeNet5.Layers.Pool2.Height);
        Assert.Equal(400, LeNet5.Layers.Flatten1.OutputLength);

        // Tensors tile the parameter buffer in order, with no gap and no overlap.
        int offset = 0;
        foreach (TensorInfo tensor in network.Tensors)
        {
            Assert.Equal(offset, tensor.Offset);
            offset += tensor.Length;
        }

        Assert.Equal(LeNet5.ParameterCount, offset);
    }

    [Fact]
    public void InitializationMatchesPyTorchsDefaultDistribution()
    {
        // PyTorch: weights kaiming_uniform_(a=sqrt(5)) and biases, both uniform in +-1/sqrt(fan_in).
        var network = new LeNet5(seed: 5);
        foreach ((string name, int fanIn) in new[] { ("conv1.weight", 25), ("conv2.weight", 150), ("fc1.weight", 400), ("fc1.bias", 400), ("fc2.weight", 120) })
        {
            TensorInfo tensor = network.Tensors.Single(t => t.Name == name);
            var values = new float[tensor.Length];
            network.ReadTensor(name, values);
            double bound = 1 / Math.Sqrt(fanIn);
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            double mean = values.Average(v => (double)v), variance = values.Average(v => (v - mean) * (v - mean));

            // A uniform distribution on [-b, b] has mean 0 and variance b^2 / 3; allow four standard errors.
            double n = values.Length;
            Assert.InRange(mean, -4 * bound / Math.Sqrt(3 * n), 4 * bound / Math.Sqrt(3 * n));
            Assert.InRange(variance, bound * bound / 3 * (1 - (4 * Math.Sqrt(0.8 / n))), bound * bound / 3 * (1 + (4 * Math.Sqrt(0.8 / n))));
        }
    }

    [Fact]
    public void InitializationIsReproducibleFromTheSeed()
    {
        Assert.Equal(new LeNet5(seed: 9).Parameters.ToArray(), new LeNet5(seed: 9).Parameters.ToArray());
        Assert.NotEqual(new LeNet5(seed: 9).Parameters.ToArray(), new LeNet5(seed: 10).Parameters.ToArray());

        // Each tensor draws from its own stream: a network with another head gets the same first layer.
        float[] Fc1(INetwork network)
        {
            var values = new float[6 * 8];
            network.ReadTensor("fc1.weight", values);
            return values;
        }

        Assert.Equal(Fc1(new DenseReluNet(seed: 9)), Fc1(new DenseReluOtherHeadNet(seed: 9)));

        // Initialize resets to exactly what the constructor drew.
        var network = new SmallLeNet(seed: 9);
        float[] initial = network.Parameters.ToArray();
        network.Parameters.Fill(0.5f);
        network.Initialize(9);
        Assert.Equal(initial, network.Parameters.ToArray());
    }

    [Fact]
    public void PredictAgreesWithForwardOneSampleAtATimeAndInBatches()
    {
        var network = new SmallLeNet(seed: 2, batchCapacity: 4);
        const int Count = 10;
        float[] inputs = GradientCheck.Random(Count * SmallLeNet.InputLength, 3, -1f, 1f);

        var batched = new float[Count * SmallLeNet.OutputLength];
        network.Predict(inputs, batched, Count);

        var forward = new float[4 * SmallLeNet.OutputLength];
        network.Forward(inputs.AsSpan(0, 4 * SmallLeNet.InputLength), forward, 4);

        var single = new float[SmallLeNet.OutputLength];
        for (int i = 0; i < Count; i++)
        {
            network.Predict(inputs.AsSpan(i * SmallLeNet.InputLength, SmallLeNet.InputLength), single);
            Assert.Equal(batched.AsSpan(i * SmallLeNet.OutputLength, SmallLeNet.OutputLength).ToArray(), single);
            if (i < 4)
            {
                Assert.Equal(forward.AsSpan(i * SmallLeNet.OutputLength, SmallLeNet.OutputLength).ToArray(), single);
            }
        }
    }

    [Fact]
    public void EntryPointsNameWhatIsWrong()
    {
        var network = new DenseSmoothNet(batchCapacity: 2);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => network.Forward(new float[13], new float[8], 2)).ParamName);
        Assert.Contains("input holds 13 values, but 14 are needed", Assert.Throws<ArgumentException>(() => network.Forward(new float[13], new float[8], 2)).Message);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => network.Forward(new float[14], new float[7], 2)).ParamName);
        Assert.Contains("batch capacity, 2", Assert.Throws<ArgumentOutOfRangeException>(() => network.Forward(new float[21], new float[12], 3)).Message);
        Assert.Contains("none is pending", Assert.Throws<InvalidOperationException>(() => network.Backward(new float[4], Span<float>.Empty, 1)).Message);

        network.Forward(new float[14], new float[8], 2);
        Assert.Contains("the last Forward ran on 2 samples", Assert.Throws<ArgumentException>(() => network.Backward(new float[4], Span<float>.Empty, 1)).Message);
        Assert.Equal("inputGradient", Assert.Throws<ArgumentException>(() => network.Backward(new float[8], new float[3], 2)).ParamName);

        // A batched Predict reuses the training workspace, so a Backward may not follow it.
        network.Predict(new float[14], new float[8], 2);
        Assert.Throws<InvalidOperationException>(() => network.Backward(new float[8], Span<float>.Empty, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseSmoothNet(batchCapacity: 0));
    }

    [Fact]
    public void TensorsAreReadAndWrittenByName()
    {
        var network = new DenseSmoothNet();
        float[] bias = { 1, 2, 3 };
        network.WriteTensor("fc2.bias", bias);
        var read = new float[3];
        network.ReadTensor("fc2.bias", read);
        Assert.Equal(bias, read);
        Assert.Equal(bias, network.Parameters.Slice(DenseSmoothNet.Layers.Fc2.BiasOffset, 3).ToArray());

        var unknown = Assert.Throws<KeyNotFoundException>(() => network.ReadTensor("fc9.weight", read));
        Assert.Contains("no tensor named 'fc9.weight'", unknown.Message);
        Assert.Contains("fc1.weight, fc1.bias", unknown.Message);
        Assert.Contains("holds 3 values, but source holds 2", Assert.Throws<ArgumentException>(() => network.WriteTensor("fc2.bias", new float[2])).Message);
    }

    [Fact]
    public void SummaryListsEveryLayerWithItsShapeAndParameters()
    {
        string[] lines = LeNet5.Summary.Split('\n');
        Assert.StartsWith("LeNet5: 61,706 parameters", lines[0]);
        Assert.Contains(lines, line => line.StartsWith("conv2 ", StringComparison.Ordinal) && line.Contains("16x10x10") && line.Contains("2,416"));
        Assert.Contains(lines, line => line.StartsWith("fc1 ", StringComparison.Ordinal) && line.Contains("48,120"));
        Assert.Equal(LeNet5.Summary, ((INetwork)new LeNet5()).Summary);
    }

    [Fact]
    public void PredictTakesExactlyTheSamplesItRuns()
    {
        // DenseSmoothNet takes 7 inputs and gives 4 outputs.
        var network = new DenseSmoothNet(batchCapacity: 2);

        var input = Assert.Throws<ArgumentException>(() => network.Predict(new float[8], new float[4]));
        Assert.Equal("input", input.ParamName);
        Assert.StartsWith("input holds 8 values, but exactly 7 are expected", input.Message);
        var output = Assert.Throws<ArgumentException>(() => network.Predict(new float[7], new float[5]));
        Assert.Equal("output", output.ParamName);
        Assert.StartsWith("output holds 5 values, but exactly 4 are expected", output.Message);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => network.Predict(new float[7], new float[3])).ParamName);

        var inputs = Assert.Throws<ArgumentException>(() => network.Predict(new float[22], new float[12], 3));
        Assert.Equal("inputs", inputs.ParamName);
        Assert.StartsWith("inputs holds 22 values, but exactly 21 are expected", inputs.Message);
        Assert.StartsWith("outputs holds 16 values, but exactly 12 are expected", Assert.Throws<ArgumentException>(() => network.Predict(new float[21], new float[16], 3)).Message);

        network.Predict(new float[7], new float[4]);
        network.Predict(new float[21], new float[12], 3);
    }

    [Fact]
    public void NetworksSayWhatTheirLastLayerAppliesToTheOutputs()
    {
        Assert.Equal(OutputActivation.Softmax, ((INetwork)new SoftmaxNet()).OutputActivation);
        Assert.Equal(OutputActivation.LogSoftmax, ((INetwork)new LogSoftmaxNet()).OutputActivation);
        Assert.Equal(OutputActivation.Sigmoid, ((INetwork)new SigmoidOutputNet()).OutputActivation);
        Assert.Equal(OutputActivation.None, ((INetwork)new DenseSmoothNet()).OutputActivation);
    }
}
