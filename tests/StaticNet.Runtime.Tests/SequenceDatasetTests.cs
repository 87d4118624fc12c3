using System;
using System.Linq;
using Xunit;

namespace StaticNet.Tests;

/// <summary>Datasets whose targets are label sequences of their own lengths.</summary>
public class SequenceDatasetTests
{
    /// <summary>Five samples of two values; sample i's values are 10i and 10i + 1, and its sequence is i copies of i % 3.</summary>
    private static Dataset Five() => new(
        Enumerable.Range(0, 10).Select(v => (float)((v / 2 * 10) + (v % 2))).ToArray(),
        new[] { 2 },
        Enumerable.Range(0, 5).Select(i => Enumerable.Repeat(i % 3, i).ToArray()).ToArray(),
        3,
        "five") { ClassNames = new[] { "a", "b", "c" } };

    [Fact]
    public void HoldsEachSamplesSequenceACopyOfWhatWasGiven()
    {
        int[][] sequences = { new[] { 2, 0, 1 }, Array.Empty<int>(), new[] { 1 } };
        var data = new Dataset(new float[6], new[] { 2 }, sequences, 3, "toy");
        sequences[0][0] = 1;

        Assert.True(data.HasSequences);
        Assert.Null(data.Labels);
        Assert.Null(data.Targets);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(3, data.MaxSequenceLength);
        Assert.Equal(new[] { 2, 0, 1 }, data.Sequence(0).ToArray());
        Assert.Empty(data.Sequence(1).ToArray());
        Assert.Equal(new[] { 1 }, data.Sequence(2).ToArray());
        Assert.False(new Dataset(new float[2], new[] { 2 }, new[] { 0 }, 3).HasSequences);
    }

    [Fact]
    public void RejectsBadSequences()
    {
        Assert.Contains("toy: sample 1 has label 3 at position 2 of its sequence, outside the 3 classes 0 to 2", Assert.Throws<ArgumentOutOfRangeException>(
            () => new Dataset(new float[4], new[] { 2 }, new[] { new[] { 0 }, new[] { 1, 2, 3 } }, 3, "toy")).Message);
        Assert.Contains("toy: sample 0 has label -1 at position 0", Assert.Throws<ArgumentOutOfRangeException>(
            () => new Dataset(new float[4], new[] { 2 }, new[] { new[] { -1 }, new[] { 1 } }, 3, "toy")).Message);
        Assert.Contains("toy: the dataset is empty", Assert.Throws<ArgumentException>(
            () => new Dataset(Array.Empty<float>(), new[] { 2 }, Array.Empty<int[]>(), 3, "toy")).Message);
        Assert.Contains("toy: 2 samples but 3 label sequences", Assert.Throws<ArgumentException>(
            () => new Dataset(new float[4], new[] { 2 }, new[] { new[] { 0 }, new[] { 1 }, new[] { 2 } }, 3, "toy")).Message);
        Assert.Contains("toy: sample 1 has no label sequence (null)", Assert.Throws<ArgumentException>(
            () => new Dataset(new float[4], new[] { 2 }, new[] { new[] { 0 }, null! }, 3, "toy")).Message);
        Assert.Contains("the class count must be at least 1", Assert.Throws<ArgumentOutOfRangeException>(
            () => new Dataset(new float[4], new[] { 2 }, new[] { Array.Empty<int>(), Array.Empty<int>() }, 0, "toy")).Message);
        Assert.Contains("3 class names for 2 classes", Assert.Throws<ArgumentException>(
            () => new Dataset(new float[2], new[] { 2 }, new[] { new[] { 1 } }, 2, "toy") { ClassNames = new[] { "a", "b", "c" } }).Message);
    }

