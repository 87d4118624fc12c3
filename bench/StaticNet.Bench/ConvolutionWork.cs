using System;
using System.Collections.Generic;
using StaticNet.Kernels;
using StaticNet.Samples;

namespace StaticNet.Bench;

/// <summary>
/// One convolution as a network declares it: the shape of its input, its kernel, stride and padding, and
/// where its weight and bias lie in the network's parameters (a bias length of 0: none). The first layer's
/// input gradient is never needed in training, so it is not counted.
/// </summary>
internal sealed record ConvolutionLayer(
    string Name,
    (int Channels, int Height, int Width) Input,
    int Filters,
    int OutputLength,
    int Kernel,
    int Stride,
    int Padding,
    (int Offset, int Length) Weight,
    (int Offset, int Length) Bias,
    bool InputGradient)
{
    public int OutHeight => ((Input.Height + (2 * Padding) - Kernel) / Stride) + 1;

    public int OutWidth => ((Input.Width + (2 * Padding) - Kernel) / Stride) + 1;

    public int InputLength => Input.Channels * Input.Height * Input.Width;

    /// <summary>Multiply-adds count two FLOPs, bias adds and bias gradients one per output value.</summary>
    public double FlopsPerSample
    {
        get
        {
            double multiplyAdds = 2.0 * Input.Channels * Kernel * Kernel * OutputLength;
            double bias = Bias.Length > 0 ? OutputLength : 0;
            return (multiplyAdds + bias) + (multiplyAdds + bias) + (InputGradient ? multiplyAdds : 0);
        }
    }

    public int ScratchLength(int samples) => Convolution.ScratchLength(Input.Channels, Input.Height, Input.Width, Filters, Kernel, Stride, Padding, 1, samples);

    /// <summary>Fails when the declaration written here and the network's generated constants disagree.</summary>
    public void Check()
    {
        if (Weight.Length != Filters * Input.Channels * Kernel * Kernel || OutputLength != Filters * OutHeight * OutWidth || (Bias.Length != 0 && Bias.Length != Filters))
        {
            throw new InvalidOperationException(
                $"{Name}: a {Kernel}x{Kernel} convolution, stride {Stride}, padding {Padding}, of {Input.Channels}x{Input.Height}x{Input.Width} into {Filters} filters " +
                $"has {Filters * Input.Channels * Kernel * Kernel} weights and {Filters * OutHeight * OutWidth} outputs, but the network's constants say {Weight.Length} and {OutputLength} (bias {Bias.Length}).");
        }
    }
}

/// <summary>
/// A network's convolution work in one training step, timed alone on one thread by calling the runtime's
/// convolution kernels with the network's layer shapes: every layer's forward and weight gradient, and
/// the input gradient of every layer but the first.
/// </summary>
internal static class ConvolutionWork
{
    /// <summary>The network's input, as <c>[Input(1, 28, 28)]</c> declares it for every convolutional bench network.</summary>
    private static readonly (int, int, int) Image = (1, 28, 28);

    public static IReadOnlyList<ConvolutionLayer> LeNet5Layers { get; } = new ConvolutionLayer[]
    {
        new("conv1", Image, LeNet5.Layers.Conv1.Channels, LeNet5.Layers.Conv1.OutputLength, 5, 1, 2,
            (LeNet5.Layers.Conv1.WeightOffset, LeNet5.Layers.Conv1.WeightLength), (LeNet5.Layers.Conv1.BiasOffset, LeNet5.Layers.Conv1.BiasLength), InputGradient: false),
        new("conv2", (LeNet5.Layers.Pool1.Channels, LeNet5.Layers.Pool1.Height, LeNet5.Layers.Pool1.Width), LeNet5.Layers.Conv2.Channels, LeNet5.Layers.Conv2.OutputLength, 5, 1, 0,
            (LeNet5.Layers.Conv2.WeightOffset, LeNet5.Layers.Conv2.WeightLength), (LeNet5.Layers.Conv2.BiasOffset, LeNet5.Layers.Conv2.BiasLength), InputGradient: true),
    };

    public static IReadOnlyList<ConvolutionLayer> BatchNormCnnLayers { get; } = new ConvolutionLayer[]
    {
        new("conv1", Image, BatchNormCnn.Layers.Conv1.Channels, BatchNormCnn.Layers.Conv1.OutputLength, 3, 1, 1,
            (BatchNormCnn.Layers.Conv1.WeightOffset, BatchNormCnn.Layers.Conv1.WeightLength), (0, 0), InputGradient: false),
        new("conv2", (BatchNormCnn.Layers.Pool1.Channels, BatchNormCnn.Layers.Pool1.Height, BatchNormCnn.Layers.Pool1.Width), BatchNormCnn.Layers.Conv2.Channels, BatchNormCnn.Layers.Conv2.OutputLength, 3, 1, 1,
            (BatchNormCnn.Layers.Conv2.WeightOffset, BatchNormCnn.Layers.Conv2.WeightLength), (0, 0), InputGradient: true),
        new("conv3", (BatchNormCnn.Layers.Pool2.Channels, BatchNormCnn.Layers.Pool2.Height, BatchNormCnn.Layers.Pool2.Width), BatchNormCnn.Layers.Conv3.Channels, BatchNormCnn.Layers.Conv3.OutputLength, 3, 1, 1,
            (BatchNormCnn.Layers.Conv3.WeightOffset, BatchNormCnn.Layers.Conv3.WeightLength), (0, 0), InputGradient: true),
    };

