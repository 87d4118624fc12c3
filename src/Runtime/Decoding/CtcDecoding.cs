using System;

namespace StaticNet;

/// <summary>
/// Reading label sequences out of a CTC-trained network's outputs, one sample at a time: greedy best-path
/// decoding (here) and prefix beam search (<see cref="CtcBeamSearch"/>); and the edit distance that scores
/// a decoding against the truth.
/// </summary>
public static class CtcDecoding
{
    /// <summary>
    /// Greedy best-path decoding: the most probable class at each step (the first, on ties), repeats merged,
    /// blanks dropped. It reads the outputs as they are, so logits, log-probabilities and probabilities give
    /// the same labels. The labelling of the single most probable alignment is not always the most probable
    /// labelling, which sums over all of its alignments; <see cref="CtcBeamSearch"/> searches for that.
    /// </summary>
    /// <param name="sample">One sample's outputs, <paramref name="steps"/> x <paramref name="classes"/> scores.</param>
    /// <param name="steps">The output steps (T).</param>
    /// <param name="classes">The classes per step (C), the blank included.</param>
    /// <param name="layout">How the outputs are laid out.</param>
    /// <param name="labels">Receives the labels; at most <paramref name="steps"/> are written.</param>
    /// <param name="blank">The blank's class index; default 0.</param>
    /// <param name="inputLength">The valid steps, the rest being padding; default all <paramref name="steps"/>.</param>
    /// <returns>The number of labels written.</returns>
    public static int Greedy(ReadOnlySpan<float> sample, int steps, int classes, CtcLayout layout, Span<int> labels, int blank = 0, int? inputLength = null)
    {
        int length = CheckSample(sample, steps, classes, layout, blank, inputLength);
        int count = 0, previous = blank;
        for (int t = 0; t < length; t++)
        {
            int best = 0;
            float bestScore = sample[CtcSteps.Index(layout, steps, classes, t, 0)];
            for (int c = 1; c < classes; c++)
            {
                float score = sample[CtcSteps.Index(layout, steps, classes, t, c)];
                if (score > bestScore)
                {
                    (best, bestScore) = (c, score);
                }
            }

            if (best != blank && best != previous)
            {
                if (count == labels.Length)
                {
                    throw new ArgumentException($"labels holds {labels.Length} values, too few for the decoded sequence (more than {count} labels; {length} always suffice).", nameof(labels));
                }

                labels[count++] = best;
            }

            previous = best;
        }

        return count;
    }

    /// <summary>
    /// The Levenshtein distance: the fewest insertions, deletions and substitutions that turn
    /// <paramref name="hypothesis"/> into <paramref name="reference"/>. Summed over a data set and divided by
    /// the sum of the references' lengths, it is the label (character, word, phoneme) error rate. Allocates
    /// nothing when the shorter sequence has fewer than 256 items.
    /// </summary>
    public static int EditDistance<T>(ReadOnlySpan<T> reference, ReadOnlySpan<T> hypothesis)
        where T : IEquatable<T>
    {
        // The distance is symmetric: keep one row over the shorter sequence.
        if (hypothesis.Length > reference.Length)
        {
            ReadOnlySpan<T> swap = reference;
            reference = hypothesis;
            hypothesis = swap;
        }

        int width = hypothesis.Length + 1;
        Span<int> row = width <= 256 ? stackalloc int[width] : new int[width];

        // row[j]: the distance between the reference's first i items and the hypothesis's first j.
        for (int j = 0; j < width; j++)
        {
            row[j] = j;
        }

        for (int i = 1; i <= reference.Length; i++)
        {
            int diagonal = row[0]; // distance(i - 1, j - 1)
            row[0] = i;
            for (int j = 1; j < width; j++)
            {
                int above = row[j]; // distance(i - 1, j)
                int substitution = diagonal + (reference[i - 1].Equals(hypothesis[j - 1]) ? 0 : 1);
                row[j] = Math.Min(substitution, Math.Min(above, row[j - 1]) + 1);
                diagonal = above;
            }
        }

        return row[width - 1];
    }

    /// <summary>The checks every decoder makes of one sample's outputs; returns the steps to decode.</summary>
    internal static int CheckSample(ReadOnlySpan<float> sample, int steps, int classes, CtcLayout layout, int blank, int? inputLength)
    {
        CtcSteps.CheckShape(steps, classes, layout, blank);
        if (sample.Length != steps * classes)
        {
            throw new ArgumentException($"sample holds {sample.Length} values, but {steps} steps x {classes} classes are {steps * classes}.", nameof(sample));
        }

        int length = inputLength ?? steps;
        if (length < 0 || length > steps)
        {
            throw new ArgumentOutOfRangeException(nameof(inputLength), length, $"The input length must be from 0 to the {steps} steps.");
        }

        return length;
    }
}
