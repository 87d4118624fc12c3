using System;

namespace StaticNet;

/// <summary>How a loss reduces the losses of a batch to one number, as PyTorch's <c>reduction</c> argument.</summary>
/// <remarks>
/// What is reduced is each loss's unit, the one PyTorch's <c>reduction='none'</c> hands back: a sample for the
/// classification and sequence losses, an output value for the element-wise losses (mean squared error, L1,
/// Huber, smooth L1, binary cross-entropy), a triplet for the triplet margin loss. Each loss's
/// <c>ComputeUnreduced</c> returns those units' losses.
/// </remarks>
public enum LossReduction
{
    /// <summary>
    /// The mean over the batch's units: PyTorch's <c>'mean'</c>, its default. The gradient is divided by their number.
    /// As in PyTorch, the class-weighted loss divides by the weights' sum instead, and the CTC loss first divides each
    /// sample's loss by its target length.
    /// </summary>
    Mean,

    /// <summary>The sum over the batch's units: PyTorch's <c>'sum'</c>. The gradient is not divided, so a learning rate tuned for <see cref="Mean"/> acts as many times larger.</summary>
    Sum,

    /// <summary>
    /// No reduction: one loss per unit, handed back by the loss's <c>ComputeUnreduced</c>, PyTorch's <c>'none'</c>.
    /// Such a loss gives no single number, so it cannot train a network through <c>Trainer</c>.
    /// </summary>
    None,
}

/// <summary>The checks and arithmetic every loss shares for its <see cref="LossReduction"/>.</summary>
internal static class LossReductions
{
    /// <summary>The unit of the element-wise losses' unreduced values.</summary>
    public const string OutputValue = "output value";

    /// <summary>The unit of the classification and sequence losses' unreduced values.</summary>
    public const string Sample = "sample";

    /// <summary>Returns <paramref name="reduction"/> after checking it is one of the three.</summary>
    public static LossReduction Checked(LossReduction reduction) => reduction is LossReduction.Mean or LossReduction.Sum or LossReduction.None
        ? reduction
        : throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "The reduction must be Mean, Sum or None.");

    /// <summary>
    /// What the batch's total and every gradient are divided by: the number of units for
    /// <see cref="LossReduction.Mean"/>, 1 otherwise (<see cref="LossReduction.None"/>'s gradient is that of the sum).
    /// Dividing by it, never multiplying by its inverse, keeps the mean's values bit for bit what they were.
    /// </summary>
    public static float Divisor(LossReduction reduction, int units) => reduction == LossReduction.Mean ? units : 1f;

    /// <summary>Throws when a loss with reduction <see cref="LossReduction.None"/> is asked for one number.</summary>
    public static void RefuseNone(LossReduction reduction, string loss, string unit)
    {
        if (reduction == LossReduction.None)
        {
            throw new InvalidOperationException($"This {loss} loss has reduction None, one loss per {unit}: call ComputeUnreduced, or create it with reduction Mean or Sum to get one number.");
        }
    }

    /// <summary>Checks that <paramref name="losses"/> holds the <paramref name="units"/> unreduced losses of the batch, and returns them.</summary>
    public static Span<float> Unreduced(Span<float> losses, int units, string unit)
    {
        if (losses.Length < units)
        {
            throw new ArgumentException($"losses holds {losses.Length} values, but the batch has {units} {unit} losses.", nameof(losses));
        }

        return losses.Slice(0, units);
    }
}
