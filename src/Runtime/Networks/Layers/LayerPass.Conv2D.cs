using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// Conv2D: cross-correlation as PyTorch's nn.Conv2d; weight (filters, channels, kernelHeight, kernelWidth), bias (filters).
// Each operation comes in two forms: a square window (kernel, stride, padding, dilation), and a window given
// per axis, height then width, as PyTorch's tuples; generated code calls the square form for square layers.
public readonly ref partial struct LayerPass
{
    /// <summary>Conv2D forward with a square window: <c>output = weight (*) input + bias</c>; <paramref name="bias"/> is -1 for none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DForward(int output, int input, int weight, int bias, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation) =>
        Conv2DForward(output, input, weight, bias, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Conv2D forward: <c>output = weight (*) input + bias</c>; <paramref name="bias"/> is -1 for none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DForward(int output, int input, int weight, int bias, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth) =>
        Conv2DForward(output, input, weight, bias, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, relu: false);

    /// <summary>
    /// Conv2D forward with a square window, then the ReLU that alone reads it, applied as the product stores each tile:
    /// <c>output = max(weight (*) input + bias, 0)</c>, written where the ReLU's output lies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DReLUForward(int output, int input, int weight, int bias, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation) =>
        Conv2DReLUForward(output, input, weight, bias, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Conv2D forward, then the ReLU that alone reads it, applied as the product stores each tile: <c>output = max(weight (*) input + bias, 0)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DReLUForward(int output, int input, int weight, int bias, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth) =>
        Conv2DForward(output, input, weight, bias, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, relu: true);

    /// <summary>Conv2D forward, each output through a ReLU as the product stores it when <paramref name="relu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Conv2DForward(int output, int input, int weight, int bias, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth, bool relu)
    {
        ConvolutionSizes s = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        var epilogue = new Gemm.RowEpilogue(default, default, relu);
        Convolution.Forward(Batch(input, s.Input), Batch(output, s.Output), Parameter(weight, s.Weight), Parameter(bias, filters), Scratch, Count, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, Simd, epilogue);
    }

    /// <summary>Conv2D backward to the parameters with a square window, added to the pass's gradients; <paramref name="biasGradient"/> is -1 for none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBackwardParameters(int weightGradient, int biasGradient, int outputGradient, int input, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation) =>
        Conv2DBackwardParameters(weightGradient, biasGradient, outputGradient, input, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Conv2D backward to the parameters, added to the pass's gradients; <paramref name="biasGradient"/> is -1 for none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBackwardParameters(int weightGradient, int biasGradient, int outputGradient, int input, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth)
    {
        ConvolutionSizes s = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        Convolution.BackwardParameters(Batch(input, s.Input), Batch(outputGradient, s.Output), Gradient(weightGradient, s.Weight), Gradient(biasGradient, filters), Scratch, Count, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, Simd);
    }

    /// <summary>Conv2D backward to the input with a square window: each output's gradient flows back, through the weights, to its window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBackwardInput(int inputGradient, int outputGradient, int weight, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation) =>
        Conv2DBackwardInput(inputGradient, outputGradient, weight, channels, height, width, filters, kernel, kernel, stride, stride, padding, padding, dilation, dilation);

    /// <summary>Conv2D backward to the input: each output's gradient flows back, through the weights, to its window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2DBackwardInput(int inputGradient, int outputGradient, int weight, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth)
    {
        ConvolutionSizes s = new(channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        Convolution.BackwardInput(Batch(outputGradient, s.Output), Parameter(weight, s.Weight), Batch(inputGradient, s.Input), Scratch, Count, channels, height, width, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth, Simd);
    }

    /// <summary>The per-sample lengths of a convolution's input and output, and its weight's.</summary>
    private readonly struct ConvolutionSizes
    {
        public ConvolutionSizes(int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int dilationHeight, int dilationWidth)
        {
            Input = channels * height * width;
            Output = filters * Convolution.OutputLength(height, kernelHeight, strideHeight, paddingHeight, dilationHeight) * Convolution.OutputLength(width, kernelWidth, strideWidth, paddingWidth, dilationWidth);
            Weight = filters * channels * kernelHeight * kernelWidth;
        }

        public int Input { get; }

        public int Output { get; }

        public int Weight { get; }
    }
}
