using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The pooling kernels against a naive reference written from PyTorch's definition, on widths that
/// take every path (16-lane and 8-lane vectors, an overlapping last vector, the scalar loop) and on data with
/// ties, where the gradient must go to the first largest value in reading order.
/// </summary>
public class PoolingTests
{
    public static TheoryData<int, int, int, int, bool> Shapes() => new()
    {
        // height, width, kernel, stride, integer-valued data (many ties)
        { 28, 28, 2, 2, false },
        { 28, 28, 2, 2, true },
        { 10, 10, 2, 2, true },
        { 9, 33, 2, 2, true },
        { 12, 16, 2, 2, false },
        { 14, 14, 2, 2, true },     // 14-wide rows: two overlapping 8-lane vectors
        { 8, 8, 2, 2, true },       // one 8-lane vector per row pair
        { 9, 15, 2, 2, false },     // an odd width: the last column and row get no gradient
        { 6, 6, 2, 2, true },       // too narrow for a vector
        { 7, 7, 3, 2, true },
        { 8, 8, 3, 3, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MaxPoolingMatchesTheDefinition(int height, int width, int kernel, int stride, bool ties)
    {
        const int Planes = 3;
        int outHeight = ((height - kernel) / stride) + 1, outWidth = ((width - kernel) / stride) + 1;
        float[] input = Data(Planes * height * width, ties);
        float[] outputGradient = GradientCheck.Random(Planes * outHeight * outWidth, 2, -1f, 1f);
        var output = new float[outputGradient.Length];
        var inputGradient = new float[input.Length];
        inputGradient.AsSpan().Fill(float.NaN);

        Pooling.MaxForward(input, output, Planes, height, width, kernel, stride, 0, outHeight, outWidth, SimdLevels.Best);
        Pooling.MaxBackward(input, outputGradient, inputGradient, Planes, height, width, kernel, stride, 0, outHeight, outWidth, SimdLevels.Best);

        var expectedGradient = new float[input.Length];
        for (int p = 0; p < Planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int best = -1;
                    for (int y = oy * stride; y < (oy * stride) + kernel; y++)
                    {
                        for (int x = ox * stride; x < (ox * stride) + kernel; x++)
                        {
                            int index = (((p * height) + y) * width) + x;
                            if (best < 0 || input[index] > input[best])
                            {
                                best = index;
                            }
                        }
                    }

                    int o = (((p * outHeight) + oy) * outWidth) + ox;
                    Assert.Equal(input[best], output[o]);
                    expectedGradient[best] += outputGradient[o];
                }
            }
        }

        Assert.Equal(expectedGradient, inputGradient);
    }

    private static float[] Data(int length, bool ties)
    {
        float[] values = GradientCheck.Random(length, 1, -1f, 1f);
        if (ties)
        {
            for (int i = 0; i < length; i++)
            {
                values[i] = MathF.Round(values[i] * 2);
            }
        }

        return values;
    }
}
