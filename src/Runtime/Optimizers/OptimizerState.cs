using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// The state of an optimizer, as PyTorch's <c>optimizer.state_dict()</c> holds it: the per-parameter
/// buffers (<c>exp_avg</c>, <c>momentum_buffer</c>, ...) in the layout of the network's parameter buffer,
/// the per-parameter step counts, the learning rate, and the hyperparameters for reference.
/// <see cref="OptimizerFiles"/> saves it as safetensors.
/// </summary>
public sealed class OptimizerState
{
    /// <summary>Creates a state; optimizers create these in <see cref="IOptimizer.ExportState"/>.</summary>
    /// <param name="optimizer">The optimizer's <see cref="IOptimizer.Name"/>.</param>
    /// <param name="parameterCount">The length of the parameter buffer the state is for; 0 before the first step.</param>
    /// <param name="stepCount">Steps taken.</param>
    /// <param name="learningRate">The learning rate of the next step.</param>
    /// <param name="buffers">The per-parameter buffers by PyTorch's state names, each of <paramref name="parameterCount"/> values.</param>
    /// <param name="segments">Per-parameter step counts, as runs of the buffer that share them.</param>
    /// <param name="hyperparameters">The hyperparameters, by PyTorch's names.</param>
    public OptimizerState(
        string optimizer,
        int parameterCount,
        long stepCount,
        double learningRate,
        IReadOnlyList<KeyValuePair<string, float[]>> buffers,
        IReadOnlyList<StepSegment> segments,
        IReadOnlyList<KeyValuePair<string, double>> hyperparameters)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        ParameterCount = parameterCount;
        StepCount = stepCount;
        LearningRate = learningRate;
        Buffers = buffers ?? throw new ArgumentNullException(nameof(buffers));
        Segments = segments ?? throw new ArgumentNullException(nameof(segments));
        Hyperparameters = hyperparameters ?? throw new ArgumentNullException(nameof(hyperparameters));
    }

    /// <summary>The optimizer's name: state only goes back into the same kind of optimizer.</summary>
    public string Optimizer { get; }

    /// <summary>The length of the parameter buffer; 0 when no step has been taken.</summary>
    public int ParameterCount { get; }

    /// <summary>Steps taken.</summary>
    public long StepCount { get; }

    /// <summary>The learning rate of the next step.</summary>
    public double LearningRate { get; }

    /// <summary>Per-parameter buffers by name, in the layout of the parameter buffer.</summary>
    public IReadOnlyList<KeyValuePair<string, float[]>> Buffers { get; }

    /// <summary>Per-parameter step counts: consecutive runs that cover the buffer.</summary>
    public IReadOnlyList<StepSegment> Segments { get; }

    /// <summary>The hyperparameters when the state was taken, by PyTorch's names (<c>beta1</c>, <c>weight_decay</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Hyperparameters { get; }
}

/// <summary>
/// A run of parameters that have taken the same number of steps. PyTorch keeps a step count per
/// parameter tensor; a parameter skipped by a step (frozen) keeps its count, so runs split where
/// steps updated some parameters and not others.
/// </summary>
/// <param name="Offset">The first parameter of the run.</param>
/// <param name="Length">The number of parameters in the run.</param>
/// <param name="Step">Steps these parameters have taken (PyTorch's <c>state['step']</c>).</param>
/// <param name="Scalar">
/// A per-run scalar some optimizers keep: Nadam's running product of momentum coefficients
/// (<c>mu_product</c>, starting at 1); SGD's 1 once its momentum buffer holds values (PyTorch's buffer is
/// no longer <c>None</c>); 0 otherwise.
/// </param>
public record struct StepSegment(int Offset, int Length, long Step, double Scalar)
{
    /// <summary>One past the last parameter.</summary>
    public readonly int End => Offset + Length;
}
