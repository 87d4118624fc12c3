using System;
using System.Collections.Generic;
using System.IO;

namespace StaticNet;

/// <summary>
/// One parameter tensor's health at a step (or, in <see cref="EpochMetrics.Tensors"/>, the mean over an
/// epoch's steps): the signal of vanishing and exploding gradients, and of a learning rate too large or
/// too small for the layer (an update-to-weight ratio far from about 1e-3).
/// </summary>
/// <param name="Name">The tensor's <c>state_dict</c> name (<c>conv1.weight</c>).</param>
/// <param name="GradientNorm">The L2 norm of the tensor's gradient, before clipping.</param>
/// <param name="WeightNorm">The L2 norm of the tensor after the step.</param>
/// <param name="UpdateRatio">The L2 norm of what the step changed, over <see cref="WeightNorm"/> (0 for a tensor of zeros that did not move).</param>
public readonly record struct TensorStatistics(string Name, double GradientNorm, double WeightNorm, double UpdateRatio);

/// <summary>
/// Warns, naming the tensor and the step, when a parameter tensor's gradient vanishes or explodes. It
/// reads the per-step statistics the trainer gathers with <see cref="Trainer{TNetwork}.MonitorTensors"/>.
/// Writes nothing, and allocates nothing, on the steps where every gradient is within the bounds.
/// </summary>
/// <param name="vanishingBelow">A gradient norm below this is reported as vanishing (1e-7 by default).</param>
/// <param name="explodingAbove">A gradient norm above this, or not finite, is reported as exploding (1e3 by default).</param>
/// <param name="writer">Where warnings go; the standard error by default.</param>
public sealed class GradientMonitor(double vanishingBelow = 1e-7, double explodingAbove = 1e3, TextWriter? writer = null) : ITrainingCallback
{
    private readonly List<string> _warnings = new();

    /// <summary>The warnings so far, in the order they were given.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <inheritdoc/>
    public void TrainingStarted(TrainingContext context)
    {
        if (context.TensorStatistics is null)
        {
            throw new InvalidOperationException("GradientMonitor reads the trainer's per-tensor statistics: set MonitorTensors = true on the trainer.");
        }
    }

    /// <inheritdoc/>
    public void BatchCompleted(TrainingContext context, in BatchMetrics batch)
    {
        foreach (TensorStatistics tensor in context.TensorStatistics!)
        {
            string? problem = !double.IsFinite(tensor.GradientNorm) || tensor.GradientNorm > explodingAbove ? FormattableString.Invariant($"exploding: above {explodingAbove:G3}")
                : tensor.GradientNorm < vanishingBelow ? FormattableString.Invariant($"vanishing: below {vanishingBelow:G3}")
                : null;
            if (problem is not null)
            {
                string warning = FormattableString.Invariant($"Step {batch.Step} (epoch {batch.Epoch}, batch {batch.Batch}): the gradient of {tensor.Name} has norm {tensor.GradientNorm:G3}, {problem}.");
                _warnings.Add(warning);
                (writer ?? Console.Error).WriteLine(warning);
            }
        }
    }
}
