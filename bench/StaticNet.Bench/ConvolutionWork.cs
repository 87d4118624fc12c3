using System;
using StaticNet.Samples;

namespace StaticNet.Bench;

/// <summary>
/// LeNet-5's convolution work in one training step, timed alone on one thread by calling the layers'
/// generated methods directly: conv1 forward and weight gradient, conv2 forward, weight gradient and
/// input gradient (conv1's input gradient is never needed).
/// </summary>
internal static class ConvolutionWork
{
    public static (double Flops, double Seconds) Measure(int batch, SimdLevel simd)
    {
        var network = new LeNet5(seed: 1);
        float[] parameters = network.Parameters.ToArray();
        ReadOnlySpan<float> Parameter(int offset, int length) => parameters.AsSpan(offset, length);

        float[] x1 = Random(batch * LeNet5.InputLength), y1 = new float[batch * LeNet5.Layers.Conv1.OutputLength];
        float[] padded1 = new float[batch * 1 * 32 * 32], scratch = new float[4 * network.KernelScratchLength]; // one call runs the whole batch: four chunks of scratch
        float[] dy1 = Random(y1.Length), dw1 = new float[LeNet5.Layers.Conv1.WeightLength], db1 = new float[LeNet5.Layers.Conv1.BiasLength];
        float[] x2 = Random(batch * LeNet5.Layers.Pool1.OutputLength), y2 = new float[batch * LeNet5.Layers.Conv2.OutputLength];
        float[] dy2 = Random(y2.Length), dx2 = new float[x2.Length];
        float[] dw2 = new float[LeNet5.Layers.Conv2.WeightLength], db2 = new float[LeNet5.Layers.Conv2.BiasLength];

        double seconds = Measurements.BestSeconds(() =>
        {
            ReadOnlySpan<float> w1 = Parameter(LeNet5.Layers.Conv1.WeightOffset, LeNet5.Layers.Conv1.WeightLength);
            ReadOnlySpan<float> b1 = Parameter(LeNet5.Layers.Conv1.BiasOffset, LeNet5.Layers.Conv1.BiasLength);
            ReadOnlySpan<float> w2 = Parameter(LeNet5.Layers.Conv2.WeightOffset, LeNet5.Layers.Conv2.WeightLength);
            ReadOnlySpan<float> b2 = Parameter(LeNet5.Layers.Conv2.BiasOffset, LeNet5.Layers.Conv2.BiasLength);
            LeNet5.Conv1Forward(y1, x1, padded1, w1, b1, scratch, batch, simd);
            LeNet5.Conv1BackwardParameters(dw1, db1, dy1, x1, padded1, scratch, batch, simd);
            LeNet5.Conv2Forward(y2, x2, w2, b2, scratch, batch, simd);
            LeNet5.Conv2BackwardParameters(dw2, db2, dy2, x2, scratch, batch, simd);
            LeNet5.Conv2BackwardInput(dx2, dy2, w2, scratch, batch, simd);
        });

        // Multiply-adds count two FLOPs; bias adds and bias gradients one per output value.
        double conv1 = (2.0 * 25 * LeNet5.Layers.Conv1.OutputLength) + LeNet5.Layers.Conv1.OutputLength;
        double conv2 = (2.0 * 150 * LeNet5.Layers.Conv2.OutputLength) + LeNet5.Layers.Conv2.OutputLength;
        double flops = batch * ((2 * conv1) + (2 * conv2) + (2.0 * 150 * LeNet5.Layers.Conv2.OutputLength));
        return (flops, seconds);
    }

    private static float[] Random(int length)
    {
        var random = new RandomStream(5);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }

        return values;
    }
}
