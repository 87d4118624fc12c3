using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// Inference's convolution in blocked channels (<see cref="BlockedLayout"/>), for the layers the generator runs
/// blocked: filters a multiple of <see cref="Block"/>. A tile holds two vectors of filters for six output
/// positions in twelve accumulators (at 256 bits the two halves of a block, at 512 bits, where a vector is a whole
/// block, two blocks); each step of its sum loads two vectors of packed weights and broadcasts one input value per
/// position, so that the tile has the independent sums and the few loads per multiply-add that keep both of the
/// core's multiply-add units busy. Nothing is copied or computed for padding, and no load straddles its data: the
/// product runs near the core's peak even on 7x7 planes, where a product over planes loses a quarter of its work
/// to borders. The output is blocked, its border zero for the convolutions after it.
/// </summary>
/// <remarks>
/// Every block of filters' weights is packed into scratch as <c>[steps][Block]</c> before the tiles run, the steps
/// in PyTorch's order (channel, then tap), so packing is a transpose; a table beside them says where each step reads
/// in the input. A batch packs them on every call; one sample's <c>Predict</c> keeps them from call to call and packs
/// again whenever the weights differ in any bit from those it packed (Networks/PreparedWeights.cs), so no packed copy
/// can be out of date. Packing (<see cref="Pack"/>) and the tiles (<see cref="Run"/>) are apart so that threads can
/// share one sample's tiles, each a range of its positions, after one packing. Every output is
/// its bias, then one multiply-add per step in that order, then the folded batch normalisation and ReLU: the same
/// in any tile, sample or batch, and at every SIMD level whose multiply-adds the hardware fuses, the scalar one
/// running the same code on one lane (<see cref="OpsScalar"/>).
/// </remarks>
internal static partial class BlockedConvolution
{
    /// <summary>Channels in a block of a blocked layer's output.</summary>
    public const int Block = ChannelBlocks.Block;

    /// <summary>Output positions in a tile.</summary>
    internal const int TilePositions = 6;

    private const string ForwardName = "BlockedConvolution.Forward";

    /// <summary>Floats of scratch a call needs: every filter's packed weights, and where each step of the sum reads.</summary>
    public static int ScratchLength(int channels, int kernelHeight, int kernelWidth, int filters) =>
        ((((filters + Block - 1) / Block * Block) + 1) * channels * kernelHeight * kernelWidth);

