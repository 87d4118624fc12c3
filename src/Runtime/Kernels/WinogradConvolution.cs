using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The 3x3, stride-1 convolution on blocked channels by Winograd's minimal filtering F(2x2, 3x3): each 2x2
/// of outputs is <c>Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A</c> of the 4x4 of input <c>d</c> under it, so that a tile's 36
/// multiply-adds per channel and filter become 16. The transformed weights <c>U = G g Gᵀ</c> and inputs
/// <c>V = Bᵀ d B</c> meet in 16 products over the channels, one per point of the 4x4, on the same 6x2 tile of
/// accumulators as the direct kernel (<see cref="BlockedConvolution"/>), the rows six 2x2 tiles of outputs; the
/// transforms are additions and halvings around them. At the bench's shapes the products are 2.25x (14x14 planes)
/// and 1.72x (7x7, whose tiles cover 8x8) fewer multiply-adds than the direct kernel's.
/// </summary>
/// <remarks>
/// Inference runs it on its blocked tensors; training's forward pass and input gradient (the convolution of the
/// output gradient by the flipped weights) run it on their planes converted to blocks (Convolution.Blocked.cs). The
/// results differ from the direct sums by rounding alone, the transforms' few additions. A group of six tiles is transformed, multiplied and transformed back while
/// it is in the first-level cache, so the work area stays a few kilobytes whatever the batch. Every output is
/// computed by the same operations in the same order in any group, sample, range of tiles and thread, and at every
/// SIMD level whose multiply-adds the hardware fuses, the scalar one running the same code on one lane. The weights
/// are transformed on every call of a batch (<see cref="Prepare"/>), as the direct kernel packs them; one sample's
/// <c>Predict</c> keeps them transformed and transforms again whenever the weights differ in any bit from those it
/// transformed (Networks/PreparedWeights.cs), so that no transformed copy can be out of date. Threads can share one
/// sample's call: <see cref="TransformWeights"/> takes ranges of filter blocks, and <see cref="Run"/> ranges of tiles
/// and of filter blocks.
/// </remarks>
internal static class WinogradConvolution
{
    /// <summary>Points of a transformed tile: the 4x4 input a 2x2 of outputs reads.</summary>
    internal const int Points = 16;

    /// <summary>Tiles of outputs in a group: the six rows of the products' tile of accumulators.</summary>
    internal const int GroupTiles = BlockedConvolution.TilePositions;

    /// <summary>
    /// The time of a point of a tile, per channel and filter, in the direct kernel's multiply-adds (9 per output
    /// position): the products and transforms run at about two thirds of the direct kernel's rate.
    /// </summary>
    internal const double PointCost = 1.5;

    /// <summary>
    /// The time of transforming the weights, per channel and filter, in the direct kernel's multiply-adds: once a call,
    /// so a single sample's prediction paid all of it before it kept its transformed weights between calls. Fitted, with
    /// <see cref="PointCost"/>, to one sample on one thread, where this kernel ran 0.48x as fast as the direct one on 2x2 outputs, 0.99x on 4x4, 0.91x on 5x5 (64 channels
    /// and filters), 1.07x on 7x7 (32 to 64), 1.15x on 14x14 (16 to 32) and 1.54x on 14x14 (64 to 64). Across 16
    /// samples it was 1.2x-1.9x as fast on every one of those planes; a layer runs here only where one sample gains
    /// too, so that no shape runs slower and a sample comes out the same alone as in a batch.
    /// </summary>
    internal const double WeightsCost = 50;

    private const int Block = BlockedConvolution.Block;

    private const string ForwardName = "WinogradConvolution.Forward";

    private const string TransformInputsName = "WinogradConvolution.TransformInputs";

    /// <summary>
    /// Whether a convolution by <paramref name="window"/> from <paramref name="input"/> runs here: a 3x3 window at stride
    /// 1, undilated, on blocked channels, over a plane large enough that one sample's tiles and the weights' transform
    /// take less time than the direct kernel's sums (<see cref="PointCost"/>, <see cref="WeightsCost"/>): 6x6 outputs
    /// and up; a 5x5 or smaller plane keeps the direct kernel.
    /// </summary>
    public static bool Runs(in BlockedLayout input, in BlockedLayout output, in BlockedConvolution.Window window) =>
        Fits(input, window) && (PointCost * Points * TilesDown(output) * TilesAcross(output)) + WeightsCost <= 9.0 * output.Height * output.Width;

    /// <summary>Whether this kernel can compute a convolution by <paramref name="window"/> from <paramref name="input"/>, whatever it costs: a 3x3 window at stride 1, undilated, on blocked channels.</summary>
    public static bool Fits(in BlockedLayout input, in BlockedConvolution.Window window) =>
        input.Block == Block && window is { KernelHeight: 3, KernelWidth: 3, StrideHeight: 1, StrideWidth: 1, DilationHeight: 1, DilationWidth: 1 };

    /// <summary>Floats of the transformed weights, <c>[point][filter block][channel][Block]</c>, at the start of the scratch.</summary>
    public static int WeightsLength(int channels, int filters) => Points * WeightsPointStride(channels, filters);

    /// <summary>Floats of a thread's work area: a group's transformed inputs, <c>[point][tile][channel]</c>, and products, <c>[point][tile][two vectors]</c>.</summary>
    public static int WorkLength(int channels) => GroupInputsLength(channels) + (Points * GroupTiles * 2 * Block);

    /// <summary>Floats of one group's transformed inputs, <c>[point][tile][channel]</c>: in a thread's work area, or one of the groups <see cref="TransformInputs"/> writes.</summary>
    public static int GroupInputsLength(int channels) => Points * InputsPointStride(channels);

    /// <summary>The groups of <see cref="GroupTiles"/> tiles of <paramref name="samples"/> samples, the last one maybe part-filled.</summary>
    public static int Groups(in BlockedLayout output, int samples) => (Tiles(output, samples) + GroupTiles - 1) / GroupTiles;

    /// <summary>
    /// Floats from one point's weights to the next: a block more than they fill. The transforms write (and read) all 16
    /// points of a vector at once; planes a multiple of 4 KB apart, as the bench's 32x64 weights are, would put all 16
    /// in the same set of the first-level cache, which holds 8. Staggered by a line, the weights' transform for the
    /// bench's batch-norm CNN ran 3x faster.
    /// </summary>
    private static int WeightsPointStride(int channels, int filters) => (channels * filters) + Block;

