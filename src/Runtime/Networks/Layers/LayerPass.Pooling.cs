using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// MaxPool2D, AvgPool2D and GlobalAvgPool2D, with PyTorch's semantics (see Kernels.Pooling).
public readonly ref partial struct LayerPass
{
    /// <summary>MaxPool2D forward over square windows: the largest value of each window; padding never wins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DForward(int output, int input, int channels, int height, int width, int kernel, int stride, int padding, int outHeight, int outWidth) =>
        MaxPool2DForward(output, input, channels, height, width, kernel, kernel, stride, stride, padding, padding, outHeight, outWidth);

    /// <summary>MaxPool2D forward: the largest value of each window; padding never wins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DForward(int output, int input, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth) =>
        Pooling.MaxForward(Batch(input, channels * height * width), Batch(output, channels * outHeight * outWidth), Count * channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, Simd);

    /// <summary>MaxPool2D backward over square windows: each output's gradient to the first largest value of its window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DBackwardInput(int inputGradient, int outputGradient, int input, int channels, int height, int width, int kernel, int stride, int padding, int outHeight, int outWidth) =>
        MaxPool2DBackwardInput(inputGradient, outputGradient, input, channels, height, width, kernel, kernel, stride, stride, padding, padding, outHeight, outWidth);

    /// <summary>MaxPool2D backward: each output's gradient to the first largest value of its window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DBackwardInput(int inputGradient, int outputGradient, int input, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth) =>
        Pooling.MaxBackward(Batch(input, channels * height * width), Batch(outputGradient, channels * outHeight * outWidth), Batch(inputGradient, channels * height * width), Count * channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, Simd);

    /// <summary>
    /// MaxPool2D backward over square windows and the backward pass of the ReLU whose output it pools
    /// (<paramref name="input"/>), in one: <paramref name="inputGradient"/> is the gradient of the ReLU's input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DReLUBackwardInput(int inputGradient, int outputGradient, int input, int channels, int height, int width, int kernel, int stride, int padding, int outHeight, int outWidth) =>
        MaxPool2DReLUBackwardInput(inputGradient, outputGradient, input, channels, height, width, kernel, kernel, stride, stride, padding, padding, outHeight, outWidth);

    /// <summary>MaxPool2D backward and the backward pass of the ReLU whose output it pools, in one: <paramref name="inputGradient"/> is the gradient of the ReLU's input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MaxPool2DReLUBackwardInput(int inputGradient, int outputGradient, int input, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, int outHeight, int outWidth) =>
        Pooling.MaxReLUBackward(Batch(input, channels * height * width), Batch(outputGradient, channels * outHeight * outWidth), Batch(inputGradient, channels * height * width), Count * channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, outHeight, outWidth, Simd);

    /// <summary>AvgPool2D forward over square windows: the mean of each window, padding counted in the divisor when <paramref name="countIncludePad"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AvgPool2DForward(int output, int input, int channels, int height, int width, int kernel, int stride, int padding, bool countIncludePad, int outHeight, int outWidth) =>
        AvgPool2DForward(output, input, channels, height, width, kernel, kernel, stride, stride, padding, padding, countIncludePad, outHeight, outWidth);

    /// <summary>AvgPool2D forward: the mean of each window, padding counted in the divisor when <paramref name="countIncludePad"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AvgPool2DForward(int output, int input, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, bool countIncludePad, int outHeight, int outWidth) =>
        Pooling.AverageForward(Batch(input, channels * height * width), Batch(output, channels * outHeight * outWidth), Count * channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, countIncludePad, outHeight, outWidth, Simd);

    /// <summary>AvgPool2D backward over square windows: each output's gradient shared out over its window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AvgPool2DBackwardInput(int inputGradient, int outputGradient, int channels, int height, int width, int kernel, int stride, int padding, bool countIncludePad, int outHeight, int outWidth) =>
        AvgPool2DBackwardInput(inputGradient, outputGradient, channels, height, width, kernel, kernel, stride, stride, padding, padding, countIncludePad, outHeight, outWidth);

    /// <summary>AvgPool2D backward: each output's gradient shared out over its window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AvgPool2DBackwardInput(int inputGradient, int outputGradient, int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth, bool countIncludePad, int outHeight, int outWidth) =>
        Pooling.AverageBackward(Batch(outputGradient, channels * outHeight * outWidth), Batch(inputGradient, channels * height * width), Count * channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, countIncludePad, outHeight, outWidth, Simd);

    /// <summary>GlobalAvgPool2D forward: the mean of each channel's plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GlobalAvgPool2DForward(int output, int input, int channels, int plane) =>
        Pooling.GlobalAverageForward(Batch(input, channels * plane), Batch(output, channels), Count * channels, plane, Simd);

    /// <summary>GlobalAvgPool2D backward: each channel's gradient, divided by the plane's size, to every position of its plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GlobalAvgPool2DBackwardInput(int inputGradient, int outputGradient, int channels, int plane) =>
        Pooling.GlobalAverageBackward(Batch(outputGradient, channels), Batch(inputGradient, channels * plane), Count * channels, plane);
}
