using Xunit;
using Xunit.Sdk;

namespace StaticNet.Parity;

/// <summary>The comparison itself: the tolerance's edges, special values, and what a mismatch message says.</summary>
public sealed class ComparisonTests
{
    private static readonly SafeTensor Reference = new("weight", new[] { 2, 3 }, new[] { 0f, 1f, -2f, 100f, 1e-7f, 3f });

    [Fact]
    public void ValuesWithinTheToleranceMatch()
    {
        var comparison = new Comparison("edges");
        // Each value is 0.99 of the allowed difference away: 1e-5 + 1e-4 * |reference|.
        comparison.Tensor("weight", new[] { 0.99e-5f, 1f + 1.089e-4f, -2f - 2.079e-4f, 100f + 0.0100098f, 1e-7f - 0.99e-5f, 3f }, Reference);
        Assert.True(comparison.Passed);
        comparison.AssertMatched();
        Assert.True(comparison.WorstRatio is > 0.98 and <= 1.0, $"worst ratio {comparison.WorstRatio}");
    }

    [Fact]
    public void AValueJustOutsideTheToleranceIsReportedWithCaseTensorIndexAndBothValues()
    {
        var comparison = new Comparison("edges");
        comparison.Tensor("weight", new[] { 0f, 1f, -2f, 100.0102f, 1e-7f, 3f }, Reference);
        Assert.False(comparison.Passed);
        var failure = Assert.Throws<FailException>(comparison.AssertMatched);
        Assert.Contains("case 'edges'", failure.Message);
        Assert.Contains("tensor 'weight' [2, 3] at index [1, 0]", failure.Message);
        Assert.Contains("StaticNet 100.010201", failure.Message);
        Assert.Contains("PyTorch 100", failure.Message);
        Assert.Equal(0.0102, comparison.MaxAbsolute, 4);
    }

    [Fact]
    public void AOnePercentErrorFails()
    {
        var comparison = new Comparison("one percent");
        comparison.Tensor("weight", new[] { 0f, 1.01f, -2f, 100f, 1e-7f, 3f }, Reference);
        Assert.False(comparison.Passed);
    }

    [Fact]
    public void NaNMatchesOnlyNaNAndInfinityOnlyTheSameInfinity()
    {
        var reference = new SafeTensor("t", new[] { 3 }, new[] { float.NaN, float.PositiveInfinity, 1f });
        var same = new Comparison("special");
        same.Tensor("t", new[] { float.NaN, float.PositiveInfinity, 1f }, reference);
        Assert.True(same.Passed);

        var different = new Comparison("special");
        different.Tensor("t", new[] { 0f, float.NegativeInfinity, float.NaN }, reference);
        Assert.False(different.Passed);
        Assert.Contains("3 of 3 values differ", Assert.Throws<FailException>(different.AssertMatched).Message);
    }

    [Fact]
    public void ATensorOfTheWrongSizeFails()
    {
        var comparison = new Comparison("sizes");
        comparison.Tensor("weight", new float[5], Reference);
        Assert.Contains("has 5 values in StaticNet but PyTorch's has shape [2, 3]", Assert.Throws<FailException>(comparison.AssertMatched).Message);
    }

    [Fact]
    public void NothingComparedFails()
    {
        Assert.Throws<TrueException>(new Comparison("empty").AssertMatched);
    }
}
