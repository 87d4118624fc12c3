using System;

namespace StaticNet;

/// <summary>
/// Absolute error over every output value of the batch, as PyTorch's <c>nn.L1Loss(reduction)</c>: by default the
/// mean, <c>loss = sum(|y - t|) / (batchSize * outputs)</c>, gradient <c>sign(y - t) / (batchSize * outputs)</c>,
/// 0 where <c>y = t</c> (as PyTorch); with <see cref="LossReduction.Sum"/> neither is divided.
/// </summary>
public sealed class L1Loss : ILoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">How the output values' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public L1Loss(LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
    }

    /// <inheritdoc/>
    public string Name => "L1";

    /// <inheritdoc/>
    public bool UsesLabels => false;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, LossReductions.OutputValue);
        return Run(outputs, targets, Span<float>.Empty, outputGradient, batchSize, unreduced: false);
    }

    /// <summary>
    /// Writes each output value's absolute error into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
    /// <c>batchSize * outputs</c> values) and returns the loss reduced as <see cref="Reduction"/> says (the sum for
    /// <see cref="LossReduction.None"/>); unless <paramref name="outputGradient"/> is empty, writes that value's gradient.
    /// </summary>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize) =>
        Run(outputs, targets, losses, outputGradient, batchSize, unreduced: true);

    private float Run(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize, bool unreduced)
    {
        ReadOnlySpan<float> values = LossChecks.FiniteValues(outputs, targets, outputGradient, batchSize, Name, out int count);
        if (unreduced)
        {
            losses = LossReductions.Unreduced(losses, count, LossReductions.OutputValue);
        }

        double total = 0;
        float divisor = LossReductions.Divisor(Reduction, count), scale = 1f / divisor;
        for (int i = 0; i < count; i++)
        {
            float difference = outputs[i] - values[i];
            total += Math.Abs(difference);
            if (unreduced)
            {
                losses[i] = Math.Abs(difference);
            }

            if (!outputGradient.IsEmpty)
            {
                outputGradient[i] = MathF.Sign(difference) * scale;
            }
        }

        return (float)(total / divisor);
    }
}
