using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// Samples in memory: one flat array of features (sample after sample) and, per sample, a class index
/// (<see cref="Labels"/>), a row of target values (<see cref="Targets"/>), or a sequence of class indices
/// of its own length (<see cref="Sequence"/>, for the <see cref="CtcLoss"/>).
/// <see cref="Source"/> names where the data came from, for error messages.
/// </summary>
public sealed class Dataset
{
    /// <summary>A classification dataset: features and one class index per sample.</summary>
    /// <param name="features">The samples, one after another.</param>
    /// <param name="sampleShape">The shape of one sample ([784] or [1, 28, 28]).</param>
    /// <param name="labels">One class index per sample, each from 0 to <paramref name="classCount"/> - 1.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="source">Where the data came from, for messages (a file name).</param>
    public Dataset(float[] features, int[] sampleShape, int[] labels, int classCount, string source = "dataset")
    {
        Source = source;
        SampleShape = CheckShape(sampleShape, source);
        SampleLength = Product(sampleShape);
        Count = CheckFeatures(features, SampleLength, source);
        if (labels.Length != Count)
        {
            throw new ArgumentException($"{source}: {Count} samples but {labels.Length} labels.", nameof(labels));
        }

        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"{source}: the class count must be at least 1.");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"{source}: sample {i} has label {labels[i]}, outside the {classCount} classes 0 to {classCount - 1}.");
            }
        }

        Features = features;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>A regression dataset: features and a row of <paramref name="targetLength"/> target values per sample.</summary>
    public Dataset(float[] features, int[] sampleShape, float[] targets, int targetLength, string source = "dataset")
    {
        Source = source;
        SampleShape = CheckShape(sampleShape, source);
        SampleLength = Product(sampleShape);
        Count = CheckFeatures(features, SampleLength, source);
        if (targetLength < 1 || targets.Length != (long)Count * targetLength)
        {
            throw new ArgumentException($"{source}: {Count} samples need {(long)Count * Math.Max(targetLength, 1)} target values ({targetLength} each), but {targets.Length} were given.", nameof(targets));
        }

        for (int i = 0; i < targets.Length; i++)
        {
            if (!float.IsFinite(targets[i]))
            {
                throw new ArgumentException($"{source}: target {i % targetLength} of sample {i / targetLength} is {targets[i]}.", nameof(targets));
            }
        }

        Features = features;
        Targets = targets;
        TargetLength = targetLength;
    }

    /// <summary>
    /// A sequence dataset: features and, per sample, a sequence of class indices of its own length (the
    /// items of a line of text, the phonemes of an utterance), possibly empty. The classes are numbered from
    /// 0 as a classification dataset's are; a sequence loss maps them to its own classes
    /// (<see cref="CtcLoss.ClassOf"/>: the CTC blank is no label).
    /// </summary>
    /// <param name="features">The samples, one after another.</param>
    /// <param name="sampleShape">The shape of one sample ([1, 28, 140] for a line of text).</param>
    /// <param name="sequences">One sequence per sample, each label from 0 to <paramref name="classCount"/> - 1; copied.</param>
    /// <param name="classCount">The number of classes the labels come from.</param>
    /// <param name="source">Where the data came from, for messages (a file name).</param>
    public Dataset(float[] features, int[] sampleShape, IReadOnlyList<int[]> sequences, int classCount, string source = "dataset")
        : this(features, sampleShape, Flatten(sequences, source), classCount, source)
    {
    }

    private Dataset(float[] features, int[] sampleShape, (int[] Labels, int[] Offsets) sequences, int classCount, string source)
    {
        Source = source;
        SampleShape = CheckShape(sampleShape, source);
        SampleLength = Product(sampleShape);
        Count = CheckFeatures(features, SampleLength, source);
        (int[] labels, int[] offsets) = sequences;
        if (offsets.Length - 1 != Count)
        {
            throw new ArgumentException($"{source}: {Count} samples but {offsets.Length - 1} label sequences.", nameof(sequences));
        }

        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"{source}: the class count must be at least 1.");
        }

        for (int i = 0; i < Count; i++)
        {
            for (int k = offsets[i]; k < offsets[i + 1]; k++)
            {
                if ((uint)labels[k] >= (uint)classCount)
                {
                    throw new ArgumentOutOfRangeException(nameof(sequences), labels[k], $"{source}: sample {i} has label {labels[k]} at position {k - offsets[i]} of its sequence, outside the {classCount} classes 0 to {classCount - 1}.");
                }
            }

            MaxSequenceLength = Math.Max(MaxSequenceLength, offsets[i + 1] - offsets[i]);
        }

        Features = features;
        _sequenceLabels = labels;
        _sequenceOffsets = offsets;
        ClassCount = classCount;
    }

    /// <summary>Where the data came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>The shape of one sample.</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>Values in one sample.</summary>
    public int SampleLength { get; }

    /// <summary>All samples, one after another.</summary>
    public float[] Features { get; }

    /// <summary>One class index per sample, for classification; otherwise <see langword="null"/>.</summary>
    public int[]? Labels { get; }

    /// <summary>The number of classes, for classification and sequences; otherwise 0.</summary>
    public int ClassCount { get; }

    /// <summary>Whether each sample's target is a label sequence (<see cref="Sequence"/>).</summary>
    public bool HasSequences => _sequenceOffsets is not null;

    /// <summary>The length of the longest label sequence; 0 for other datasets.</summary>
    public int MaxSequenceLength { get; }

    // Every sample's sequence, one after another; sample i's is labels[offsets[i] .. offsets[i + 1]].
    private readonly int[]? _sequenceLabels;
    private readonly int[]? _sequenceOffsets;

    /// <summary>The label sequence of sample <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The dataset holds class labels or target values, not sequences.</exception>
    public ReadOnlySpan<int> Sequence(int index)
    {
        if (_sequenceOffsets is null)
        {
            throw new InvalidOperationException($"{Source}: the dataset has {(Labels is not null ? "class labels" : "target values")}, not label sequences.");
        }

        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Source}: sample {index} asked for, but the dataset has {Count} samples.");
        }

        return _sequenceLabels.AsSpan(_sequenceOffsets[index], _sequenceOffsets[index + 1] - _sequenceOffsets[index]);
    }

    /// <summary>
    /// The name of each class, by label, for tables and charts (a CSV loader fills them from text labels);
    /// <see langword="null"/> when the classes have no names. Subsets and splits keep them.
    /// </summary>
    public IReadOnlyList<string>? ClassNames
    {
        get => _classNames;
        init
        {
            if (value is not null && value.Count != ClassCount)
            {
                throw new ArgumentException($"{Source}: {value.Count} class names for {ClassCount} classes.", nameof(ClassNames));
            }

            _classNames = value;
        }
    }

    private readonly IReadOnlyList<string>? _classNames;

    /// <summary><see cref="TargetLength"/> values per sample, for regression; otherwise <see langword="null"/>.</summary>
    public float[]? Targets { get; }

    /// <summary>Target values per sample, for regression; otherwise 0.</summary>
    public int TargetLength { get; }

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Sample(int index) => Features.AsSpan(index * SampleLength, SampleLength);

    /// <summary>A new dataset of the samples at <paramref name="indices"/>, in that order (copies the data).</summary>
    public Dataset Subset(ReadOnlySpan<int> indices, string? source = null)
    {
        var features = new float[(long)indices.Length * SampleLength];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"{Source}: index {i} of the subset is {indices[i]}, but the dataset has {Count} samples.");
            }

            Sample(indices[i]).CopyTo(features.AsSpan(i * SampleLength, SampleLength));
        }

        int[] shape = CopyShape();
        source ??= Source;
        if (Labels is not null)
        {
            var labels = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++)
            {
                labels[i] = Labels[indices[i]];
            }

            return new Dataset(features, shape, labels, ClassCount, source) { ClassNames = ClassNames };
        }

        if (_sequenceOffsets is not null)
        {
            var offsets = new int[indices.Length + 1];
            for (int i = 0; i < indices.Length; i++)
            {
                offsets[i + 1] = offsets[i] + Sequence(indices[i]).Length;
            }

            var sequenceLabels = new int[offsets[^1]];
            for (int i = 0; i < indices.Length; i++)
            {
                Sequence(indices[i]).CopyTo(sequenceLabels.AsSpan(offsets[i]));
            }

            return new Dataset(features, shape, (sequenceLabels, offsets), ClassCount, source) { ClassNames = ClassNames };
        }

        var targets = new float[(long)indices.Length * TargetLength];
        for (int i = 0; i < indices.Length; i++)
        {
            Targets.AsSpan(indices[i] * TargetLength, TargetLength).CopyTo(targets.AsSpan(i * TargetLength, TargetLength));
        }

        return new Dataset(features, shape, targets, TargetLength, source);
    }

    /// <summary>
    /// Splits off a random <paramref name="fraction"/> of the samples (seeded, so the split is the
    /// same every run) as a validation set; both sides keep the original order of their samples.
    /// </summary>
    /// <param name="fraction">The fraction held out, between 0 and 1 exclusive; the held-out count is <c>round(Count * fraction)</c>.</param>
    /// <param name="seed">Seeds the choice of samples.</param>
    /// <param name="stratified">
    /// Whether each class is split in the same proportion (as scikit-learn's <c>stratify=</c>): every class
    /// gets <c>floor(classCount * fraction)</c> held-out samples and the remainder goes to the classes with
    /// the largest fractional parts. Needs class labels.
    /// </param>
    public (Dataset Train, Dataset Validation) Split(double fraction, int seed, bool stratified = false)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be between 0 and 1, exclusive.");
        }

        int heldOutCount = (int)Math.Round(Count * fraction);
        if (heldOutCount < 1 || heldOutCount >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"{Source}: a fraction of {fraction} of {Count} samples leaves one side empty.");
        }

        if (stratified && Labels is null)
        {
            throw new ArgumentException($"{Source}: a stratified split needs class labels, but the dataset has {(HasSequences ? "label sequences" : "target values")}.", nameof(stratified));
        }

        bool[] heldOut = stratified ? StratifiedChoice(heldOutCount, seed) : RandomChoice(heldOutCount, seed);
        var validation = new int[heldOutCount];
        var train = new int[Count - heldOutCount];
        int v = 0, t = 0;
        for (int i = 0; i < Count; i++)
        {
            if (heldOut[i])
            {
                validation[v++] = i;
            }
            else
            {
                train[t++] = i;
            }
        }

        return (Subset(train, Source + " (train split)"), Subset(validation, Source + " (validation split)"));
    }

    /// <summary>
    /// Splits the samples three ways, seeded: <paramref name="testFraction"/> of them for testing, then
    /// <paramref name="validationFraction"/> of all of them for validation, the rest for training.
    /// </summary>
    public (Dataset Train, Dataset Validation, Dataset Test) Split(double validationFraction, double testFraction, int seed, bool stratified = false)
    {
        if (!(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), $"The validation ({validationFraction}) and test ({testFraction}) fractions must be above 0 and add up to less than 1.");
        }

        (Dataset rest, Dataset test) = Split(testFraction, seed, stratified);
        (Dataset train, Dataset validation) = rest.Split(validationFraction / (1 - testFraction), seed + 1, stratified);
        return (train, validation, test);
    }

    private bool[] RandomChoice(int heldOutCount, int seed)
    {
        var order = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            order[i] = i;
        }

        new RandomStream(seed, 0x5EED_5B11).Shuffle(order.AsSpan());
        var heldOut = new bool[Count];
        for (int i = 0; i < heldOutCount; i++)
        {
            heldOut[order[i]] = true;
        }

        return heldOut;
    }

    private bool[] StratifiedChoice(int heldOutCount, int seed)
    {
        int[] labels = Labels!;
        var byClass = new List<int>[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            byClass[c] = new List<int>();
        }

        for (int i = 0; i < Count; i++)
        {
            byClass[labels[i]].Add(i);
        }

        // Each class's share, floored, then the remaining samples to the largest remainders (ties to the lower class).
        double fraction = (double)heldOutCount / Count;
        var take = new int[ClassCount];
        int assigned = 0;
        for (int c = 0; c < ClassCount; c++)
        {
            take[c] = (int)Math.Floor(byClass[c].Count * fraction);
            assigned += take[c];
        }

        var byRemainder = new int[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            byRemainder[c] = c;
        }

        Array.Sort(byRemainder, (a, b) =>
        {
            int order = ((byClass[b].Count * fraction) - take[b]).CompareTo((byClass[a].Count * fraction) - take[a]);
            return order != 0 ? order : a.CompareTo(b);
        });
        for (int k = 0; assigned < heldOutCount && k < ClassCount; k++)
        {
            int c = byRemainder[k];
            if (take[c] < byClass[c].Count)
            {
                take[c]++;
                assigned++;
            }
        }

        var random = new RandomStream(seed, 0x5EED_5B12);
        var heldOut = new bool[Count];
        for (int c = 0; c < ClassCount; c++)
        {
            int[] members = byClass[c].ToArray();
            random.Shuffle(members.AsSpan());
            for (int i = 0; i < take[c]; i++)
            {
                heldOut[members[i]] = true;
            }
        }

        return heldOut;
    }

    /// <summary>The first <paramref name="count"/> samples, as a new dataset.</summary>
    public Dataset Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        return Subset(indices);
    }

    private int[] CopyShape()
    {
        var shape = new int[SampleShape.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = SampleShape[i];
        }

        return shape;
    }

    /// <summary>The sequences one after another, and where each starts (one more offset than sequences).</summary>
    private static (int[] Labels, int[] Offsets) Flatten(IReadOnlyList<int[]> sequences, string source)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var offsets = new int[sequences.Count + 1];
        for (int i = 0; i < sequences.Count; i++)
        {
            int[] sequence = sequences[i] ?? throw new ArgumentException($"{source}: sample {i} has no label sequence (null); give an empty array for an empty one.", nameof(sequences));
            long end = (long)offsets[i] + sequence.Length;
            offsets[i + 1] = end <= int.MaxValue ? (int)end : throw new ArgumentException($"{source}: the label sequences hold more labels than an int counts.", nameof(sequences));
        }

        var labels = new int[offsets[^1]];
        for (int i = 0; i < sequences.Count; i++)
        {
            sequences[i].CopyTo(labels, offsets[i]);
        }

        return (labels, offsets);
    }

    private static int[] CheckShape(int[] shape, string source)
    {
        if (shape.Length == 0 || Array.Exists(shape, size => size < 1))
        {
            throw new ArgumentException($"{source}: a sample shape needs one or more sizes of at least 1, but is [{string.Join(", ", shape)}].", "sampleShape");
        }

        return (int[])shape.Clone();
    }

    private static int CheckFeatures(float[] features, int sampleLength, string source)
    {
        if (features.Length == 0)
        {
            throw new ArgumentException($"{source}: the dataset is empty.", nameof(features));
        }

        if (features.Length % sampleLength != 0)
        {
            throw new ArgumentException($"{source}: {features.Length} feature values are not a whole number of samples of {sampleLength}.", nameof(features));
        }

        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException($"{source}: value {i % sampleLength} of sample {i / sampleLength} is {features[i]}.", nameof(features));
            }
        }

        return features.Length / sampleLength;
    }

    private static int Product(int[] shape)
    {
        long product = 1;
        foreach (int size in shape)
        {
            product *= size;
        }

        return product > int.MaxValue ? throw new ArgumentException($"A sample of shape [{string.Join(", ", shape)}] has more values than an int counts.", "sampleShape") : (int)product;
    }
}
