using System;
using StaticNet.Kernels;

namespace StaticNet;

/// <summary>
/// Shares one sample's <c>Predict</c> among threads: the tiles of each blocked convolution large enough to pay for
/// handing parts out, each thread a range of its output positions (or Winograd tiles), after the calling thread has
/// packed (or transformed) the weights once. Every output is computed as on one thread, so the prediction does not
/// depend on the number of threads.
/// </summary>
/// <remarks>
/// A part reads the tensors by their places in the network's arrays, since spans cannot cross to another thread; the
/// handover allocates nothing: the work is one delegate made here, the convolution in progress a field.
/// </remarks>
internal sealed class SampleThreads
{
    /// <summary>
    /// Tile steps (<see cref="BlockedConvolution.TileSteps"/>) below which a convolution runs on the calling thread
    /// alone: about six microseconds of work, below which handing parts out and waiting for them cost what sharing
    /// saves (LeNet-5's second convolution, 2,890 tile steps, ran no faster on two threads than on one).
    /// </summary>
    private const long SplitTileSteps = 3_000;

    /// <summary>
    /// Parts per thread: the threads take parts as they free up, so a thread that starts late (its core busy) leaves
    /// the others at most one small part to wait for, instead of half the layer.
    /// </summary>
    private const int PartsPerThread = 4;

    private readonly float[] _parameters;
    private readonly float[] _workspace;
    private readonly float[] _scratch;
    private readonly float[] _threadScratch;
    private readonly int _threadScratchLength;
    private readonly Action<int, int> _runPart;
    private Convolution _convolution;
    private int _parts;

    public SampleThreads(float[] parameters, float[] workspace, float[] scratch, float[] threadScratch, int threadScratchLength)
    {
        _parameters = parameters;
        _workspace = workspace;
        _scratch = scratch;
        _threadScratch = threadScratch;
        _threadScratchLength = threadScratchLength;
        _runPart = RunPart;
    }

    /// <summary>The threads the next <c>Predict</c> may use.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Whether a convolution whose tiles take <paramref name="tileSteps"/> is shared among threads.</summary>
    public bool Splits(long tileSteps) => Threads > 1 && tileSteps >= SplitTileSteps;

    /// <summary>Runs the tiles of <paramref name="convolution"/>, whose <see cref="BlockedConvolution.Prepare"/> (or <see cref="WinogradConvolution.Prepare"/>) has run on the scratch, in parts on up to <see cref="Threads"/> threads.</summary>
    public void Run(in Convolution convolution)
    {
        _convolution = convolution;
        int units = convolution.Winograd ? WinogradGroups(convolution) : BlockedConvolution.Tiles(convolution.OutputLayout, convolution.Samples);
        _parts = Math.Min(PartsPerThread * Threads, units);
        BatchRunner.Run(_parts, Threads, _runPart);
    }

    private static int WinogradGroups(in Convolution c) =>
        (WinogradConvolution.Tiles(c.OutputLayout, c.Samples) + WinogradConvolution.GroupTiles - 1) / WinogradConvolution.GroupTiles;

    /// <summary>Part <paramref name="part"/> of the convolution's tiles: whole tiles (whole groups of Winograd tiles), the parts as even as they can be.</summary>
    private void RunPart(int part, int thread)
    {
        ref readonly Convolution c = ref _convolution;
        if (c.Winograd)
        {
            RunWinogradPart(part, thread);
            return;
        }

        int positions = BlockedConvolution.Positions(c.OutputLayout, c.Samples);
        int tiles = BlockedConvolution.Tiles(c.OutputLayout, c.Samples);
        int first = Math.Min(positions, part * tiles / _parts * BlockedConvolution.TilePositions);
        int end = Math.Min(positions, (part + 1) * tiles / _parts * BlockedConvolution.TilePositions);
        int filters = c.OutputLayout.Channels;
        BlockedConvolution.Run(
            _workspace.AsSpan(c.Input, c.Samples * c.InputLayout.Length),
            c.InputLayout,
            c.Bias < 0 ? ReadOnlySpan<float>.Empty : _parameters.AsSpan(c.Bias, filters),
            c.Coefficients.AsSpan(0, c.Normalized),
            c.Coefficients.AsSpan(c.Normalized, c.Normalized),
            c.Relu,
            _workspace.AsSpan(c.Output, c.Samples * c.OutputLayout.Length),
            c.OutputLayout,
            c.Window,
            _scratch,
            c.Samples,
            first,
            end - first,
            c.Simd);
    }

    private void RunWinogradPart(int part, int thread)
    {
        ref readonly Convolution c = ref _convolution;
        int tiles = WinogradConvolution.Tiles(c.OutputLayout, c.Samples), groups = WinogradGroups(c);
        int first = Math.Min(tiles, part * groups / _parts * WinogradConvolution.GroupTiles);
        int end = Math.Min(tiles, (part + 1) * groups / _parts * WinogradConvolution.GroupTiles);
        int filters = c.OutputLayout.Channels, transformed = WinogradConvolution.WeightsLength(c.InputLayout.Channels, filters);
        WinogradConvolution.Run(
            _workspace.AsSpan(c.Input, c.Samples * c.InputLayout.Length),
            c.InputLayout,
            c.Bias < 0 ? ReadOnlySpan<float>.Empty : _parameters.AsSpan(c.Bias, filters),
            c.Coefficients.AsSpan(0, c.Normalized),
            c.Coefficients.AsSpan(c.Normalized, c.Normalized),
            c.Relu,
            _workspace.AsSpan(c.Output, c.Samples * c.OutputLayout.Length),
            c.OutputLayout,
            c.Window,
            _scratch.AsSpan(0, transformed),
            _threadScratch.AsSpan(thread * _threadScratchLength, _threadScratchLength),
            c.Samples,
            first,
            end - first,
            c.Simd);
    }

    /// <summary>
    /// A blocked convolution to share: its input and output by their places in the workspace, its bias by its place in
    /// the parameters (-1 for none), the folded normalisation's scales and shifts (<see cref="Normalized"/> of each, 0
    /// for none) one after the other in <see cref="Coefficients"/>; <see cref="Winograd"/> when its tiles are
    /// <see cref="WinogradConvolution"/>'s.
    /// </summary>
    internal readonly record struct Convolution(
        int Input,
        BlockedLayout InputLayout,
        int Bias,
        float[] Coefficients,
        int Normalized,
        bool Relu,
        int Output,
        BlockedLayout OutputLayout,
        BlockedConvolution.Window Window,
        int Samples,
        SimdLevel Simd,
        bool Winograd);
}
