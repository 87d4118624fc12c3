using System;

namespace StaticNet;

/// <summary>
/// The targets of one batch: class indices for classification losses, values for regression losses,
/// label sequences for sequence losses (<see cref="CtcLoss"/>). A loss reads the one it needs and throws,
/// naming it, when that one is missing.
/// </summary>
public readonly ref struct BatchTargets
{
    /// <summary>Targets given as class indices, one per sample.</summary>
    public BatchTargets(ReadOnlySpan<int> labels)
    {
        Labels = labels;
    }

    /// <summary>Targets given as values, one row of the output's length per sample.</summary>
    public BatchTargets(ReadOnlySpan<float> values)
    {
        Values = values;
    }

    /// <summary>
    /// Targets given as label sequences of different lengths, padded to one length as PyTorch's
    /// <c>nn.CTCLoss</c> takes them (targets of shape (N, S)): sample <c>b</c>'s sequence is
    /// <c>sequences[b * paddedLength ..]</c>, its first <c>sequenceLengths[b]</c> values; the padding
    /// after them is never read.
    /// </summary>
    /// <param name="sequences">The padded sequences, <paramref name="paddedLength"/> values per sample.</param>
    /// <param name="paddedLength">The length every sequence is padded to (S); 0 when every sequence is empty.</param>
    /// <param name="sequenceLengths">Each sample's sequence length, from 0 to <paramref name="paddedLength"/>.</param>
    /// <param name="inputLengths">
    /// Each sample's number of valid output steps (PyTorch's <c>input_lengths</c>), the steps after them
    /// being padding; empty (the default) when every sample uses all of them.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="paddedLength"/> is negative.</exception>
    public BatchTargets(ReadOnlySpan<int> sequences, int paddedLength, ReadOnlySpan<int> sequenceLengths, ReadOnlySpan<int> inputLengths = default)
    {
        if (paddedLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(paddedLength), paddedLength, "The padded sequence length must be 0 or more.");
        }

        Sequences = sequences;
        PaddedSequenceLength = paddedLength;
        SequenceLengths = sequenceLengths;
        InputLengths = inputLengths;
    }

    /// <summary>Class indices, one per sample; empty for value and sequence targets.</summary>
    public ReadOnlySpan<int> Labels { get; }

    /// <summary>Target values, <c>batchSize * outputLength</c> of them; empty for class and sequence targets.</summary>
    public ReadOnlySpan<float> Values { get; }

    /// <summary>Label sequences, <see cref="PaddedSequenceLength"/> values per sample; empty for other targets (and when every sequence is empty).</summary>
    public ReadOnlySpan<int> Sequences { get; }

    /// <summary>The length each sample's sequence in <see cref="Sequences"/> is padded to; 0 for other targets.</summary>
    public int PaddedSequenceLength { get; }

    /// <summary>Each sample's sequence length; empty for class and value targets.</summary>
    public ReadOnlySpan<int> SequenceLengths { get; }

    /// <summary>Each sample's number of valid output steps for a sequence loss; empty when every sample uses all of them.</summary>
    public ReadOnlySpan<int> InputLengths { get; }
}

/// <summary>
/// A loss: the batch's losses reduced to one number (by default their mean, as PyTorch's
/// <c>reduction='mean'</c>), and its gradient with respect to the network's outputs, reduced the same way
/// (divided by the batch size for the mean).
/// </summary>
public interface ILoss
{
    /// <summary>The loss's name, for progress output and history files.</summary>
    string Name { get; }

    /// <summary>Whether the loss takes class indices (<see cref="BatchTargets.Labels"/>) rather than values.</summary>
    bool UsesLabels { get; }

    /// <summary>
    /// How the loss reduces the batch's losses to one number; <see cref="LossReduction.Mean"/> unless the loss says
    /// otherwise. A loss with <see cref="LossReduction.None"/> cannot train a network: <see cref="Compute"/> throws.
    /// </summary>
    LossReduction Reduction => LossReduction.Mean;

    /// <summary>
    /// Computes the loss over <paramref name="batchSize"/> samples, reduced as <see cref="Reduction"/> says, and, unless
    /// <paramref name="outputGradient"/> is empty, writes d(loss)/d(outputs) into it.
    /// </summary>
    float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize);
}
