using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// Element-wise activations. Backward reads whichever of the saved input and output its derivative is simplest
// in: ReLU, sigmoid and tanh the output; LeakyReLU, GELU, SiLU and softplus the input; ELU both.
public readonly ref partial struct LayerPass
{
    /// <summary>ReLU forward: <c>max(0, x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReLUForward(int output, int input, int length) => ActivationForward(ActivationFunction.ReLU, output, input, length, 0, 0);

    /// <summary>ReLU backward: <c>dy</c> where <c>y &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReLUBackwardInput(int inputGradient, int outputGradient, int output, int length) => ActivationBackward(ActivationFunction.ReLU, inputGradient, outputGradient, -1, output, length, 0, 0);

    /// <summary>Sigmoid forward: <c>1 / (1 + exp(-x))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SigmoidForward(int output, int input, int length) => ActivationForward(ActivationFunction.Sigmoid, output, input, length, 0, 0);

    /// <summary>Sigmoid backward: <c>dy * y * (1 - y)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SigmoidBackwardInput(int inputGradient, int outputGradient, int output, int length) => ActivationBackward(ActivationFunction.Sigmoid, inputGradient, outputGradient, -1, output, length, 0, 0);

    /// <summary>Tanh forward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void TanhForward(int output, int input, int length) => ActivationForward(ActivationFunction.Tanh, output, input, length, 0, 0);

    /// <summary>Tanh backward: <c>dy * (1 - y^2)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void TanhBackwardInput(int inputGradient, int outputGradient, int output, int length) => ActivationBackward(ActivationFunction.Tanh, inputGradient, outputGradient, -1, output, length, 0, 0);

    /// <summary>LeakyReLU forward: <c>x</c> above 0, <c>slope * x</c> below.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LeakyReLUForward(int output, int input, int length, double slope) => ActivationForward(ActivationFunction.LeakyReLU, output, input, length, slope, 0);

    /// <summary>LeakyReLU backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LeakyReLUBackwardInput(int inputGradient, int outputGradient, int input, int length, double slope) => ActivationBackward(ActivationFunction.LeakyReLU, inputGradient, outputGradient, input, -1, length, slope, 0);

    /// <summary>ELU forward: <c>x</c> above 0, <c>alpha * (exp(x) - 1)</c> below.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EluForward(int output, int input, int length, double alpha) => ActivationForward(ActivationFunction.Elu, output, input, length, alpha, 0);

    /// <summary>ELU backward: <c>dy</c> above 0, <c>dy * (y + alpha)</c> below.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EluBackwardInput(int inputGradient, int outputGradient, int input, int output, int length, double alpha) => ActivationBackward(ActivationFunction.Elu, inputGradient, outputGradient, input, output, length, alpha, 0);

    /// <summary>GELU forward, exact form: <c>x * (1 + erf(x / sqrt(2))) / 2</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GeluForward(int output, int input, int length) => ActivationForward(ActivationFunction.Gelu, output, input, length, 0, 0);

    /// <summary>GELU backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GeluBackwardInput(int inputGradient, int outputGradient, int input, int length) => ActivationBackward(ActivationFunction.Gelu, inputGradient, outputGradient, input, -1, length, 0, 0);

    /// <summary>SiLU forward: <c>x * sigmoid(x)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SiluForward(int output, int input, int length) => ActivationForward(ActivationFunction.Silu, output, input, length, 0, 0);

    /// <summary>SiLU backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SiluBackwardInput(int inputGradient, int outputGradient, int input, int length) => ActivationBackward(ActivationFunction.Silu, inputGradient, outputGradient, input, -1, length, 0, 0);

    /// <summary>Softplus forward: <c>log(1 + exp(beta * x)) / beta</c>, or <c>x</c> where <c>beta * x</c> is above the threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SoftplusForward(int output, int input, int length, double beta, double threshold) => ActivationForward(ActivationFunction.Softplus, output, input, length, beta, threshold);

    /// <summary>Softplus backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SoftplusBackwardInput(int inputGradient, int outputGradient, int input, int length, double beta, double threshold) => ActivationBackward(ActivationFunction.Softplus, inputGradient, outputGradient, input, -1, length, beta, threshold);

    private void ActivationForward(ActivationFunction function, int output, int input, int length, double parameter, double parameter2) =>
        Activations.Forward(function, parameter, parameter2, Batch(input, length), Batch(output, length), Simd);

    /// <summary>An activation's backward; <paramref name="input"/> or <paramref name="output"/> is -1 where the derivative does not read it.</summary>
    private void ActivationBackward(ActivationFunction function, int inputGradient, int outputGradient, int input, int output, int length, double parameter, double parameter2) =>
        Activations.Backward(function, parameter, parameter2, Batch(outputGradient, length), input < 0 ? default : Batch(input, length), output < 0 ? default : Batch(output, length), Batch(inputGradient, length), Simd);
}
