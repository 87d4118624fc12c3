using System;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

// The activation layers: each function forward, and its derivative times the output gradient backward.
// At the vector levels ReLU, sigmoid and tanh run VectorMath's vectorised loops; the other functions, and
// every function at SimdLevel.Scalar, run the scalar loops below, one formula per value.
public static partial class Activations
{
    private const string ForwardName = "Activations.Forward";
    private const string BackwardName = "Activations.Backward";

    /// <summary>
    /// <c>y = f(x)</c> value by value. <paramref name="parameter"/> is LeakyReLU's slope, ELU's alpha and
    /// softplus's beta, <paramref name="parameter2"/> softplus's threshold; the other functions ignore them.
    /// <paramref name="x"/> and <paramref name="y"/> are equally long.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ActivationFunction function, double parameter, double parameter2, ReadOnlySpan<float> x, Span<float> y, SimdLevel simd)
    {
        KernelChecks.SameLength(y.Length, x.Length, nameof(y), nameof(x), ForwardName);
        if (simd != SimdLevel.Scalar)
        {
            switch (function)
            {
                case ActivationFunction.ReLU:
                    VectorMath.Relu(x, y, simd);
                    return;
                case ActivationFunction.Sigmoid:
                    VectorMath.Sigmoid(x, y);
                    return;
                case ActivationFunction.Tanh:
                    VectorMath.Tanh(x, y);
                    return;
            }
        }

        float p = (float)parameter, q = (float)parameter2;
        switch (function)
        {
            case ActivationFunction.ReLU:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = MathF.Max(x[i], 0f);
                }

                break;
            case ActivationFunction.Sigmoid:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = 1f / (1f + MathF.Exp(-x[i]));
                }

                break;
            case ActivationFunction.Tanh:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = MathF.Tanh(x[i]);
                }

                break;
            case ActivationFunction.LeakyReLU:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = x[i] > 0f ? x[i] : p * x[i];
                }

                break;
            case ActivationFunction.Elu:
                // exp in double, alpha at full precision, rounded once.
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = x[i] > 0f ? x[i] : (float)(parameter * (Math.Exp(x[i]) - 1.0));
                }

                break;
            case ActivationFunction.Gelu:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = Gelu(x[i]);
                }

                break;
            case ActivationFunction.Silu:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = Silu(x[i]);
                }

                break;
            case ActivationFunction.Softplus:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = Softplus(x[i], p, q);
                }

                break;
            default:
                throw UnknownFunction(function);
        }
    }

    /// <summary>
    /// <c>inputGradient = outputGradient * f'(x)</c> value by value, the derivative written in terms of the
    /// saved input <paramref name="x"/>, the saved output <paramref name="y"/>, or both: ReLU, sigmoid and tanh
    /// read y; LeakyReLU, GELU, SiLU and softplus read x; ELU reads both. A span the function does not read
    /// may be empty; every span read is as long as <paramref name="outputGradient"/>. Overwrites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ActivationFunction function, double parameter, double parameter2, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> inputGradient, SimdLevel simd)
    {
        (bool readsInput, bool readsOutput) = function switch
        {
            ActivationFunction.ReLU or ActivationFunction.Sigmoid or ActivationFunction.Tanh => (false, true),
            ActivationFunction.Elu => (true, true),
            ActivationFunction.LeakyReLU or ActivationFunction.Gelu or ActivationFunction.Silu or ActivationFunction.Softplus => (true, false),
            _ => throw UnknownFunction(function),
        };
        KernelChecks.SameLength(inputGradient.Length, outputGradient.Length, nameof(inputGradient), nameof(outputGradient), BackwardName);
        if (readsInput || !x.IsEmpty)
        {
            KernelChecks.SameLength(x.Length, outputGradient.Length, nameof(x), nameof(outputGradient), BackwardName);
        }

        if (readsOutput || !y.IsEmpty)
        {
            KernelChecks.SameLength(y.Length, outputGradient.Length, nameof(y), nameof(outputGradient), BackwardName);
        }

        ReadOnlySpan<float> dy = outputGradient;
        Span<float> dx = inputGradient;
        if (simd != SimdLevel.Scalar)
        {
            switch (function)
            {
                case ActivationFunction.ReLU:
                    VectorMath.ReluBackward(dy, y, dx, simd);
                    return;
                case ActivationFunction.Sigmoid:
                    VectorMath.SigmoidBackward(dy, y, dx, simd);
                    return;
                case ActivationFunction.Tanh:
                    VectorMath.TanhBackward(dy, y, dx, simd);
                    return;
            }
        }

        float p = (float)parameter, q = (float)parameter2;
        switch (function)
        {
            case ActivationFunction.ReLU:
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = y[i] > 0f ? dy[i] : 0f;
                }

                break;
            case ActivationFunction.Sigmoid:
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = dy[i] * y[i] * (1f - y[i]);
                }

                break;
            case ActivationFunction.Tanh:
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = dy[i] * (1f - (y[i] * y[i]));
                }

                break;
            case ActivationFunction.LeakyReLU:
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = x[i] > 0f ? dy[i] : p * dy[i];
                }

                break;
            case ActivationFunction.Elu:
                // Below 0 the derivative alpha * exp(x) is y + alpha.
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = x[i] > 0f ? dy[i] : dy[i] * (y[i] + p);
                }

                break;
            case ActivationFunction.Gelu:
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = dy[i] * GeluDerivative(x[i]);
                }

                break;
            case ActivationFunction.Silu:
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = dy[i] * SiluDerivative(x[i]);
                }

                break;
            default:
                for (int i = 0; i < dy.Length; i++)
                {
                    dx[i] = dy[i] * SoftplusDerivative(x[i], p, q);
                }

                break;
        }
    }

    private static ArgumentOutOfRangeException UnknownFunction(ActivationFunction function) =>
        new(nameof(function), function, "Not one of the activation functions the kernels compute.");
}
