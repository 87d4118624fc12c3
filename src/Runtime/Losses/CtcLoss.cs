using System;

namespace StaticNet;

/// <summary>How one sample's <c>steps x classes</c> outputs are laid out for <see cref="CtcLoss"/> and the CTC decoders.</summary>
public enum CtcLayout
{
    /// <summary>Step after step, each step's class scores together: <c>x[t * classes + c]</c>, a Dense output read as [T, C].</summary>
    StepMajor,

    /// <summary>Class after class, each class's scores over the steps together: <c>x[c * steps + t]</c>, a convolution's [C, 1, T] output (NCHW).</summary>
    ClassMajor,
}

/// <summary>
/// Connectionist temporal classification (Graves et al., 2006), as PyTorch's <c>nn.CTCLoss</c>: the
/// negative log-probability of a sample's label sequence summed over every alignment of it to the
/// network's output steps, where an alignment spells the sequence once repeats are merged and blanks
/// dropped (so "aa" needs a blank between its two a's). For outputs read one step at a time (speech,
/// handwriting, any sequence whose labels are not aligned to its steps).
/// </summary>
/// <remarks>
/// <para>
/// Each sample's outputs are <see cref="Steps"/> x <see cref="Classes"/> scores, laid out as
/// <see cref="Layout"/> says. By default they are logits and the loss applies the log-softmax over each
/// step's classes itself, stable for any logits; the gradient is then <c>softmax - occupancy</c> per step.
/// With <see cref="LogProbabilities"/> they must already be per-step log-probabilities. StaticNet's
/// <c>[LogSoftmax]</c> layer normalises over a sample's whole output (all steps and classes together), not
/// per step, so it does not produce them: end the network in its last linear layer and leave the
/// log-softmax to this loss.
/// </para>
/// <para>
/// The targets are <see cref="BatchTargets(ReadOnlySpan{int}, int, ReadOnlySpan{int}, ReadOnlySpan{int})"/>:
/// label sequences padded to one length, each sample's length, and optionally each sample's number of
/// valid steps (the steps after them get a zero gradient). Labels are classes other than
/// <see cref="Blank"/>. A sequence that no alignment fits (longer, counting one blank between each
/// repeated pair, than its steps) is not an error: its loss is infinite, as in PyTorch, and
/// <see cref="ZeroInfinity"/> turns it into 0 with a zero gradient. Without it, that sample's gradient
/// is NaN over its valid steps, as PyTorch's is (the Trainer stops on the infinite loss before using it).
/// </para>
/// <para>
/// The gradient is exact: with respect to the logits, or with <see cref="LogProbabilities"/> with respect
/// to the log-probabilities themselves, <c>-occupancy</c>. PyTorch's CPU kernel returns
/// <c>exp(log_probs) - occupancy</c> as the gradient of <c>log_probs</c> (the logits' gradient, which it
/// assumes a log-softmax produced them); the two agree after a per-step log-softmax's backward, since each
/// step's occupancies sum to 1.
/// </para>
/// <para>
/// The recursions (alpha forward, beta backward) run in log space in double: log-probabilities summed
/// over hundreds of steps reach magnitudes where float's spacing would be the relative error of every
/// occupancy. The workspace, sized in the constructor for <see cref="Steps"/>, <see cref="Classes"/> and
/// <see cref="MaxTargetLength"/>, is mostly alpha, <c>8 Steps (2 MaxTargetLength + 1)</c> bytes (66 KB for
/// 64 steps and targets of up to 64 labels); a call allocates nothing, and an instance must not be used by
/// two threads at once.
/// </para>
/// <para>
/// The <see cref="Trainer{TNetwork}"/> trains with it through <c>Fit</c> on a dataset of label sequences
/// (<see cref="Dataset(float[], int[], System.Collections.Generic.IReadOnlyList{int[]}, int, string)"/>),
/// whose labels 0 to K - 1 are this loss's classes other than the blank, in order (<see cref="ClassOf"/>),
/// and reports exact-match sequence accuracy and item error rate; or through <c>TrainStep</c> on batches
/// whose targets, already classes, you build. Creating the trainer checks the network's output against the
/// loss: <see cref="Steps"/> x <see cref="Classes"/> values, and for <see cref="CtcLayout.ClassMajor"/> an
/// output of shape [Classes, 1, Steps], the shape that declares a sequence: a convolution whose height is
/// 1 and whose width is the time axis.
/// </para>
/// </remarks>
public sealed class CtcLoss : ILoss
{
    private readonly double[] _alpha;        // (Steps, 2 MaxTargetLength + 1): log alpha of the sample, row by row
    private readonly double[] _beta;         // (2, 2 MaxTargetLength + 1): log beta of one step, then of the step before
    private readonly double[] _logNormaliser; // (Steps): each step's log-sum-exp over the classes, 0 for log-probabilities
    private readonly double[] _occupancy;    // (Classes): one step's occupancy of each class
    private readonly int[] _extended;        // (2 MaxTargetLength + 1): the target with a blank before, between and after its labels

