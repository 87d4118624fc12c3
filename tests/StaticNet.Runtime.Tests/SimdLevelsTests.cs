using System;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The line a program prints at start-up about the kernels it runs.</summary>
public class SimdLevelsTests
{
    /// <summary>These tests run under the JIT: the line must say so, and name the level in use.</summary>
    [Fact]
    public void DescribeNamesTheLevelAndTheJit()
    {
        string line = SimdLevels.Describe();
        Assert.StartsWith($"SIMD: {SimdLevels.Best} kernels (JIT)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("NativeAOT", line, StringComparison.Ordinal);
    }
}
