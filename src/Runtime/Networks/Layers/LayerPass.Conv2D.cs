using StaticNet.Kernels;

namespace StaticNet;

// Conv2D: cross-correlation as PyTorch's nn.Conv2d; weight (filters, channels, kernel, kernel), bias (filters).
public readonly ref partial struct LayerPass
{
    /// <summary>Conv2D forward: <c>output = weight (*) input + bias</c>; <paramref name="bias"/> is -1 for none.</summary>
    public void Conv2DForward(int output, int input, int weight, int bias, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation)
    {
        ConvolutionSizes s = new(channels, height, width, filters, kernel, stride, padding, dilation);
        Convolution.Forward(Batch(input, s.Input), Batch(output, s.Output), Parameter(weight, s.Weight), Parameter(bias, filters), Scratch, Count, channels, height, width, filters, kernel, stride, padding, dilation, Simd);
    }

    /// <summary>Conv2D backward to the parameters, added to the pass's gradients; <paramref name="biasGradient"/> is -1 for none.</summary>
    public void Conv2DBackwardParameters(int weightGradient, int biasGradient, int outputGradient, int input, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation)
    {
        ConvolutionSizes s = new(channels, height, width, filters, kernel, stride, padding, dilation);
        Convolution.BackwardParameters(Batch(input, s.Input), Batch(outputGradient, s.Output), Gradient(weightGradient, s.Weight), Gradient(biasGradient, filters), Scratch, Count, channels, height, width, filters, kernel, stride, padding, dilation, Simd);
    }

    /// <summary>Conv2D backward to the input: each output's gradient flows back, through the weights, to its window.</summary>
    public void Conv2DBackwardInput(int inputGradient, int outputGradient, int weight, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation)
    {
        ConvolutionSizes s = new(channels, height, width, filters, kernel, stride, padding, dilation);
        Convolution.BackwardInput(Batch(outputGradient, s.Output), Parameter(weight, s.Weight), Batch(inputGradient, s.Input), Scratch, Count, channels, height, width, filters, kernel, stride, padding, dilation, Simd);
    }

    /// <summary>The per-sample lengths of a convolution's input and output, and its weight's.</summary>
    private readonly struct ConvolutionSizes
    {
        public ConvolutionSizes(int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation)
        {
            int span = (dilation * (kernel - 1)) + 1;
            Input = channels * height * width;
            Output = filters * (((height + (2 * padding) - span) / stride) + 1) * (((width + (2 * padding) - span) / stride) + 1);
            Weight = filters * channels * kernel * kernel;
        }

        public int Input { get; }

        public int Output { get; }

        public int Weight { get; }
    }
}
