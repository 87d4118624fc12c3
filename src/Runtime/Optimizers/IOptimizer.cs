using System;

namespace StaticNet;

/// <summary>
/// A gradient-descent optimizer: one step updates every parameter from its gradient, as one loop over
/// the flat buffers. State (momentum, moment estimates) is kept in flat buffers of the same layout,
/// allocated on the first step.
/// </summary>
public interface IOptimizer
{
    /// <summary>The learning rate of the next step; schedules change it between steps.</summary>
    /// <remarks>
    /// Hyperparameters are doubles, as Python floats are in PyTorch; each step rounds them to float
    /// once, the way PyTorch converts a Python scalar for a float32 tensor operation.
    /// </remarks>
    double LearningRate { get; set; }

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>.</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}
