using System;

namespace StaticNet;

// Label sequences: the checks of a sequence dataset against the CTC loss, its batches of padded targets,
// and what reading the sequences back from the outputs measures (exact matches, item error rate).
public sealed partial class Trainer<TNetwork>
{
    private int[] _decoded = Array.Empty<int>();
    private int[] _evaluationSequences = Array.Empty<int>();
    private int[] _evaluationLengths = Array.Empty<int>();
    private CtcBeamSearch? _beamSearch;

    /// <summary>
    /// How the validation and test sets' label sequences are read from the outputs for their sequence accuracy
    /// and item error rate: 0 (the default) greedily, the best class of each step (<see cref="CtcDecoding.Greedy"/>);
    /// above 0 by a prefix beam search that keeps that many prefixes (<see cref="CtcBeamSearch"/>), slower and
    /// sometimes better. The training figures are always read greedily, as each batch is stepped on.
    /// </summary>
    public int DecodingBeamWidth { get; set; }

    /// <summary>Checks a dataset of label sequences against the CTC loss, before anything runs.</summary>
    private static void CheckSequences(Dataset data, string argument, CtcLoss ctc)
    {
        if (!data.HasSequences)
        {
            throw new ArgumentException($"{argument} ({data.Source}): the {ctc.Name} loss needs a label sequence per sample, but the dataset has {(data.Labels is not null ? "class labels" : "target values")}; create it with new Dataset(features, sampleShape, sequences, classCount).", argument);
        }

        if (ctc.Reduction != LossReduction.Mean)
        {
            throw new ArgumentException($"Fit and Evaluate take each batch's mean loss, but the {ctc.Name} loss has reduction {ctc.Reduction}; create it with LossReduction.Mean (the default), or train with TrainStep.", argument);
        }

        if (data.ClassCount > ctc.Classes - 1)
        {
            throw new ArgumentException($"{argument} ({data.Source}): labels from {data.ClassCount} classes, but the {ctc.Name} loss has {ctc.Classes} classes, the blank and {ctc.Classes - 1} for labels.", argument);
        }

        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<int> sequence = data.Sequence(i);
            int steps = sequence.Length;
            for (int k = 1; k < sequence.Length; k++)
            {
                steps += sequence[k] == sequence[k - 1] ? 1 : 0;
            }

            if (steps > ctc.Steps)
            {
                throw new ArgumentException($"{argument} ({data.Source}): sample {i} has a sequence of {sequence.Length} labels, which needs at least {steps} output steps (one per label, and a blank between each repeated pair), but the {ctc.Name} loss reads {ctc.Steps}; no alignment fits it.", argument);
            }

            if (sequence.Length > ctc.MaxTargetLength)
            {
                throw new ArgumentException($"{argument} ({data.Source}): sample {i} has a sequence of {sequence.Length} labels, longer than the {ctc.MaxTargetLength} the {ctc.Name} loss was made for (maxTargetLength).", argument);
            }
        }
    }

    /// <summary>
    /// The sequences of the samples at <paramref name="indices"/>, as the loss's classes, each padded to
    /// <paramref name="padded"/>, and their lengths.
    /// </summary>
    private static void GatherSequences(Dataset data, ReadOnlySpan<int> indices, CtcLoss ctc, Span<int> sequences, int padded, Span<int> lengths)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            lengths[i] = CopySequence(data, indices[i], ctc, sequences.Slice(i * padded, padded));
        }
    }

    /// <summary>Sample <paramref name="index"/>'s sequence as the loss's classes; returns its length.</summary>
    private static int CopySequence(Dataset data, int index, CtcLoss ctc, Span<int> target)
    {
        ReadOnlySpan<int> sequence = data.Sequence(index);
        for (int k = 0; k < sequence.Length; k++)
        {
            target[k] = ctc.ClassOf(sequence[k]);
        }

        return sequence.Length;
    }

    /// <summary>
    /// Reads each sample's sequence from its outputs (greedily, or by <paramref name="search"/>) and counts it
    /// against its target: exact matches, edit distance and target length.
    /// </summary>
    private void CountSequences(ReadOnlySpan<float> outputs, BatchTargets targets, int count, CtcLoss ctc, CtcBeamSearch? search, ref SequenceTally tally)
    {
        if (_decoded.Length < ctc.Steps)
        {
            _decoded = new int[ctc.Steps];
        }

        int outputLength = ctc.Steps * ctc.Classes, padded = targets.PaddedSequenceLength;
        for (int b = 0; b < count; b++)
        {
            ReadOnlySpan<float> sample = outputs.Slice(b * outputLength, outputLength);
            int length = search is null
                ? CtcDecoding.Greedy(sample, ctc.Steps, ctc.Classes, ctc.Layout, _decoded, ctc.Blank)
                : search.Decode(sample, _decoded, out _);
            ReadOnlySpan<int> target = targets.Sequences.Slice(b * padded, targets.SequenceLengths[b]);
            int distance = CtcDecoding.EditDistance(target, _decoded.AsSpan(0, length));
            tally.Exact += distance == 0 ? 1 : 0;
            tally.Edits += distance;
            tally.Items += target.Length;
        }
    }

    /// <summary>The mean loss, sequence accuracy and item error rate on a dataset of label sequences, in inference mode.</summary>
    private Evaluation EvaluateSequences(Dataset data, CtcLoss ctc)
    {
        int capacity = Network.BatchCapacity, inputLength = Network.InputLength, outputLength = Network.OutputLength;
        int padded = data.MaxSequenceLength;
        if (_evaluationSequences.Length < capacity * padded)
        {
            _evaluationSequences = new int[capacity * padded];
        }

        if (_evaluationLengths.Length < capacity)
        {
            _evaluationLengths = new int[capacity];
        }

        CtcBeamSearch? search = BeamSearch(ctc);
        double lossSum = 0;
        var tally = default(SequenceTally);
        for (int start = 0; start < data.Count; start += capacity)
        {
            int count = Math.Min(capacity, data.Count - start);
            Span<float> batchOutputs = _evaluationOutputs.AsSpan(0, count * outputLength);
            Network.Predict(data.Features.AsSpan(start * inputLength, count * inputLength), batchOutputs, count);
            for (int b = 0; b < count; b++)
            {
                _evaluationLengths[b] = CopySequence(data, start + b, ctc, _evaluationSequences.AsSpan(b * padded, padded));
            }

            var targets = new BatchTargets(_evaluationSequences.AsSpan(0, count * padded), padded, _evaluationLengths.AsSpan(0, count));
            lossSum += (double)ctc.Compute(batchOutputs, targets, Span<float>.Empty, count) * count;
            CountSequences(batchOutputs, targets, count, ctc, search, ref tally);
        }

        return new Evaluation(lossSum / data.Count, null, data.Count)
        {
            SequenceAccuracy = tally.Accuracy(data.Count),
            ItemErrorRate = tally.ErrorRate,
        };
    }

    /// <summary>The beam search <see cref="DecodingBeamWidth"/> asks for, made once for the loss's shape; null for greedy decoding.</summary>
    private CtcBeamSearch? BeamSearch(CtcLoss ctc)
    {
        if (DecodingBeamWidth == 0)
        {
            return null;
        }

        if (_beamSearch is not { } search || search.BeamWidth != DecodingBeamWidth || search.Steps != ctc.Steps || search.Classes != ctc.Classes
            || search.Layout != ctc.Layout || search.Blank != ctc.Blank || search.LogProbabilities != ctc.LogProbabilities)
        {
            _beamSearch = new CtcBeamSearch(ctc.Steps, ctc.Classes, ctc.Layout, DecodingBeamWidth, ctc.Blank, ctc.LogProbabilities);
        }

        return _beamSearch;
    }

    /// <summary>What reading sequences counted: the samples read exactly, the summed edit distances, and the targets' total length.</summary>
    private struct SequenceTally
    {
        public long Exact;
        public long Edits;
        public long Items;

        /// <summary>Edits over target items; NaN when every target was empty.</summary>
        public readonly double ErrorRate => Items == 0 ? double.NaN : (double)Edits / Items;

        public readonly double Accuracy(int samples) => (double)Exact / samples;
    }
}
