using System;

namespace StaticNet.Kernels;

// The scalar references of max and average pooling (SimdLevel.Scalar): every tap of every window in
// reading order, tap (ky, kx) of output (oy, ox) reading row oy * strideHeight - paddingHeight + ky and
// column ox * strideWidth - paddingWidth + kx. A tap in the padding is skipped: for a max it would read minus infinity,
// which never wins, and for a mean zero, which adds nothing (it still counts in the divisor when
// countIncludePad is on).
public static partial class Pooling
{
    private static void MaxForwardReference(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth)
    {
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    float max = float.NegativeInfinity;
                    for (int ky = 0; ky < kernelHeight; ky++)
                    {
                        int iy = (oy * strideHeight) - paddingHeight + ky;
                        if (iy < 0 || iy >= height)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kernelWidth; kx++)
                        {
                            int ix = (ox * strideWidth) - paddingWidth + kx;
                            if (ix < 0 || ix >= width)
                            {
                                continue;
                            }

                            float value = input[(((p * height) + iy) * width) + ix];
                            max = value > max ? value : max;
                        }
                    }

                    output[(((p * outHeight) + oy) * outWidth) + ox] = max;
                }
            }
        }
    }

    private static void MaxBackwardReference(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth)
    {
        inputGradient.Slice(0, planes * height * width).Clear();
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    // The window's first tap holds the gradient until a value beats minus infinity; when
                    // that tap is padding, and nothing in the window is larger, the gradient reaches no input.
                    int top = (oy * strideHeight) - paddingHeight, left = (ox * strideWidth) - paddingWidth;
                    int best = top >= 0 && top < height && left >= 0 && left < width ? (((p * height) + top) * width) + left : -1;
                    float max = float.NegativeInfinity;
                    for (int ky = 0; ky < kernelHeight; ky++)
                    {
                        int iy = top + ky;
                        if (iy < 0 || iy >= height)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kernelWidth; kx++)
                        {
                            int ix = left + kx;
                            if (ix < 0 || ix >= width)
                            {
                                continue;
                            }

                            int index = (((p * height) + iy) * width) + ix;
                            if (input[index] > max)
                            {
                                max = input[index];
                                best = index;
                            }
                        }
                    }

                    if (best >= 0)
                    {
                        inputGradient[best] += outputGradient[(((p * outHeight) + oy) * outWidth) + ox];
                    }
                }
            }
        }
    }

    private static void AverageForwardReference(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, bool countIncludePad, int outHeight, int outWidth)
    {
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    float sum = 0f;
                    for (int ky = 0; ky < kernelHeight; ky++)
                    {
                        int iy = (oy * strideHeight) - paddingHeight + ky;
                        if (iy < 0 || iy >= height)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kernelWidth; kx++)
                        {
                            int ix = (ox * strideWidth) - paddingWidth + kx;
                            if (ix < 0 || ix >= width)
                            {
                                continue;
                            }

                            sum += input[(((p * height) + iy) * width) + ix];
                        }
                    }

                    output[(((p * outHeight) + oy) * outWidth) + ox] = sum * MeanScale(oy, ox, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, countIncludePad);
                }
            }
        }
    }

    private static void AverageBackwardReference(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, bool countIncludePad, int outHeight, int outWidth)
    {
        inputGradient.Slice(0, planes * height * width).Clear();
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    float share = outputGradient[(((p * outHeight) + oy) * outWidth) + ox] * MeanScale(oy, ox, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, countIncludePad);
                    for (int ky = 0; ky < kernelHeight; ky++)
                    {
                        int iy = (oy * strideHeight) - paddingHeight + ky;
                        if (iy < 0 || iy >= height)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < kernelWidth; kx++)
                        {
                            int ix = (ox * strideWidth) - paddingWidth + kx;
                            if (ix < 0 || ix >= width)
                            {
                                continue;
                            }

                            inputGradient[(((p * height) + iy) * width) + ix] += share;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// One over the divisor of window (oy, ox)'s mean: the whole window when padding counts, else its rows
    /// and columns inside the plane.
    /// </summary>
    private static float MeanScale(int oy, int ox, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, bool countIncludePad)
    {
        if (countIncludePad)
        {
            return 1f / (kernelHeight * kernelWidth);
        }

        int top = (oy * strideHeight) - paddingHeight, left = (ox * strideWidth) - paddingWidth;
        int rows = Math.Min(top + kernelHeight, height) - Math.Max(top, 0);
        int columns = Math.Min(left + kernelWidth, width) - Math.Max(left, 0);
        return 1f / (rows * columns);
    }
}