    /// <summary>
    /// <c>output = weight (*) input + bias</c> for <paramref name="samples"/> samples, then <c>output * scale + shift</c>
    /// per filter (when <paramref name="scale"/> is not empty) and the ReLU (when <paramref name="relu"/>); the input and
    /// output in their layouts, the output's border cleared; <paramref name="weight"/> is [filters, channels, kh, kw].
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
        int kernelHeight,
        int kernelWidth,
        int strideHeight,
        int strideWidth,
        int paddingHeight,
        int paddingWidth,
        int dilationHeight,
        int dilationWidth,
        Span<float> scratch,
        int samples,
        SimdLevel simd)
    {
        var window = new Window(kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth);
        Prepare(input, inputLayout, weight, bias, scale, shift, output, outputLayout, window, scratch, samples);
        Run(input, inputLayout, bias, scale, shift, relu, output, outputLayout, window, scratch, samples, 0, Positions(outputLayout, samples), simd);
    }

    /// <summary>
    /// The time the tiles of a call take, in tile steps (a step of one tile of one block of filters, six multiply-adds of
    /// a vector): each tile is its steps and a fixed cost of about twenty more, finding its positions and storing its
    /// outputs, which is most of the time of a layer with few input channels.
    /// </summary>
    public static long TileSteps(in BlockedLayout inputLayout, in BlockedLayout outputLayout, in Window window, int samples) =>
        (long)Tiles(outputLayout, samples) * (outputLayout.Channels / Block) * ((inputLayout.Channels * window.KernelHeight * window.KernelWidth) + 20);

    /// <summary>The tiles of positions of <paramref name="samples"/> samples, the last one maybe part-filled.</summary>
    public static int Tiles(in BlockedLayout outputLayout, int samples) => (Positions(outputLayout, samples) + TilePositions - 1) / TilePositions;

    /// <summary>The output positions of <paramref name="samples"/> samples, which <see cref="Run"/> takes in ranges.</summary>
    public static int Positions(in BlockedLayout outputLayout, int samples) => samples * outputLayout.Height * outputLayout.Width;

    /// <summary>
    /// The part of <see cref="Forward"/> that comes once before its tiles, whichever threads run them: checks the
    /// tensors, packs the weights and the table of where each step reads into <paramref name="scratch"/>
    /// (<see cref="Pack"/>), and clears the output's border.
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
        in Window window,
        Span<float> scratch,
        int samples)
    {
        // Every check before the first write.
        CheckTensors(input, inputLayout, bias, scale, shift, output, outputLayout, window, samples, ForwardName);
        Pack(weight, inputLayout, outputLayout.Channels, window, scratch);
        BlockedTensors.ClearBorder(output, outputLayout, samples);
    }

    /// <summary>
    /// <see cref="Prepare"/> but for the weights, for a caller that keeps them packed from an earlier call
    /// (<see cref="Pack"/>): checks the tensors and clears the output's border.
    /// </summary>
    public static void PrepareOutput(
        ReadOnlySpan<float> input,
        in BlockedLayout inputLayout,
        ReadOnlySpan<float> bias,
        ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift,
        Span<float> output,
        in BlockedLayout outputLayout,
        in Window window,
        int samples)
    {
        CheckTensors(input, inputLayout, bias, scale, shift, output, outputLayout, window, samples, ForwardName);
        BlockedTensors.ClearBorder(output, outputLayout, samples);
    }

    /// <summary>
    /// Packs <paramref name="weight"/> ([filters, channels, kernelHeight, kernelWidth]) a block of filters at a time as
    /// <c>[step][Block]</c>, then the table of where each step reads from a window's first position in
    /// <paramref name="inputLayout"/>, into <paramref name="scratch"/> (<see cref="ScratchLength"/>), as <see cref="Run"/> reads them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(ReadOnlySpan<float> weight, in BlockedLayout inputLayout, int filters, in Window window, Span<float> scratch)
    {
        int steps = inputLayout.Channels * window.KernelHeight * window.KernelWidth;
        KernelChecks.AtLeast(weight.Length, (long)filters * steps, nameof(weight), ForwardName);
        KernelChecks.AtLeast(scratch.Length, ScratchLength(inputLayout.Channels, window.KernelHeight, window.KernelWidth, filters), nameof(scratch), ForwardName);

        for (int block = 0; block < filters; block += Block)
        {
            // Block [Block filters][steps] of the weights as [steps][Block]: a step's filters side by side.
            BlockTranspose.Transpose(weight.Slice(block * steps, Block * steps), steps, scratch.Slice(block * steps, Block * steps), Block, Block, steps);
        }

        // Where each step, channel c at tap (i, j), reads from a window's first position: the channel's place in its
        // block, then the tap's offset, the same for every channel.
        Span<int> reads = MemoryMarshal.Cast<float, int>(scratch.Slice(filters * steps, steps));
        int taps = window.KernelHeight * window.KernelWidth, inputBlock = inputLayout.Block, blockLength = inputLayout.BlockLength, paddedWidth = inputLayout.PaddedWidth;
        for (int i = 0, tap = 0; i < window.KernelHeight; i++)
        {
            for (int j = 0; j < window.KernelWidth; j++, tap++)
            {
                reads[tap] = ((i * window.DilationHeight * paddedWidth) + (j * window.DilationWidth)) * inputBlock;
            }
        }

        for (int c = inputLayout.Channels - 1; c >= 0; c--)
        {
            int channelAt = (c / inputBlock * blockLength) + (c % inputBlock);
            for (int tap = taps - 1; tap >= 0; tap--)
            {
                reads[(c * taps) + tap] = channelAt + reads[tap];
            }
        }
    }

    /// <summary>
    /// Throws unless the tensors fit a blocked convolution of <paramref name="samples"/> samples by
    /// <paramref name="window"/>: the output blocked and as large as the window leaves the input, the input's border as
    /// wide as the padding, every span but the weights long enough; <paramref name="kernel"/> names the caller in the message.
    /// </summary>
    internal static void CheckTensors(
        ReadOnlySpan<float> input,
        in BlockedLayout inputLayout,
        ReadOnlySpan<float> bias,
        ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift,
        ReadOnlySpan<float> output,
        in BlockedLayout outputLayout,
        in Window window,
        int samples,
        string kernel)
    {
        int filters = outputLayout.Channels;
        KernelChecks.SizeAtLeast(samples, 0, nameof(samples), kernel);
        KernelChecks.SizeAtLeast(window.StrideHeight, 1, "strideHeight", kernel);
        KernelChecks.SizeAtLeast(window.StrideWidth, 1, "strideWidth", kernel);
        KernelChecks.SizeAtLeast(inputLayout.Border, Math.Max(window.PaddingHeight, window.PaddingWidth), "the input's border", kernel);
        if (outputLayout.Block != Block
            || outputLayout.Height != window.OutputHeight(inputLayout.Height)
            || outputLayout.Width != window.OutputWidth(inputLayout.Width))
        {
            throw new ArgumentException($"{kernel}: the output must be blocked by {Block} and as large as the window leaves the input; found blocks of {outputLayout.Block} and {outputLayout.Height}x{outputLayout.Width}.", nameof(outputLayout));
        }

        KernelChecks.AtLeast(input.Length, (long)samples * inputLayout.Length, nameof(input), kernel);
        KernelChecks.AtLeast(output.Length, (long)samples * outputLayout.Length, nameof(output), kernel);
        KernelChecks.EmptyOrAtLeast(bias.Length, filters, nameof(bias), kernel);
        KernelChecks.EmptyOrAtLeast(scale.Length, filters, nameof(scale), kernel);
        KernelChecks.SameLength(shift.Length, scale.Length, nameof(shift), nameof(scale), kernel);
    }

    /// <summary>
    /// The tiles of <see cref="Forward"/> for output positions [<paramref name="firstPosition"/>, + <paramref name="positions"/>)
    /// (sample by sample, row by row), after <see cref="Prepare"/> with the same tensors: ranges that cover the positions
    /// once, on any threads, give what one call for all of them gives, bit for bit.
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
        in Window window,
        ReadOnlySpan<float> scratch,
        int samples,
        int firstPosition,
        int positions,
        SimdLevel simd)
    {
        int steps = inputLayout.Channels * window.KernelHeight * window.KernelWidth;
        if (firstPosition < 0 || positions < 0 || firstPosition > Positions(outputLayout, samples) - positions)
        {
            throw new ArgumentOutOfRangeException(nameof(positions), positions, $"{ForwardName}: positions {firstPosition} to {firstPosition + positions} do not lie in the {Positions(outputLayout, samples)} output positions.");
        }

        var walk = new PositionWalk(inputLayout, outputLayout, window, firstPosition, positions);
        switch (simd)
        {
            case SimdLevel.Vector512:
                Run<Vector512<float>, Ops512>(input, bias, scale, shift, relu, output, outputLayout, walk, steps, scratch);
                break;
            case SimdLevel.Vector256:
                Run<Vector256<float>, Ops256>(input, bias, scale, shift, relu, output, outputLayout, walk, steps, scratch);
                break;
            case SimdLevel.Scalar:
                Run<float, OpsScalar>(input, bias, scale, shift, relu, output, outputLayout, walk, steps, scratch);
                break;
            default:
                Run<Vector128<float>, Ops128>(input, bias, scale, shift, relu, output, outputLayout, walk, steps, scratch);
                break;
        }
    }

    private static void Run<TVector, TOps>(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, bool relu, Span<float> output, BlockedLayout outputLayout, PositionWalk walk, int steps, ReadOnlySpan<float> scratch)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        switch ((scale.IsEmpty, relu))
        {
            case (true, false):
                Run<TVector, TOps, Unchanged>(input, bias, scale, shift, output, outputLayout, walk, steps, scratch);
                break;
            case (true, true):
                Run<TVector, TOps, Rectified>(input, bias, scale, shift, output, outputLayout, walk, steps, scratch);
                break;
            case (false, false):
                Run<TVector, TOps, Normalized>(input, bias, scale, shift, output, outputLayout, walk, steps, scratch);
                break;
            default:
                Run<TVector, TOps, NormalizedRectified>(input, bias, scale, shift, output, outputLayout, walk, steps, scratch);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TVector, TOps, TFinish>(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> output, BlockedLayout outputLayout, PositionWalk walk, int steps, ReadOnlySpan<float> scratch)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFinish : struct, IFinish
    {
        int filters = outputLayout.Channels;
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref float packed = ref MemoryMarshal.GetReference(scratch);
        ref int reads = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<float, int>(scratch.Slice(filters * steps, steps)));
        Span<int> inputAt = stackalloc int[TilePositions];
        Span<int> outputAt = stackalloc int[TilePositions];

        // Two vectors of filters a tile, the halves of a block below 512 bits, two blocks at 512; one where a last
        // 512-bit block is left alone (filters fill blocks, so narrower vectors always pair).
        for (int first = 0; first < filters; first += 2 * TOps.Count)
        {
            bool pair = first + TOps.Count < filters;
            int second = pair ? first + TOps.Count : first;
            ref float weightsA = ref Unsafe.Add(ref packed, PackedAt(first, steps));
            ref float weightsB = ref Unsafe.Add(ref packed, PackedAt(second, steps));
            var finish = new Epilogue<TVector, TOps, TFinish>(bias, scale, shift, first, second, Stored(first, outputLayout), Stored(second, outputLayout));
            walk.Restart();
            for (int count; (count = walk.Next(inputAt, outputAt)) > 0;)
            {
                if (pair)
                {
                    SumPair(in finish, ref x, inputAt, ref weightsA, ref weightsB, ref reads, steps, ref y, outputAt, count);
                }
                else
                {
                    SumSingle(in finish, ref x, inputAt, ref weightsA, ref reads, steps, ref y, outputAt, count);
                }
            }
        }
    }

    /// <summary>Where filter <paramref name="filter"/>'s packed weights start: in its block's <c>[steps][Block]</c>, the blocks one after the other.</summary>
    internal static int PackedAt(int filter, int steps) => (filter / Block * Block * steps) + (filter % Block);

    /// <summary>
    /// A tile for two vectors of filters: each sum is the bias, then one multiply-add per step; then the epilogue, and
    /// the tile's <paramref name="count"/> valid positions stored. Apart from the caller, so that its twelve
    /// accumulators, six input rows, two weight rows and the step table all stay in registers through the loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SumPair<TVector, TOps, TFinish>(in Epilogue<TVector, TOps, TFinish> finish, ref float x, ReadOnlySpan<int> inputAt, ref float weightsA, ref float weightsB, ref int reads, int steps, ref float y, ReadOnlySpan<int> outputAt, int count)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFinish : struct, IFinish
    {
        ref float x0 = ref Unsafe.Add(ref x, inputAt[0]);
        ref float x1 = ref Unsafe.Add(ref x, inputAt[1]);
        ref float x2 = ref Unsafe.Add(ref x, inputAt[2]);
        ref float x3 = ref Unsafe.Add(ref x, inputAt[3]);
        ref float x4 = ref Unsafe.Add(ref x, inputAt[4]);
        ref float x5 = ref Unsafe.Add(ref x, inputAt[5]);
        TVector a0 = finish.BiasA, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        TVector b0 = finish.BiasB, b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0;
        for (int k = 0; k < steps; k++)
        {
            nint at = Unsafe.Add(ref reads, k);
            TVector wa = TOps.Load(ref weightsA, k * Block), wb = TOps.Load(ref weightsB, k * Block);
            TVector v = TOps.Broadcast(Unsafe.Add(ref x0, at));
            a0 = TOps.MultiplyAdd(wa, v, a0);
            b0 = TOps.MultiplyAdd(wb, v, b0);
            v = TOps.Broadcast(Unsafe.Add(ref x1, at));
            a1 = TOps.MultiplyAdd(wa, v, a1);
            b1 = TOps.MultiplyAdd(wb, v, b1);
            v = TOps.Broadcast(Unsafe.Add(ref x2, at));
            a2 = TOps.MultiplyAdd(wa, v, a2);
            b2 = TOps.MultiplyAdd(wb, v, b2);
            v = TOps.Broadcast(Unsafe.Add(ref x3, at));
            a3 = TOps.MultiplyAdd(wa, v, a3);
            b3 = TOps.MultiplyAdd(wb, v, b3);
            v = TOps.Broadcast(Unsafe.Add(ref x4, at));
            a4 = TOps.MultiplyAdd(wa, v, a4);
            b4 = TOps.MultiplyAdd(wb, v, b4);
            v = TOps.Broadcast(Unsafe.Add(ref x5, at));
            a5 = TOps.MultiplyAdd(wa, v, a5);
            b5 = TOps.MultiplyAdd(wb, v, b5);
        }

        finish.Store(a0, b0, ref y, outputAt[0], pair: true);
        if (count > 1)
        {
            finish.Store(a1, b1, ref y, outputAt[1], pair: true);
        }

        if (count > 2)
        {
            finish.Store(a2, b2, ref y, outputAt[2], pair: true);
        }

        if (count > 3)
        {
            finish.Store(a3, b3, ref y, outputAt[3], pair: true);
        }

        if (count > 4)
        {
            finish.Store(a4, b4, ref y, outputAt[4], pair: true);
        }

        if (count > 5)
        {
            finish.Store(a5, b5, ref y, outputAt[5], pair: true);
        }
    }

    /// <summary>A tile for one vector of filters (a last block left alone, in 512-bit vectors); as <see cref="SumPair"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SumSingle<TVector, TOps, TFinish>(in Epilogue<TVector, TOps, TFinish> finish, ref float x, ReadOnlySpan<int> inputAt, ref float weights, ref int reads, int steps, ref float y, ReadOnlySpan<int> outputAt, int count)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFinish : struct, IFinish
    {
        ref float x0 = ref Unsafe.Add(ref x, inputAt[0]);
        ref float x1 = ref Unsafe.Add(ref x, inputAt[1]);
        ref float x2 = ref Unsafe.Add(ref x, inputAt[2]);
        ref float x3 = ref Unsafe.Add(ref x, inputAt[3]);
        ref float x4 = ref Unsafe.Add(ref x, inputAt[4]);
        ref float x5 = ref Unsafe.Add(ref x, inputAt[5]);
        TVector a0 = finish.BiasA, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        for (int k = 0; k < steps; k++)
        {
            nint at = Unsafe.Add(ref reads, k);
            TVector w = TOps.Load(ref weights, k * Block);
            a0 = TOps.MultiplyAdd(w, TOps.Broadcast(Unsafe.Add(ref x0, at)), a0);
            a1 = TOps.MultiplyAdd(w, TOps.Broadcast(Unsafe.Add(ref x1, at)), a1);
            a2 = TOps.MultiplyAdd(w, TOps.Broadcast(Unsafe.Add(ref x2, at)), a2);
            a3 = TOps.MultiplyAdd(w, TOps.Broadcast(Unsafe.Add(ref x3, at)), a3);
            a4 = TOps.MultiplyAdd(w, TOps.Broadcast(Unsafe.Add(ref x4, at)), a4);
            a5 = TOps.MultiplyAdd(w, TOps.Broadcast(Unsafe.Add(ref x5, at)), a5);
        }

        finish.Store(a0, a0, ref y, outputAt[0], pair: false);
        if (count > 1)
        {
            finish.Store(a1, a1, ref y, outputAt[1], pair: false);
        }

        if (count > 2)
        {
            finish.Store(a2, a2, ref y, outputAt[2], pair: false);
        }

        if (count > 3)
        {
            finish.Store(a3, a3, ref y, outputAt[3], pair: false);
        }

        if (count > 4)
        {
            finish.Store(a4, a4, ref y, outputAt[4], pair: false);
        }

        if (count > 5)
        {
            finish.Store(a5, a5, ref y, outputAt[5], pair: false);
        }
    }

    /// <summary>
    /// What an epilogue does to a sum before it stores it, as constants: each kind compiles its own tile loops, with
    /// no test left in them. A tile of few steps (a first layer's nine) spent a fifth of its time on those tests.
    /// </summary>
    internal interface IFinish
    {
        /// <summary>Whether the sum goes through the folded batch normalisation, <c>sum * scale + shift</c>.</summary>
        static abstract bool Normalizes { get; }

        /// <summary>Whether the ReLU follows.</summary>
        static abstract bool Relu { get; }
    }

    /// <summary>The sum stored as it is.</summary>
    internal readonly struct Unchanged : IFinish
    {
        public static bool Normalizes => false;

        public static bool Relu => false;
    }

    /// <summary>The ReLU of the sum.</summary>
    internal readonly struct Rectified : IFinish
    {
        public static bool Normalizes => false;

        public static bool Relu => true;
    }

    /// <summary>The folded batch normalisation of the sum.</summary>
    internal readonly struct Normalized : IFinish
    {
        public static bool Normalizes => true;

        public static bool Relu => false;
    }

    /// <summary>The ReLU of the folded batch normalisation of the sum.</summary>
    internal readonly struct NormalizedRectified : IFinish
    {
        public static bool Normalizes => true;

        public static bool Relu => true;
    }

    /// <summary>
    /// A tile's vectors of filters: their biases, and what their sums go through before they are stored (the folded
    /// batch normalisation when <typeparamref name="TFinish"/> normalizes, then the ReLU when it rectifies) and where.
    /// </summary>
    internal readonly struct Epilogue<TVector, TOps, TFinish>
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
        where TFinish : struct, IFinish
    {
        private readonly TVector _scaleA, _shiftA, _scaleB, _shiftB;
        private readonly int _outA, _outB;

        /// <summary>The epilogue of filters <paramref name="first"/> and <paramref name="second"/>; <paramref name="scale"/> and <paramref name="shift"/> are read when <typeparamref name="TFinish"/> normalizes.</summary>
        public Epilogue(ReadOnlySpan<float> bias, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, int first, int second, int outA, int outB)
        {
            BiasA = bias.IsEmpty ? TOps.Zero : TOps.Load(ref MemoryMarshal.GetReference(bias), first);
            BiasB = bias.IsEmpty ? TOps.Zero : TOps.Load(ref MemoryMarshal.GetReference(bias), second);
            _scaleA = TFinish.Normalizes ? TOps.Load(ref MemoryMarshal.GetReference(scale), first) : default;
            _scaleB = TFinish.Normalizes ? TOps.Load(ref MemoryMarshal.GetReference(scale), second) : default;
            _shiftA = TFinish.Normalizes ? TOps.Load(ref MemoryMarshal.GetReference(shift), first) : default;
            _shiftB = TFinish.Normalizes ? TOps.Load(ref MemoryMarshal.GetReference(shift), second) : default;
            _outA = outA;
            _outB = outB;
        }

        public TVector BiasA { get; }

        public TVector BiasB { get; }

        /// <summary>Stores one position's sums: the first vector's, and the second's for a pair.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(TVector a, TVector b, ref float y, int at, bool pair)
        {
            TOps.Store(Finish(a, _scaleA, _shiftA), ref y, at + _outA);
            if (pair)
            {
                TOps.Store(Finish(b, _scaleB, _shiftB), ref y, at + _outB);
            }
        }

        /// <summary>A multiply, then an add, never fused, as <see cref="Gemm.RowEpilogue"/> and the batch normalisation's own pass: the same values whichever path folds it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TVector Finish(TVector sum, TVector scale, TVector shift)
        {
            TVector value = TFinish.Normalizes ? TOps.Add(TOps.Multiply(sum, scale), shift) : sum;
            return TFinish.Relu ? TOps.Max(value, TOps.Zero) : value;
        }
    }

    /// <summary>Where filter <paramref name="filter"/> lies from a position of the output's first block.</summary>
    internal static int Stored(int filter, in BlockedLayout output) => (filter / Block * output.BlockLength) + (filter % Block);

    /// <summary>A convolution's window: kernel, stride, padding and dilation along each axis.</summary>
    internal readonly record struct Window(int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PaddingHeight, int PaddingWidth, int DilationHeight, int DilationWidth)
    {
        /// <summary>The output's height for an input <paramref name="height"/> high.</summary>
        public int OutputHeight(int height) => Convolution.OutputLength(height, KernelHeight, StrideHeight, PaddingHeight, DilationHeight);

        /// <summary>The output's width for an input <paramref name="width"/> wide.</summary>
        public int OutputWidth(int width) => Convolution.OutputLength(width, KernelWidth, StrideWidth, PaddingWidth, DilationWidth);
    }

    /// <summary>
    /// A range of output positions in order, sample by sample, row by row, a tile at a time, with where each one's
    /// window starts in the input and where it lies in the output; the last tile repeats its last position to be whole.
    /// </summary>
    private struct PositionWalk
    {
        private readonly BlockedLayout _input;
        private readonly BlockedLayout _output;
        private readonly int _strideHeight;
        private readonly int _strideWidth;
        private readonly int _paddingHeight;
        private readonly int _paddingWidth;
        private readonly int _firstPosition;
        private readonly int _positions;
        private int _sample;
        private int _row;
        private int _column;
        private int _left;

        public PositionWalk(in BlockedLayout input, in BlockedLayout output, in Window window, int firstPosition, int positions)
        {
            _input = input;
            _output = output;
            _strideHeight = window.StrideHeight;
            _strideWidth = window.StrideWidth;
            _paddingHeight = window.PaddingHeight;
            _paddingWidth = window.PaddingWidth;
            _firstPosition = firstPosition;
            _positions = positions;
            _sample = _row = _column = _left = 0;
        }

        /// <summary>Goes back to the range's first position.</summary>
        public void Restart()
        {
            int plane = _output.Height * _output.Width;
            _sample = _firstPosition / plane;
            _row = _firstPosition % plane / _output.Width;
            _column = _firstPosition % _output.Width;
            _left = _positions;
        }

        /// <summary>Fills the places of the next tile's positions; returns how many there are, 0 at the end.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Next(Span<int> inputAt, Span<int> outputAt)
        {
            if (_left == 0)
            {
                return 0;
            }

            int count = 0;
            while (count < TilePositions && _left > 0)
            {
                // A run along the current row: the places step by the stride.
                int run = Math.Min(Math.Min(TilePositions - count, _output.Width - _column), _left);
                int inputFirst = (_sample * _input.Length) + _input.At((_row * _strideHeight) - _paddingHeight, (_column * _strideWidth) - _paddingWidth);
                int outputFirst = (_sample * _output.Length) + _output.At(_row, _column);
                for (int i = 0; i < run; i++, count++)
                {
                    inputAt[count] = inputFirst + (i * _strideWidth * _input.Block);
                    outputAt[count] = outputFirst + (i * Block);
                }

                _left -= run;
                _column += run;
                if (_column == _output.Width)
                {
                    _column = 0;
                    if (++_row == _output.Height)
                    {
                        _row = 0;
                        _sample++;
                    }
                }
            }

            for (int i = count; i < TilePositions; i++)
            {
                inputAt[i] = inputAt[count - 1];
                outputAt[i] = outputAt[count - 1];
            }

            return count;
        }
    }
}
