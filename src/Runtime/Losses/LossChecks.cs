using System;

namespace StaticNet;

/// <summary>The argument checks every loss makes, with messages that name the loss, the argument and the sizes.</summary>
internal static class LossChecks
{
    /// <summary>The per-sample output length, after checking that outputs (and the gradient, if given) hold whole samples.</summary>
    public static int OutputLength(ReadOnlySpan<float> outputs, Span<float> outputGradient, int batchSize)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        }

        if (outputs.Length == 0 || outputs.Length % batchSize != 0)
        {
            throw new ArgumentException($"outputs holds {outputs.Length} values, which is not a whole number of samples for a batch of {batchSize}.", nameof(outputs));
        }

        if (!outputGradient.IsEmpty && outputGradient.Length < outputs.Length)
        {
            throw new ArgumentException($"outputGradient holds {outputGradient.Length} values, but the outputs have {outputs.Length}.", nameof(outputGradient));
        }

        return outputs.Length / batchSize;
    }

    /// <summary>The batch's class indices, after checking there is one per sample; their range is the caller's to check.</summary>
    public static ReadOnlySpan<int> Labels(BatchTargets targets, int batchSize, string loss)
    {
        ReadOnlySpan<int> labels = targets.Labels;
        if (labels.Length < batchSize)
        {
            throw new ArgumentException($"The {loss} loss takes one class index per sample: {batchSize} needed, {labels.Length} given{Instead(targets, TargetKind.Labels)}.", nameof(targets));
        }

        return labels.Slice(0, batchSize);
    }

    /// <summary>
    /// The checks of a classification loss: the lengths, one class index per sample, each below the number
    /// of outputs per sample. Returns the indices and sets <paramref name="classes"/> to that number.
    /// </summary>
    public static ReadOnlySpan<int> ClassLabels(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize, string loss, out int classes)
    {
        classes = OutputLength(outputs, outputGradient, batchSize);
        ReadOnlySpan<int> labels = Labels(targets, batchSize, loss);

        for (int b = 0; b < batchSize; b++)
        {
            if ((uint)labels[b] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), labels[b], $"Sample {b} of the batch has class index {labels[b]}, but the network outputs {classes} classes (0 to {classes - 1}).");
            }
        }

        return labels.Slice(0, batchSize);
    }

    public static ReadOnlySpan<float> Values(BatchTargets targets, int count, string loss)
    {
        if (targets.Values.Length < count)
        {
            throw new ArgumentException($"The {loss} loss takes one target value per output: {count} needed, {targets.Values.Length} given{Instead(targets, TargetKind.Values)}.", nameof(targets));
        }

        return targets.Values.Slice(0, count);
    }

    /// <summary>
    /// The checks of a loss that compares each output value with a target value: the lengths, one target per
    /// output, every target finite. Returns the targets and sets <paramref name="count"/> to their number.
    /// </summary>
    public static ReadOnlySpan<float> FiniteValues(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize, string loss, out int count)
    {
        int outputLength = OutputLength(outputs, outputGradient, batchSize);
        count = batchSize * outputLength;
        ReadOnlySpan<float> values = Values(targets, count, loss);
        Finite(values, outputLength, loss);
        return values;
    }

    /// <summary>The kinds of targets a loss can take, to say which was given instead.</summary>
    public enum TargetKind
    {
        Labels,
        Values,
        Sequences,
    }

    /// <summary>For a message: what the batch's targets hold instead of the <paramref name="needed"/> kind, such as " (values were given instead)", or nothing.</summary>
    public static string Instead(BatchTargets targets, TargetKind needed) =>
        needed != TargetKind.Labels && !targets.Labels.IsEmpty ? " (class indices were given instead)"
        : needed != TargetKind.Values && !targets.Values.IsEmpty ? " (values were given instead)"
        : needed != TargetKind.Sequences && !targets.SequenceLengths.IsEmpty ? " (label sequences were given instead)"
        : string.Empty;

    /// <summary>Throws unless every target is a finite number, naming the first that is not by its sample and position.</summary>
    public static void Finite(ReadOnlySpan<float> values, int outputLength, string loss)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentOutOfRangeException("targets", values[i], $"The {loss} loss needs finite targets, but sample {i / outputLength} has {values[i]} at output {i % outputLength}.");
            }
        }
    }

    /// <summary>Throws unless every target is a probability, from 0 to 1, naming the first that is not by its sample and position.</summary>
    public static void Probabilities(ReadOnlySpan<float> values, int outputLength, string loss)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0f && values[i] <= 1f))
            {
                throw new ArgumentOutOfRangeException("targets", values[i], $"The {loss} loss takes targets from 0 to 1 (a class's presence, or its probability), but sample {i / outputLength} has {values[i]} at output {i % outputLength}.");
            }
        }
    }
}
