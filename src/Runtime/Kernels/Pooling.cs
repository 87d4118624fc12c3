using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// Max and average pooling over windows of every plane of a batch, with PyTorch's semantics:
/// padding never wins a max; for averages it counts in the divisor unless <c>countIncludePad</c> is off;
/// a max's gradient goes to the first largest value of its window. Windows are clamped to the plane,
/// so no padded copy is needed and nothing is read out of bounds. <see cref="SimdLevel.Scalar"/> runs the
/// scalar reference (Pooling.Reference.cs); the vector levels run the loops here, with a vectorised path
/// for 2x2 windows of stride 2. Window sizes are per axis, height then width; the overloads with one
/// kernel, stride and padding are the square case.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Pooling
{
    private const string MaxForwardName = "Pooling.MaxForward";
    private const string MaxBackwardName = "Pooling.MaxBackward";
    private const string AverageForwardName = "Pooling.AverageForward";
    private const string AverageBackwardName = "Pooling.AverageBackward";

    /// <summary>The largest value of each window, over square windows.</summary>
    public static void MaxForward(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernel, int stride, int padding, int outHeight, int outWidth, SimdLevel simd) =>
        MaxForward(input, output, planes, height, width, kernel, kernel, stride, stride, padding, padding, outHeight, outWidth, simd);

    /// <summary>The largest value of each window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxForward(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth, SimdLevel simd)
    {
        CheckSizes(planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, MaxForwardName);
        KernelChecks.AtLeast(input.Length, (long)planes * height * width, nameof(input), MaxForwardName);
        KernelChecks.AtLeast(output.Length, (long)planes * outHeight * outWidth, nameof(output), MaxForwardName);
        if (simd == SimdLevel.Scalar)
        {
            MaxForwardReference(input, output, planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth);
            return;
        }

        if (kernelHeight == 2 && kernelWidth == 2 && strideHeight == 2 && strideWidth == 2 && paddingHeight == 0 && paddingWidth == 0)
        {
            MaxForward2x2(input, output, planes, height, width, outHeight, outWidth, simd);
            return;
        }

        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref source, (nint)p * height * width);
            ref float outPlane = ref Unsafe.Add(ref target, (nint)p * outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int y0, int y1) = Window(oy, strideHeight, paddingHeight, kernelHeight, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, strideWidth, paddingWidth, kernelWidth, width);
                    float max = float.NegativeInfinity;
                    for (int y = y0; y < y1; y++)
                    {
                        ref float row = ref Unsafe.Add(ref plane, (nint)y * width);
                        for (int x = x0; x < x1; x++)
                        {
                            max = MathF.Max(max, Unsafe.Add(ref row, x));
                        }
                    }

                    Unsafe.Add(ref outPlane, (oy * outWidth) + ox) = max;
                }
            }
        }
    }

    /// <summary>Clears <paramref name="inputGradient"/>, then adds each output's gradient to the first largest value of its window, over square windows.</summary>
    public static void MaxBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernel, int stride, int padding, int outHeight, int outWidth, SimdLevel simd) =>
        MaxBackward(input, outputGradient, inputGradient, planes, height, width, kernel, kernel, stride, stride, padding, padding, outHeight, outWidth, simd);

    /// <summary>Clears <paramref name="inputGradient"/>, then adds each output's gradient to the first largest value of its window.</summary>
    public static void MaxBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth, SimdLevel simd) =>
        MaxBackward(input, outputGradient, inputGradient, planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, relu: false, simd);

    /// <summary>
    /// The max pooling's backward pass and that of the ReLU whose output it pools (<paramref name="input"/>), in one:
    /// <paramref name="inputGradient"/> is the gradient of the ReLU's input, each value what <see cref="MaxBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, int, int, int, int, int, int, int, int, SimdLevel)"/>
    /// routes there where the input is positive and zero elsewhere: the same bits as the two passes one after the
    /// other (<see cref="VectorMath.ReluBackward"/>). 2x2 windows at stride 2 mask the gradient as they store it, which
    /// saves the ReLU's pass over the gradient.
    /// </summary>
    public static void MaxReLUBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth, SimdLevel simd) =>
        MaxBackward(input, outputGradient, inputGradient, planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, relu: true, simd);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth, bool relu, SimdLevel simd)
    {
        CheckSizes(planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, MaxBackwardName);
        KernelChecks.AtLeast(input.Length, (long)planes * height * width, nameof(input), MaxBackwardName);
        KernelChecks.AtLeast(outputGradient.Length, (long)planes * outHeight * outWidth, nameof(outputGradient), MaxBackwardName);
        KernelChecks.AtLeast(inputGradient.Length, (long)planes * height * width, nameof(inputGradient), MaxBackwardName);
        int length = planes * height * width;
        if (simd == SimdLevel.Scalar)
        {
            MaxBackwardReference(input, outputGradient, inputGradient, planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth);
            if (relu)
            {
                VectorMath.ReluBackward(inputGradient.Slice(0, length), input, inputGradient, simd);
            }

            return;
        }

        if (kernelHeight == 2 && kernelWidth == 2 && strideHeight == 2 && strideWidth == 2 && paddingHeight == 0 && paddingWidth == 0)
        {
            MaxBackward2x2(input, outputGradient, inputGradient, planes, height, width, outHeight, outWidth, relu, simd);
            return;
        }

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
                (int y0, int y1) = Window(oy, strideHeight, paddingHeight, kernelHeight, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, strideWidth, paddingWidth, kernelWidth, width);
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

        if (relu)
        {
            // Overlapping windows add into a value more than once; the ReLU's mask follows the last of them.
            VectorMath.ReluBackward(inputGradient.Slice(0, length), input, inputGradient, simd);
        }
    }

    /// <summary>The mean of each window, over square windows.</summary>
    public static void AverageForward(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernel, int stride, int padding, bool countIncludePad, int outHeight, int outWidth, SimdLevel simd) =>
        AverageForward(input, output, planes, height, width, kernel, kernel, stride, stride, padding, padding, countIncludePad, outHeight, outWidth, simd);

    /// <summary>The mean of each window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AverageForward(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, bool countIncludePad, int outHeight, int outWidth, SimdLevel simd)
    {
        CheckSizes(planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, AverageForwardName);
        KernelChecks.AtLeast(input.Length, (long)planes * height * width, nameof(input), AverageForwardName);
        KernelChecks.AtLeast(output.Length, (long)planes * outHeight * outWidth, nameof(output), AverageForwardName);
        if (simd == SimdLevel.Scalar)
        {
            AverageForwardReference(input, output, planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, countIncludePad, outHeight, outWidth);
            return;
        }

        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref source, (nint)p * height * width);
            ref float outPlane = ref Unsafe.Add(ref target, (nint)p * outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int y0, int y1) = Window(oy, strideHeight, paddingHeight, kernelHeight, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, strideWidth, paddingWidth, kernelWidth, width);
                    float sum = 0f;
                    for (int y = y0; y < y1; y++)
                    {
                        ref float row = ref Unsafe.Add(ref plane, (nint)y * width);
                        for (int x = x0; x < x1; x++)
                        {
                            sum += Unsafe.Add(ref row, x);
                        }
                    }

                    Unsafe.Add(ref outPlane, (oy * outWidth) + ox) = sum * Scale(y0, y1, x0, x1, kernelHeight * kernelWidth, countIncludePad);
                }
            }
        }
    }

    /// <summary>Clears <paramref name="inputGradient"/>, then spreads each output's gradient, divided as in the forward mean, over its window, over square windows.</summary>
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernel, int stride, int padding, bool countIncludePad, int outHeight, int outWidth, SimdLevel simd) =>
        AverageBackward(outputGradient, inputGradient, planes, height, width, kernel, kernel, stride, stride, padding, padding, countIncludePad, outHeight, outWidth, simd);

    /// <summary>Clears <paramref name="inputGradient"/>, then spreads each output's gradient, divided as in the forward mean, over its window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, bool countIncludePad, int outHeight, int outWidth, SimdLevel simd)
    {
        CheckSizes(planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, AverageBackwardName);
        KernelChecks.AtLeast(outputGradient.Length, (long)planes * outHeight * outWidth, nameof(outputGradient), AverageBackwardName);
        KernelChecks.AtLeast(inputGradient.Length, (long)planes * height * width, nameof(inputGradient), AverageBackwardName);
        if (simd == SimdLevel.Scalar)
        {
            AverageBackwardReference(outputGradient, inputGradient, planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, countIncludePad, outHeight, outWidth);
            return;
        }

        inputGradient.Slice(0, planes * height * width).Clear();
        ref float gradient = ref MemoryMarshal.GetReference(outputGradient);
        ref float target = ref MemoryMarshal.GetReference(inputGradient);
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref target, (nint)p * height * width);
            ref float gradientPlane = ref Unsafe.Add(ref gradient, (nint)p * outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                (int y0, int y1) = Window(oy, strideHeight, paddingHeight, kernelHeight, height);
                for (int ox = 0; ox < outWidth; ox++)
                {
                    (int x0, int x1) = Window(ox, strideWidth, paddingWidth, kernelWidth, width);
                    float share = Unsafe.Add(ref gradientPlane, (oy * outWidth) + ox) * Scale(y0, y1, x0, x1, kernelHeight * kernelWidth, countIncludePad);
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

    // ---------------------------------------------------------------------------------------------
    // 2x2 windows with stride 2 and no padding, the usual pooling: no window overlaps another or the
    // border. Rows are processed 16 input columns (8 windows) at a time with AVX-512, or 8 with AVX:
    // the maximum of the two rows, then of each pair of neighbouring lanes, with no branch, since a
    // branch on random data is mispredicted half the time. A row's last vector may overlap the one
    // before; both compute and write the same values there.
    // ---------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxForward2x2(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width, int outHeight, int outWidth, SimdLevel simd)
    {
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        int vectorWidth = simd >= SimdLevel.Vector512 && Avx512F.IsSupported && 2 * outWidth >= 16 ? 16 : simd >= SimdLevel.Vector256 && Avx.IsSupported && 2 * outWidth >= 8 ? 8 : 0;
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                ref float top = ref Unsafe.Add(ref source, (((nint)p * height) + (2 * oy)) * width);
                ref float bottom = ref Unsafe.Add(ref top, width);
                ref float row = ref Unsafe.Add(ref target, (((nint)p * outHeight) + oy) * outWidth);
                if (vectorWidth == 0)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        Unsafe.Add(ref row, ox) = MathF.Max(
                            MathF.Max(Unsafe.Add(ref top, 2 * ox), Unsafe.Add(ref top, (2 * ox) + 1)),
                            MathF.Max(Unsafe.Add(ref bottom, 2 * ox), Unsafe.Add(ref bottom, (2 * ox) + 1)));
                    }

                    continue;
                }

                for (int x = 0; x < 2 * outWidth; x += vectorWidth)
                {
                    int start = Math.Min(x, (2 * outWidth) - vectorWidth);
                    if (vectorWidth == 16)
                    {
                        Vector512<float> pairs = Avx512F.Max(Vector512.LoadUnsafe(ref top, (nuint)start), Vector512.LoadUnsafe(ref bottom, (nuint)start));
                        Vector512<float> windows = Avx512F.Max(pairs, Avx512F.Permute4x32(pairs, SwapNeighbours));
                        Avx512F.PermuteVar16x32(windows, EvenLanes512).GetLower().StoreUnsafe(ref row, (nuint)(start / 2));
                    }
                    else
                    {
                        Vector256<float> pairs = Avx.Max(Vector256.LoadUnsafe(ref top, (nuint)start), Vector256.LoadUnsafe(ref bottom, (nuint)start));
                        Vector256<float> windows = Avx.Max(pairs, Avx.Permute(pairs, SwapNeighbours));
                        Avx2.PermuteVar8x32(windows, EvenLanes256).GetLower().StoreUnsafe(ref row, (nuint)(start / 2));
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackward2x2(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int height, int width, int outHeight, int outWidth, bool relu, SimdLevel simd)
    {
        // Rows and columns past the last whole window get no gradient; every other position is written below.
        if (height != 2 * outHeight || width != 2 * outWidth)
        {
            inputGradient.Slice(0, planes * height * width).Clear();
        }

        ref float source = ref MemoryMarshal.GetReference(input);
        ref float gradient = ref MemoryMarshal.GetReference(outputGradient);
        ref float target = ref MemoryMarshal.GetReference(inputGradient);
        int vectorWidth = simd >= SimdLevel.Vector512 && Avx512F.IsSupported && 2 * outWidth >= 16 ? 16 : simd >= SimdLevel.Vector256 && Avx2.IsSupported && 2 * outWidth >= 8 ? 8 : 0;
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                nint topStart = (((nint)p * height) + (2 * oy)) * width;
                ref float top = ref Unsafe.Add(ref source, topStart);
                ref float bottom = ref Unsafe.Add(ref top, width);
                ref float topGradient = ref Unsafe.Add(ref target, topStart);
                ref float bottomGradient = ref Unsafe.Add(ref topGradient, width);
                ref float row = ref Unsafe.Add(ref gradient, (((nint)p * outHeight) + oy) * outWidth);
                if (vectorWidth == 0)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        Backward2x2(ref Unsafe.Add(ref top, 2 * ox), ref Unsafe.Add(ref bottom, 2 * ox), ref Unsafe.Add(ref topGradient, 2 * ox), ref Unsafe.Add(ref bottomGradient, 2 * ox), Unsafe.Add(ref row, ox), relu);
                    }

                    continue;
                }

                for (int x = 0; x < 2 * outWidth; x += vectorWidth)
                {
                    int start = Math.Min(x, (2 * outWidth) - vectorWidth);
                    if (vectorWidth == 16)
                    {
                        Vector512<float> g = Avx512F.PermuteVar16x32(Vector512.Create(Vector256.LoadUnsafe(ref row, (nuint)(start / 2)), Vector256<float>.Zero), DuplicateLanes512);
                        Vector512<float> upper = Vector512.LoadUnsafe(ref top, (nuint)start), lower = Vector512.LoadUnsafe(ref bottom, (nuint)start);
                        (Vector512<float> upperWins, Vector512<float> lowerWins) = Winners(upper, lower);
                        if (relu)
                        {
                            // The ReLU's backward pass, as Ops512.WherePositive: no gradient where its output is not positive.
                            upperWins &= Vector512.GreaterThan(upper, Vector512<float>.Zero);
                            lowerWins &= Vector512.GreaterThan(lower, Vector512<float>.Zero);
                        }

                        (upperWins & g).StoreUnsafe(ref topGradient, (nuint)start);
                        (lowerWins & g).StoreUnsafe(ref bottomGradient, (nuint)start);
                    }
                    else
                    {
                        Vector256<float> g = Avx2.PermuteVar8x32(Vector256.Create(Vector128.LoadUnsafe(ref row, (nuint)(start / 2)), Vector128<float>.Zero), DuplicateLanes256);
                        Vector256<float> upper = Vector256.LoadUnsafe(ref top, (nuint)start), lower = Vector256.LoadUnsafe(ref bottom, (nuint)start);
                        (Vector256<float> upperWins, Vector256<float> lowerWins) = Winners(upper, lower);
                        if (relu)
                        {
                            upperWins &= Vector256.GreaterThan(upper, Vector256<float>.Zero);
                            lowerWins &= Vector256.GreaterThan(lower, Vector256<float>.Zero);
                        }

                        (upperWins & g).StoreUnsafe(ref topGradient, (nuint)start);
                        (lowerWins & g).StoreUnsafe(ref bottomGradient, (nuint)start);
                    }
                }
            }
        }
    }

    // Which lane of each 2x2 window (a pair of neighbouring lanes in each of the two rows) gets the window's
    // gradient: all ones there, zero elsewhere. The first maximum in reading order wins, as in PyTorch:
    // top-left, top-right, bottom-left, bottom-right.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Upper, Vector512<float> Lower) Winners(Vector512<float> upper, Vector512<float> lower)
    {
        Vector512<float> pairs = Avx512F.Max(upper, lower);
        Vector512<float> max = Avx512F.Max(pairs, Avx512F.Permute4x32(pairs, SwapNeighbours));
        Vector512<float> upperIsMax = Vector512.Equals(upper, max), lowerIsMax = Vector512.Equals(lower, max);
        Vector512<float> takenByLeft = Avx512F.Permute4x32(upperIsMax, SwapNeighbours) & OddLanes512;
        Vector512<float> upperHasMax = upperIsMax | Avx512F.Permute4x32(upperIsMax, SwapNeighbours);
        return (Vector512.AndNot(upperIsMax, takenByLeft),
            Vector512.AndNot(Vector512.AndNot(lowerIsMax, upperHasMax), Avx512F.Permute4x32(lowerIsMax, SwapNeighbours) & OddLanes512));
    }

    /// <summary>The 256-bit form of the 512-bit <see cref="Winners(Vector512{float}, Vector512{float})"/>, lane for lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Upper, Vector256<float> Lower) Winners(Vector256<float> upper, Vector256<float> lower)
    {
        Vector256<float> pairs = Avx.Max(upper, lower);
        Vector256<float> max = Avx.Max(pairs, Avx.Permute(pairs, SwapNeighbours));
        Vector256<float> upperIsMax = Vector256.Equals(upper, max), lowerIsMax = Vector256.Equals(lower, max);
        Vector256<float> takenByLeft = Avx.Permute(upperIsMax, SwapNeighbours) & OddLanes256;
        Vector256<float> upperHasMax = upperIsMax | Avx.Permute(upperIsMax, SwapNeighbours);
        return (Vector256.AndNot(upperIsMax, takenByLeft),
            Vector256.AndNot(Vector256.AndNot(lowerIsMax, upperHasMax), Avx.Permute(lowerIsMax, SwapNeighbours) & OddLanes256));
    }

    /// <summary>
    /// One 2x2 window backward without branches: the gradient to the first largest value, zero to the others; with the
    /// <paramref name="relu"/>'s backward pass, zero too where the value is not positive.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Backward2x2(ref float top, ref float bottom, ref float topGradient, ref float bottomGradient, float g, bool relu)
    {
        float a = top, b = Unsafe.Add(ref top, 1), c = bottom, d = Unsafe.Add(ref bottom, 1);
        float max = MathF.Max(MathF.Max(a, b), MathF.Max(c, d));
        bool takeA = a == max, takeB = !takeA & b == max, takeC = !takeA & !takeB & c == max, takeD = !takeA & !takeB & !takeC;
        topGradient = takeA & (!relu | a > 0f) ? g : 0f;
        Unsafe.Add(ref topGradient, 1) = takeB & (!relu | b > 0f) ? g : 0f;
        bottomGradient = takeC & (!relu | c > 0f) ? g : 0f;
        Unsafe.Add(ref bottomGradient, 1) = takeD & (!relu | d > 0f) ? g : 0f;
    }

    /// <summary>vpermilps control that swaps each pair of neighbouring lanes: (1, 0, 3, 2).</summary>
    private const byte SwapNeighbours = 0b10_11_00_01;

    private static readonly Vector512<int> EvenLanes512 = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);

    private static readonly Vector256<int> EvenLanes256 = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);

    private static readonly Vector512<int> DuplicateLanes512 = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);

    private static readonly Vector256<int> DuplicateLanes256 = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);

    private static readonly Vector512<float> OddLanes512 = Vector512.Create(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1).AsSingle();

    private static readonly Vector256<float> OddLanes256 = Vector256.Create(0, -1, 0, -1, 0, -1, 0, -1).AsSingle();

    /// <summary>The part [start, end) of a window that lies inside a dimension of <paramref name="size"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Start, int End) Window(int output, int stride, int padding, int kernel, int size)
    {
        int start = (output * stride) - padding;
        return (Math.Max(start, 0), Math.Min(start + kernel, size));
    }

    /// <summary>
    /// The divisor of a mean: the whole window when padding counts (without ceil mode, PyTorch's windows
    /// never pass the padded edge, so that is the kernel's height times its width), else the part inside the plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Scale(int y0, int y1, int x0, int x1, int windowSize, bool countIncludePad) =>
        countIncludePad ? 1f / windowSize : 1f / ((y1 - y0) * (x1 - x0));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckSizes(int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth, string name)
    {
        KernelChecks.SizeAtLeast(planes, 0, nameof(planes), name);
        KernelChecks.SizeAtLeast(height, 1, nameof(height), name);
        KernelChecks.SizeAtLeast(width, 1, nameof(width), name);
        KernelChecks.SizeAtLeast(kernelHeight, 1, nameof(kernelHeight), name);
        KernelChecks.SizeAtLeast(kernelWidth, 1, nameof(kernelWidth), name);
        KernelChecks.SizeAtLeast(strideHeight, 1, nameof(strideHeight), name);
        KernelChecks.SizeAtLeast(strideWidth, 1, nameof(strideWidth), name);
        KernelChecks.SizeAtLeast(paddingHeight, 0, nameof(paddingHeight), name);
        KernelChecks.SizeAtLeast(paddingWidth, 0, nameof(paddingWidth), name);
        int expectedHeight = ((height + (2 * paddingHeight) - kernelHeight) / strideHeight) + 1, expectedWidth = ((width + (2 * paddingWidth) - kernelWidth) / strideWidth) + 1;
        if (height + (2 * paddingHeight) < kernelHeight || width + (2 * paddingWidth) < kernelWidth || outHeight != expectedHeight || outWidth != expectedWidth)
        {
            string stride = strideHeight == strideWidth ? Text(strideHeight) : $"({Text(strideHeight)}, {Text(strideWidth)})";
            string padding = paddingHeight == paddingWidth ? Text(paddingHeight) : $"({Text(paddingHeight)}, {Text(paddingWidth)})";
            throw new ArgumentException($"{name}: {kernelHeight}x{kernelWidth} windows of stride {stride} over {height}x{width} planes padded by {padding} give {expectedHeight}x{expectedWidth} outputs, not {outHeight}x{outWidth}.", nameof(outHeight));
        }
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
