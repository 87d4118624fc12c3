using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// Lion (EvoLved Sign Momentum; Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms",
/// Algorithm 2), with the defaults of the authors' PyTorch implementation (lr 1e-4, betas 0.9 and
/// 0.99). It is not in <c>torch.optim</c>; the rule is the paper's:
/// <code>
/// p = p * (1 - lr * weightDecay)             (decoupled)
/// c = beta1 * m + (1 - beta1) * grad
/// p = p - lr * sign(c)
/// m = beta2 * m + (1 - beta2) * grad
/// </code>
/// Every update has the same magnitude per parameter, so Lion wants a learning rate 3 to 10 times
/// smaller than AdamW's and a weight decay as many times larger.
/// </summary>
public sealed class Lion : Optimizer, IMomentumOptimizer
{
    private double _beta1;
    private float _lr, _b1, _c1, _b2, _c2, _keep;

    /// <summary>Creates the optimizer with the paper's defaults.</summary>
    public Lion(double learningRate = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : base(learningRate, "exp_avg")
    {
        Check(beta1, 0, 1, nameof(beta1), maxInclusive: true);
        Check(beta2, 0, 1, nameof(beta2), maxInclusive: true);
        Check(weightDecay, 0, double.PositiveInfinity, nameof(weightDecay));
        _beta1 = beta1;
        Beta2 = beta2;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    public override string Name => "Lion";

    /// <summary>The interpolation of momentum and gradient whose sign is the update. Schedules such as <see cref="OneCycleLR"/> may change it.</summary>
    public double Beta1
    {
        get => _beta1;
        set
        {
            Check(value, 0, 1, nameof(Beta1), maxInclusive: true);
            _beta1 = value;
        }
    }

    /// <summary>The decay of the momentum.</summary>
    public double Beta2 { get; }

    /// <summary>Decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    double IMomentumOptimizer.Momentum
    {
        get => Beta1;
        set => Beta1 = value;
    }

    /// <inheritdoc/>
    protected override void BeginStep()
    {
        _lr = (float)LearningRate;
        _b1 = (float)Beta1;
        _c1 = (float)(1 - Beta1);
        _b2 = (float)Beta2;
        _c2 = (float)(1 - Beta2);
        _keep = (float)(1 - (LearningRate * WeightDecay));
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, ref StepSegment segment)
    {
        float lr = _lr, b1 = _b1, c1 = _c1, b2 = _b2, c2 = _c2, keep = _keep;
        Span<float> m = State(0, offset, parameters.Length);

        // The vector loop and the scalar tail compute the same operations in the same order, so results do not depend on vector width.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            Vector<float> one = Vector<float>.One, zero = Vector<float>.Zero;
            for (int k = 0; k < p.Length; k++)
            {
                Vector<float> c = (b1 * mv[k]) + (c1 * g[k]);

                // sign(c): 1, -1, or 0 for 0, as torch.sign.
                Vector<float> sign = Vector.ConditionalSelect(Vector.GreaterThan(c, zero), one, Vector.ConditionalSelect(Vector.LessThan(c, zero), -one, zero));
                p[k] = (p[k] * keep) - (lr * sign);
                mv[k] = (b2 * mv[k]) + (c2 * g[k]);
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            float c = (b1 * m[i]) + (c1 * gradients[i]);
            float sign = c > 0f ? 1f : c < 0f ? -1f : 0f;
            parameters[i] = (parameters[i] * keep) - (lr * sign);
            m[i] = (b2 * m[i]) + (c2 * gradients[i]);
        }
    }

    /// <inheritdoc/>
    protected override void AddHyperparameters(List<KeyValuePair<string, double>> hyperparameters)
    {
        hyperparameters.Add(new("beta1", Beta1));
        hyperparameters.Add(new("beta2", Beta2));
        hyperparameters.Add(new("weight_decay", WeightDecay));
    }

    /// <inheritdoc/>
    protected override void ImportHyperparameters(IReadOnlyList<KeyValuePair<string, double>> hyperparameters) =>
        Beta1 = Hyperparameter(hyperparameters, "beta1", Beta1);
}
