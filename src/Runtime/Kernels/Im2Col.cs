using System;
using System.Runtime.CompilerServices;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// Rearranges one sample's [channels, height, width] input into the columns a convolution multiplies
/// by its weights (im2col), and sums columns back into an input gradient (col2im). Row
/// <c>(c * kernelHeight + ky) * kernelWidth + kx</c> of the columns holds, for every output position, the
/// input value that kernel tap (ky, kx) of channel c meets there, or 0 where it falls in the padding. The
/// convolution is then one matrix product: <c>output = weight (filters x columns rows) * columns</c>.
/// Window sizes are per axis, height then width; the overloads with one kernel, stride, padding and
/// dilation are the square case.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Im2Col
{
    /// <summary>Writes the columns of one sample for a square window: <c>channels * kernel * kernel</c> rows of <c>outHeight * outWidth</c> values.</summary>
    public static void Unfold(ReadOnlySpan<float> input, Span<float> columns, int channels, int height, int width, int kernel, int stride, int padding, int dilation, int outHeight, int outWidth) =>
        Unfold(input, columns, channels, height, width, kernel, kernel, stride, stride, padding, padding, dilation, dilation, outHeight, outWidth);

    /// <summary>Writes the columns of one sample: <c>channels * kernelHeight * kernelWidth</c> rows of <c>outHeight * outWidth</c> values.</summary>
    public static void Unfold(ReadOnlySpan<float> input, Span<float> columns, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int outHeight, int outWidth) =>
        Unfold(input, columns, outHeight * outWidth, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, outHeight, outWidth);

    /// <summary>
    /// Writes the columns of one sample into rows <paramref name="rowStride"/> apart: a group of samples'
    /// columns side by side, one product's worth.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Unfold(ReadOnlySpan<float> input, Span<float> columns, int rowStride, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int outHeight, int outWidth)
    {
        int positions = outHeight * outWidth;
        Check(input.Length, channels * height * width, columns.Length, ((long)((channels * kernelHeight * kernelWidth) - 1) * rowStride) + positions);
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = input.Slice(c * height * width, height * width);
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    Span<float> row = columns.Slice((((c * kernelHeight) + ky) * kernelWidth + kx) * rowStride, positions);
                    int dx = (kx * dilationWidth) - paddingWidth;
                    (int first, int last) = ValidOutputs(dx, strideWidth, width, outWidth);
                    for (int oy = 0; oy < outHeight; oy++)
                    {
                        Span<float> target = row.Slice(oy * outWidth, outWidth);
                        int iy = (oy * strideHeight) + (ky * dilationHeight) - paddingHeight;
                        if ((uint)iy >= (uint)height || first >= last)
                        {
                            target.Clear();
                            continue;
                        }

                        // Outputs before 'first' and from 'last' on read the padding.
                        target.Slice(0, first).Clear();
                        target.Slice(last).Clear();
                        ReadOnlySpan<float> source = plane.Slice(iy * width, width);
                        if (strideWidth == 1)
                        {
                            source.Slice(first + dx, last - first).CopyTo(target.Slice(first, last - first));
                        }
                        else
                        {
                            for (int ox = first; ox < last; ox++)
                            {
                                target[ox] = source[(ox * strideWidth) + dx];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds each column value of a square window to the input position it came from; positions in the padding are dropped.</summary>
    public static void FoldAdd(ReadOnlySpan<float> columns, Span<float> inputGradient, int channels, int height, int width, int kernel, int stride, int padding, int dilation, int outHeight, int outWidth, SimdLevel simd) =>
        FoldAdd(columns, inputGradient, channels, height, width, kernel, kernel, stride, stride, padding, padding, dilation, dilation, outHeight, outWidth, simd);

    /// <summary>
    /// Adds each column value to the input position it came from; positions in the padding are dropped. The
    /// inverse of <see cref="Unfold(ReadOnlySpan{float}, Span{float}, int, int, int, int, int, int, int, int, int, int, int, int, int)"/>, summed.
    /// </summary>
    public static void FoldAdd(ReadOnlySpan<float> columns, Span<float> inputGradient, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int outHeight, int outWidth, SimdLevel simd) =>
        FoldAdd(columns, outHeight * outWidth, inputGradient, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, outHeight, outWidth, simd);

    /// <summary>Adds one sample's columns, in rows <paramref name="rowStride"/> apart, back to the input positions they came from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FoldAdd(ReadOnlySpan<float> columns, int rowStride, Span<float> inputGradient, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, int outHeight, int outWidth, SimdLevel simd)
    {
        int positions = outHeight * outWidth;
        Check(inputGradient.Length, channels * height * width, columns.Length, ((long)((channels * kernelHeight * kernelWidth) - 1) * rowStride) + positions);
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = inputGradient.Slice(c * height * width, height * width);
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    ReadOnlySpan<float> row = columns.Slice((((c * kernelHeight) + ky) * kernelWidth + kx) * rowStride, positions);
                    int dx = (kx * dilationWidth) - paddingWidth;
                    (int first, int last) = ValidOutputs(dx, strideWidth, width, outWidth);
                    if (first >= last)
                    {
                        continue;
                    }

                    for (int oy = 0; oy < outHeight; oy++)
                    {
                        int iy = (oy * strideHeight) + (ky * dilationHeight) - paddingHeight;
                        if ((uint)iy >= (uint)height)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> source = row.Slice((oy * outWidth) + first, last - first);
                        Span<float> target = plane.Slice(iy * width, width);
                        if (strideWidth == 1)
                        {
                            VectorMath.Add(source, target.Slice(first + dx, last - first), simd);
                        }
                        else
                        {
                            for (int ox = first; ox < last; ox++)
                            {
                                target[(ox * strideWidth) + dx] += source[ox - first];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The output columns [first, last) whose input column <c>ox * stride + dx</c> lies inside [0, width).</summary>
    private static (int First, int Last) ValidOutputs(int dx, int stride, int width, int outWidth)
    {
        int first = dx >= 0 ? 0 : (-dx + stride - 1) / stride;
        int last = Math.Min(outWidth, ((width - 1 - dx) / stride) + 1);
        if (width - 1 - dx < 0)
        {
            last = 0;
        }

        return (Math.Min(first, outWidth), Math.Max(last, 0));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Check(int inputLength, int inputNeeded, int columnsLength, long columnsNeeded)
    {
        if (inputLength < inputNeeded || columnsLength < columnsNeeded)
        {
            throw new ArgumentException($"im2col needs an input of {inputNeeded} values and columns of {columnsNeeded}, but has {inputLength} and {columnsLength}.");
        }
    }
}
