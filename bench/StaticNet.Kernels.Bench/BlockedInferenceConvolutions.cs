using System;
using BenchmarkDotNet.Attributes;

namespace StaticNet.Kernels.Bench;

/// <summary>
/// Inference's two kernels for a 3x3 convolution at stride 1 on blocked channels, side by side on the same tensors:
/// the direct tiles (<see cref="BlockedConvolution"/>) and Winograd's F(2x2, 3x3) (<see cref="WinogradConvolution"/>),
/// each call packing or transforming its weights as <c>Predict</c> does, at the batch-norm CNN's conv2 (16 to 32
/// channels, 14x14) and conv3 (32 to 64, 7x7), and at 64 to 64 channels on 14x14 and 5x5 (where the direct kernel is
/// kept), for one sample and for 16, one thread, at the SIMD level this machine runs by default.
/// </summary>
public class BlockedInferenceConvolutions
{
    private BlockedLayout _input;
    private BlockedLayout _output;
    private BlockedConvolution.Window _window;
    private float[] _x = Array.Empty<float>();
    private float[] _y = Array.Empty<float>();
    private float[] _weight = Array.Empty<float>();
    private float[] _directScratch = Array.Empty<float>();
    private float[] _winogradScratch = Array.Empty<float>();

    /// <summary>Input channels, filters and plane side: 16x32x14 and 32x64x7 are the batch-norm CNN's conv2 and conv3.</summary>
    [Params("16x32x14", "32x64x7", "64x64x14", "64x64x5")]
    public string Layer { get; set; } = "16x32x14";

    [Params(1, 16)]
    public int Samples { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] sizes = Layer.Split('x');
        int channels = int.Parse(sizes[0], System.Globalization.CultureInfo.InvariantCulture);
        int filters = int.Parse(sizes[1], System.Globalization.CultureInfo.InvariantCulture);
        int side = int.Parse(sizes[2], System.Globalization.CultureInfo.InvariantCulture);
        _window = new BlockedConvolution.Window(3, 3, 1, 1, 1, 1, 1, 1);
        _input = new BlockedLayout(channels, side, side, 1, BlockedConvolution.Block);
        _output = new BlockedLayout(filters, side, side, 1, BlockedConvolution.Block);
        _x = Buffers.Random(Samples * _input.Length);
        BlockedTensors.ClearBorder(_x, _input, Samples);
        _y = new float[Samples * _output.Length];
        _weight = Buffers.Random(filters * channels * 9, 2);
        _directScratch = new float[BlockedConvolution.ScratchLength(channels, 3, 3, filters)];
        _winogradScratch = new float[WinogradConvolution.ScratchLength(channels, filters)];
    }

    [Benchmark(Baseline = true)]
    public void Direct() => BlockedConvolution.Forward(
        _x, _input, _weight, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, true, _y, _output, 3, 3, 1, 1, 1, 1, 1, 1, _directScratch, Samples, SimdLevels.Best);

    /// <summary>Winograd's kernel, whether or not <see cref="WinogradConvolution.Runs"/> would choose it for the layer.</summary>
    [Benchmark]
    public void Winograd() => WinogradConvolution.Forward(
        _x, _input, _weight, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, true, _y, _output, _window, _winogradScratch, Samples, SimdLevels.Best);
}
