using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Parity;

/// <summary>The layer, loss and optimizer cases of <see cref="LayerCases"/>, with one PyTorch run for all of them.</summary>
public sealed class LayerParityFixture : ParityFixture
{
    public LayerParityFixture()
        : base("layers", () => LayerCases.All)
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
        Comparison comparison = _fixture.Run(name);
        _output.WriteLine(comparison.Summary());
        comparison.AssertMatched();
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
