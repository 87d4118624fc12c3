using System;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// The generated code stays thin: per network only constants, the definition and one call per layer and
/// direction, the computation being the runtime's. These bounds hold the line counts where they are, so a change
/// that starts emitting per-layer or per-network code again fails here.
/// </summary>
public sealed class GeneratedSizeTests
{
    /// <summary>The most lines one more convolution, batch normalisation or dense layer may add, calls and constants included.</summary>
    private const int MaxLinesPerLayer = 40;

    [Fact]
    public void LeNet5_is_at_most_800_lines()
    {
        int lines = Lines(Networks.LeNet5);

        Assert.InRange(lines, 100, 800);
    }

    [Fact]
    public void ResNet18_is_under_3000_lines()
    {
        int lines = Lines(Networks.ResNet18);

        Assert.InRange(lines, 1000, 2999);
    }

    [Theory]
    [InlineData("[Conv2D(8, 3, Padding = 1)]", 1)]
    [InlineData("[Conv2D(8, 3, Padding = 1, Bias = false)]", 1)]
    [InlineData("[BatchNorm2D]", 1)]
    [InlineData("[Conv2D(8, 3, Padding = 1), BatchNorm2D]", 2)]
    [InlineData("[Conv2D(16, 3, Padding = 1), BatchNorm2D]", 2)] // in blocked channels for inference, with its conversions
    public void One_more_image_layer_adds_at_most_40_lines(string layer, int layers)
    {
        // The stem has batch normalisations already, so what is counted is the layer, not the staging the first ones bring.
        const string Stem = "[Network]\n[Input(8, 12, 12)]\n[Conv2D(8, 3, Padding = 1), BatchNorm2D, ReLU, BatchNorm2D]\n";
        int without = Lines(Stem + "[Flatten]\n[Dense(10)]\npublic partial class Net;");
        int with = Lines(Stem + layer + "\n[Flatten]\n[Dense(10)]\npublic partial class Net;");

        Assert.InRange(with - without, 1, layers * MaxLinesPerLayer);
    }

    [Theory]
    [InlineData("[Dense(16)]")]
    [InlineData("[Dense(16, Bias = false)]")]
    [InlineData("[BatchNorm1D]")]
    public void One_more_flat_layer_adds_at_most_40_lines(string layer)
    {
        const string Stem = "[Network]\n[Input(16)]\n[Dense(16), BatchNorm1D, ReLU, BatchNorm1D]\n";
        int without = Lines(Stem + "[Dense(10)]\npublic partial class Net;");
        int with = Lines(Stem + layer + "\n[Dense(10)]\npublic partial class Net;");

        Assert.InRange(with - without, 1, MaxLinesPerLayer);
    }

    private static int Lines(string declaration)
    {
        string source = declaration.StartsWith("using", StringComparison.Ordinal) ? declaration : "using StaticNet;\n" + declaration;
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.True(run.Diagnostics.IsEmpty, GeneratorRun.Describe(run.Diagnostics));
        Assert.True(run.OutputDiagnostics.IsEmpty, "Compiler diagnostics with the generated code:\n" + GeneratorRun.Describe(run.OutputDiagnostics));
        return run.Source!.Split('\n').Length;
    }
}
