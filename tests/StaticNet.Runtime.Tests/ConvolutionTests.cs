using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The vectorised convolution kernels, both algorithms (shifted views for stride 1, im2col otherwise),
/// against a naive double-precision convolution written from PyTorch's definition, with padding,
/// dilation, stride and sizes that do not tile.
/// </summary>
public class ConvolutionTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, SimdLevel> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int, int, int, int, SimdLevel>();
        foreach (SimdLevel level in new[] { SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            // channels, height, width, filters, kernel, stride, padding, dilation
            data.Add(1, 28, 28, 6, 5, 1, 2, 1, level);
            data.Add(6, 14, 14, 16, 5, 1, 0, 1, level);
            data.Add(3, 9, 11, 5, 3, 1, 1, 2, level);
            data.Add(2, 7, 8, 3, 3, 2, 1, 1, level);
            data.Add(2, 9, 9, 2, 4, 3, 0, 1, level);
            data.Add(4, 6, 6, 7, 1, 1, 0, 1, level);
            data.Add(2, 10, 10, 3, 3, 1, 3, 1, level);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void KernelsMatchTheDefinition(int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation, SimdLevel level) =>
        CheckAgainstTheDefinition(3, channels, height, width, filters, kernel, stride, padding, dilation, level);

    /// <summary>Small planes, whose wide grid is a few vectors and so ends in the products' narrow edge blocks, on batches larger than one chunk's usual few samples.</summary>
    public static TheoryData<int, int, int, int, int, int, int, SimdLevel> SmallPlanes()
    {
        var data = new TheoryData<int, int, int, int, int, int, int, SimdLevel>();
        foreach (SimdLevel level in new[] { SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            // batch, channels, height, width, filters, kernel, padding
            data.Add(13, 5, 7, 7, 9, 3, 1, level);
            data.Add(5, 3, 14, 14, 4, 3, 1, level);
            data.Add(9, 2, 3, 5, 3, 3, 2, level);
            data.Add(7, 4, 4, 4, 6, 2, 0, level);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SmallPlanes))]
    public void SmallPlanesMatchTheDefinition(int batch, int channels, int height, int width, int filters, int kernel, int padding, SimdLevel level) =>
        CheckAgainstTheDefinition(batch, channels, height, width, filters, kernel, 1, padding, 1, level);

    /// <summary>
    /// However a batch is split into chunks for threads, every sample's output and input gradient are the
    /// same sums in the same order: one sample at a time gives the same bits as the whole batch.
    /// </summary>
    [Theory]
    [InlineData(SimdLevel.Vector256)]
    [InlineData(SimdLevel.Vector512)]
    public void ResultsDoNotDependOnHowTheBatchIsSplit(SimdLevel level)
    {
        const int Batch = 11, Channels = 6, Size = 7, Filters = 10, Kernel = 3, Padding = 1;
        int inputLength = Channels * Size * Size, outputLength = Filters * Size * Size;
        float[] input = GradientCheck.Random(Batch * inputLength, 5, -1f, 1f);
        float[] weight = GradientCheck.Random(Filters * Channels * Kernel * Kernel, 6, -1f, 1f);
        float[] bias = GradientCheck.Random(Filters, 7, -1f, 1f);
        float[] outputGradient = GradientCheck.Random(Batch * outputLength, 8, -1f, 1f);
        var scratch = new float[Convolution.ScratchLength(Channels, Size, Size, Filters, Kernel, 1, Padding, 1, Batch)];
        var output = new float[Batch * outputLength];
        var inputGradient = new float[Batch * inputLength];
        Convolution.Forward(input, output, weight, bias, scratch, Batch, Channels, Size, Size, Filters, Kernel, 1, Padding, 1, level);
        Convolution.BackwardInput(outputGradient, weight, inputGradient, scratch, Batch, Channels, Size, Size, Filters, Kernel, 1, Padding, 1, level);

        var sampleOutput = new float[outputLength];
        var sampleInputGradient = new float[inputLength];
        for (int b = 0; b < Batch; b++)
        {
            Convolution.Forward(input.AsSpan(b * inputLength, inputLength), sampleOutput, weight, bias, scratch, 1, Channels, Size, Size, Filters, Kernel, 1, Padding, 1, level);
            Convolution.BackwardInput(outputGradient.AsSpan(b * outputLength, outputLength), weight, sampleInputGradient, scratch, 1, Channels, Size, Size, Filters, Kernel, 1, Padding, 1, level);
            Assert.Equal(sampleOutput, output.AsSpan(b * outputLength, outputLength).ToArray());
            Assert.Equal(sampleInputGradient, inputGradient.AsSpan(b * inputLength, inputLength).ToArray());
        }
    }

    private static void CheckAgainstTheDefinition(int batch, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation, SimdLevel level)
    {
        int outHeight = ((height + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        int outWidth = ((width + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        int inputLength = channels * height * width, outputLength = filters * outHeight * outWidth;
        float[] input = GradientCheck.Random(batch * inputLength, 1, -1f, 1f);
        float[] weight = GradientCheck.Random(filters * channels * kernel * kernel, 2, -1f, 1f);
        float[] bias = GradientCheck.Random(filters, 3, -1f, 1f);
        float[] outputGradient = GradientCheck.Random(batch * outputLength, 4, -1f, 1f);
        var scratch = new float[Convolution.ScratchLength(channels, height, width, filters, kernel, stride, padding, dilation, batch)];
        var output = new float[outputGradient.Length];
        var inputGradient = new float[input.Length];
        var weightGradient = new float[weight.Length];
        var biasGradient = new float[filters];

        Convolution.Forward(input, output, weight, bias, scratch, batch, channels, height, width, filters, kernel, stride, padding, dilation, level);
        Convolution.BackwardInput(outputGradient, weight, inputGradient, scratch, batch, channels, height, width, filters, kernel, stride, padding, dilation, level);
        Convolution.BackwardParameters(input, outputGradient, weightGradient, biasGradient, scratch, batch, channels, height, width, filters, kernel, stride, padding, dilation, level);

        var expectedOutput = new double[output.Length];
        var expectedInputGradient = new double[input.Length];
        var expectedWeightGradient = new double[weight.Length];
        var expectedBiasGradient = new double[filters];
        for (int b = 0; b < batch; b++)
        {
            for (int co = 0; co < filters; co++)
            {
                for (int oy = 0; oy < outHeight; oy++)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        int o = (b * outputLength) + (((co * outHeight) + oy) * outWidth) + ox;
                        double sum = bias[co];
                        expectedBiasGradient[co] += outputGradient[o];
                        for (int ci = 0; ci < channels; ci++)
                        {
                            for (int ky = 0; ky < kernel; ky++)
                            {
                                for (int kx = 0; kx < kernel; kx++)
                                {
                                    int iy = (oy * stride) - padding + (ky * dilation), ix = (ox * stride) - padding + (kx * dilation);
                                    if ((uint)iy >= (uint)height || (uint)ix >= (uint)width)
                                    {
                                        continue;
                                    }

                                    int i = (b * inputLength) + (((ci * height) + iy) * width) + ix;
                                    int w = (((co * channels) + ci) * kernel * kernel) + (ky * kernel) + kx;
                                    sum += (double)weight[w] * input[i];
                                    expectedInputGradient[i] += (double)weight[w] * outputGradient[o];
                                    expectedWeightGradient[w] += (double)input[i] * outputGradient[o];
                                }
                            }
                        }

                        expectedOutput[o] = sum;
                    }
                }
            }
        }

        AssertClose(expectedOutput, output, "output");
        AssertClose(expectedInputGradient, inputGradient, "input gradient");
        AssertClose(expectedWeightGradient, weightGradient, "weight gradient");
        AssertClose(expectedBiasGradient, biasGradient, "bias gradient");
    }

    [Fact]
    public void TooLittleScratchIsRejected()
    {
        var exception = Assert.Throws<ArgumentException>(() => Convolution.Forward(new float[784], new float[4704], new float[150], new float[6], new float[10], 1, 1, 28, 28, 6, 5, 1, 2, 1, SimdLevel.Vector512));
        Assert.Contains("floats of scratch, but has 10", exception.Message);
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