    /// <summary>The residual network's six convolutions; conv4 and the 1x1 shortcut conv6 have stride 2.</summary>
    public static IReadOnlyList<ConvolutionLayer> FashionResNetLayers { get; } = new ConvolutionLayer[]
    {
        new("conv1", Image, FashionResNet.Layers.Conv1.Channels, FashionResNet.Layers.Conv1.OutputLength, 3, 1, 1,
            (FashionResNet.Layers.Conv1.WeightOffset, FashionResNet.Layers.Conv1.WeightLength), (0, 0), InputGradient: false),
        new("conv2", (FashionResNet.Layers.Stem.Channels, FashionResNet.Layers.Stem.Height, FashionResNet.Layers.Stem.Width), FashionResNet.Layers.Conv2.Channels, FashionResNet.Layers.Conv2.OutputLength, 3, 1, 1,
            (FashionResNet.Layers.Conv2.WeightOffset, FashionResNet.Layers.Conv2.WeightLength), (0, 0), InputGradient: true),
        new("conv3", (FashionResNet.Layers.Relu2.Channels, FashionResNet.Layers.Relu2.Height, FashionResNet.Layers.Relu2.Width), FashionResNet.Layers.Conv3.Channels, FashionResNet.Layers.Conv3.OutputLength, 3, 1, 1,
            (FashionResNet.Layers.Conv3.WeightOffset, FashionResNet.Layers.Conv3.WeightLength), (0, 0), InputGradient: true),
        new("conv4", (FashionResNet.Layers.Block1.Channels, FashionResNet.Layers.Block1.Height, FashionResNet.Layers.Block1.Width), FashionResNet.Layers.Conv4.Channels, FashionResNet.Layers.Conv4.OutputLength, 3, 2, 1,
            (FashionResNet.Layers.Conv4.WeightOffset, FashionResNet.Layers.Conv4.WeightLength), (0, 0), InputGradient: true),
        new("conv5", (FashionResNet.Layers.Relu4.Channels, FashionResNet.Layers.Relu4.Height, FashionResNet.Layers.Relu4.Width), FashionResNet.Layers.Conv5.Channels, FashionResNet.Layers.Conv5.OutputLength, 3, 1, 1,
            (FashionResNet.Layers.Conv5.WeightOffset, FashionResNet.Layers.Conv5.WeightLength), (0, 0), InputGradient: true),
        new("conv6", (FashionResNet.Layers.Block1.Channels, FashionResNet.Layers.Block1.Height, FashionResNet.Layers.Block1.Width), FashionResNet.Layers.Conv6.Channels, FashionResNet.Layers.Conv6.OutputLength, 1, 2, 0,
            (FashionResNet.Layers.Conv6.WeightOffset, FashionResNet.Layers.Conv6.WeightLength), (0, 0), InputGradient: true),
    };

    /// <summary>
    /// The FLOPs of <paramref name="layers"/> on a batch and the best time they take together on one
    /// thread, with <paramref name="parameters"/> (the network's) as their weights and random inputs and
    /// output gradients.
    /// </summary>
    public static (double Flops, double Seconds) Measure(IReadOnlyList<ConvolutionLayer> layers, ReadOnlySpan<float> parameters, int batch, SimdLevel simd)
    {
        float[] weights = parameters.ToArray();
        float[] gradients = new float[weights.Length];
        int scratchLength = 0;
        double flops = 0;
        var buffers = new (float[] X, float[] Y, float[] Dy, float[] Dx)[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            ConvolutionLayer layer = layers[i];
            layer.Check();
            buffers[i] = (Random(batch * layer.InputLength, 5 + i), new float[batch * layer.OutputLength], Random(batch * layer.OutputLength, 50 + i), new float[layer.InputGradient ? batch * layer.InputLength : 0]);
            scratchLength = Math.Max(scratchLength, layer.ScratchLength(batch)); // one call runs the whole batch
            flops += batch * layer.FlopsPerSample;
        }

        float[] scratch = new float[scratchLength];
        double seconds = Measurements.BestSeconds(() =>
        {
            for (int i = 0; i < layers.Count; i++)
            {
                ConvolutionLayer l = layers[i];
                (float[] x, float[] y, float[] dy, float[] dx) = buffers[i];
                ReadOnlySpan<float> weight = weights.AsSpan(l.Weight.Offset, l.Weight.Length), bias = weights.AsSpan(l.Bias.Offset, l.Bias.Length);
                (int channels, int height, int width) = l.Input;
                Convolution.Forward(x, y, weight, bias, scratch, batch, channels, height, width, l.Filters, l.Kernel, l.Stride, l.Padding, 1, simd);
                Convolution.BackwardParameters(x, dy, gradients.AsSpan(l.Weight.Offset, l.Weight.Length), gradients.AsSpan(l.Bias.Offset, l.Bias.Length), scratch, batch, channels, height, width, l.Filters, l.Kernel, l.Stride, l.Padding, 1, simd);
                if (l.InputGradient)
                {
                    Convolution.BackwardInput(dy, weight, dx, scratch, batch, channels, height, width, l.Filters, l.Kernel, l.Stride, l.Padding, 1, simd);
                }
            }
        });
        return (flops, seconds);
    }

    private static float[] Random(int length, int seed)
    {
        var random = new RandomStream(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }

        return values;
    }
}
