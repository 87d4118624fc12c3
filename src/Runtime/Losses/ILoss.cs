using System;

namespace StaticNet;

/// <summary>
/// The targets of one batch: class indices for classification losses, values for regression losses.
/// A loss reads the one it needs and throws, naming it, when that one is missing.
/// </summary>
public readonly ref struct BatchTargets
{
    /// <summary>Targets given as class indices, one per sample.</summary>
    public BatchTargets(ReadOnlySpan<int> labels)
    {
        Labels = labels;
        Values = default;
    }

    /// <summary>Targets given as values, one row of the output's length per sample.</summary>
    public BatchTargets(ReadOnlySpan<float> values)
    {
        Labels = default;
        Values = values;
    }

    /// <summary>Class indices, one per sample; empty for value targets.</summary>
    public ReadOnlySpan<int> Labels { get; }

    /// <summary>Target values, <c>batchSize * outputLength</c> of them; empty for class targets.</summary>
    public ReadOnlySpan<float> Values { get; }
}

/// <summary>
/// A loss: the mean over the batch of a per-sample loss, and its gradient with respect to the
/// network's outputs (already divided by the batch size, as PyTorch's <c>reduction='mean'</c>).
/// </summary>
public interface ILoss
{
    /// <summary>The loss's name, for progress output and history files.</summary>
    string Name { get; }

    /// <summary>Whether the loss takes class indices (<see cref="BatchTargets.Labels"/>) rather than values.</summary>
    bool UsesLabels { get; }

    /// <summary>
    /// Computes the mean loss over <paramref name="batchSize"/> samples and, unless
    /// <paramref name="outputGradient"/> is empty, writes d(loss)/d(outputs) into it.
    /// </summary>
    float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize);
}
