using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// AdaGrad with PyTorch's <c>torch.optim.Adagrad</c> rule and defaults (lr 0.01, eps 1e-10):
/// <code>
/// g = grad + weightDecay * p                 (L2 penalty)
/// clr = lr / (1 + (t - 1) * lrDecay)
/// sum = sum + g^2                            (sum starts at initialAccumulatorValue)
/// p = p - clr * g / (sqrt(sum) + eps)
/// </code>
/// </summary>
public sealed class AdaGrad : Optimizer
{
    private float _decay, _eps;

    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public AdaGrad(double learningRate = 1e-2, double learningRateDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double epsilon = 1e-10)
        : base(learningRate, "sum")
    {
        Check(learningRateDecay, 0, double.PositiveInfinity, nameof(learningRateDecay));
        Check(weightDecay, 0, double.PositiveInfinity, nameof(weightDecay));
        Check(initialAccumulatorValue, 0, double.PositiveInfinity, nameof(initialAccumulatorValue));
        Check(epsilon, 0, double.PositiveInfinity, nameof(epsilon));
        LearningRateDecay = learningRateDecay;
        WeightDecay = weightDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    /// <inheritdoc/>
    public override string Name => "Adagrad";

    /// <summary>How fast the learning rate decays with the step count.</summary>
    public double LearningRateDecay { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>The value the sum of squared gradients starts from.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override float InitialBufferValue(int buffer) => (float)InitialAccumulatorValue;

    /// <inheritdoc/>
    protected override void BeginStep()
    {
        _decay = (float)WeightDecay;
        _eps = (float)Epsilon;
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, ref StepSegment segment)
    {
        float clr = (float)(LearningRate / (1 + ((segment.Step - 1) * LearningRateDecay)));
        float decay = _decay, eps = _eps;
        Span<float> sum = State(0, offset, parameters.Length);

        // The vector loop and the scalar tail compute the same operations in the same order, so results do not depend on vector width.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> s = MemoryMarshal.Cast<float, Vector<float>>(sum);
            for (int k = 0; k < p.Length; k++)
            {
                Vector<float> d = g[k] + (decay * p[k]);
                s[k] += d * d;
                p[k] -= clr * d / (Vector.SquareRoot(s[k]) + new Vector<float>(eps));
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            float d = gradients[i] + (decay * parameters[i]);
            sum[i] += d * d;
            parameters[i] -= clr * d / (MathF.Sqrt(sum[i]) + eps);
        }
    }

    /// <inheritdoc/>
    protected override void AddHyperparameters(List<KeyValuePair<string, double>> hyperparameters)
    {
        hyperparameters.Add(new("lr_decay", LearningRateDecay));
        hyperparameters.Add(new("weight_decay", WeightDecay));
        hyperparameters.Add(new("initial_accumulator_value", InitialAccumulatorValue));
        hyperparameters.Add(new("eps", Epsilon));
    }
}