    /// <summary>Floats from one point's transformed inputs to the next, staggered by a line as the weights are.</summary>
    private static int InputsPointStride(int channels) => (GroupTiles * channels) + Block;

    /// <summary>Floats of scratch a call needs: the transformed weights, then room for one block of filters' weights on their way or for the calling thread's work area.</summary>
    public static int ScratchLength(int channels, int filters) =>
        WeightsLength(channels, filters) + Math.Max(Block * channels * 9, WorkLength(channels));

    /// <summary>The tiles of <paramref name="samples"/> samples, sample by sample, row by row, which <see cref="Run"/> takes in ranges.</summary>
    public static int Tiles(in BlockedLayout output, int samples) => samples * TilesDown(output) * TilesAcross(output);

    /// <summary>
    /// The time the tiles of a call take, in the direct kernel's tile steps (<see cref="BlockedConvolution.TileSteps"/>):
    /// per group and block of filters, 16 products over the channels, and about 4 steps more per point for the transforms.
    /// </summary>
    public static long TileSteps(in BlockedLayout input, in BlockedLayout output, int samples) =>
        (long)Groups(output, samples) * (output.Channels / Block) * Points * (input.Channels + 4);

    /// <summary>
    /// <c>output = weight (*) input + bias</c>, then the folded normalisation and ReLU, as
    /// <see cref="BlockedConvolution.Forward"/> takes them, for a window this kernel <see cref="Fits"/>.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> input,
        in BlockedLayout inputLayout,
        ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias,
        ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift,
        bool relu,
        Span<float> output,
        in BlockedLayout outputLayout,
        in BlockedConvolution.Window window,
        Span<float> scratch,
        int samples,
        SimdLevel simd)
    {
        Prepare(input, inputLayout, weight, bias, scale, shift, output, outputLayout, window, scratch, samples, simd);
        int weights = WeightsLength(inputLayout.Channels, outputLayout.Channels);
        Run(input, inputLayout, bias, scale, shift, relu, output, outputLayout, window, scratch.Slice(0, weights), scratch.Slice(weights), samples, 0, Tiles(outputLayout, samples), 0, outputLayout.Blocks, simd);
    }

    /// <summary>
    /// The part of <see cref="Forward"/> that comes once before its tiles, whichever threads run them: checks the
    /// tensors, transforms the weights into the start of <paramref name="scratch"/> and clears the output's border.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Prepare(
        ReadOnlySpan<float> input,
        in BlockedLayout inputLayout,
        ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias,
        ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift,
        Span<float> output,
        in BlockedLayout outputLayout,
        in BlockedConvolution.Window window,
        Span<float> scratch,
        int samples,
        SimdLevel simd)
    {
        int channels = inputLayout.Channels, filters = outputLayout.Channels, weights = WeightsLength(channels, filters);
        KernelChecks.AtLeast(scratch.Length, ScratchLength(channels, filters), nameof(scratch), ForwardName);
        PrepareOutput(input, inputLayout, bias, scale, shift, output, outputLayout, window, samples);
        TransformWeights(weight, channels, filters, scratch.Slice(0, weights), scratch.Slice(weights), 0, filters / Block, simd);
    }

    /// <summary>
    /// <see cref="Prepare"/> but for the weights, for threads that transform them in parts (<see cref="TransformWeights"/>):
    /// checks the tensors and clears the output's border.
    /// </summary>
    public static void PrepareOutput(
        ReadOnlySpan<float> input,
        in BlockedLayout inputLayout,
        ReadOnlySpan<float> bias,
        ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift,
        Span<float> output,
        in BlockedLayout outputLayout,
        in BlockedConvolution.Window window,
        int samples)
    {
        BlockedConvolution.CheckTensors(input, inputLayout, bias, scale, shift, output, outputLayout, window, samples, ForwardName);
        CheckWindow(inputLayout, window);
        BlockedTensors.ClearBorder(output, outputLayout, samples);
    }

    /// <summary>
    /// <c>U = G g Gᵀ</c> for filter blocks [<paramref name="firstBlock"/>, + <paramref name="blocks"/>) of
    /// <paramref name="weight"/> ([filters, channels, 3, 3]) into their places in <paramref name="transformed"/>
    /// (<see cref="WeightsLength"/>), each block's weights on their way in <paramref name="temporary"/>
    /// (<c>Block * channels * 9</c> floats). Parts that cover the blocks once, on any threads, give what one call gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransformWeights(ReadOnlySpan<float> weight, int channels, int filters, Span<float> transformed, Span<float> temporary, int firstBlock, int blocks, SimdLevel simd)
    {
        int steps = channels * 9;
        KernelChecks.SizeAtLeast(channels, 1, nameof(channels), ForwardName);
        if (filters < Block || filters % Block != 0)
        {
            throw new ArgumentException($"{ForwardName}: the filters must fill blocks of {Block}; found {filters}.", nameof(filters));
        }

        if (firstBlock < 0 || blocks < 0 || firstBlock > (filters / Block) - blocks)
        {
            throw new ArgumentOutOfRangeException(nameof(blocks), blocks, $"{ForwardName}: filter blocks {firstBlock} to {firstBlock + blocks} do not lie in the {filters / Block} blocks of {filters} filters.");
        }

        KernelChecks.AtLeast(weight.Length, (long)filters * steps, nameof(weight), ForwardName);
        KernelChecks.AtLeast(transformed.Length, WeightsLength(channels, filters), nameof(transformed), ForwardName);
        KernelChecks.AtLeast(temporary.Length, (long)Block * steps, nameof(temporary), ForwardName);
        Span<float> packed = temporary.Slice(0, Block * steps);
        for (int block = firstBlock * Block; block < (firstBlock + blocks) * Block; block += Block)
        {
            // Block [Block filters][channel, tap] of the weights as [channel, tap][Block]: a tap's filters side by side.
            BlockTranspose.Transpose(weight.Slice(block * steps, Block * steps), steps, packed, Block, Block, steps);
            switch (simd)
            {
                case SimdLevel.Vector512:
                    TransformWeights<Vector512<float>, Ops512>(packed, transformed, block, channels, filters);
                    break;
                case SimdLevel.Vector256:
                    TransformWeights<Vector256<float>, Ops256>(packed, transformed, block, channels, filters);
                    break;
                case SimdLevel.Scalar:
                    TransformWeights<float, OpsScalar>(packed, transformed, block, channels, filters);
                    break;
                default:
                    TransformWeights<Vector128<float>, Ops128>(packed, transformed, block, channels, filters);
                    break;
            }
        }
    }

    /// <summary>
    /// The tiles of <see cref="Forward"/> in [<paramref name="firstTile"/>, + <paramref name="tiles"/>), for filter blocks
    /// [<paramref name="firstBlock"/>, + <paramref name="blocks"/>), after <see cref="Prepare"/> with the same tensors,
    /// its transformed weights in <paramref name="weights"/>; <paramref name="work"/> is the thread's own
    /// (<see cref="WorkLength"/>). Ranges that cover the tiles and blocks once, on any threads, give what one call for
    /// all of them gives, bit for bit. With <paramref name="transformedInputs"/>, the groups' inputs as
    /// <see cref="TransformInputs"/> wrote them, it reads them there instead of transforming them itself, and
    /// <paramref name="firstTile"/> must start a group: threads that share a group's filter blocks transform it once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        ReadOnlySpan<float> input,
        in BlockedLayout inputLayout,
        ReadOnlySpan<float> bias,
        ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift,
        bool relu,
        Span<float> output,
        in BlockedLayout outputLayout,
        in BlockedConvolution.Window window,
        ReadOnlySpan<float> weights,
        Span<float> work,
        int samples,
        int firstTile,
        int tiles,
        int firstBlock,
        int blocks,
        SimdLevel simd,
        ReadOnlySpan<float> transformedInputs = default)
    {
        BlockedConvolution.CheckTensors(input, inputLayout, bias, scale, shift, output, outputLayout, window, samples, ForwardName);
        CheckWindow(inputLayout, window);
        KernelChecks.AtLeast(weights.Length, WeightsLength(inputLayout.Channels, outputLayout.Channels), nameof(weights), ForwardName);
        KernelChecks.AtLeast(work.Length, WorkLength(inputLayout.Channels), nameof(work), ForwardName);
        if (firstTile < 0 || tiles < 0 || firstTile > Tiles(outputLayout, samples) - tiles)
        {
            throw new ArgumentOutOfRangeException(nameof(tiles), tiles, $"{ForwardName}: tiles {firstTile} to {firstTile + tiles} do not lie in the {Tiles(outputLayout, samples)} tiles of the output.");
        }

        if (firstBlock < 0 || blocks < 0 || firstBlock > outputLayout.Blocks - blocks)
        {
            throw new ArgumentOutOfRangeException(nameof(blocks), blocks, $"{ForwardName}: filter blocks {firstBlock} to {firstBlock + blocks} do not lie in the output's {outputLayout.Blocks}.");
        }

        if (!transformedInputs.IsEmpty)
        {
            CheckTransformedInputs(transformedInputs.Length, inputLayout, outputLayout, samples, nameof(transformedInputs), ForwardName);
            if (firstTile % GroupTiles != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(firstTile), firstTile, $"{ForwardName}: with transformed inputs, the tiles start a group of {GroupTiles}; found tile {firstTile}.");
            }
        }

        var range = new TileRange(inputLayout, outputLayout, window.PaddingHeight, window.PaddingWidth, firstTile, firstTile + tiles, firstBlock * Block, (firstBlock + blocks) * Block);
        switch (simd)
        {
            case SimdLevel.Vector512:
                Run<Vector512<float>, Ops512>(input, bias, scale, shift, relu, output, range, weights, work, transformedInputs);
                break;
            case SimdLevel.Vector256:
                Run<Vector256<float>, Ops256>(input, bias, scale, shift, relu, output, range, weights, work, transformedInputs);
                break;
            case SimdLevel.Scalar:
                Run<float, OpsScalar>(input, bias, scale, shift, relu, output, range, weights, work, transformedInputs);
                break;
            default:
                Run<Vector128<float>, Ops128>(input, bias, scale, shift, relu, output, range, weights, work, transformedInputs);
                break;
        }
    }

    /// <summary>
    /// The inputs of the groups [<paramref name="firstGroup"/>, + <paramref name="groups"/>) of <see cref="Run"/>'s tiles
    /// (<see cref="Groups"/>), transformed as <see cref="Run"/> transforms them, each into its place in
    /// <paramref name="transformed"/>: group <c>g</c> at <c>g</c> <see cref="GroupInputsLength"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransformInputs(ReadOnlySpan<float> input, in BlockedLayout inputLayout, in BlockedLayout outputLayout, in BlockedConvolution.Window window, Span<float> transformed, int samples, int firstGroup, int groups, SimdLevel simd)
    {
        CheckWindow(inputLayout, window);
        KernelChecks.AtLeast(input.Length, (long)samples * inputLayout.Length, nameof(input), TransformInputsName);
        CheckTransformedInputs(transformed.Length, inputLayout, outputLayout, samples, nameof(transformed), TransformInputsName);
        if (firstGroup < 0 || groups < 0 || firstGroup > Groups(outputLayout, samples) - groups)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{TransformInputsName}: groups {firstGroup} to {firstGroup + groups} do not lie in the {Groups(outputLayout, samples)} groups of the output's tiles.");
        }

        int end = Math.Min(Tiles(outputLayout, samples), (firstGroup + groups) * GroupTiles);
        var range = new TileRange(inputLayout, outputLayout, window.PaddingHeight, window.PaddingWidth, firstGroup * GroupTiles, end, 0, 0);
        switch (simd)
        {
            case SimdLevel.Vector512:
                TransformInputs<Vector512<float>, Ops512>(input, range, transformed);
                break;
            case SimdLevel.Vector256:
                TransformInputs<Vector256<float>, Ops256>(input, range, transformed);
                break;
            case SimdLevel.Scalar:
                TransformInputs<float, OpsScalar>(input, range, transformed);
                break;
            default:
                TransformInputs<Vector128<float>, Ops128>(input, range, transformed);
                break;
        }
    }

    private static void CheckTransformedInputs(int length, in BlockedLayout input, in BlockedLayout output, int samples, string name, string method) =>
        KernelChecks.AtLeast(length, (long)Groups(output, samples) * GroupInputsLength(input.Channels), name, method);

    private static void CheckWindow(in BlockedLayout input, in BlockedConvolution.Window window)
    {
        if (!Fits(input, window))
        {
            throw new ArgumentException($"{ForwardName}: runs a 3x3 window at stride 1, undilated, on blocked channels; found a {window.KernelHeight}x{window.KernelWidth} window, stride {window.StrideHeight}x{window.StrideWidth}, dilation {window.DilationHeight}x{window.DilationWidth}, input blocks of {input.Block}.", nameof(window));
        }
    }

    private static int TilesDown(in BlockedLayout output) => (output.Height + 1) / 2;

    private static int TilesAcross(in BlockedLayout output) => (output.Width + 1) / 2;

    /// <summary>
    /// <c>U = G g Gᵀ</c> for one block of filters, its weights <paramref name="packed"/> as <c>[channel, tap][Block]</c>:
    /// <c>G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]</c>, a vector of filters at a time, into <c>[point][filter block][channel][Block]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformWeights<TVector, TOps>(ReadOnlySpan<float> packed, Span<float> transformed, int block, int channels, int filters)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float g = ref MemoryMarshal.GetReference(packed);
        ref float u = ref MemoryMarshal.GetReference(transformed);
        int pointStride = WeightsPointStride(channels, filters);
        for (int c = 0; c < channels; c++)
        {
            for (int lane = 0; lane < Block; lane += TOps.Count)
            {
                ref float taps = ref Unsafe.Add(ref g, (c * 9 * Block) + lane);

                // G g, a column of taps at a time: rows 0-3 of column j.
                Spread<TVector, TOps>(TOps.Load(ref taps, 0 * Block), TOps.Load(ref taps, 3 * Block), TOps.Load(ref taps, 6 * Block), out TVector r00, out TVector r10, out TVector r20, out TVector r30);
                Spread<TVector, TOps>(TOps.Load(ref taps, 1 * Block), TOps.Load(ref taps, 4 * Block), TOps.Load(ref taps, 7 * Block), out TVector r01, out TVector r11, out TVector r21, out TVector r31);
                Spread<TVector, TOps>(TOps.Load(ref taps, 2 * Block), TOps.Load(ref taps, 5 * Block), TOps.Load(ref taps, 8 * Block), out TVector r02, out TVector r12, out TVector r22, out TVector r32);

                // (G g) Gᵀ, a row at a time, each point into its plane of the transformed weights.
                ref float at = ref Unsafe.Add(ref u, BlockedConvolution.PackedAt(block + lane, channels) + (c * Block));
                StoreSpread<TVector, TOps>(r00, r01, r02, ref at, 0 * pointStride, pointStride);
                StoreSpread<TVector, TOps>(r10, r11, r12, ref at, 4 * pointStride, pointStride);
                StoreSpread<TVector, TOps>(r20, r21, r22, ref at, 8 * pointStride, pointStride);
                StoreSpread<TVector, TOps>(r30, r31, r32, ref at, 12 * pointStride, pointStride);
            }
        }
    }

    /// <summary><c>G [a b c]ᵀ = [a, ½(a + b + c), ½(a - b + c), c]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Spread<TVector, TOps>(TVector a, TVector b, TVector c, out TVector p0, out TVector p1, out TVector p2, out TVector p3)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        TVector half = TOps.Broadcast(0.5f), ac = TOps.Add(a, c);
        p0 = a;
        p1 = TOps.Multiply(TOps.Add(ac, b), half);
        p2 = TOps.Multiply(TOps.Subtract(ac, b), half);
        p3 = c;
    }

    /// <summary>One row of <c>(G g) Gᵀ</c>: the four points <see cref="Spread"/> makes of <paramref name="a"/>, <paramref name="b"/>, <paramref name="c"/>, stored <paramref name="stride"/> apart from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreSpread<TVector, TOps>(TVector a, TVector b, TVector c, ref float at, int offset, int stride)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        Spread<TVector, TOps>(a, b, c, out TVector p0, out TVector p1, out TVector p2, out TVector p3);
        TOps.Store(p0, ref at, offset);
        TOps.Store(p1, ref at, offset + stride);
        TOps.Store(p2, ref at, offset + (2 * stride));
        TOps.Store(p3, ref at, offset + (3 * stride));
    }

    private static void Run<TVector, TOps>(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, bool relu, Span<float> output, TileRange range, ReadOnlySpan<float> weights, Span<float> work, ReadOnlySpan<float> transformedInputs)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        switch ((scale.IsEmpty, relu))
        {
            case (true, false):
                Run<TVector, TOps, BlockedConvolution.Unchanged>(input, bias, scale, shift, output, range, weights, work, transformedInputs);
                break;
            case (true, true):
                Run<TVector, TOps, BlockedConvolution.Rectified>(input, bias, scale, shift, output, range, weights, work, transformedInputs);
                break;
            case (false, false):
                Run<TVector, TOps, BlockedConvolution.Normalized>(input, bias, scale, shift, output, range, weights, work, transformedInputs);
                break;
            default:
                Run<TVector, TOps, BlockedConvolution.NormalizedRectified>(input, bias, scale, shift, output, range, weights, work, transformedInputs);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TVector, TOps, TFinish>(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> output, TileRange range, ReadOnlySpan<float> weights, Span<float> work, ReadOnlySpan<float> transformedInputs)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFinish : struct, BlockedConvolution.IFinish
    {
        int channels = range.Input.Channels;
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref float u = ref MemoryMarshal.GetReference(weights);
        ref float own = ref MemoryMarshal.GetReference(work);
        ref float m = ref Unsafe.Add(ref own, GroupInputsLength(channels));
        Span<int> outputAt = stackalloc int[GroupTiles];
        Span<int> rows = stackalloc int[GroupTiles];
        Span<int> columns = stackalloc int[GroupTiles];
        var walk = new TileWalk(range.Input, range.Output, range.PaddingHeight, range.PaddingWidth, range.First);
        for (int first = range.First; first < range.End; first += GroupTiles)
        {
            int count = Math.Min(GroupTiles, range.End - first);
            if (transformedInputs.IsEmpty)
            {
                TransformGroup<TVector, TOps>(ref x, range.Input, ref walk, count, ref own, outputAt, rows, columns);
                MultiplyAndStore<TVector, TOps, TFinish>(bias, scale, shift, ref y, range, ref u, ref own, ref m, count, outputAt, rows, columns);
            }
            else
            {
                for (int t = 0; t < count; t++)
                {
                    walk.Next(out outputAt[t], out rows[t], out columns[t]);
                }

                ref float v = ref Unsafe.AsRef(in transformedInputs[first / GroupTiles * GroupInputsLength(channels)]);
                MultiplyAndStore<TVector, TOps, TFinish>(bias, scale, shift, ref y, range, ref u, ref v, ref m, count, outputAt, rows, columns);
            }
        }
    }

    /// <summary>
    /// The inputs of a group of <paramref name="count"/> tiles from <paramref name="walk"/>'s next, transformed into
    /// <paramref name="v"/> <c>[point][tile][channel]</c>, and where each tile's outputs go; a short group leaves the rows
    /// past its tiles alone, since its products run only its own (<see cref="Multiply"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformGroup<TVector, TOps>(ref float x, in BlockedLayout input, ref TileWalk walk, int count, ref float v, Span<int> outputAt, Span<int> rows, Span<int> columns)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        for (int t = 0; t < count; t++)
        {
            walk.Next(out outputAt[t], out rows[t], out columns[t]);
            ref float tile = ref Unsafe.Add(ref x, walk.InputAt);
            if (walk.InputRows == 4 && walk.InputColumns == 4)
            {
                TransformInside<TVector, TOps>(ref tile, input, ref Unsafe.Add(ref v, t * input.Channels));
            }
            else
            {
                TransformEdge<TVector, TOps>(ref tile, input, walk.InputRows, walk.InputColumns, ref Unsafe.Add(ref v, t * input.Channels));
            }
        }
    }

    /// <summary>
    /// A group's transformed inputs <paramref name="v"/> by the range's filters, two vectors of filters at a time as in the
    /// direct kernel: the 16 products into <paramref name="m"/>, then back to 2x2 outputs, finished and stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAndStore<TVector, TOps, TFinish>(ReadOnlySpan<float> bias, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, ref float y, in TileRange range, ref float u, ref float v, ref float m, int count, Span<int> outputAt, Span<int> rows, Span<int> columns)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFinish : struct, BlockedConvolution.IFinish
    {
        int channels = range.Input.Channels;
        int pointStride = WeightsPointStride(channels, range.Output.Channels), inputsStride = InputsPointStride(channels);
        int productsStride = GroupTiles * 2 * TOps.Count;
        for (int filter = range.FirstFilter; filter < range.EndFilter; filter += 2 * TOps.Count)
        {
            bool pair = filter + TOps.Count < range.EndFilter;
            int second = pair ? filter + TOps.Count : filter;
            var finish = new BlockedConvolution.Epilogue<TVector, TOps, TFinish>(bias, scale, shift, filter, second, BlockedConvolution.Stored(filter, range.Output), BlockedConvolution.Stored(second, range.Output));
            ref float weightsA = ref Unsafe.Add(ref u, BlockedConvolution.PackedAt(filter, channels));
            Multiply<TVector, TOps>(count, pair, ref v, inputsStride, channels, ref weightsA, ref Unsafe.Add(ref u, BlockedConvolution.PackedAt(second, channels)), pointStride, ref m, productsStride);

            for (int t = 0; t < count; t++)
            {
                TransformOutput(in finish, ref Unsafe.Add(ref m, t * 2 * TOps.Count), pair, ref y, outputAt[t], range.Output, rows[t], columns[t]);
            }
        }
    }

    /// <summary>The groups of tiles from <c>range.First</c> to <c>range.End</c>, their inputs transformed, each into its place in <paramref name="transformed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInputs<TVector, TOps>(ReadOnlySpan<float> input, TileRange range, Span<float> transformed)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float x = ref MemoryMarshal.GetReference(input);
        Span<int> outputAt = stackalloc int[GroupTiles];
        Span<int> rows = stackalloc int[GroupTiles];
        Span<int> columns = stackalloc int[GroupTiles];
        var walk = new TileWalk(range.Input, range.Output, range.PaddingHeight, range.PaddingWidth, range.First);
        for (int first = range.First; first < range.End; first += GroupTiles)
        {
            ref float v = ref transformed[first / GroupTiles * GroupInputsLength(range.Input.Channels)];
            TransformGroup<TVector, TOps>(ref x, range.Input, ref walk, Math.Min(GroupTiles, range.End - first), ref v, outputAt, rows, columns);
        }
    }

    /// <summary>
    /// <c>V = Bᵀ d B</c> of one tile's 4x4 input, <c>Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]</c>, a vector of
    /// channels at a time, into the tile's row of each point, <paramref name="v"/> [point][tile][channel]. Only
    /// <paramref name="rows"/> x <paramref name="columns"/> of the 4x4 lie in the input's buffer; the rest read as zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformInput<TVector, TOps>(ref float x, in BlockedLayout input, bool edge, int rows, int columns, ref float v)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int rowStride = input.PaddedWidth * Block, pointStride = InputsPointStride(input.Channels);
        for (int block = 0; block < input.Blocks; block++)
        {
            for (int lane = 0; lane < Block; lane += TOps.Count)
            {
                ref float d = ref Unsafe.Add(ref x, (block * input.BlockLength) + lane);

                // Bᵀ d, a column at a time.
                Gather<TVector, TOps>(ref d, 0, edge, rows, columns, rowStride, out TVector t00, out TVector t10, out TVector t20, out TVector t30);
                Gather<TVector, TOps>(ref d, 1, edge, rows, columns, rowStride, out TVector t01, out TVector t11, out TVector t21, out TVector t31);
                Gather<TVector, TOps>(ref d, 2, edge, rows, columns, rowStride, out TVector t02, out TVector t12, out TVector t22, out TVector t32);
                Gather<TVector, TOps>(ref d, 3, edge, rows, columns, rowStride, out TVector t03, out TVector t13, out TVector t23, out TVector t33);

                // (Bᵀ d) B, a row at a time, each point into its plane.
                ref float at = ref Unsafe.Add(ref v, (block * Block) + lane);
                StoreDifferences<TVector, TOps>(t00, t01, t02, t03, ref at, 0 * pointStride, pointStride);
                StoreDifferences<TVector, TOps>(t10, t11, t12, t13, ref at, 4 * pointStride, pointStride);
                StoreDifferences<TVector, TOps>(t20, t21, t22, t23, ref at, 8 * pointStride, pointStride);
                StoreDifferences<TVector, TOps>(t30, t31, t32, t33, ref at, 12 * pointStride, pointStride);
            }
        }
    }

    /// <summary><see cref="TransformInput"/> of a tile whose 4x4 lies wholly in the buffer: every load unconditional.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TransformInside<TVector, TOps>(ref float x, in BlockedLayout input, ref float v)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector> =>
        TransformInput<TVector, TOps>(ref x, input, edge: false, 4, 4, ref v);

    /// <summary><see cref="TransformInput"/> of a tile at the bottom or right of a plane, whose 4x4 may pass the buffer.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TransformEdge<TVector, TOps>(ref float x, in BlockedLayout input, int rows, int columns, ref float v)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector> =>
        TransformInput<TVector, TOps>(ref x, input, edge: true, rows, columns, ref v);

    /// <summary>Column <paramref name="column"/> of <c>Bᵀ d</c>: the column's four inputs (at an <paramref name="edge"/>, zero outside the buffer) as <see cref="Differences"/> combines them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather<TVector, TOps>(ref float d, int column, bool edge, int rows, int columns, int rowStride, out TVector p0, out TVector p1, out TVector p2, out TVector p3)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float top = ref Unsafe.Add(ref d, column * Block);
        TVector d0, d1, d2, d3;
        if (!edge)
        {
            d0 = TOps.Load(ref top, 0);
            d1 = TOps.Load(ref top, rowStride);
            d2 = TOps.Load(ref top, 2 * rowStride);
            d3 = TOps.Load(ref top, 3 * rowStride);
        }
        else
        {
            bool inside = column < columns;
            d0 = inside ? TOps.Load(ref top, 0) : TOps.Zero;
            d1 = inside && rows > 1 ? TOps.Load(ref top, rowStride) : TOps.Zero;
            d2 = inside && rows > 2 ? TOps.Load(ref top, 2 * rowStride) : TOps.Zero;
            d3 = inside && rows > 3 ? TOps.Load(ref top, 3 * rowStride) : TOps.Zero;
        }

        Differences<TVector, TOps>(d0, d1, d2, d3, out p0, out p1, out p2, out p3);
    }

    /// <summary><c>Bᵀ [a b c d]ᵀ = [a - c, b + c, c - b, b - d]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Differences<TVector, TOps>(TVector a, TVector b, TVector c, TVector d, out TVector p0, out TVector p1, out TVector p2, out TVector p3)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        p0 = TOps.Subtract(a, c);
        p1 = TOps.Add(b, c);
        p2 = TOps.Subtract(c, b);
        p3 = TOps.Subtract(b, d);
    }

    /// <summary>One row of <c>(Bᵀ d) B</c>: the four points <see cref="Differences"/> makes, stored <paramref name="stride"/> apart from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDifferences<TVector, TOps>(TVector a, TVector b, TVector c, TVector d, ref float at, int offset, int stride)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        Differences<TVector, TOps>(a, b, c, d, out TVector p0, out TVector p1, out TVector p2, out TVector p3);
        TOps.Store(p0, ref at, offset);
        TOps.Store(p1, ref at, offset + stride);
        TOps.Store(p2, ref at, offset + (2 * stride));
        TOps.Store(p3, ref at, offset + (3 * stride));
    }

    /// <summary>
    /// The 16 points' products for two vectors of filters: at each point, each of the group's tiles' rows (the first
    /// <typeparamref name="TRows"/> of six) of
    /// <paramref name="v"/> (channels long, <paramref name="channels"/> apart, a point's <paramref name="inputsStride"/>
    /// apart) against the point's transformed weights, one multiply-add per channel in order from zero, into
    /// <paramref name="m"/> as [point][tile][two vectors]. Apart from the caller, so that its twelve accumulators stay
    /// in registers, as in <see cref="BlockedConvolution"/>'s tiles; all 16 points in one call, since at 16 or 32
    /// channels a call per point cost a quarter of the products.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPair<TVector, TOps, TRows>(ref float v, int inputsStride, int channels, ref float weightsA, ref float weightsB, int weightsStride, ref float m, int productsStride)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, ITileRows
    {
        for (int point = 0; point < Points; point++)
        {
            ref float v0 = ref Unsafe.Add(ref v, point * inputsStride);
            ref float v1 = ref Unsafe.Add(ref v0, channels);
            ref float v2 = ref Unsafe.Add(ref v0, 2 * channels);
            ref float v3 = ref Unsafe.Add(ref v0, 3 * channels);
            ref float v4 = ref Unsafe.Add(ref v0, 4 * channels);
            ref float v5 = ref Unsafe.Add(ref v0, 5 * channels);
            ref float wa = ref Unsafe.Add(ref weightsA, point * weightsStride);
            ref float wb = ref Unsafe.Add(ref weightsB, point * weightsStride);
            TVector a0 = TOps.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
            TVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0;
            for (int c = 0; c < channels; c++)
            {
                TVector xa = TOps.Load(ref wa, c * Block), xb = TOps.Load(ref wb, c * Block);
                MultiplyRow<TVector, TOps, TRows>(0, pair: true, xa, xb, ref v0, c, ref a0, ref b0);
                MultiplyRow<TVector, TOps, TRows>(1, pair: true, xa, xb, ref v1, c, ref a1, ref b1);
                MultiplyRow<TVector, TOps, TRows>(2, pair: true, xa, xb, ref v2, c, ref a2, ref b2);
                MultiplyRow<TVector, TOps, TRows>(3, pair: true, xa, xb, ref v3, c, ref a3, ref b3);
                MultiplyRow<TVector, TOps, TRows>(4, pair: true, xa, xb, ref v4, c, ref a4, ref b4);
                MultiplyRow<TVector, TOps, TRows>(5, pair: true, xa, xb, ref v5, c, ref a5, ref b5);
            }

            ref float products = ref Unsafe.Add(ref m, point * productsStride);
            StoreRow<TVector, TOps, TRows>(0, pair: true, a0, b0, ref products);
            StoreRow<TVector, TOps, TRows>(1, pair: true, a1, b1, ref products);
            StoreRow<TVector, TOps, TRows>(2, pair: true, a2, b2, ref products);
            StoreRow<TVector, TOps, TRows>(3, pair: true, a3, b3, ref products);
            StoreRow<TVector, TOps, TRows>(4, pair: true, a4, b4, ref products);
            StoreRow<TVector, TOps, TRows>(5, pair: true, a5, b5, ref products);
        }
    }

    /// <summary>One vector of filters (a last 512-bit block left alone); as <see cref="MultiplyPair"/>, the same layout of products.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MultiplySingle<TVector, TOps, TRows>(ref float v, int inputsStride, int channels, ref float weights, int weightsStride, ref float m, int productsStride)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, ITileRows
    {
        for (int point = 0; point < Points; point++)
        {
            ref float v0 = ref Unsafe.Add(ref v, point * inputsStride);
            ref float v1 = ref Unsafe.Add(ref v0, channels);
            ref float v2 = ref Unsafe.Add(ref v0, 2 * channels);
            ref float v3 = ref Unsafe.Add(ref v0, 3 * channels);
            ref float v4 = ref Unsafe.Add(ref v0, 4 * channels);
            ref float v5 = ref Unsafe.Add(ref v0, 5 * channels);
            ref float w = ref Unsafe.Add(ref weights, point * weightsStride);
            TVector a0 = TOps.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, unused = a0;
            for (int c = 0; c < channels; c++)
            {
                TVector xw = TOps.Load(ref w, c * Block);
                MultiplyRow<TVector, TOps, TRows>(0, pair: false, xw, xw, ref v0, c, ref a0, ref unused);
                MultiplyRow<TVector, TOps, TRows>(1, pair: false, xw, xw, ref v1, c, ref a1, ref unused);
                MultiplyRow<TVector, TOps, TRows>(2, pair: false, xw, xw, ref v2, c, ref a2, ref unused);
                MultiplyRow<TVector, TOps, TRows>(3, pair: false, xw, xw, ref v3, c, ref a3, ref unused);
                MultiplyRow<TVector, TOps, TRows>(4, pair: false, xw, xw, ref v4, c, ref a4, ref unused);
                MultiplyRow<TVector, TOps, TRows>(5, pair: false, xw, xw, ref v5, c, ref a5, ref unused);
            }

            ref float products = ref Unsafe.Add(ref m, point * productsStride);
            StoreRow<TVector, TOps, TRows>(0, pair: false, a0, a0, ref products);
            StoreRow<TVector, TOps, TRows>(1, pair: false, a1, a1, ref products);
            StoreRow<TVector, TOps, TRows>(2, pair: false, a2, a2, ref products);
            StoreRow<TVector, TOps, TRows>(3, pair: false, a3, a3, ref products);
            StoreRow<TVector, TOps, TRows>(4, pair: false, a4, a4, ref products);
            StoreRow<TVector, TOps, TRows>(5, pair: false, a5, a5, ref products);
        }
    }

    /// <summary>
    /// Tile <paramref name="row"/>'s accumulators of a channel, when the group runs that row (a constant to the JIT, as
    /// <typeparamref name="TRows"/> is, so rows past the group's tiles leave no code): the tile's input of
    /// <paramref name="channel"/> times the filters' vector <paramref name="xa"/> and, for a pair, <paramref name="xb"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyRow<TVector, TOps, TRows>(int row, bool pair, TVector xa, TVector xb, ref float inputs, int channel, ref TVector a, ref TVector b)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, ITileRows
    {
        if (TRows.Rows > row)
        {
            TVector x = TOps.Broadcast(Unsafe.Add(ref inputs, channel));
            a = TOps.MultiplyAdd(xa, x, a);
            if (pair)
            {
                b = TOps.MultiplyAdd(xb, x, b);
            }
        }
    }

    /// <summary>Stores tile <paramref name="row"/>'s products of a point, when the group runs that row: two vectors of filters a row, the second only for a pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TVector, TOps, TRows>(int row, bool pair, TVector a, TVector b, ref float products)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TRows : struct, ITileRows
    {
        if (TRows.Rows > row)
        {
            TOps.Store(a, ref products, 2 * row * TOps.Count);
            if (pair)
            {
                TOps.Store(b, ref products, ((2 * row) + 1) * TOps.Count);
            }
        }
    }

    /// <summary>
    /// The products of a group of <paramref name="count"/> tiles, 1 to <see cref="GroupTiles"/>: for two vectors of
    /// filters (<paramref name="pair"/>) or one, with as many rows of accumulators as the group has tiles, so that a short
    /// last group (one tile of a 14x14 plane's 49, four of a 7x7's 16) multiplies no rows it does not use.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Multiply<TVector, TOps>(int count, bool pair, ref float v, int inputsStride, int channels, ref float weightsA, ref float weightsB, int weightsStride, ref float m, int productsStride)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        switch ((count, pair))
        {
            case (6, true): MultiplyPair<TVector, TOps, SixRows>(ref v, inputsStride, channels, ref weightsA, ref weightsB, weightsStride, ref m, productsStride); break;
            case (5, true): MultiplyPair<TVector, TOps, FiveRows>(ref v, inputsStride, channels, ref weightsA, ref weightsB, weightsStride, ref m, productsStride); break;
            case (4, true): MultiplyPair<TVector, TOps, FourRows>(ref v, inputsStride, channels, ref weightsA, ref weightsB, weightsStride, ref m, productsStride); break;
            case (3, true): MultiplyPair<TVector, TOps, ThreeRows>(ref v, inputsStride, channels, ref weightsA, ref weightsB, weightsStride, ref m, productsStride); break;
            case (2, true): MultiplyPair<TVector, TOps, TwoRows>(ref v, inputsStride, channels, ref weightsA, ref weightsB, weightsStride, ref m, productsStride); break;
            case (_, true): MultiplyPair<TVector, TOps, OneRow>(ref v, inputsStride, channels, ref weightsA, ref weightsB, weightsStride, ref m, productsStride); break;
            case (6, false): MultiplySingle<TVector, TOps, SixRows>(ref v, inputsStride, channels, ref weightsA, weightsStride, ref m, productsStride); break;
            case (5, false): MultiplySingle<TVector, TOps, FiveRows>(ref v, inputsStride, channels, ref weightsA, weightsStride, ref m, productsStride); break;
            case (4, false): MultiplySingle<TVector, TOps, FourRows>(ref v, inputsStride, channels, ref weightsA, weightsStride, ref m, productsStride); break;
            case (3, false): MultiplySingle<TVector, TOps, ThreeRows>(ref v, inputsStride, channels, ref weightsA, weightsStride, ref m, productsStride); break;
            case (2, false): MultiplySingle<TVector, TOps, TwoRows>(ref v, inputsStride, channels, ref weightsA, weightsStride, ref m, productsStride); break;
            default: MultiplySingle<TVector, TOps, OneRow>(ref v, inputsStride, channels, ref weightsA, weightsStride, ref m, productsStride); break;
        }
    }

    /// <summary>How many rows of a group's accumulators a product runs: its tiles, a constant per instantiation.</summary>
    private interface ITileRows
    {
        static abstract int Rows { get; }
    }

    private readonly struct OneRow : ITileRows
    {
        public static int Rows => 1;
    }

    private readonly struct TwoRows : ITileRows
    {
        public static int Rows => 2;
    }

    private readonly struct ThreeRows : ITileRows
    {
        public static int Rows => 3;
    }

    private readonly struct FourRows : ITileRows
    {
        public static int Rows => 4;
    }

    private readonly struct FiveRows : ITileRows
    {
        public static int Rows => 5;
    }

    private readonly struct SixRows : ITileRows
    {
        public static int Rows => GroupTiles;
    }

    /// <summary>
    /// <c>Aᵀ M A</c> of one tile's products, <c>Aᵀ = [1 1 1 0; 0 1 -1 -1]</c>, plus the bias, through the epilogue into
    /// the tile's 2x2 outputs that lie in the output (<paramref name="rows"/> x <paramref name="columns"/>);
    /// <paramref name="m"/> is the tile's first product, a point's products <see cref="GroupTiles"/> x 2 vectors apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformOutput<TVector, TOps, TFinish>(in BlockedConvolution.Epilogue<TVector, TOps, TFinish> finish, ref float m, bool pair, ref float y, int outputAt, in BlockedLayout output, int rows, int columns)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFinish : struct, BlockedConvolution.IFinish
    {
        int n = TOps.Count;
        Collapse<TVector, TOps>(ref m, out TVector a00, out TVector a01, out TVector a10, out TVector a11);
        TVector b00 = a00, b01 = a01, b10 = a10, b11 = a11;
        if (pair)
        {
            Collapse<TVector, TOps>(ref Unsafe.Add(ref m, n), out b00, out b01, out b10, out b11);
        }

        TVector biasA = finish.BiasA, biasB = finish.BiasB;
        int below = output.PaddedWidth * Block;
        finish.Store(TOps.Add(a00, biasA), TOps.Add(b00, biasB), ref y, outputAt, pair);
        if (columns > 1)
        {
            finish.Store(TOps.Add(a01, biasA), TOps.Add(b01, biasB), ref y, outputAt + Block, pair);
        }

        if (rows > 1)
        {
            finish.Store(TOps.Add(a10, biasA), TOps.Add(b10, biasB), ref y, outputAt + below, pair);
            if (columns > 1)
            {
                finish.Store(TOps.Add(a11, biasA), TOps.Add(b11, biasB), ref y, outputAt + below + Block, pair);
            }
        }
    }

    /// <summary><c>Aᵀ M A</c> for one vector of filters, <paramref name="m"/> its first point's products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Collapse<TVector, TOps>(ref float m, out TVector y00, out TVector y01, out TVector y10, out TVector y11)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int stride = GroupTiles * 2 * TOps.Count;

        // Aᵀ M, a column at a time.
        Sums<TVector, TOps>(ref m, 0, stride, out TVector s00, out TVector s10);
        Sums<TVector, TOps>(ref m, 1, stride, out TVector s01, out TVector s11);
        Sums<TVector, TOps>(ref m, 2, stride, out TVector s02, out TVector s12);
        Sums<TVector, TOps>(ref m, 3, stride, out TVector s03, out TVector s13);

        // (Aᵀ M) A, a row at a time.
        Fold<TVector, TOps>(s00, s01, s02, s03, out y00, out y01);
        Fold<TVector, TOps>(s10, s11, s12, s13, out y10, out y11);
    }

    /// <summary>Column <paramref name="column"/> of <c>Aᵀ M</c>: its four points' products, point (i, j) at <c>(4i + j) * stride</c>, as <see cref="Fold"/> combines them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sums<TVector, TOps>(ref float m, int column, int stride, out TVector p0, out TVector p1)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        Fold<TVector, TOps>(
            TOps.Load(ref m, column * stride),
            TOps.Load(ref m, (4 + column) * stride),
            TOps.Load(ref m, (8 + column) * stride),
            TOps.Load(ref m, (12 + column) * stride),
            out p0,
            out p1);
    }

    /// <summary><c>Aᵀ [a b c d]ᵀ = [a + b + c, b - c - d]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold<TVector, TOps>(TVector a, TVector b, TVector c, TVector d, out TVector p0, out TVector p1)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        p0 = TOps.Add(TOps.Add(a, b), c);
        p1 = TOps.Subtract(TOps.Subtract(b, c), d);
    }

    /// <summary>A range of tiles, sample by sample, row by row, a range of filters, and the tensors and padding they lie in.</summary>
    private readonly record struct TileRange(BlockedLayout Input, BlockedLayout Output, int PaddingHeight, int PaddingWidth, int First, int End, int FirstFilter, int EndFilter);

    /// <summary>
    /// The tiles from a first one in order: where each one's 4x4 input starts and how much of it lies in the input's
    /// buffer, where its 2x2 outputs go and how many of them lie in the output. A window starts at most the padding
    /// above and left of the plane, so within the border; only its bottom and right can pass the buffer, by the rows
    /// and columns that the outputs past the plane alone read.
    /// </summary>
    private struct TileWalk
    {
        private readonly BlockedLayout _input;
        private readonly BlockedLayout _output;
        private readonly int _paddingHeight;
        private readonly int _paddingWidth;
        private int _sample;
        private int _row;
        private int _column;

        public TileWalk(in BlockedLayout input, in BlockedLayout output, int paddingHeight, int paddingWidth, int first)
        {
            _input = input;
            _output = output;
            _paddingHeight = paddingHeight;
            _paddingWidth = paddingWidth;
            int across = TilesAcross(output), perSample = TilesDown(output) * across;
            _sample = first / perSample;
            _row = first % perSample / across * 2;
            _column = first % across * 2;
            InputAt = InputRows = InputColumns = 0;
        }

        /// <summary>Where the last tile's 4x4 input starts.</summary>
        public int InputAt { get; private set; }

        /// <summary>The rows of the last tile's 4x4 that lie in the input's buffer.</summary>
        public int InputRows { get; private set; }

        /// <summary>The columns of the last tile's 4x4 that lie in the input's buffer.</summary>
        public int InputColumns { get; private set; }

        /// <summary>Takes the next tile: its output's place and the rows and columns of its 2x2 that lie in the output.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Next(out int outputAt, out int outputRows, out int outputColumns)
        {
            outputAt = (_sample * _output.Length) + _output.At(_row, _column);
            outputRows = Math.Min(2, _output.Height - _row);
            outputColumns = Math.Min(2, _output.Width - _column);
            int top = _row - _paddingHeight, left = _column - _paddingWidth;
            InputAt = (_sample * _input.Length) + _input.At(top, left);
            InputRows = Math.Min(4, _input.Height + _input.Border - top);
            InputColumns = Math.Min(4, _input.Width + _input.Border - left);
            if ((_column += 2) >= _output.Width)
            {
                _column = 0;
                if ((_row += 2) >= _output.Height)
                {
                    _row = 0;
                    _sample++;
                }
            }
        }
    }
}
