using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// Max and average pooling over square windows of every plane of a batch, with PyTorch's semantics:
/// padding never wins a max; for averages it counts in the divisor unless <c>countIncludePad</c> is off;
/// a max's gradient goes to the first largest value of its window. Windows are clamped to the plane,
/// so no padded copy is needed and nothing is read out of bounds.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Pooling
{
    /// <summary>The largest value of each window.</summary>
    public static void MaxForward(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernel, int stride, int padding, int outHeight, int outWidth)
    {
        Check(input.Length, output.Length, planes, height, width, outHeight, outWidth);
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref source, (nint)p * height * width);
            ref float outPlane = ref Unsafe.Add(ref target, (nint)p * outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int y0, int y1) = Window(oy, stride, padding, kernel, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, stride, padding, kernel, width);
                    float max = float.NegativeInfinity;
                    for (int y = y0; y < y1; y++)
                    {
                        ref float row = ref Unsafe.Add(ref plane, (nint)y * width);
                        for (int x = x0; x < x1; x++)
                        {
                            float value = Unsafe.Add(ref row, x);
                            max = value > max ? value : max;
                        }
                    }

                    Unsafe.Add(ref outPlane, (oy * outWidth) + ox) = max;
                }
            }
        }
    }

    /// <summary>Clears <paramref name="inputGradient"/>, then adds each output's gradient to the first largest value of its window.</summary>
    public static void MaxBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernel, int stride, int padding, int outHeight, int outWidth)
    {
        Check(input.Length, outputGradient.Length, planes, height, width, outHeight, outWidth);
        Check(inputGradient.Length, outputGradient.Length, planes, height, width, outHeight, outWidth);
        inputGradient.Slice(0, planes * height * width).Clear();
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float gradient = ref MemoryMarshal.GetReference(outputGradient);
        ref float target = ref MemoryMarshal.GetReference(inputGradient);
        for (int p = 0; p < planes; p++)
        {
            nint planeStart = (nint)p * height * width;
            ref float plane = ref Unsafe.Add(ref source, planeStart);
            ref float gradientPlane = ref Unsafe.Add(ref gradient, (nint)p * outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int y0, int y1) = Window(oy, stride, padding, kernel, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, stride, padding, kernel, width);
                    float max = float.NegativeInfinity;
                    int best = (y0 * width) + x0;
                    for (int y = y0; y < y1; y++)
                    {
                        for (int x = x0; x < x1; x++)
                        {
                            float value = Unsafe.Add(ref plane, (y * width) + x);
                            if (value > max)
                            {
                                max = value;
                                best = (y * width) + x;
                            }
                        }
                    }

                    Unsafe.Add(ref target, planeStart + best) += Unsafe.Add(ref gradientPlane, (oy * outWidth) + ox);
                }
            }
        }
    }

    /// <summary>The mean of each window.</summary>
    public static void AverageForward(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernel, int stride, int padding, bool countIncludePad, int outHeight, int outWidth)
    {
        Check(input.Length, output.Length, planes, height, width, outHeight, outWidth);
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref source, (nint)p * height * width);
            ref float outPlane = ref Unsafe.Add(ref target, (nint)p * outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int y0, int y1) = Window(oy, stride, padding, kernel, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, stride, padding, kernel, width);
                    float sum = 0f;
                    for (int y = y0; y < y1; y++)
                    {
                        ref float row = ref Unsafe.Add(ref plane, (nint)y * width);
                        for (int x = x0; x < x1; x++)
                        {
                            sum += Unsafe.Add(ref row, x);
                        }
                    }

                    Unsafe.Add(ref outPlane, (oy * outWidth) + ox) = sum * Scale(y0, y1, x0, x1, kernel, countIncludePad);
                }
            }
        }
    }

    /// <summary>Clears <paramref name="inputGradient"/>, then spreads each output's gradient, divided as in the forward mean, over its window.</summary>
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernel, int stride, int padding, bool countIncludePad, int outHeight, int outWidth)
    {
        Check(inputGradient.Length, outputGradient.Length, planes, height, width, outHeight, outWidth);
        inputGradient.Slice(0, planes * height * width).Clear();
        ref float gradient = ref MemoryMarshal.GetReference(outputGradient);
        ref float target = ref MemoryMarshal.GetReference(inputGradient);
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref target, (nint)p * height * width);
            ref float gradientPlane = ref Unsafe.Add(ref gradient, (nint)p * outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int y0, int y1) = Window(oy, stride, padding, kernel, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, stride, padding, kernel, width);
                    float share = Unsafe.Add(ref gradientPlane, (oy * outWidth) + ox) * Scale(y0, y1, x0, x1, kernel, countIncludePad);
                    for (int y = y0; y < y1; y++)
                    {
                        ref float row = ref Unsafe.Add(ref plane, (nint)y * width);
                        for (int x = x0; x < x1; x++)
                        {
                            Unsafe.Add(ref row, x) += share;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The part [start, end) of a window that lies inside a dimension of <paramref name="size"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Start, int End) Window(int output, int stride, int padding, int kernel, int size)
    {
        int start = (output * stride) - padding;
        return (Math.Max(start, 0), Math.Min(start + kernel, size));
    }

    /// <summary>
    /// The divisor of a mean: the whole window when padding counts (without ceil mode, PyTorch's windows
    /// never pass the padded edge, so that is kernel squared), else the part inside the plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Scale(int y0, int y1, int x0, int x1, int kernel, bool countIncludePad) =>
        countIncludePad ? 1f / (kernel * kernel) : 1f / ((y1 - y0) * (x1 - x0));

    private static void Check(int inputLength, int outputLength, int planes, int height, int width, int outHeight, int outWidth)
    {
        if (inputLength < (long)planes * height * width || outputLength < (long)planes * outHeight * outWidth)
        {
            throw new ArgumentException($"Pooling {planes} planes of {height}x{width} into {outHeight}x{outWidth} needs {planes * height * width} input and {planes * outHeight * outWidth} output values, but has {inputLength} and {outputLength}.");
        }
    }
}
