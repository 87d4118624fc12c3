using System.Collections.Generic;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Parity;

/// <summary>The layer, loss and optimizer cases of <see cref="LayerCases"/>, with one PyTorch run for all of them.</summary>
public sealed class LayerParityFixture : ParityFixture
{
    public LayerParityFixture()
        : base("layers", () => LayerCases.WithControl)
    {
    }
}

/// <summary>Each layer kind, loss and optimizer against PyTorch: forward, loss, gradients, and three optimizer steps.</summary>
[Collection(ParityCollection.Name)]
public sealed class LayerParityTests : IClassFixture<LayerParityFixture>
{
    private readonly LayerParityFixture _fixture;
    private readonly ITestOutputHelper _output;

    public LayerParityTests(LayerParityFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Theory]
    [MemberData(nameof(LayerCases.Names), MemberType = typeof(LayerCases))]
    public void MatchesPyTorch(string name)
    {
        ParityAssert.Matched(_fixture.Run(name), _output);
    }

    /// <summary>
    /// The known differences from PyTorch 1.13 (<see cref="LayerCases.KnownDifferences"/>) must keep
    /// differing, and only after the first update: what precedes it (output, loss, gradients) matches.
    /// </summary>
    [Theory]
    [MemberData(nameof(LayerCases.KnownDifferenceNames), MemberType = typeof(LayerCases))]
    public void DiffersFromPyTorch113AsDocumented(string name)
    {
        Comparison comparison = Assert.Single(_fixture.Run(name));
        _output.WriteLine(comparison.Summary());
        Assert.False(comparison.Passed, $"case '{name}' now matches PyTorch; if PyTorch was upgraded, move it to LayerCases.All.");
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(comparison.AssertMatched);
        _output.WriteLine(failure.Message);
        Assert.DoesNotContain("tensor 'output'", failure.Message);
        Assert.DoesNotContain("tensor 'gradient of", failure.Message);
        Assert.DoesNotContain("tensor 'input gradient'", failure.Message);
        Assert.DoesNotContain("could not run", failure.Message);
    }

    [Fact]
    public void ReportsAMismatchWhenThePyTorchTwinDiffers()
    {
        Comparison comparison = Assert.Single(_fixture.Run(LayerCases.Control.Name));
        _output.WriteLine(comparison.Summary());
        Assert.False(comparison.Passed, "The negative control matched: the suite is not comparing StaticNet with PyTorch.");
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(comparison.AssertMatched);
        Assert.Contains("case 'control-sigmoid-vs-tanh': tensor 'output' [3, 4] at index [0, 0]: StaticNet ", failure.Message);
        Assert.Contains(", PyTorch ", failure.Message);
        Assert.Contains("tensor 'gradient of fc1.weight'", failure.Message);
    }
}

/// <summary>Prints each comparison's largest errors, then fails on the first that has a mismatch.</summary>
public static class ParityAssert
{
    public static void Matched(IReadOnlyList<Comparison> comparisons, ITestOutputHelper output)
    {
        foreach (Comparison comparison in comparisons)
        {
            output.WriteLine(comparison.Summary());
        }

        foreach (Comparison comparison in comparisons)
        {
            comparison.AssertMatched();
        }
    }
}

/// <summary>
/// One collection for every parity test class, so they run one after another: each class's fixture
/// starts one Python process, and the machines these run on have few cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ParityCollection
{
    public const string Name = "Parity with PyTorch";
}
