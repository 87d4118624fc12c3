using System;
using System.Linq;
using Xunit;

namespace StaticNet.Tests;

public class DatasetTests
{
    [Fact]
    public void RejectsBadData()
    {
        Assert.Contains("sample 1 has label 3", Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset(new float[4], new[] { 2 }, new[] { 0, 3 }, 3, "toy")).Message);
        Assert.Contains("value 1 of sample 1 is NaN", Assert.Throws<ArgumentException>(() => new Dataset(new[] { 0f, 0f, 0f, float.NaN }, new[] { 2 }, new[] { 0, 1 }, 3, "toy")).Message);
        Assert.Contains("toy: the dataset is empty", Assert.Throws<ArgumentException>(() => new Dataset(Array.Empty<float>(), new[] { 2 }, Array.Empty<int>(), 3, "toy")).Message);
        Assert.Contains("not a whole number of samples of 2", Assert.Throws<ArgumentException>(() => new Dataset(new float[5], new[] { 2 }, new[] { 0, 1 }, 3, "toy")).Message);
        Assert.Contains("2 samples but 3 labels", Assert.Throws<ArgumentException>(() => new Dataset(new float[4], new[] { 2 }, new[] { 0, 1, 2 }, 3, "toy")).Message);
    }

    [Fact]
    public void SplitIsASeededPartition()
    {
        float[] features = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        int[] labels = Enumerable.Range(0, 100).Select(i => i % 4).ToArray();
        var data = new Dataset(features, new[] { 1 }, labels, 4);

        (Dataset train, Dataset validation) = data.Split(0.2, seed: 3);
        (Dataset train2, Dataset validation2) = data.Split(0.2, seed: 3);
        (_, Dataset validation3) = data.Split(0.2, seed: 4);

        Assert.Equal(80, train.Count);
        Assert.Equal(20, validation.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (float)i), train.Features.Concat(validation.Features).OrderBy(v => v));
        Assert.Equal(validation.Features, validation2.Features);
        Assert.Equal(train.Features, train2.Features);
        Assert.NotEqual(validation.Features, validation3.Features);
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal((int)validation.Features[i] % 4, validation.Labels![i]));
    }

    [Fact]
    public void NormalizationUsesTheTrainingStatistics()
    {
        // Two channels of 2 values, 2 samples: channel 0 holds 0, 2, 4, 6; channel 1 holds 10 four times plus noise-free offsets.
        float[] features = { 0, 2, 10, 12, 4, 6, 14, 16 };
        var train = new Dataset(features, new[] { 2, 1, 2 }, new[] { 0, 1 }, 2);
        Normalization normalization = Normalization.Fit(train);

        Assert.Equal(new[] { 3f, 13f }, normalization.Mean.ToArray());
        Assert.Equal((float)Math.Sqrt(5), normalization.StandardDeviation[0], 5);
        normalization.Apply(train);
        Assert.Equal(-3 / Math.Sqrt(5), train.Features[0], 5);
        Assert.Equal(3 / Math.Sqrt(5), train.Features[7], 5);
    }
}
