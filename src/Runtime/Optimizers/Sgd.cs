using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// Stochastic gradient descent with PyTorch's <c>torch.optim.SGD</c> rule and defaults:
/// <code>
/// g = grad + weightDecay * p                   (L2 penalty)
/// buf = g on the first step, then momentum * buf + (1 - dampening) * g
/// g = nesterov ? g + momentum * buf : buf      (when momentum != 0)
/// p = p - lr * g
/// </code>
/// </summary>
public sealed class Sgd : Optimizer, IMomentumOptimizer
{
    private double _momentum;
    private float _lr, _decay, _momentumFloat, _keep;

    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public Sgd(double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(learningRate, "momentum_buffer")
    {
        Check(momentum, 0, double.PositiveInfinity, nameof(momentum));
        Check(dampening, 0, 1, nameof(dampening), maxInclusive: true);
        Check(weightDecay, 0, double.PositiveInfinity, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum above 0 and zero dampening, as in PyTorch.", nameof(nesterov));
        }

        _momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <summary>The momentum factor; 0 for plain SGD. Schedules such as <see cref="OneCycleLR"/> may change it.</summary>
    public double Momentum
    {
        get => _momentum;
        set
        {
            Check(value, 0, double.PositiveInfinity, nameof(Momentum));
            if (Nesterov && value <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Momentum), value, "Nesterov momentum needs a momentum above 0.");
            }

            _momentum = value;
        }
    }

    /// <summary>The dampening of momentum.</summary>
    public double Dampening { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override void BeginStep()
    {
        _lr = (float)LearningRate;
        _decay = (float)WeightDecay;
        _momentumFloat = (float)Momentum;
        _keep = (float)(1 - Dampening);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, ref StepSegment segment)
    {
        float lr = _lr, decay = _decay, momentum = _momentumFloat, keep = _keep;
        if (momentum == 0f)
        {
            // PyTorch keeps no momentum buffer then, and leaves it alone.
            UpdatePlain(parameters, gradients, lr, decay);
            return;
        }

        // The buffer starts as a copy of the first gradient it sees (PyTorch's buffer is None until then).
        bool first = segment.Scalar == 0;
        segment.Scalar = 1;
        Span<float> buffer = State(0, offset, parameters.Length);
        bool nesterov = Nesterov;

        // The vector loop and the scalar tail compute the same operations in the same order, so results do not depend on vector width.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> m = MemoryMarshal.Cast<float, Vector<float>>(buffer);
            for (int v = 0; v < p.Length; v++)
            {
                Vector<float> d = g[v] + (decay * p[v]);
                m[v] = first ? d : (momentum * m[v]) + (keep * d);
                d = nesterov ? d + (momentum * m[v]) : m[v];
                p[v] -= lr * d;
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            float d = gradients[i] + (decay * parameters[i]);
            buffer[i] = first ? d : (momentum * buffer[i]) + (keep * d);
            d = nesterov ? d + (momentum * buffer[i]) : buffer[i];
            parameters[i] -= lr * d;
        }
    }

    /// <inheritdoc/>
    protected override void AddHyperparameters(List<KeyValuePair<string, double>> hyperparameters)
    {
        hyperparameters.Add(new("momentum", Momentum));
        hyperparameters.Add(new("dampening", Dampening));
        hyperparameters.Add(new("weight_decay", WeightDecay));
        hyperparameters.Add(new("nesterov", Nesterov ? 1 : 0));
    }

    /// <inheritdoc/>
    protected override void ImportHyperparameters(IReadOnlyList<KeyValuePair<string, double>> hyperparameters) =>
        Momentum = Hyperparameter(hyperparameters, "momentum", Momentum);

    private static void UpdatePlain(Span<float> parameters, ReadOnlySpan<float> gradients, float lr, float decay)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            for (int v = 0; v < p.Length; v++)
            {
                p[v] -= lr * (g[v] + (decay * p[v]));
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            parameters[i] -= lr * (gradients[i] + (decay * parameters[i]));
        }
    }
}
