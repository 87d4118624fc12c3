using System;
using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// Inference only (Predict): a convolution or dense layer with the batch normalisation and the ReLU that follow it
// folded in (a convolution's product applies them as it stores each tile of outputs; a dense layer's output takes
// them sample by sample right after it); and batch normalisation by its running
// estimates in one pass, with no batch statistics and so no stages. Batch-norm tensors are -1 when there is
// no batch normalisation (its weight and bias -1 when it is not affine).
public readonly ref partial struct LayerPass
{
    /// <summary>Conv2D with a square window, then (when <paramref name="runningMean"/> is not -1) batch normalisation by its running estimates, then (when <paramref name="relu"/>) ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DInference(int output, int input, int weight, int bias, int normWeight, int normBias, int runningMean, int runningVar, double epsilon, bool relu, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation) =>
        Conv2DInference(output, input, weight, bias, normWeight, normBias, runningMean, runningVar, epsilon, relu, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Conv2D, then (when <paramref name="runningMean"/> is not -1) batch normalisation by its running estimates, then (when <paramref name="relu"/>) ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DInference(
        int output,
        int input,
        int weight,
        int bias,
        int normWeight,
        int normBias,
        int runningMean,
        int runningVar,
        double epsilon,
        bool relu,
        int channels,
        int height,
        int width,
        int filters,
        int kernelHeight,
        int kernelWidth,
        int strideHeight,
        int strideWidth,
        int paddingHeight,
        int paddingWidth,
        int dilationHeight,
        int dilationWidth)
    {
        ConvolutionSizes s = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);

        // The batch normalisation's per-filter scale and shift, and the ReLU, applied by the product as it stores each tile.
        float[] coefficients = FoldedCoefficients(normWeight, normBias, runningMean, runningVar, filters, epsilon, out int normalized);
        var epilogue = new Gemm.RowEpilogue(coefficients.AsSpan(0, normalized), coefficients.AsSpan(normalized, normalized), relu);
        Convolution.Forward(Batch(input, s.Input), Batch(output, s.Output), Parameter(weight, s.Weight), Parameter(bias, filters), Scratch, Count, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, Simd, epilogue);
    }

    /// <summary>Room for a folded layer's per-channel coefficients, one buffer per thread, grown once to the largest size needed.</summary>
    [ThreadStatic]
    private static float[]? t_coefficients;

    /// <summary>
    /// A folded batch normalisation's per-filter scales, then shifts, each <paramref name="normalized"/> long (0 when
    /// <paramref name="runningMean"/> is -1: no normalisation), in the thread's room for them, which other threads may
    /// read while the layer runs.
    /// </summary>
    private float[] FoldedCoefficients(int normWeight, int normBias, int runningMean, int runningVar, int filters, double epsilon, out int normalized)
    {
        ChannelAffine affine = Affine(normWeight, normBias, runningMean, runningVar, filters, epsilon, relu: false);
        normalized = affine.Normalizes ? filters : 0;
        if (t_coefficients is null || t_coefficients.Length < 2 * normalized)
        {
            t_coefficients = new float[Math.Max(2 * normalized, 256)];
        }

        if (affine.Normalizes)
        {
            affine.Coefficients(t_coefficients.AsSpan(0, filters), t_coefficients.AsSpan(filters, filters));
        }

        return t_coefficients;
    }

    /// <summary>Dense, then (when <paramref name="runningMean"/> is not -1) batch normalisation by its running estimates, then (when <paramref name="relu"/>) ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DenseInference(int output, int input, int weight, int bias, int normWeight, int normBias, int runningMean, int runningVar, double epsilon, bool relu, int inputs, int outputs)
    {
        System.Span<float> y = Batch(output, outputs);
        if (Count == 1 && _sampleThreads is { } sharing && sharing.SplitsDense(inputs, outputs))
        {
            sharing.Run(new SampleThreads.DenseLayer(BatchStart(input, inputs), weight, bias, BatchStart(output, outputs), inputs, outputs, Simd));
        }
        else
        {
            Dense.Forward(Batch(input, inputs), Parameter(weight, outputs * inputs), Parameter(bias, outputs), y, Count, inputs, outputs, Simd);
        }

        ChannelAffine affine = Affine(normWeight, normBias, runningMean, runningVar, outputs, epsilon, relu);
        for (int b = 0; b < Count; b++)
        {
            // A flat batch normalisation has one value per feature: each feature is a channel of one value.
            affine.Apply(y.Slice(b * outputs, outputs), outputs, 1, Simd);
        }
    }

    /// <summary>Batch normalisation in inference, alone, then (when <paramref name="relu"/>) ReLU: the running estimates as the statistics, in one pass per sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormInference(int output, int input, int weight, int bias, int runningMean, int runningVar, double epsilon, bool relu, int channels, int plane)
    {
        ChannelAffine affine = Affine(weight, bias, runningMean, runningVar, channels, epsilon, relu);
        System.Span<float> x = Batch(input, channels * plane), y = Batch(output, channels * plane);
        for (int b = 0; b < Count; b++)
        {
            affine.Apply(x.Slice(b * channels * plane, channels * plane), y.Slice(b * channels * plane, channels * plane), channels, plane, Simd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ChannelAffine Affine(int normWeight, int normBias, int runningMean, int runningVar, int channels, double epsilon, bool relu) => runningMean < 0
        ? new ChannelAffine(default, default, default, default, 0, relu)
        : new ChannelAffine(State(runningMean, channels), State(runningVar, channels), Parameter(normWeight, channels), Parameter(normBias, channels), epsilon, relu);
}
