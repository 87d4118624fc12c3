using System;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

// Global average pooling: each plane's mean, as PyTorch's AdaptiveAvgPool2d(1) followed by Flatten.
public static partial class Pooling
{
    private const string GlobalAverageForwardName = "Pooling.GlobalAverageForward";
    private const string GlobalAverageBackwardName = "Pooling.GlobalAverageBackward";

    /// <summary>
    /// <c>output[p] = sum(plane p) * (1 / planeLength)</c> for each of <paramref name="planes"/> planes of
    /// <paramref name="planeLength"/> values: summed in vectors at the vector levels, one value after
    /// another at <see cref="SimdLevel.Scalar"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GlobalAverageForward(ReadOnlySpan<float> input, Span<float> output, int planes, int planeLength, SimdLevel simd)
    {
        KernelChecks.SizeAtLeast(planes, 0, nameof(planes), GlobalAverageForwardName);
        KernelChecks.SizeAtLeast(planeLength, 1, nameof(planeLength), GlobalAverageForwardName);
        KernelChecks.AtLeast(input.Length, (long)planes * planeLength, nameof(input), GlobalAverageForwardName);
        KernelChecks.AtLeast(output.Length, planes, nameof(output), GlobalAverageForwardName);
        float scale = 1f / planeLength;
        if (simd == SimdLevel.Scalar)
        {
            for (int p = 0; p < planes; p++)
            {
                float sum = 0f;
                for (int i = 0; i < planeLength; i++)
                {
                    sum += input[(p * planeLength) + i];
                }

                output[p] = sum * scale;
            }

            return;
        }

        for (int p = 0; p < planes; p++)
        {
            output[p] = VectorMath.Sum(input.Slice(p * planeLength, planeLength), simd) * scale;
        }
    }

    /// <summary>Each plane's gradient, divided by <paramref name="planeLength"/>, written to every position of its plane.</summary>
    public static void GlobalAverageBackward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int planes, int planeLength)
    {
        KernelChecks.SizeAtLeast(planes, 0, nameof(planes), GlobalAverageBackwardName);
        KernelChecks.SizeAtLeast(planeLength, 1, nameof(planeLength), GlobalAverageBackwardName);
        KernelChecks.AtLeast(outputGradient.Length, planes, nameof(outputGradient), GlobalAverageBackwardName);
        KernelChecks.AtLeast(inputGradient.Length, (long)planes * planeLength, nameof(inputGradient), GlobalAverageBackwardName);
        float scale = 1f / planeLength;
        for (int p = 0; p < planes; p++)
        {
            inputGradient.Slice(p * planeLength, planeLength).Fill(outputGradient[p] * scale);
        }
    }
}