    /// <summary>Creates the loss for outputs of <paramref name="steps"/> x <paramref name="classes"/> scores per sample.</summary>
    /// <param name="steps">The output steps per sample (T), at least 1.</param>
    /// <param name="classes">The classes per step (C), the blank included; at least 2.</param>
    /// <param name="layout">How each sample's outputs are laid out: <see cref="CtcLayout.StepMajor"/> or <see cref="CtcLayout.ClassMajor"/>.</param>
    /// <param name="blank">The blank's class index; default 0, as in PyTorch.</param>
    /// <param name="reduction">How the samples' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    /// <param name="zeroInfinity">Whether an infinite loss (a sequence no alignment fits) counts as 0, with a zero gradient; default false, as in PyTorch.</param>
    /// <param name="logProbabilities">Whether the outputs are already per-step log-probabilities; default false: logits, normalised here.</param>
    /// <param name="maxTargetLength">
    /// The longest sequence the workspace holds; default <paramref name="steps"/>, the longest any alignment can fit.
    /// A shorter one saves memory, and a fitting sequence longer than it throws.
    /// </param>
    public CtcLoss(int steps, int classes, CtcLayout layout, int blank = 0, LossReduction reduction = LossReduction.Mean, bool zeroInfinity = false, bool logProbabilities = false, int? maxTargetLength = null)
    {
        CtcSteps.CheckShape(steps, classes, layout, blank);
        int longest = maxTargetLength ?? steps;
        if (longest < 0 || longest > steps)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTargetLength), longest, $"The longest target must be from 0 to the {steps} steps (no alignment fits a longer one).");
        }

        Steps = steps;
        Classes = classes;
        Layout = layout;
        Blank = blank;
        Reduction = LossReductions.Checked(reduction);
        ZeroInfinity = zeroInfinity;
        LogProbabilities = logProbabilities;
        MaxTargetLength = longest;
        int states = (2 * longest) + 1;
        _alpha = new double[steps * states];
        _beta = new double[2 * states];
        _logNormaliser = new double[steps];
        _occupancy = new double[classes];
        _extended = new int[states];
    }

    /// <summary>The output steps per sample (T).</summary>
    public int Steps { get; }

    /// <summary>The classes per step (C), the blank included.</summary>
    public int Classes { get; }

    /// <summary>How each sample's outputs are laid out.</summary>
    public CtcLayout Layout { get; }

    /// <summary>The blank's class index.</summary>
    public int Blank { get; }

    /// <summary>How the samples' losses become one.</summary>
    public LossReduction Reduction { get; }

    /// <summary>Whether an infinite loss counts as 0, with a zero gradient.</summary>
    public bool ZeroInfinity { get; }

    /// <summary>Whether the outputs are per-step log-probabilities rather than logits.</summary>
    public bool LogProbabilities { get; }

    /// <summary>The longest target sequence the workspace holds.</summary>
    public int MaxTargetLength { get; }

    /// <inheritdoc/>
    public string Name => "CTC";

    /// <summary>
    /// The class that stands for a dataset's label <paramref name="label"/>: the labels 0 to
    /// <see cref="Classes"/> - 2 are the classes other than the blank, in order, so label l is class l + 1
    /// with the blank at 0 (PyTorch's default), and class l with the blank last (Keras's).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is not from 0 to <see cref="Classes"/> - 2.</exception>
    public int ClassOf(int label) => (uint)label < (uint)(Classes - 1)
        ? (label < Blank ? label : label + 1)
        : throw new ArgumentOutOfRangeException(nameof(label), label, $"Labels go from 0 to {Classes - 2}: the {Classes} classes less the blank.");

    /// <summary>The dataset label that class <paramref name="class"/> stands for: the inverse of <see cref="ClassOf"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="class"/> is the blank, which stands for no label, or not a class.</exception>
    public int LabelOf(int @class) => (uint)@class < (uint)Classes && @class != Blank
        ? (@class < Blank ? @class : @class - 1)
        : throw new ArgumentOutOfRangeException(nameof(@class), @class, $"Classes other than the blank ({Blank}) stand for labels; they go from 0 to {Classes - 1}.");

    /// <summary>False: the targets are label sequences (<see cref="BatchTargets.Sequences"/>), not one class per sample.</summary>
    public bool UsesLabels => false;

    /// <summary>
    /// Computes the batch's loss, reduced as <see cref="Reduction"/> says (<see cref="LossReduction.Mean"/> or
    /// <see cref="LossReduction.Sum"/>), and unless <paramref name="outputGradient"/> is empty writes its
    /// gradient with respect to the outputs, scaled by the same reduction.
    /// </summary>
    /// <exception cref="InvalidOperationException">The reduction is <see cref="LossReduction.None"/>: call <see cref="ComputeUnreduced"/>.</exception>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, LossReductions.Sample);
        return Run(outputs, targets, Span<float>.Empty, outputGradient, batchSize);
    }

    /// <summary>
    /// Computes each sample's loss into <paramref name="losses"/> (PyTorch's values with
    /// <c>reduction='none'</c>: not divided by the target length; 0 for an infinite one with
    /// <see cref="ZeroInfinity"/>) and, unless <paramref name="outputGradient"/> is empty, the gradient of the
    /// value returned: the loss reduced as <see cref="Reduction"/> says, or with <see cref="LossReduction.None"/>
    /// the sum of the samples' losses, each sample's slice of the gradient being its own loss's gradient.
    /// </summary>
    /// <param name="outputs">The batch's outputs, <c>batchSize * Steps * Classes</c> values.</param>
    /// <param name="targets">The batch's label sequences.</param>
    /// <param name="losses">Receives one loss per sample; at least <paramref name="batchSize"/> long.</param>
    /// <param name="outputGradient">Receives d(returned value)/d(outputs), or is empty for none.</param>
    /// <param name="batchSize">The samples in the batch.</param>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize)
    {
        return Run(outputs, targets, LossReductions.Unreduced(losses, batchSize, LossReductions.Sample), outputGradient, batchSize);
    }

    private float Run(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> sampleLosses, Span<float> outputGradient, int batchSize)
    {
        int outputLength = LossChecks.OutputLength(outputs, outputGradient, batchSize);
        if (outputLength != Steps * Classes)
        {
            throw new ArgumentException($"The {Name} loss was made for {Steps} steps x {Classes} classes = {Steps * Classes} outputs per sample, but the outputs have {outputLength} per sample.", nameof(outputs));
        }

        CheckTargets(targets, batchSize);
        ReadOnlySpan<int> inputLengths = targets.InputLengths;
        int padded = targets.PaddedSequenceLength;
        double total = 0;
        for (int b = 0; b < batchSize; b++)
        {
            ReadOnlySpan<int> target = targets.Sequences.Slice(b * padded, targets.SequenceLengths[b]);
            int inputLength = inputLengths.IsEmpty ? Steps : inputLengths[b];

            // Mean divides each sample's loss by its target length, as PyTorch, clamped to 1 for an empty one.
            double scale = Reduction == LossReduction.Mean ? 1.0 / ((double)batchSize * Math.Max(target.Length, 1)) : 1.0;
            Span<float> gradient = outputGradient.IsEmpty ? Span<float>.Empty : outputGradient.Slice(b * outputLength, outputLength);
            double loss = SampleLoss(outputs.Slice(b * outputLength, outputLength), target, inputLength, gradient, scale);
            if (!sampleLosses.IsEmpty)
            {
                sampleLosses[b] = (float)loss;
            }

            total += Reduction == LossReduction.Mean ? loss / Math.Max(target.Length, 1) : loss;
        }

        return (float)(Reduction == LossReduction.Mean ? total / batchSize : total);
    }

    /// <summary>
    /// Every check of the targets before anything is computed: sequence targets with one length per sample,
    /// lengths in range, labels that are classes other than the blank, and sequences that fit the workspace.
    /// </summary>
    private void CheckTargets(BatchTargets targets, int batchSize)
    {
        ReadOnlySpan<int> lengths = targets.SequenceLengths;
        if (lengths.Length < batchSize)
        {
            throw new ArgumentException(
                $"The {Name} loss takes a label sequence per sample (BatchTargets(sequences, paddedLength, sequenceLengths, inputLengths)): {batchSize} sequence lengths needed, {lengths.Length} given{LossChecks.Instead(targets, LossChecks.TargetKind.Sequences)}.",
                nameof(targets));
        }

        int padded = targets.PaddedSequenceLength;
        if (targets.Sequences.Length < batchSize * padded)
        {
            throw new ArgumentException($"The {Name} loss's sequences hold {targets.Sequences.Length} labels, but {batchSize} samples padded to {padded} need {batchSize * padded}.", nameof(targets));
        }

        ReadOnlySpan<int> inputLengths = targets.InputLengths;
        if (!inputLengths.IsEmpty && inputLengths.Length < batchSize)
        {
            throw new ArgumentException($"The {Name} loss takes one input length per sample, or none: {batchSize} needed, {inputLengths.Length} given.", nameof(targets));
        }

        for (int b = 0; b < batchSize; b++)
        {
            int length = lengths[b];
            if (length < 0 || length > padded)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), length, $"Sample {b} of the batch has target length {length}, but target lengths go from 0 to the padded length {padded}.");
            }

            int inputLength = inputLengths.IsEmpty ? Steps : inputLengths[b];
            if (inputLength < 0 || inputLength > Steps)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), inputLength, $"Sample {b} of the batch has input length {inputLength}, but input lengths go from 0 to the {Steps} steps.");
            }

            ReadOnlySpan<int> target = targets.Sequences.Slice(b * padded, length);
            for (int i = 0; i < target.Length; i++)
            {
                if ((uint)target[i] >= (uint)Classes || target[i] == Blank)
                {
                    throw new ArgumentOutOfRangeException(nameof(targets), target[i], $"Sample {b} of the batch has label {target[i]} at position {i} of its target, but labels are the classes 0 to {Classes - 1} other than the blank, {Blank}.");
                }
            }

            if (length > MaxTargetLength && MinimumSteps(target) <= inputLength)
            {
                throw new ArgumentException($"Sample {b} of the batch has a target of {length} labels, longer than the {MaxTargetLength} this {Name} loss was made for (maxTargetLength).", nameof(targets));
            }
        }
    }

    /// <summary>The fewest steps an alignment of <paramref name="target"/> takes: one per label, and a blank between each repeated pair.</summary>
    private static int MinimumSteps(ReadOnlySpan<int> target)
    {
        int steps = target.Length;
        for (int i = 1; i < target.Length; i++)
        {
            steps += target[i] == target[i - 1] ? 1 : 0;
        }

        return steps;
    }

    /// <summary>
    /// One sample's loss, <c>-log p(target | x)</c>, and, unless <paramref name="gradient"/> is empty, its
    /// gradient times <paramref name="scale"/> (zero after <paramref name="inputLength"/>).
    /// </summary>
    /// <remarks>
    /// Over the extended target <c>l'</c> (a blank before, between and after the labels, <c>S' = 2S + 1</c>
    /// states), with <c>y(t, k)</c> the log-probability of class k at step t:
    /// <c>alpha(t, s) = y(t, l'[s]) + logsumexp(alpha(t-1, s), alpha(t-1, s-1), alpha(t-1, s-2))</c>, the last
    /// term only where <c>l'[s]</c> is a label other than <c>l'[s-2]</c> (a blank may be skipped only between
    /// different labels); <c>log p = logsumexp(alpha(T-1, S'-1), alpha(T-1, S'-2))</c>. Beta here excludes the
    /// step's own emission: <c>beta(t, s) = logsumexp over the states s' reachable from s of y(t+1, l'[s']) + beta(t+1, s')</c>,
    /// so <c>exp(alpha(t, s) + beta(t, s) - log p)</c> is the probability that the alignment is in state s at
    /// step t, and a class's occupancy at step t is that summed over its states.
    /// </remarks>
    private double SampleLoss(ReadOnlySpan<float> x, ReadOnlySpan<int> target, int inputLength, Span<float> gradient, double scale)
    {
        if (!gradient.IsEmpty)
        {
            // Steps after the input length take no part in the loss.
            gradient.Clear();
        }

        double logLikelihood = MinimumSteps(target) > inputLength ? double.NegativeInfinity
            : inputLength == 0 ? 0 // no steps and an empty target: the empty alignment, with probability 1
            : Alpha(x, target, inputLength);
        double loss = -logLikelihood;
        if (double.IsPositiveInfinity(loss))
        {
            if (!gradient.IsEmpty && !ZeroInfinity)
            {
                // The derivative of an infinite loss is not a number; PyTorch's is NaN here too.
                for (int t = 0; t < inputLength; t++)
                {
                    for (int c = 0; c < Classes; c++)
                    {
                        gradient[CtcSteps.Index(Layout, Steps, Classes, t, c)] = float.NaN;
                    }
                }
            }

            return ZeroInfinity ? 0 : loss;
        }

        if (!gradient.IsEmpty && inputLength > 0)
        {
            Gradient(x, target.Length, inputLength, loss, gradient, scale);
        }

        return loss;
    }

    /// <summary>Fills the extended target, the steps' normalisers and alpha; returns <c>log p(target | x)</c>.</summary>
    private double Alpha(ReadOnlySpan<float> x, ReadOnlySpan<int> target, int inputLength)
    {
        int states = (2 * target.Length) + 1;
        Span<int> extended = _extended.AsSpan(0, states);
        for (int s = 0; s < states; s++)
        {
            extended[s] = (s & 1) == 0 ? Blank : target[s >> 1];
        }

        for (int t = 0; t < inputLength; t++)
        {
            _logNormaliser[t] = LogProbabilities ? 0 : CtcSteps.LogSumExp(x, Layout, Steps, Classes, t);
        }

        // Step 0: an alignment starts with the leading blank or the first label.
        Span<double> row = _alpha.AsSpan(0, states);
        row.Fill(double.NegativeInfinity);
        row[0] = LogProbability(x, 0, extended[0]);
        if (states > 1)
        {
            row[1] = LogProbability(x, 0, extended[1]);
        }

        for (int t = 1; t < inputLength; t++)
        {
            ReadOnlySpan<double> previous = _alpha.AsSpan((t - 1) * states, states);
            Span<double> current = _alpha.AsSpan(t * states, states);
            for (int s = 0; s < states; s++)
            {
                double sum = previous[s];
                if (s >= 1)
                {
                    sum = CtcSteps.LogAdd(sum, previous[s - 1]);
                }

                if (s >= 2 && extended[s] != Blank && extended[s] != extended[s - 2])
                {
                    sum = CtcSteps.LogAdd(sum, previous[s - 2]);
                }

                current[s] = double.IsNegativeInfinity(sum) ? sum : sum + LogProbability(x, t, extended[s]);
            }
        }

        // An alignment ends with the last label or the trailing blank.
        ReadOnlySpan<double> last = _alpha.AsSpan((inputLength - 1) * states, states);
        return states > 1 ? CtcSteps.LogAdd(last[states - 1], last[states - 2]) : last[0];
    }

    /// <summary>
    /// The gradient, from alpha and beta computed step by step backwards (two rows of beta at a time):
    /// per step, <c>scale (softmax - occupancy)</c> for logits, <c>-scale occupancy</c> for log-probabilities.
    /// </summary>
    private void Gradient(ReadOnlySpan<float> x, int targetLength, int inputLength, double loss, Span<float> gradient, double scale)
    {
        int states = (2 * targetLength) + 1;
        ReadOnlySpan<int> extended = _extended.AsSpan(0, states);
        Span<double> beta = _beta.AsSpan(0, states), earlier = _beta.AsSpan(states, states);
        beta.Fill(double.NegativeInfinity);
        beta[states - 1] = 0;
        if (states > 1)
        {
            beta[states - 2] = 0;
        }

        for (int t = inputLength - 1; t >= 0; t--)
        {
            ReadOnlySpan<double> alpha = _alpha.AsSpan(t * states, states);
            Span<double> occupancy = _occupancy;
            occupancy.Clear();
            for (int s = 0; s < states; s++)
            {
                double logPath = alpha[s] + beta[s];
                if (!double.IsNegativeInfinity(logPath))
                {
                    occupancy[extended[s]] += Math.Exp(logPath + loss);
                }
            }

            for (int c = 0; c < Classes; c++)
            {
                double probability = LogProbabilities ? 0 : Math.Exp(LogProbability(x, t, c));
                gradient[CtcSteps.Index(Layout, Steps, Classes, t, c)] = (float)(scale * (probability - occupancy[c]));
            }

            if (t == 0)
            {
                break;
            }

            // beta(t-1, s): on from state s at step t-1 to s, s+1 or s+2 (a skip only onto a label other than l'[s]) at step t.
            for (int s = 0; s < states; s++)
            {
                double sum = beta[s] + LogProbability(x, t, extended[s]);
                if (s + 1 < states)
                {
                    sum = CtcSteps.LogAdd(sum, beta[s + 1] + LogProbability(x, t, extended[s + 1]));
                }

                if (s + 2 < states && extended[s + 2] != Blank && extended[s + 2] != extended[s])
                {
                    sum = CtcSteps.LogAdd(sum, beta[s + 2] + LogProbability(x, t, extended[s + 2]));
                }

                earlier[s] = sum;
            }

            Span<double> swap = beta;
            beta = earlier;
            earlier = swap;
        }
    }

    /// <summary>The log-probability of class <paramref name="label"/> at step <paramref name="step"/>.</summary>
    private double LogProbability(ReadOnlySpan<float> x, int step, int label) =>
        x[CtcSteps.Index(Layout, Steps, Classes, step, label)] - _logNormaliser[step];
}
