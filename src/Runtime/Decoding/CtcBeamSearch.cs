using System;

namespace StaticNet;

/// <summary>
/// CTC prefix beam search (Hannun et al., 2014, without a language model): step by step, it keeps the
/// <see cref="BeamWidth"/> most probable label prefixes, each with two probabilities, that of the
/// alignments so far ending in a blank and that of those ending in its last label, so that every prefix's
/// probability sums over all of its alignments. Unlike greedy decoding it finds a labelling whose
/// alignments are each unlikely but together more probable than the single best path's.
/// </summary>
/// <remarks>
/// Extending a prefix by its own last label needs a blank in between; without one the label repeats and
/// the prefix stays. All probabilities are kept in log space, in double. The workspace is sized in the
/// constructor (for <see cref="Steps"/>, <see cref="Classes"/> and <see cref="BeamWidth"/>), so
/// <see cref="Decode"/> allocates nothing; an instance must not be used by two threads at once.
/// </remarks>
public sealed class CtcBeamSearch
{
    private const int NoLabel = -1;

    // The prefixes ever kept, as a tree: each is its parent prefix and one more label. Node 0 is the empty prefix.
    private readonly int[] _parent;     // (1 + Steps * BeamWidth)
    private readonly int[] _lastLabel;  // (1 + Steps * BeamWidth): the prefix's last label, NoLabel for the empty one
    private readonly int[] _length;     // (1 + Steps * BeamWidth)

    // The beam: node and the log-probabilities of the alignments so far that end in a blank, and in the last label.
    private int[] _beam, _nextBeam;                           // (BeamWidth)
    private double[] _blankEnding, _nextBlankEnding;          // (BeamWidth)
    private double[] _labelEnding, _nextLabelEnding;          // (BeamWidth)

    // One step's candidates: the beam's prefixes first (same prefix), then their extensions by one label.
    private readonly int[] _candidateSource;       // (BeamWidth * Classes): the beam entry extended or kept
    private readonly int[] _candidateLabel;        // (BeamWidth * Classes): the label added, NoLabel for the same prefix
    private readonly double[] _candidateBlank;     // (BeamWidth * Classes)
    private readonly double[] _candidateLabelEnding; // (BeamWidth * Classes)
    private readonly int[] _existingChild;         // (BeamWidth * Classes): the beam entry that is entry i's prefix plus label c, or -1
    private readonly int[] _best;                  // (BeamWidth): the candidates kept, most probable first
    private readonly double[] _bestScore;          // (BeamWidth): their log-probabilities

    /// <summary>Creates a search over outputs of <paramref name="steps"/> x <paramref name="classes"/> scores per sample.</summary>
    /// <param name="steps">The output steps (T), at least 1.</param>
    /// <param name="classes">The classes per step (C), the blank included; at least 2.</param>
    /// <param name="layout">How each sample's outputs are laid out.</param>
    /// <param name="beamWidth">How many prefixes the search keeps at each step; at least 1, default 10.</param>
    /// <param name="blank">The blank's class index; default 0.</param>
    /// <param name="logProbabilities">Whether the outputs are per-step log-probabilities; default false: logits, normalised per step here.</param>
    public CtcBeamSearch(int steps, int classes, CtcLayout layout, int beamWidth = 10, int blank = 0, bool logProbabilities = false)
    {
        CtcSteps.CheckShape(steps, classes, layout, blank);
        if (beamWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(beamWidth), beamWidth, "The beam must hold at least 1 prefix.");
        }

