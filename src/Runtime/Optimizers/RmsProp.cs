using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// RMSprop with PyTorch's <c>torch.optim.RMSprop</c> rule and defaults (lr 0.01, alpha 0.99, eps 1e-8):
/// <code>
/// g = grad + weightDecay * p                         (L2 penalty)
/// s = alpha * s + (1 - alpha) * g^2
/// centered:  a = alpha * a + (1 - alpha) * g;  denom = sqrt(s - a^2) + eps
/// otherwise: denom = sqrt(s) + eps
/// momentum > 0: buf = momentum * buf + g / denom;  p = p - lr * buf
/// otherwise:    p = p - lr * g / denom
/// </code>
/// </summary>
public sealed class RmsProp : Optimizer, IMomentumOptimizer
{
    private readonly int _gradientAverage, _momentumBuffer;
    private double _momentum;
    private float _lr, _alpha, _oneMinusAlpha, _eps, _decay, _momentumFloat;

    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public RmsProp(double learningRate = 1e-2, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(learningRate, BufferNames(momentum, centered))
    {
        Check(alpha, 0, 1, nameof(alpha), maxInclusive: true);
        Check(epsilon, 0, double.PositiveInfinity, nameof(epsilon));
        Check(weightDecay, 0, double.PositiveInfinity, nameof(weightDecay));
        Check(momentum, 0, double.PositiveInfinity, nameof(momentum));
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _momentum = momentum;
        Centered = centered;
        _gradientAverage = centered ? 1 : -1;
        _momentumBuffer = momentum > 0 ? (centered ? 2 : 1) : -1;
    }

    /// <inheritdoc/>
    public override string Name => "RMSprop";

    /// <summary>The smoothing constant of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the gradient is normalised by an estimate of its variance rather than its second moment.</summary>
    public bool Centered { get; }

    /// <summary>
    /// The momentum factor. A momentum buffer exists only when the optimizer was created with momentum
    /// above 0 (as in PyTorch), so it can then be changed (by <see cref="OneCycleLR"/>) but not switched on.
    /// </summary>
    public double Momentum
    {
        get => _momentum;
        set
        {
            Check(value, 0, double.PositiveInfinity, nameof(Momentum));
            if (value > 0 && _momentumBuffer < 0)
            {
                throw new InvalidOperationException("This RMSprop was created without momentum, so it keeps no momentum buffer; create it with momentum above 0 to use or cycle momentum.");
            }

            _momentum = value;
        }
    }

    /// <inheritdoc/>
    protected override void BeginStep()
    {
        _lr = (float)LearningRate;
        _alpha = (float)Alpha;
        _oneMinusAlpha = (float)(1 - Alpha);
        _eps = (float)Epsilon;
        _decay = (float)WeightDecay;
        _momentumFloat = (float)Momentum;
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, ref StepSegment segment)
    {
        float lr = _lr, alpha = _alpha, oneMinusAlpha = _oneMinusAlpha, eps = _eps, decay = _decay, momentum = _momentumFloat;
        int length = parameters.Length;
        Span<float> square = State(0, offset, length);
        Span<float> average = _gradientAverage >= 0 ? State(_gradientAverage, offset, length) : Span<float>.Empty;
        Span<float> buffer = _momentumBuffer >= 0 ? State(_momentumBuffer, offset, length) : Span<float>.Empty;
        bool centered = Centered, useMomentum = momentum > 0f;

        // The vector loop and the scalar tail compute the same operations in the same order, so results do not depend on vector width.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> s = MemoryMarshal.Cast<float, Vector<float>>(square);
            Span<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(average);
            Span<Vector<float>> b = MemoryMarshal.Cast<float, Vector<float>>(buffer);
            for (int k = 0; k < p.Length; k++)
            {
                Vector<float> d = g[k] + (decay * p[k]);
                s[k] = (alpha * s[k]) + (oneMinusAlpha * d * d);
                Vector<float> denominator;
                if (centered)
                {
                    a[k] = (alpha * a[k]) + (oneMinusAlpha * d);
                    denominator = Vector.SquareRoot(s[k] - (a[k] * a[k]));
                }
                else
                {
                    denominator = Vector.SquareRoot(s[k]);
                }

                denominator += new Vector<float>(eps);
                if (useMomentum)
                {
                    b[k] = (momentum * b[k]) + (d / denominator);
                    p[k] -= lr * b[k];
                }
                else
                {
                    p[k] -= lr * d / denominator;
                }
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < length; i++)
        {
            float d = gradients[i] + (decay * parameters[i]);
            square[i] = (alpha * square[i]) + (oneMinusAlpha * d * d);
            float denominator;
            if (centered)
            {
                average[i] = (alpha * average[i]) + (oneMinusAlpha * d);
                denominator = MathF.Sqrt(square[i] - (average[i] * average[i]));
            }
            else
            {
                denominator = MathF.Sqrt(square[i]);
            }

            denominator += eps;
            if (useMomentum)
            {
                buffer[i] = (momentum * buffer[i]) + (d / denominator);
                parameters[i] -= lr * buffer[i];
            }
            else
            {
                parameters[i] -= lr * d / denominator;
            }
        }
    }

    /// <inheritdoc/>
    protected override void AddHyperparameters(List<KeyValuePair<string, double>> hyperparameters)
    {
        hyperparameters.Add(new("alpha", Alpha));
        hyperparameters.Add(new("eps", Epsilon));
        hyperparameters.Add(new("weight_decay", WeightDecay));
        hyperparameters.Add(new("momentum", Momentum));
        hyperparameters.Add(new("centered", Centered ? 1 : 0));
    }

    /// <inheritdoc/>
    protected override void ImportHyperparameters(IReadOnlyList<KeyValuePair<string, double>> hyperparameters) =>
        Momentum = Hyperparameter(hyperparameters, "momentum", Momentum);

    private static string[] BufferNames(double momentum, bool centered)
    {
        var names = new List<string> { "square_avg" };
        if (centered)
        {
            names.Add("grad_avg");
        }

        if (momentum > 0)
        {
            names.Add("momentum_buffer");
        }

        return names.ToArray();
    }
}
