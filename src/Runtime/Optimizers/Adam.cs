using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// Adam with PyTorch's <c>torch.optim.Adam</c> rule and defaults (betas 0.9 and 0.999, eps 1e-8):
/// <code>
/// g = grad + weightDecay * p                       (L2 penalty, as PyTorch's Adam)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// vmax = max(vmax, v), and vmax replaces v below  (amsgrad only)
/// p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)   (multiplied, then divided, as PyTorch's addcdiv)
/// </code>
/// For decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public sealed class Adam : AdamBase
{
    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(learningRate, beta1, beta2, epsilon, weightDecay, amsgrad, decoupled: false)
    {
    }

    /// <inheritdoc/>
    public override string Name => "Adam";
}

/// <summary>
/// AdamW with PyTorch's <c>torch.optim.AdamW</c> rule and defaults (betas 0.9 and 0.999, eps 1e-8,
/// weight decay 0.01): the weight decay is decoupled from the gradient, applied to the parameters
/// before the Adam step (Loshchilov and Hutter, 2019):
/// <code>
/// p = p * (1 - lr * weightDecay)
/// m = beta1 * m + (1 - beta1) * grad
/// v = beta2 * v + (1 - beta2) * grad^2
/// vmax = max(vmax, v), and vmax replaces v below  (amsgrad only)
/// p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// </code>
/// </summary>
public sealed class AdamW : AdamBase
{
    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public AdamW(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(learningRate, beta1, beta2, epsilon, weightDecay, amsgrad, decoupled: true)
    {
    }

    /// <inheritdoc/>
    public override string Name => "AdamW";
}

/// <summary>The update shared by <see cref="Adam"/> and <see cref="AdamW"/>, which differ only in how weight decay applies.</summary>
public abstract class AdamBase : AdaptiveMomentOptimizer
{
    private protected AdamBase(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool amsgrad, bool decoupled)
        : base(learningRate, beta1, beta2, epsilon, weightDecay, decoupled, amsgrad ? new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" } : new[] { "exp_avg", "exp_avg_sq" })
    {
        AmsGrad = amsgrad;
    }

    /// <summary>Whether the AMSGrad variant divides by the largest second moment seen so far.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, ref StepSegment segment)
    {
        long t = segment.Step;
        float stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, t)));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, t));
        (float b1, float b2, float c1, float c2, float eps, float l2, float keep) = Rounded;
        Span<float> m = State(0, offset, parameters.Length);
        Span<float> v = State(1, offset, parameters.Length);
        Span<float> vmax = AmsGrad ? State(2, offset, parameters.Length) : Span<float>.Empty;
        bool amsgrad = AmsGrad;

        // The vector loop and the scalar tail compute the same operations in the same order, so results
        // do not depend on vector width. Multiplying by keep = 1 (Adam) leaves a parameter exactly as it is.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            Span<Vector<float>> vmaxv = MemoryMarshal.Cast<float, Vector<float>>(vmax);
            for (int k = 0; k < p.Length; k++)
            {
                Vector<float> pk = p[k] * keep;
                Vector<float> d = g[k] + (l2 * pk);
                mv[k] = (b1 * mv[k]) + (c1 * d);
                vv[k] = (b2 * vv[k]) + (c2 * d * d);
                Vector<float> second = vv[k];
                if (amsgrad)
                {
                    second = vmaxv[k] = Vector.Max(vmaxv[k], second);
                }

                Vector<float> denominator = (Vector.SquareRoot(second) / correction2Sqrt) + new Vector<float>(eps);
                p[k] = pk - (stepSize * mv[k] / denominator);
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            float pk = parameters[i] * keep;
            float d = gradients[i] + (l2 * pk);
            m[i] = (b1 * m[i]) + (c1 * d);
            v[i] = (b2 * v[i]) + (c2 * d * d);
            float second = v[i];
            if (amsgrad)
            {
                second = vmax[i] = Math.Max(vmax[i], second);
            }

            float denominator = (MathF.Sqrt(second) / correction2Sqrt) + eps;
            parameters[i] = pk - (stepSize * m[i] / denominator);
        }
    }

    /// <inheritdoc/>
    private protected override void AddOwnHyperparameters(List<KeyValuePair<string, double>> hyperparameters) =>
        hyperparameters.Add(new("amsgrad", AmsGrad ? 1 : 0));
}