        Steps = steps;
        Classes = classes;
        Layout = layout;
        BeamWidth = beamWidth;
        Blank = blank;
        LogProbabilities = logProbabilities;
        int nodes = 1 + (steps * beamWidth), candidates = beamWidth * classes;
        _parent = new int[nodes];
        _lastLabel = new int[nodes];
        _length = new int[nodes];
        _beam = new int[beamWidth];
        _nextBeam = new int[beamWidth];
        _blankEnding = new double[beamWidth];
        _nextBlankEnding = new double[beamWidth];
        _labelEnding = new double[beamWidth];
        _nextLabelEnding = new double[beamWidth];
        _candidateSource = new int[candidates];
        _candidateLabel = new int[candidates];
        _candidateBlank = new double[candidates];
        _candidateLabelEnding = new double[candidates];
        _existingChild = new int[candidates];
        _best = new int[beamWidth];
        _bestScore = new double[beamWidth];
    }

    /// <summary>The output steps (T).</summary>
    public int Steps { get; }

    /// <summary>The classes per step (C), the blank included.</summary>
    public int Classes { get; }

    /// <summary>How each sample's outputs are laid out.</summary>
    public CtcLayout Layout { get; }

    /// <summary>How many prefixes the search keeps at each step.</summary>
    public int BeamWidth { get; }

    /// <summary>The blank's class index.</summary>
    public int Blank { get; }

    /// <summary>Whether the outputs are per-step log-probabilities rather than logits.</summary>
    public bool LogProbabilities { get; }

    /// <summary>
    /// Decodes one sample: writes the most probable labelling the search found into <paramref name="labels"/>
    /// and returns its length.
    /// </summary>
    /// <param name="sample">One sample's outputs, <see cref="Steps"/> x <see cref="Classes"/> scores.</param>
    /// <param name="labels">Receives the labels; at most the input length are written.</param>
    /// <param name="logProbability">
    /// The labelling's log-probability as the search summed it: exact unless the beam dropped, at some step,
    /// a prefix whose alignments would have led to it (always exact with a beam as wide as the number of
    /// prefixes). Minus infinity when every labelling has probability 0.
    /// </param>
    /// <param name="inputLength">The valid steps, the rest being padding; default all <see cref="Steps"/>.</param>
    public int Decode(ReadOnlySpan<float> sample, Span<int> labels, out double logProbability, int? inputLength = null)
    {
        int length = CtcDecoding.CheckSample(sample, Steps, Classes, Layout, Blank, inputLength);

        // The empty prefix, with probability 1 of having emitted nothing (which counts as ending in a blank).
        (_parent[0], _lastLabel[0], _length[0]) = (0, NoLabel, 0);
        _beam[0] = 0;
        _blankEnding[0] = 0;
        _labelEnding[0] = double.NegativeInfinity;
        int beamCount = 1, nodeCount = 1;
        for (int t = 0; t < length && beamCount > 0; t++)
        {
            double normaliser = LogProbabilities ? 0 : CtcSteps.LogSumExp(sample, Layout, Steps, Classes, t);
            int candidates = Candidates(sample, t, normaliser, beamCount);
            int kept = KeepBest(candidates);
            for (int r = 0; r < kept; r++)
            {
                int q = _best[r], source = _candidateSource[q], node = _beam[source];
                if (_candidateLabel[q] != NoLabel)
                {
                    (_parent[nodeCount], _lastLabel[nodeCount], _length[nodeCount]) = (node, _candidateLabel[q], _length[node] + 1);
                    node = nodeCount++;
                }

                _nextBeam[r] = node;
                _nextBlankEnding[r] = _candidateBlank[q];
                _nextLabelEnding[r] = _candidateLabelEnding[q];
            }

            (_beam, _nextBeam) = (_nextBeam, _beam);
            (_blankEnding, _nextBlankEnding) = (_nextBlankEnding, _blankEnding);
            (_labelEnding, _nextLabelEnding) = (_nextLabelEnding, _labelEnding);
            beamCount = kept;
        }

        if (beamCount == 0)
        {
            logProbability = double.NegativeInfinity;
            return 0;
        }

        // The beam is sorted, most probable first.
        int best = _beam[0], count = _length[best];
        logProbability = CtcSteps.LogAdd(_blankEnding[0], _labelEnding[0]);
        if (labels.Length < count)
        {
            throw new ArgumentException($"labels holds {labels.Length} values, too few for the decoded sequence of {count} labels ({length} always suffice).", nameof(labels));
        }

        for (int i = count - 1, node = best; i >= 0; i--, node = _parent[node])
        {
            labels[i] = _lastLabel[node];
        }

        return count;
    }

    /// <summary>
    /// Step <paramref name="step"/>'s candidates from the beam: each prefix kept as it is (by a blank, or by
    /// repeating its last label), then each extended by every label, merged into the beam's own entry where
    /// the extension is a prefix the beam already holds. Returns their number.
    /// </summary>
    private int Candidates(ReadOnlySpan<float> sample, int step, double normaliser, int beamCount)
    {
        double blank = LogProbability(sample, step, Blank, normaliser);
        for (int i = 0; i < beamCount; i++)
        {
            int last = _lastLabel[_beam[i]];
            _candidateSource[i] = i;
            _candidateLabel[i] = NoLabel;
            _candidateBlank[i] = CtcSteps.LogAdd(_blankEnding[i], _labelEnding[i]) + blank;
            _candidateLabelEnding[i] = last == NoLabel ? double.NegativeInfinity : _labelEnding[i] + LogProbability(sample, step, last, normaliser);
        }

        // Which extensions are already in the beam: entry j is entry i's prefix plus label c when its parent is i's node.
        _existingChild.AsSpan(0, beamCount * Classes).Fill(-1);
        for (int j = 0; j < beamCount; j++)
        {
            int node = _beam[j];
            if (node == 0)
            {
                continue;
            }

            for (int i = 0; i < beamCount; i++)
            {
                if (_beam[i] == _parent[node])
                {
                    _existingChild[(i * Classes) + _lastLabel[node]] = j;
                    break;
                }
            }
        }

        int count = beamCount;
        for (int i = 0; i < beamCount; i++)
        {
            int last = _lastLabel[_beam[i]];
            double total = CtcSteps.LogAdd(_blankEnding[i], _labelEnding[i]);
            for (int c = 0; c < Classes; c++)
            {
                if (c == Blank)
                {
                    continue;
                }

                // The same label again makes a new one only after a blank; otherwise it merges with the last.
                double extended = (c == last ? _blankEnding[i] : total) + LogProbability(sample, step, c, normaliser);
                int existing = _existingChild[(i * Classes) + c];
                if (existing >= 0)
                {
                    _candidateLabelEnding[existing] = CtcSteps.LogAdd(_candidateLabelEnding[existing], extended);
                }
                else
                {
                    _candidateSource[count] = i;
                    _candidateLabel[count] = c;
                    _candidateBlank[count] = double.NegativeInfinity;
                    _candidateLabelEnding[count] = extended;
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>
    /// Puts the <see cref="BeamWidth"/> most probable of the candidates into <c>_best</c>, most probable first
    /// (the earlier candidate first on ties), leaving out those of probability 0; returns how many it kept.
    /// </summary>
    private int KeepBest(int candidates)
    {
        int kept = 0;
        for (int q = 0; q < candidates; q++)
        {
            double score = CtcSteps.LogAdd(_candidateBlank[q], _candidateLabelEnding[q]);
            if (!(score > double.NegativeInfinity) || (kept == BeamWidth && score <= _bestScore[kept - 1]))
            {
                continue;
            }

            int position = kept == BeamWidth ? kept - 1 : kept++;
            while (position > 0 && score > _bestScore[position - 1])
            {
                _best[position] = _best[position - 1];
                _bestScore[position] = _bestScore[position - 1];
                position--;
            }

            _best[position] = q;
            _bestScore[position] = score;
        }

        return kept;
    }

    private double LogProbability(ReadOnlySpan<float> sample, int step, int label, double normaliser) =>
        sample[CtcSteps.Index(Layout, Steps, Classes, step, label)] - normaliser;
}
