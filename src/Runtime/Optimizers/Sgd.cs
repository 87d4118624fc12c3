using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// Stochastic gradient descent with PyTorch's <c>torch.optim.SGD</c> rule and defaults:
/// <code>
/// g = grad + weightDecay * p
/// buf = g on the first step, then momentum * buf + (1 - dampening) * g
/// g = nesterov ? g + momentum * buf : buf      (when momentum != 0)
/// p = p - lr * g
/// </code>
/// </summary>
public sealed class Sgd : IOptimizer
{
    private float[]? _momentum;
    private bool _started;

    /// <summary>Creates the optimizer; the arguments are PyTorch's, with PyTorch's defaults.</summary>
    public Sgd(double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
    {
        if (!(learningRate >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be at least 0.");
        }

        if (!(momentum >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be at least 0.");
        }

        if (!(weightDecay >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be at least 0.");
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum above 0 and zero dampening, as in PyTorch.", nameof(nesterov));
        }

        LearningRate = learningRate;
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public double LearningRate { get; set; }

    /// <summary>The momentum factor; 0 for plain SGD.</summary>
    public double Momentum { get; }

    /// <summary>The dampening of momentum.</summary>
    public double Dampening { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        float[] buffer = OptimizerState.Ensure(ref _momentum, parameters.Length, gradients.Length, nameof(Sgd));
        float lr = (float)LearningRate, decay = (float)WeightDecay, momentum = (float)Momentum, keep = (float)(1 - Dampening);
        bool first = !_started;
        _started = true;

        // The vector loop and the scalar tail compute the same operations in the same order, so results do not depend on vector width.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradients);
            Span<Vector<float>> m = MemoryMarshal.Cast<float, Vector<float>>(buffer.AsSpan());
            for (int v = 0; v < p.Length; v++)
            {
                Vector<float> d = g[v] + (decay * p[v]);
                if (momentum != 0f)
                {
                    m[v] = first ? d : (momentum * m[v]) + (keep * d);
                    d = Nesterov ? d + (momentum * m[v]) : m[v];
                }

                p[v] -= lr * d;
            }

            i = p.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            float d = gradients[i] + (decay * parameters[i]);
            if (momentum != 0f)
            {
                buffer[i] = first ? d : (momentum * buffer[i]) + (keep * d);
                d = Nesterov ? d + (momentum * buffer[i]) : buffer[i];
            }

            parameters[i] -= lr * d;
        }
    }
}