    [Fact]
    public void ASequenceIsAskedOnlyOfASequenceDatasetAndWithinIt()
    {
        Assert.Contains("toy: the dataset has class labels, not label sequences", Assert.Throws<InvalidOperationException>(
            () => new Dataset(new float[2], new[] { 2 }, new[] { 0 }, 3, "toy").Sequence(0).ToArray()).Message);
        Assert.Contains("toy: the dataset has target values, not label sequences", Assert.Throws<InvalidOperationException>(
            () => new Dataset(new float[2], new[] { 2 }, new[] { 1f }, 1, "toy").Sequence(0).ToArray()).Message);
        Assert.Contains("five: sample 5 asked for, but the dataset has 5 samples", Assert.Throws<ArgumentOutOfRangeException>(() => Five().Sequence(5).ToArray()).Message);
    }

    [Fact]
    public void SubsetsAndSplitsKeepEachSampleWithItsSequence()
    {
        Dataset data = Five();
        Dataset subset = data.Subset(new[] { 4, 0, 2 });
        Assert.Equal(new float[] { 40, 41, 0, 1, 20, 21 }, subset.Features);
        Assert.Equal(new[] { 1, 1, 1, 1 }, subset.Sequence(0).ToArray());
        Assert.Empty(subset.Sequence(1).ToArray());
        Assert.Equal(new[] { 2, 2 }, subset.Sequence(2).ToArray());
        Assert.Equal(4, subset.MaxSequenceLength);
        Assert.Equal(new[] { "a", "b", "c" }, subset.ClassNames);
        Assert.Equal(2, data.Take(3).MaxSequenceLength);

        // A seeded random split: the same seed the same sides, another seed others; each sample keeps its sequence.
        (Dataset train, Dataset validation) = data.Split(0.4, seed: 7);
        (Dataset train2, Dataset validation2) = data.Split(0.4, seed: 7);
        Assert.Equal(2, validation.Count);
        Assert.Equal(validation.Features, validation2.Features);
        Assert.Equal(train.Features, train2.Features);
        Assert.Contains(Enumerable.Range(1, 20), seed => !data.Split(0.4, seed).Validation.Features.SequenceEqual(validation.Features));
        foreach (Dataset side in new[] { train, validation })
        {
            for (int i = 0; i < side.Count; i++)
            {
                int original = (int)side.Features[2 * i] / 10;
                Assert.Equal(Enumerable.Repeat(original % 3, original), side.Sequence(i).ToArray());
            }
        }

        Assert.Contains("five: a stratified split needs class labels, but the dataset has label sequences", Assert.Throws<ArgumentException>(() => data.Split(0.4, 1, stratified: true)).Message);
    }

    [Fact]
    public void TheCtcLossNamesTheClassOfEachLabelAroundTheBlank()
    {
        var blankFirst = new CtcLoss(4, 4, CtcLayout.StepMajor);
        Assert.Equal(new[] { 1, 2, 3 }, new[] { 0, 1, 2 }.Select(blankFirst.ClassOf));
        Assert.Equal(new[] { 0, 1, 2 }, new[] { 1, 2, 3 }.Select(blankFirst.LabelOf));
        var blankLast = new CtcLoss(4, 4, CtcLayout.StepMajor, blank: 3);
        Assert.Equal(new[] { 0, 1, 2 }, new[] { 0, 1, 2 }.Select(blankLast.ClassOf));
        var blankBetween = new CtcLoss(4, 4, CtcLayout.StepMajor, blank: 1);
        Assert.Equal(new[] { 0, 2, 3 }, new[] { 0, 1, 2 }.Select(blankBetween.ClassOf));
        Assert.Equal(new[] { 0, 1, 2 }, new[] { 0, 2, 3 }.Select(blankBetween.LabelOf));

        Assert.Contains("Labels go from 0 to 2: the 4 classes less the blank", Assert.Throws<ArgumentOutOfRangeException>(() => blankFirst.ClassOf(3)).Message);
        Assert.Contains("Classes other than the blank (0) stand for labels", Assert.Throws<ArgumentOutOfRangeException>(() => blankFirst.LabelOf(0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => blankFirst.LabelOf(4));
    }
}
