using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// Nadam (Adam with Nesterov momentum, Dozat 2016) with PyTorch's <c>torch.optim.NAdam</c> rule and
/// defaults (lr 0.002, betas 0.9 and 0.999, eps 1e-8, momentum decay 0.004):
/// <code>
/// g = grad + weightDecay * p                  (L2 penalty; or p = p * (1 - lr * weightDecay) when decoupled)
/// mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentumDecay)),  mu_{t+1} likewise
/// prod_t = mu_1 * ... * mu_t
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// denom = sqrt(v / (1 - beta2^t)) + eps
/// p = p - lr * (1 - mu_t) / (1 - prod_t) * g / denom
/// p = p - lr * mu_{t+1} / (1 - prod_t * mu_{t+1}) * m / denom
/// </code>
/// This is the documented rule, which PyTorch implements from 2.0; PyTorch 1.13 multiplied
/// <c>prod_t * mu_{t+1}</c> by <c>mu_t</c> once more. The product is kept in double precision per
/// parameter run (<see cref="StepSegment.Scalar"/>).
/// </summary>
public sealed class Nadam : AdaptiveMomentOptimizer
{
    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public Nadam(double learningRate = 2e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3, bool decoupledWeightDecay = false)
        : base(learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay, "exp_avg", "exp_avg_sq")
    {
        Check(momentumDecay, 0, double.PositiveInfinity, nameof(momentumDecay));
        MomentumDecay = momentumDecay;
    }

    /// <inheritdoc/>
    public override string Name => "NAdam";

    /// <summary>The momentum decay <c>psi</c> of the momentum schedule.</summary>
    public double MomentumDecay { get; }

    /// <summary>Whether weight decay multiplies the parameters (as AdamW) instead of adding to the gradient.</summary>
    public bool DecoupledWeightDecay => Decoupled;

    /// <inheritdoc/>
    protected override double InitialScalar => 1.0;

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, ref StepSegment segment)
    {
        long t = segment.Step;
        double mu = Beta1 * (1.0 - (0.5 * Math.Pow(0.96, t * MomentumDecay)));
        double muNext = Beta1 * (1.0 - (0.5 * Math.Pow(0.96, (t + 1) * MomentumDecay)));
        segment.Scalar *= mu;
        double muProduct = segment.Scalar, muProductNext = muProduct * muNext;
        float correction2 = (float)(1 - Math.Pow(Beta2, t));
        float gradientScale = (float)(-LearningRate * (1.0 - mu) / (1.0 - muProduct));
        float momentScale = (float)(-LearningRate * muNext / (1.0 - muProductNext));
        (float b1, float b2, float c1, float c2, float eps, float l2, float keep) = Rounded;
        Span<float> m = State(0, offset, parameters.Length);
        Span<float> v = State(1, offset, parameters.Length);

        // The vector loop and the scalar tail compute the same operations in the same order, so results do not depend on vector width.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (int k = 0; k < p.Length; k++)
            {
                Vector<float> pk = p[k] * keep;
                Vector<float> d = g[k] + (l2 * pk);
                mv[k] = (b1 * mv[k]) + (c1 * d);
                vv[k] = (b2 * vv[k]) + (c2 * d * d);
                Vector<float> denominator = Vector.SquareRoot(vv[k] / correction2) + new Vector<float>(eps);
                pk += gradientScale * d / denominator;
                p[k] = pk + (momentScale * mv[k] / denominator);
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            float pk = parameters[i] * keep;
            float d = gradients[i] + (l2 * pk);
            m[i] = (b1 * m[i]) + (c1 * d);
            v[i] = (b2 * v[i]) + (c2 * d * d);
            float denominator = MathF.Sqrt(v[i] / correction2) + eps;
            pk += gradientScale * d / denominator;
            parameters[i] = pk + (momentScale * m[i] / denominator);
        }
    }

    /// <inheritdoc/>
    private protected override void AddOwnHyperparameters(List<KeyValuePair<string, double>> hyperparameters)
    {
        hyperparameters.Add(new("momentum_decay", MomentumDecay));
        hyperparameters.Add(new("decoupled_weight_decay", DecoupledWeightDecay ? 1 : 0));
    }
}
