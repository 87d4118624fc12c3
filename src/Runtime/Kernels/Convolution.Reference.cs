using System;

namespace StaticNet.Kernels;

// The scalar reference of the convolution (SimdLevel.Scalar): the definition written out, one
// multiply-add per tap, in the order samples, filters, output rows and columns, then input channels and
// the kernel's rows and columns. Tap (ky, kx) of output (oy, ox) reads input row Geometry.TapRow(oy, ky)
// and column Geometry.TapColumn(ox, kx); a tap that falls in the padding reads zero, and so is skipped.
public static partial class Convolution
{
    private static void ForwardReference(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batchSize, Geometry g)
    {
        for (int b = 0; b < batchSize; b++)
        {
            for (int co = 0; co < g.Filters; co++)
            {
                for (int oy = 0; oy < g.OutHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        float sum = bias.IsEmpty ? 0f : bias[co];
                        for (int ci = 0; ci < g.Channels; ci++)
                        {
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int iy = g.TapRow(oy, ky);
                                if (iy < 0 || iy >= g.Height)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int ix = g.TapColumn(ox, kx);
                                    if (ix < 0 || ix >= g.Width)
                                    {
                                        continue;
                                    }

                                    sum += weight[g.WeightIndex(co, ci, ky, kx)] * input[g.InputIndex(b, ci, iy, ix)];
                                }
                            }
                        }

                        output[g.OutputIndex(b, co, oy, ox)] = sum;
                    }
                }
            }
        }
    }

    private static void BackwardInputReference(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, int batchSize, Geometry g)
    {
        inputGradient.Slice(0, batchSize * g.InputLength).Clear();
        for (int b = 0; b < batchSize; b++)
        {
            for (int co = 0; co < g.Filters; co++)
            {
                for (int oy = 0; oy < g.OutHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        float gradient = outputGradient[g.OutputIndex(b, co, oy, ox)];
                        for (int ci = 0; ci < g.Channels; ci++)
                        {
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int iy = g.TapRow(oy, ky);
                                if (iy < 0 || iy >= g.Height)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int ix = g.TapColumn(ox, kx);
                                    if (ix < 0 || ix >= g.Width)
                                    {
                                        continue;
                                    }

                                    inputGradient[g.InputIndex(b, ci, iy, ix)] += weight[g.WeightIndex(co, ci, ky, kx)] * gradient;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void BackwardParametersReference(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batchSize, Geometry g)
    {
        for (int b = 0; b < batchSize; b++)
        {
            for (int co = 0; co < g.Filters; co++)
            {
                for (int oy = 0; oy < g.OutHeight; oy++)
                {
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        float gradient = outputGradient[g.OutputIndex(b, co, oy, ox)];
                        if (!biasGradient.IsEmpty)
                        {
                            biasGradient[co] += gradient;
                        }

                        for (int ci = 0; ci < g.Channels; ci++)
                        {
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int iy = g.TapRow(oy, ky);
                                if (iy < 0 || iy >= g.Height)
                                {
                                    continue;
                                }

                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int ix = g.TapColumn(ox, kx);
                                    if (ix < 0 || ix >= g.Width)
                                    {
                                        continue;
                                    }

                                    weightGradient[g.WeightIndex(co, ci, ky, kx)] += gradient * input[g.InputIndex(b, ci, iy, ix)];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
