using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// The activation layers: every function's scalar reference at known values and against finite
/// differences of its forward, every vector level against the reference, and which saved buffers each
/// backward reads.
/// </summary>
public class ActivationKernelTests
{
    /// <summary>Every function, with the parameters the declarations give it (PyTorch's defaults and others).</summary>
    public static TheoryData<ActivationFunction, double, double> Functions() => new()
    {
        { ActivationFunction.ReLU, 0, 0 },
        { ActivationFunction.Sigmoid, 0, 0 },
        { ActivationFunction.Tanh, 0, 0 },
        { ActivationFunction.LeakyReLU, 0.01, 0 },
        { ActivationFunction.LeakyReLU, 0.2, 0 },
        { ActivationFunction.Elu, 1.0, 0 },
        { ActivationFunction.Elu, 0.3, 0 },
        { ActivationFunction.Gelu, 0, 0 },
        { ActivationFunction.Silu, 0, 0 },
        { ActivationFunction.Softplus, 1.0, 20.0 },
        { ActivationFunction.Softplus, 2.0, 5.0 },
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void EveryVectorLevelAgreesWithTheScalarReference(ActivationFunction function, double parameter, double parameter2)
    {
        // Lengths shorter than a vector, between vector widths, longer than several, and a batch of 7 samples of 49.
        foreach (int length in new[] { 1, 3, 16, 37, 7 * 49 })
        {
            float[] x = KernelAssert.Random(length, length, -6f, 6f);
            float[] dy = KernelAssert.Random(length, length + 1);
            float[] y = Forward(function, parameter, parameter2, x, SimdLevel.Scalar);
            float[] dx = Backward(function, parameter, parameter2, dy, x, y, SimdLevel.Scalar);
            foreach (SimdLevel level in KernelAssert.VectorLevels)
            {
                // Sigmoid and tanh are vectorised with their own exp: within a few units in the last place.
                KernelAssert.Close(y, Forward(function, parameter, parameter2, x, level), $"{function} {level} forward of {length}", 1e-6, 1e-5);
                KernelAssert.Close(dx, Backward(function, parameter, parameter2, dy, x, y, level), $"{function} {level} backward of {length}", 1e-6, 1e-5);
            }
        }
    }

    /// <summary>function, parameters, x, f(x), f'(x): values of the definitions, worked out from them, not from the code.</summary>
    public static TheoryData<ActivationFunction, double, double, float, double, double> KnownValues() => new()
    {
        { ActivationFunction.ReLU, 0, 0, 2f, 2, 1 },
        { ActivationFunction.ReLU, 0, 0, -1.5f, 0, 0 },
        { ActivationFunction.Sigmoid, 0, 0, 0f, 0.5, 0.25 },
        { ActivationFunction.Sigmoid, 0, 0, 2f, 0.8807970779778823, 0.10499358540350662 },      // 1/(1+e^-2), s(1-s)
        { ActivationFunction.Tanh, 0, 0, 0f, 0, 1 },
        { ActivationFunction.Tanh, 0, 0, -1f, -0.7615941559557649, 0.41997434161402614 },       // 1 - tanh(1)^2
        { ActivationFunction.LeakyReLU, 0.1, 0, -2f, -0.2, 0.1 },
        { ActivationFunction.LeakyReLU, 0.1, 0, 3f, 3, 1 },
        { ActivationFunction.Elu, 1.0, 0, -1f, -0.6321205588285577, 0.36787944117144233 },      // e^-1 - 1, e^-1
        { ActivationFunction.Elu, 0.5, 0, -2f, -0.43233235838169365, 0.06766764161830635 },     // 0.5 (e^-2 - 1), 0.5 e^-2
        { ActivationFunction.Elu, 0.5, 0, 1.5f, 1.5, 1 },
        { ActivationFunction.Gelu, 0, 0, 0f, 0, 0.5 },
        { ActivationFunction.Gelu, 0, 0, 1f, 0.8413447460685429, 1.0833154705876864 },          // Phi(1), Phi(1) + phi(1)
        { ActivationFunction.Silu, 0, 0, 0f, 0, 0.5 },
        { ActivationFunction.Silu, 0, 0, 1f, 0.7310585786300049, 0.9276705118714869 },          // s(1), s(1)(1 + 1 - s(1))
        { ActivationFunction.Softplus, 1.0, 20.0, 0f, 0.6931471805599453, 0.5 },                // ln 2, 1/2
        { ActivationFunction.Softplus, 2.0, 20.0, 1f, 1.0634640055214863, 0.8807970779778823 }, // ln(1 + e^2) / 2, s(2)
        { ActivationFunction.Softplus, 1.0, 20.0, 25f, 25, 1 },                                  // past the threshold: x itself
    };

    [Theory]
    [MemberData(nameof(KnownValues))]
    public void TheScalarReferenceComputesKnownValues(ActivationFunction function, double parameter, double parameter2, float x, double value, double derivative)
    {
        float[] y = Forward(function, parameter, parameter2, new[] { x }, SimdLevel.Scalar);
        Assert.True(Math.Abs(y[0] - value) <= 1e-6 * (1 + Math.Abs(value)), $"{function}({x}) = {y[0]:R}, not {value:R}.");
        float[] dx = Backward(function, parameter, parameter2, new[] { 3f }, new[] { x }, y, SimdLevel.Scalar);
        Assert.True(Math.Abs(dx[0] - (3 * derivative)) <= 1e-6 * (1 + Math.Abs(3 * derivative)), $"3 f'({x}) of {function} = {dx[0]:R}, not {3 * derivative:R}.");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void TheScalarBackwardIsTheDerivativeOfTheScalarForward(ActivationFunction function, double parameter, double parameter2)
    {
        // Values at least 0.1 from 0, where ReLU, LeakyReLU and ELU have kinks, and below 2 in size, where
        // softplus with beta 2 and threshold 5 jumps from its formula to x.
        float[] x = KernelAssert.Random(40, 41, -2f, 2f);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.CopySign(0.1f + (MathF.Abs(x[i]) * 0.9f), x[i]);
        }

        float[] outputWeights = KernelAssert.Random(x.Length, 42);
        float[] y = Forward(function, parameter, parameter2, x, SimdLevel.Scalar);
        float[] dx = Backward(function, parameter, parameter2, outputWeights, x, y, SimdLevel.Scalar);
        KernelAssert.Gradient(x, dx, () => KernelAssert.WeightedSum(Forward(function, parameter, parameter2, x, SimdLevel.Scalar), outputWeights), function.ToString(), step: 0.01f);
    }

    [Fact]
    public void EachBackwardReadsOnlyWhatItsFunctionNeedsTheOthersMayBeEmpty()
    {
        float[] x = { -1f, 0.5f, 2f }, dy = { 1f, 2f, 3f };
        foreach (ActivationFunction function in Enum.GetValues<ActivationFunction>())
        {
            float[] y = Forward(function, 0.5, 20, x, SimdLevel.Scalar);
            float[] both = Backward(function, 0.5, 20, dy, x, y, SimdLevel.Scalar);
            bool readsY = function is ActivationFunction.ReLU or ActivationFunction.Sigmoid or ActivationFunction.Tanh or ActivationFunction.Elu;
            bool readsX = function is not (ActivationFunction.ReLU or ActivationFunction.Sigmoid or ActivationFunction.Tanh);
            foreach (SimdLevel level in new[] { SimdLevel.Scalar, SimdLevel.Vector256 })
            {
                var dx = new float[3];
                Activations.Backward(function, 0.5, 20, dy, readsX ? x : ReadOnlySpan<float>.Empty, readsY ? y : ReadOnlySpan<float>.Empty, dx, level);
                KernelAssert.Close(both, dx, $"{function} {level} with only what it reads", 1e-6, 1e-5);
            }

            if (readsX)
            {
                KernelAssert.Rejects(() => Activations.Backward(function, 0.5, 20, dy, ReadOnlySpan<float>.Empty, y, new float[3], SimdLevel.Scalar), "x", "Activations.Backward", "holds 0 values", "outputGradient holds 3");
            }

            if (readsY)
            {
                KernelAssert.Rejects(() => Activations.Backward(function, 0.5, 20, dy, x, ReadOnlySpan<float>.Empty, new float[3], SimdLevel.Scalar), "y", "holds 0 values");
            }
        }
    }

    [Fact]
    public void SpansOfDifferentLengthsAreRejectedByName()
    {
        KernelAssert.Rejects(() => Activations.Forward(ActivationFunction.ReLU, 0, 0, new float[4], new float[3], SimdLevel.Vector256), "y", "Activations.Forward", "y holds 3 values, but x holds 4");
        KernelAssert.Rejects(() => Activations.Backward(ActivationFunction.Gelu, 0, 0, new float[4], new float[4], ReadOnlySpan<float>.Empty, new float[5], SimdLevel.Scalar), "inputGradient", "holds 5", "outputGradient holds 4");
        KernelAssert.Rejects(() => Activations.Backward(ActivationFunction.Gelu, 0, 0, new float[4], new float[4], new float[2], new float[4], SimdLevel.Scalar), "y", "holds 2");
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Forward((ActivationFunction)99, 0, 0, new float[1], new float[1], SimdLevel.Scalar));
    }

    private static float[] Forward(ActivationFunction function, double parameter, double parameter2, float[] x, SimdLevel level)
    {
        var y = new float[x.Length];
        Activations.Forward(function, parameter, parameter2, x, y, level);
        return y;
    }

    private static float[] Backward(ActivationFunction function, double parameter, double parameter2, float[] dy, float[] x, float[] y, SimdLevel level)
    {
        var dx = new float[dy.Length];
        dx.AsSpan().Fill(float.NaN);
        Activations.Backward(function, parameter, parameter2, dy, x, y, dx, level);
        return dx;
    }
}
