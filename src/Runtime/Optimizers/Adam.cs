using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// Adam with PyTorch's <c>torch.optim.Adam</c> rule and defaults (betas 0.9 and 0.999, eps 1e-8):
/// <code>
/// g = grad + weightDecay * p                       (L2 penalty, as PyTorch's Adam)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)   (multiplied, then divided, as PyTorch's addcdiv)
/// </code>
/// </summary>
public sealed class Adam : IOptimizer
{
    private float[]? _m;
    private float[]? _v;

    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        if (!(learningRate >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be at least 0.");
        }

        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        }

        if (!(epsilon >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be at least 0.");
        }

        if (!(weightDecay >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be at least 0.");
        }

        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    public double LearningRate { get; set; }

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float[] m = OptimizerState.Ensure(ref _m, parameters.Length, gradients.Length, nameof(Adam));
        float[] v = OptimizerState.Ensure(ref _v, parameters.Length, gradients.Length, nameof(Adam));
        StepCount++;

        // Coefficients in double, then rounded once, as PyTorch computes them in Python floats.
        float stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, StepCount)));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, StepCount));
        float b1 = (float)Beta1, b2 = (float)Beta2, c1 = (float)(1 - Beta1), c2 = (float)(1 - Beta2), eps = (float)Epsilon, decay = (float)WeightDecay;

        // The vector loop and the scalar tail compute the same operations in the same order, so results do not depend on vector width.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(m.AsSpan());
            Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(v.AsSpan());
            for (int k = 0; k < p.Length; k++)
            {
                Vector<float> d = g[k] + (decay * p[k]);
                mv[k] = (b1 * mv[k]) + (c1 * d);
                vv[k] = (b2 * vv[k]) + (c2 * d * d);
                Vector<float> denominator = (Vector.SquareRoot(vv[k]) / correction2Sqrt) + new Vector<float>(eps);
                p[k] -= stepSize * mv[k] / denominator;
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            float d = gradients[i] + (decay * parameters[i]);
            m[i] = (b1 * m[i]) + (c1 * d);
            v[i] = (b2 * v[i]) + (c2 * d * d);
            float denominator = (MathF.Sqrt(v[i]) / correction2Sqrt) + eps;
            parameters[i] -= stepSize * m[i] / denominator;
        }
    }
}
