using System;

namespace StaticNet;

/// <summary>
/// A hand-over for <see cref="Trainer{TNetwork}.SwitchOptimizer"/>: from the start of epoch
/// <see cref="Epoch"/> (counted from 1), <see cref="Optimizer"/> trains instead of the trainer's first.
/// </summary>
public sealed class OptimizerSwitch
{
    /// <param name="epoch">The first epoch the new optimizer trains, from 2.</param>
    /// <param name="optimizer">The optimizer that takes over, with its own learning rate and settings.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is below 2.</exception>
    public OptimizerSwitch(int epoch, IOptimizer optimizer)
    {
        Epoch = epoch >= 2 ? epoch : throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The hand-over happens at the start of an epoch after the first: 2 or later (to train with one optimizer from the start, give it to the trainer).");
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
    }

    /// <summary>The first epoch the new optimizer trains.</summary>
    public int Epoch { get; }

    /// <summary>The optimizer that takes over.</summary>
    public IOptimizer Optimizer { get; }
}
