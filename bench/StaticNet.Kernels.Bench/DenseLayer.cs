using System;

namespace StaticNet.Kernels.Bench;

/// <summary>
/// A dense layer's three passes as calls of the runtime kernels, for a batch of row-major samples and a
/// weight of [outputs, inputs] (PyTorch's layout).
/// </summary>
internal static class DenseLayer
{
    /// <summary>output = input weight^T + bias.</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch, int inputs, int outputs, SimdLevel simd) =>
        Gemm.MultiplyTransposed(input, weight, output, batch, outputs, inputs, bias, accumulate: false, simd);

    /// <summary>weightGradient += outputGradient^T input (outputGradient read through its strides); biasGradient += its column sums.</summary>
    public static void BackwardParameters(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batch, int inputs, int outputs, SimdLevel simd)
    {
        Gemm.Multiply(outputGradient, 1, outputs, input, weightGradient, outputs, inputs, batch, ReadOnlySpan<float>.Empty, accumulate: true, simd);
        VectorMath.AddColumnSums(outputGradient, biasGradient, batch, outputs, outputs, simd);
    }

    /// <summary>inputGradient = outputGradient weight.</summary>
    public static void BackwardInput(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, int batch, int inputs, int outputs, SimdLevel simd) =>
        Gemm.Multiply(outputGradient, outputs, 1, weight, inputGradient, batch, inputs, outputs, ReadOnlySpan<float>.Empty, accumulate: false, simd);
}
