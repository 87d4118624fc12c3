using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// A dense (fully connected) layer, <c>y = x W^T + b</c> with W of shape [outputs, inputs] as in PyTorch's
/// <c>nn.Linear</c>, on a batch of row-major [batchSize, inputs] inputs. The vector levels are matrix
/// products (<see cref="Gemm"/>); <see cref="SimdLevel.Scalar"/> is the scalar reference, one dot
/// product after another.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dense
{
    private const string ForwardName = "Dense.Forward";
    private const string BackwardInputName = "Dense.BackwardInput";
    private const string BackwardParametersName = "Dense.BackwardParameters";

    /// <summary><c>output = input W^T + bias</c>; <paramref name="bias"/> is empty when the layer has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, int batchSize, int inputs, int outputs, SimdLevel simd)
    {
        CheckSizes(batchSize, inputs, outputs, ForwardName);
        KernelChecks.AtLeast(input.Length, (long)batchSize * inputs, nameof(input), ForwardName);
        KernelChecks.AtLeast(weight.Length, (long)outputs * inputs, nameof(weight), ForwardName);
        KernelChecks.EmptyOrAtLeast(bias.Length, outputs, nameof(bias), ForwardName);
        KernelChecks.AtLeast(output.Length, (long)batchSize * outputs, nameof(output), ForwardName);
        if (batchSize == 0)
        {
            return;
        }

        if (simd != SimdLevel.Scalar)
        {
            // The batch's inputs times the weight rows, dot product by dot product, plus the bias.
            Gemm.MultiplyTransposed(input, weight, output, batchSize, outputs, inputs, bias, accumulate: false, simd);
            return;
        }

        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> x = input.Slice(b * inputs, inputs);
            Span<float> y = output.Slice(b * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                ReadOnlySpan<float> w = weight.Slice(o * inputs, inputs);
                float sum = bias.IsEmpty ? 0f : bias[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += w[i] * x[i];
                }

                y[o] = sum;
            }
        }
    }

    /// <summary><c>inputGradient = outputGradient W</c>. Overwrites.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardInput(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> weight, Span<float> inputGradient, int batchSize, int inputs, int outputs, SimdLevel simd)
    {
        CheckSizes(batchSize, inputs, outputs, BackwardInputName);
        KernelChecks.AtLeast(outputGradient.Length, (long)batchSize * outputs, nameof(outputGradient), BackwardInputName);
        KernelChecks.AtLeast(weight.Length, (long)outputs * inputs, nameof(weight), BackwardInputName);
        KernelChecks.AtLeast(inputGradient.Length, (long)batchSize * inputs, nameof(inputGradient), BackwardInputName);
        if (batchSize == 0)
        {
            return;
        }

        if (simd != SimdLevel.Scalar)
        {
            // inputGradient (batchSize x inputs) = outputGradient (batchSize x outputs) times weight (outputs x inputs).
            Gemm.Multiply(outputGradient, outputs, 1, weight, inputGradient, batchSize, inputs, outputs, ReadOnlySpan<float>.Empty, accumulate: false, simd);
            return;
        }

        for (int b = 0; b < batchSize; b++)
        {
            Span<float> dx = inputGradient.Slice(b * inputs, inputs);
            ReadOnlySpan<float> dy = outputGradient.Slice(b * outputs, outputs);
            dx.Clear();
            for (int o = 0; o < outputs; o++)
            {
                float g = dy[o];
                ReadOnlySpan<float> w = weight.Slice(o * inputs, inputs);
                for (int i = 0; i < inputs; i++)
                {
                    dx[i] += g * w[i];
                }
            }
        }
    }

    /// <summary>
    /// For the run of outputs [<paramref name="firstOutput"/>, <paramref name="firstOutput"/> + <paramref name="outputCount"/>):
    /// <c>weightGradient rows += outputGradient^T input</c> and, when <paramref name="biasGradient"/> is not
    /// empty, <c>biasGradient += the batch's sum of outputGradient</c>. Accumulates; the other rows are not
    /// touched, so threads can share a layer's outputs out among them. <paramref name="weightGradient"/> and
    /// <paramref name="biasGradient"/> are the whole tensors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardParameters(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> weightGradient, Span<float> biasGradient, int batchSize, int inputs, int outputs, int firstOutput, int outputCount, SimdLevel simd)
    {
        CheckSizes(batchSize, inputs, outputs, BackwardParametersName);
        KernelChecks.SizeAtLeast(firstOutput, 0, nameof(firstOutput), BackwardParametersName);
        KernelChecks.SizeAtLeast(outputCount, 0, nameof(outputCount), BackwardParametersName);
        if ((long)firstOutput + outputCount > outputs)
        {
            throw new ArgumentOutOfRangeException(nameof(outputCount), outputCount, $"{BackwardParametersName}: outputs {firstOutput} to {(long)firstOutput + outputCount - 1} run past the layer's {outputs}.");
        }

        KernelChecks.AtLeast(input.Length, (long)batchSize * inputs, nameof(input), BackwardParametersName);
        KernelChecks.AtLeast(outputGradient.Length, (long)batchSize * outputs, nameof(outputGradient), BackwardParametersName);
        KernelChecks.AtLeast(weightGradient.Length, (long)outputs * inputs, nameof(weightGradient), BackwardParametersName);
        KernelChecks.EmptyOrAtLeast(biasGradient.Length, outputs, nameof(biasGradient), BackwardParametersName);
        if (batchSize == 0 || outputCount == 0)
        {
            return;
        }

        if (simd != SimdLevel.Scalar)
        {
            // The run's weight rows (outputCount x inputs) += outputGradient's columns transposed (read through its strides) times input.
            Gemm.Multiply(outputGradient.Slice(firstOutput), 1, outputs, input, weightGradient.Slice(firstOutput * inputs, outputCount * inputs), outputCount, inputs, batchSize, ReadOnlySpan<float>.Empty, accumulate: true, simd);
            if (!biasGradient.IsEmpty)
            {
                VectorMath.AddColumnSums(outputGradient.Slice(firstOutput), biasGradient.Slice(firstOutput, outputCount), batchSize, outputCount, outputs, simd);
            }

            return;
        }

        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<float> x = input.Slice(b * inputs, inputs);
            ReadOnlySpan<float> dy = outputGradient.Slice(b * outputs, outputs);
            for (int o = firstOutput; o < firstOutput + outputCount; o++)
            {
                float g = dy[o];
                if (!biasGradient.IsEmpty)
                {
                    biasGradient[o] += g;
                }

                Span<float> dw = weightGradient.Slice(o * inputs, inputs);
                for (int i = 0; i < inputs; i++)
                {
                    dw[i] += g * x[i];
                }
            }
        }
    }

    private static void CheckSizes(int batchSize, int inputs, int outputs, string kernel)
    {
        KernelChecks.SizeAtLeast(batchSize, 0, nameof(batchSize), kernel);
        KernelChecks.SizeAtLeast(inputs, 1, nameof(inputs), kernel);
        KernelChecks.SizeAtLeast(outputs, 1, nameof(outputs), kernel);
    }
}
