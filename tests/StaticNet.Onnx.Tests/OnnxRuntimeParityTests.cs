using System;
using StaticNet.Bench;
using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Onnx.Tests;

/// <summary>
/// Every exported network runs in ONNX Runtime and gives what <c>Predict</c> gives, for one sample and
/// for a batch (the symbolic batch dimension), within 1e-5 absolute plus 1e-4 relative.
/// </summary>
public sealed class OnnxRuntimeParityTests
{
    private readonly ITestOutputHelper _output;

    public OnnxRuntimeParityTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (string name in TestNetworks.Names)
        {
            cases.Add(name, 1);
            cases.Add(name, 5);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimeAgreesWithPredict(string name, int batch)
    {
        INetwork network = TestNetworks.Create(name);
        OnnxRuntimeComparison.Prepare(network, seed: 7);

        // Inputs of unit scale; softplus's reach past its threshold (beta * x up to 12 against 3).
        float[] inputs = OnnxRuntimeComparison.Uniform(batch * network.InputLength, TestNetworks.InputScale(name), seed: 11 + batch);
        if (name == nameof(SoftplusNet))
        {
            // Whatever the draw: values far past the threshold, just past it, and far below zero.
            inputs[0] = 4.5f;
            inputs[1] = 1.6f;
            inputs[2] = -5f;
        }

        double largest = OnnxRuntimeComparison.Compare(network, inputs, batch);
        _output.WriteLine(FormattableString.Invariant($"{name}, batch {batch}: largest difference from ONNX Runtime {largest:G3}"));
    }

    [Fact]
    public void ExportReflectsTheCurrentParameters()
    {
        // A model exported before a change to the parameters no longer matches Predict: the export is a
        // copy of the values at the time, not a view, and the comparison sees the difference.
        var network = new Mlp(seed: 1);
        float[] inputs = OnnxRuntimeComparison.Uniform(2 * Mlp.InputLength, 1, seed: 3);
        var before = new System.IO.MemoryStream();
        network.ExportOnnx(before);
        float[] bias = new float[10];
        network.ReadTensor("fc3.bias", bias);
        bias[4] += 0.5f;
        network.WriteTensor("fc3.bias", bias);

        float[] stale = OnnxRuntimeComparison.RunOnnx(before.ToArray(), network, inputs, 2);
        float[] current = new float[2 * Mlp.OutputLength];
        network.Predict(inputs, current, 2);
        Assert.Equal(current[4] - 0.5f, stale[4], 4);
        Assert.Equal(current[14] - 0.5f, stale[14], 4);
        Assert.True(OnnxRuntimeComparison.Compare(network, inputs, 2) <= OnnxRuntimeComparison.Absolute + 1e-3);
    }
}

/// <summary>The networks the export is checked on: the test's own, the benchmarks' and the samples'.</summary>
internal static class TestNetworks
{
    public static readonly string[] Names =
    {
        nameof(WindowNet), nameof(RectangularWindowNet), nameof(PoolNet), nameof(NormNet), nameof(SoftplusNet), nameof(BranchNet), nameof(OutputNameNet), nameof(ConcatNet),
        nameof(Mlp), nameof(BatchNormCnn), nameof(LeNet5), nameof(FashionCnn), nameof(FashionResNet),
    };

    public static INetwork Create(string name) => name switch
    {
        nameof(WindowNet) => new WindowNet(),
        nameof(RectangularWindowNet) => new RectangularWindowNet(),
        nameof(PoolNet) => new PoolNet(),
        nameof(NormNet) => new NormNet(),
        nameof(SoftplusNet) => new SoftplusNet(),
        nameof(BranchNet) => new BranchNet(),
        nameof(OutputNameNet) => new OutputNameNet(),
        nameof(ConcatNet) => new ConcatNet(),
        nameof(Mlp) => new Mlp(),
        nameof(BatchNormCnn) => new BatchNormCnn(),
        nameof(LeNet5) => new LeNet5(),
        nameof(FashionCnn) => new FashionCnn(),
        nameof(FashionResNet) => new FashionResNet(),
        _ => throw new ArgumentException($"No test network named {name}.", nameof(name)),
    };

    /// <summary>How far inputs reach: softplus's network takes values well past its first threshold.</summary>
    public static double InputScale(string name) => name == nameof(SoftplusNet) ? 6 : 1;
}
