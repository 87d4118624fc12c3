using System;
using StaticNet.Kernels;

namespace StaticNet;

/// <summary>
/// Shares one sample's <c>Predict</c> among threads: the tiles of each blocked convolution large enough to pay for
/// handing parts out, each thread a range of its output positions after the calling thread has packed the weights
/// (or found them packed by an earlier call, <see cref="PreparedWeights"/>); for Winograd's convolution, the weights'
/// transform in parts of filter blocks unless it is kept, then, where the groups of tiles are too few to go round, the
/// groups' inputs transformed in parts, then units of a group of tiles and a slice of filter blocks;
/// and the outputs of each dense layer whose weights are too large to stay in one core's cache, each thread a range of
/// them, so that each core reads its share of the weights and keeps it from call to call. Every output is computed as
/// on one thread, so the prediction does not depend on the number of threads.
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

    /// <summary>
    /// Weights (floats) from which a dense layer's outputs are shared out: 256 KB, half the second-level cache of one
    /// core of the build machine, beyond which one thread streams them from the last-level cache on every call while two
    /// keep their halves in their own (the MLP's first layer, 784 x 256, is 800 KB).
    /// </summary>
    private const long SplitDenseWeights = 65_536;

    /// <summary>Outputs of a dense layer a part starts at a multiple of: a whole row of the product's widest block of dot products.</summary>
    private const int DenseStep = 8;

    private readonly AlignedFloats _parameters;
    private readonly AlignedFloats _workspace;
    private readonly AlignedFloats _scratch;
    private readonly AlignedFloats _threadScratch;
    private readonly int _threadScratchLength;
    private readonly Action<int, int> _runPart;
    private Convolution _convolution;
    private DenseLayer _dense;
    private bool _runsDense;
    private int _parts;
    private WinogradPhase _phase;

    // Winograd's transformed inputs, every group of a call's tiles, when its filter blocks are cut into slices: grown to
    // the largest such call on the first, so that later calls allocate nothing.
    private AlignedFloats _transformedInputs = new(0);

    public SampleThreads(AlignedFloats parameters, AlignedFloats workspace, AlignedFloats scratch, AlignedFloats threadScratch, int threadScratchLength)
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

    /// <summary>Whether a dense layer of <paramref name="inputs"/> x <paramref name="outputs"/> weights is shared among threads.</summary>
    public bool SplitsDense(int inputs, int outputs) => Threads > 1 && (long)inputs * outputs >= SplitDenseWeights && outputs >= 2 * DenseStep;

    /// <summary>Runs <paramref name="dense"/> in parts of its outputs, whole steps of <see cref="DenseStep"/>, on up to <see cref="Threads"/> threads.</summary>
    public void Run(in DenseLayer dense)
    {
        _dense = dense;
        _runsDense = true;
        _parts = Math.Min(PartsPerThread * Threads, dense.Outputs / DenseStep);
        try
        {
            BatchRunner.Run(_parts, Threads, _runPart);
        }
        finally
        {
            _runsDense = false;
        }
    }

    /// <summary>
    /// Runs the tiles of <paramref name="convolution"/> in parts on up to <see cref="Threads"/> threads: for the direct
    /// kernel after its output is prepared and its weights packed (<see cref="BlockedConvolution.PrepareOutput"/>,
    /// <see cref="BlockedConvolution.Pack"/>); for Winograd's after <see cref="WinogradConvolution.PrepareOutput"/>, the
    /// threads first transforming the weights in parts of filter blocks unless they are <see cref="Convolution.Ready"/>.
    /// </summary>
    public void Run(in Convolution convolution)
    {
        _convolution = convolution;
        if (convolution.Winograd)
        {
            if (!convolution.Ready)
            {
                RunWinogradPhase(WinogradPhase.Weights, Math.Min(PartsPerThread * Threads, convolution.OutputLayout.Blocks));
            }

            // Where slices of the filter blocks share a group, its inputs are transformed once, in parts of the groups,
            // before the slices read them: at 7x7 each group would otherwise be transformed once per slice.
            (int groups, int slices) = WinogradUnits(convolution);
            if (slices > 1)
            {
                int length = groups * WinogradConvolution.GroupInputsLength(convolution.InputLayout.Channels);
                if (_transformedInputs.Length < length)
                {
                    _transformedInputs = new AlignedFloats(length);
                }

                RunWinogradPhase(WinogradPhase.Inputs, Math.Min(Threads, groups));
            }

            // Sliced, each unit a part of its own (they cost about the same); else parts of whole groups.
            RunWinogradPhase(WinogradPhase.Tiles, slices > 1 ? groups * slices : Math.Min(PartsPerThread * Threads, groups));
            return;
        }

        _parts = Math.Min(PartsPerThread * Threads, BlockedConvolution.Tiles(convolution.OutputLayout, convolution.Samples));
        BatchRunner.Run(_parts, Threads, _runPart);
    }

    /// <summary>
    /// Winograd's units of work: its groups of tiles, each cut into slices of its filter blocks where the groups alone
    /// are too few for the parts (a 7x7 plane has 3), so that the threads finish together. The slices divide the blocks
    /// evenly where they can, since every unit costs its share of blocks: 3 slices of 4 blocks would be 1, 1 and 2.
    /// </summary>
    private (int Groups, int Slices) WinogradUnits(in Convolution c)
    {
        int groups = WinogradConvolution.Groups(c.OutputLayout, c.Samples), blocks = c.OutputLayout.Blocks;
        int slices = Math.Clamp((PartsPerThread * Threads + groups - 1) / groups, 1, blocks);
        while (blocks % slices != 0)
        {
            slices++;
        }

        return (groups, slices);
    }

    /// <summary>Part <paramref name="part"/> of the convolution's tiles: whole tiles (whole groups of Winograd tiles), the parts as even as they can be.</summary>
    private void RunPart(int part, int thread)
    {
        if (_runsDense)
        {
            RunDensePart(part);
            return;
        }

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
        BlockedConvolution.Run(
            Input(c),
            c.InputLayout,
            Bias(c),
            c.Scales,
            c.Shifts,
            c.Relu,
            Output(c),
            c.OutputLayout,
            c.Window,
            Prepared(c),
            c.Samples,
            first,
            end - first,
            c.Simd);
    }

    private void RunWinogradPart(int part, int thread)
    {
        ref readonly Convolution c = ref _convolution;
        int channels = c.InputLayout.Channels, filters = c.OutputLayout.Channels, transformed = WinogradConvolution.WeightsLength(channels, filters);
        Span<float> own = _threadScratch.AsSpan(thread * _threadScratchLength, _threadScratchLength);
        (int groups, int slices) = WinogradUnits(c);
        if (_phase == WinogradPhase.Weights)
        {
            int blocks = c.OutputLayout.Blocks, firstBlock = part * blocks / _parts;
            WinogradConvolution.TransformWeights(_parameters.AsSpan(c.Weight, filters * channels * 9), channels, filters, Prepared(c).Slice(0, transformed), own, firstBlock, ((part + 1) * blocks / _parts) - firstBlock, c.Simd);
            return;
        }

        if (_phase == WinogradPhase.Inputs)
        {
            int firstGroup = part * groups / _parts;
            WinogradConvolution.TransformInputs(Input(c), c.InputLayout, c.OutputLayout, c.Window, _transformedInputs, c.Samples, firstGroup, ((part + 1) * groups / _parts) - firstGroup, c.Simd);
            return;
        }

        // Units group by group, each a slice of the filter blocks; a part takes a range of units.
        int tiles = WinogradConvolution.Tiles(c.OutputLayout, c.Samples), units = groups * slices;
        ReadOnlySpan<float> transformedInputs = slices > 1 ? _transformedInputs : default;
        for (int unit = part * units / _parts; unit < (part + 1) * units / _parts; unit++)
        {
            int group = unit / slices, slice = unit % slices, firstTile = group * WinogradConvolution.GroupTiles;
            int firstBlock = slice * c.OutputLayout.Blocks / slices, endBlock = (slice + 1) * c.OutputLayout.Blocks / slices;
            WinogradConvolution.Run(
                Input(c),
                c.InputLayout,
                Bias(c),
                c.Scales,
                c.Shifts,
                c.Relu,
                Output(c),
                c.OutputLayout,
                c.Window,
                Prepared(c).Slice(0, transformed),
                own,
                c.Samples,
                firstTile,
                Math.Min(WinogradConvolution.GroupTiles, tiles - firstTile),
                firstBlock,
                endBlock - firstBlock,
                c.Simd,
                transformedInputs);
        }
    }

    /// <summary>Runs one phase of the Winograd convolution in progress in <paramref name="parts"/> parts.</summary>
    private void RunWinogradPhase(WinogradPhase phase, int parts)
    {
        _phase = phase;
        _parts = parts;
        BatchRunner.Run(parts, Threads, _runPart);
    }

    /// <summary>Part <paramref name="part"/> of the dense layer's outputs: each of them the same dot product as on one thread.</summary>
    private void RunDensePart(int part)
    {
        ref readonly DenseLayer d = ref _dense;
        int steps = d.Outputs / DenseStep, first = part * steps / _parts * DenseStep;
        int end = part == _parts - 1 ? d.Outputs : (part + 1) * steps / _parts * DenseStep, count = end - first;
        Gemm.MultiplyTransposed(
            _workspace.AsSpan(d.Input, d.Inputs),
            _parameters.AsSpan(d.Weight + (first * d.Inputs), count * d.Inputs),
            _workspace.AsSpan(d.Output + first, count),
            1,
            count,
            d.Inputs,
            d.Bias < 0 ? ReadOnlySpan<float>.Empty : _parameters.AsSpan(d.Bias + first, count),
            accumulate: false,
            d.Simd);
    }

    /// <summary>The phases of a shared Winograd convolution: the weights' transform unless kept, the inputs' where slices share groups, and the tiles.</summary>
    private enum WinogradPhase
    {
        Weights,
        Inputs,
        Tiles,
    }

    private Span<float> Input(in Convolution c) => _workspace.AsSpan(c.Input, c.Samples * c.InputLayout.Length);

    private Span<float> Output(in Convolution c) => _workspace.AsSpan(c.Output, c.Samples * c.OutputLayout.Length);

    /// <summary>Where the convolution's packed or transformed weights lie: the kept copy, or else the start of the scratch.</summary>
    private Span<float> Prepared(in Convolution c) => c.Prepared is { } prepared ? prepared.Span : _scratch.Span;

    private ReadOnlySpan<float> Bias(in Convolution c) => c.Bias < 0 ? ReadOnlySpan<float>.Empty : _parameters.AsSpan(c.Bias, c.OutputLayout.Channels);

    /// <summary>
    /// A dense layer of one sample to share: its input and output by their places in the workspace, its weights
    /// ([outputs, inputs]) and bias by their places in the parameters (bias -1 for none).
    /// </summary>
    internal readonly record struct DenseLayer(int Input, int Weight, int Bias, int Output, int Inputs, int Outputs, SimdLevel Simd);

    /// <summary>
    /// A blocked convolution to share: its input and output by their places in the workspace, its weights and bias by
    /// their places in the parameters (bias -1 for none), the folded normalisation's scales and shifts (<see cref="Normalized"/> of each, 0
    /// for none) one after the other in <see cref="Coefficients"/>; <see cref="Winograd"/> when its tiles are
    /// <see cref="WinogradConvolution"/>'s; its packed or transformed weights in <see cref="Prepared"/> (the start of the
    /// scratch when null), <see cref="Ready"/> when they are there already.
    /// </summary>
    internal readonly record struct Convolution(
        int Input,
        BlockedLayout InputLayout,
        int Weight,
        int Bias,
        float[] Coefficients,
        int Normalized,
        bool Relu,
        int Output,
        BlockedLayout OutputLayout,
        BlockedConvolution.Window Window,
        int Samples,
        SimdLevel Simd,
        bool Winograd,
        AlignedFloats? Prepared,
        bool Ready)
    {
        /// <summary>The folded normalisation's scales, one per filter, or none.</summary>
        public ReadOnlySpan<float> Scales => Coefficients.AsSpan(0, Normalized);

        /// <summary>The folded normalisation's shifts, one per filter, or none.</summary>
        public ReadOnlySpan<float> Shifts => Coefficients.AsSpan(Normalized, Normalized);
    }
}
