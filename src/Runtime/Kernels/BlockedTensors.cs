using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The layers inference runs on blocked tensors (<see cref="BlockedLayout"/>) besides the convolution, and the
/// conversions at the edges of a blocked run: planes given a border for a blocked convolution, and blocks back to
/// planes for a layer that reads planes. A position's block of channels is contiguous, so max pooling, global
/// average pooling, addition and the ReLU work on whole vectors of channels. Every output's border is cleared, and
/// each output is computed alike at every level (the scalar references take the same maxima and sums in the same
/// order, lane by lane: they run the same code on one lane, <see cref="OpsScalar"/>).
/// </summary>
internal static class BlockedTensors
{
    private const int Block = BlockedConvolution.Block;
    private const string MaxPoolName = "BlockedTensors.MaxPool";
    private const string GlobalAverageName = "BlockedTensors.GlobalAverage";
    private const string AddName = "BlockedTensors.Add";
    private const string ReluName = "BlockedTensors.Relu";
    private const string PadName = "BlockedTensors.Pad";
    private const string ToPlanesName = "BlockedTensors.ToPlanes";
    private const string FromPlanesName = "BlockedTensors.FromPlanes";

    /// <summary>Zeroes the border of each of <paramref name="samples"/> samples' blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClearBorder(Span<float> tensor, in BlockedLayout layout, int samples)
    {
        if (layout.Border == 0)
        {
            return;
        }

        // A row's right side and the next row's left side are adjacent: one run of zeros between each two rows, written
        // in place. A call to clear each side cost more than the stores it made: clearing took 2.5% of the batch-norm
        // CNN's batched inference on one thread, 1.5% since.
        int row = layout.PaddedWidth * layout.Block, side = layout.Border * layout.Block, band = layout.Border * row;
        for (int block = 0; block < samples * layout.Blocks; block++)
        {
            Span<float> values = tensor.Slice(block * layout.BlockLength, layout.BlockLength);
            values.Slice(0, band + side).Clear();
            values.Slice(values.Length - band - side).Clear();
            ref float between = ref MemoryMarshal.GetReference(values.Slice(band + row - side, ((layout.Height - 1) * row) + (2 * side)));
            for (int y = 0; y < layout.Height - 1; y++)
            {
                Zero(ref Unsafe.Add(ref between, y * row), 2 * side);
            }
        }
    }

    /// <summary>Zeroes <paramref name="count"/> floats from <paramref name="start"/>: a few, in vectors where they fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero(ref float start, int count)
    {
        int i = 0;
        for (; i + Vector256<float>.Count <= count; i += Vector256<float>.Count)
        {
            Vector256<float>.Zero.StoreUnsafe(ref start, (nuint)i);
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref start, i) = 0f;
        }
    }

    /// <summary>Copies planes ([channels, height, width] per sample) into a layout of blocks of one channel with a zero border.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pad(ReadOnlySpan<float> planes, Span<float> padded, in BlockedLayout layout, int samples)
    {
        int plane = layout.Height * layout.Width;
        CheckPlanes(layout, 1, PadName);
        KernelChecks.AtLeast(planes.Length, (long)samples * layout.Channels * plane, nameof(planes), PadName);
        KernelChecks.AtLeast(padded.Length, (long)samples * layout.Length, nameof(padded), PadName);
        if (layout.Border == 0)
        {
            planes.Slice(0, samples * layout.Length).CopyTo(padded);
            return;
        }

        // Every plane cleared in one call, then the rows copied in: on small planes a clear per plane, let alone
        // one per side of each row, costs more in calls than the stores it makes.
        padded.Slice(0, samples * layout.Length).Clear();
        ref float source = ref MemoryMarshal.GetReference(planes);
        ref float target = ref Unsafe.Add(ref MemoryMarshal.GetReference(padded), layout.At(0, 0));
        for (int c = 0; c < samples * layout.Channels; c++)
        {
            ref float from = ref Unsafe.Add(ref source, c * plane);
            ref float to = ref Unsafe.Add(ref target, c * layout.BlockLength);
            for (int y = 0; y < layout.Height; y++)
            {
                RowCopy.Copy(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref from, y * layout.Width), layout.Width), MemoryMarshal.CreateSpan(ref Unsafe.Add(ref to, y * layout.PaddedWidth), layout.Width));
            }
        }
    }

    /// <summary>
    /// Copies planes ([channels, height, width] per sample) into a blocked layout with its border zero: the inverse of
    /// <see cref="ToPlanes"/>, for a pass that runs on blocks between layers that keep planes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromPlanes(ReadOnlySpan<float> planes, in BlockedLayout layout, Span<float> blocked, int samples)
    {
        int plane = layout.Height * layout.Width, sample = layout.Channels * plane;
        CheckPlanes(layout, Block, FromPlanesName);
        KernelChecks.AtLeast(planes.Length, (long)samples * sample, nameof(planes), FromPlanesName);
        KernelChecks.AtLeast(blocked.Length, (long)samples * layout.Length, nameof(blocked), FromPlanesName);
        ClearBorder(blocked, layout, samples);
        int rowsAtOnce = layout.Border == 0 ? layout.Height : 1;
        for (int block = 0; block < samples * layout.Blocks; block++)
        {
            // A block's channels' planes transposed into its positions, [positions][Block]: a whole plane at once
            // without a border, else row by row.
            ReadOnlySpan<float> source = planes.Slice(block * layout.Block * plane, layout.Block * plane);
            Span<float> values = blocked.Slice(block * layout.BlockLength, layout.BlockLength);
            for (int y = 0; y < layout.Height; y += rowsAtOnce)
            {
                BlockTranspose.Transpose(source.Slice(y * layout.Width), plane, values.Slice(layout.At(y, 0)), layout.Block, layout.Block, rowsAtOnce * layout.Width);
            }
        }
    }

    /// <summary>Copies a blocked tensor's values out into planes ([channels, height, width] per sample), for a layer that reads planes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToPlanes(ReadOnlySpan<float> blocked, in BlockedLayout layout, Span<float> planes, int samples)
    {
        int plane = layout.Height * layout.Width, sample = layout.Channels * plane;
        KernelChecks.AtLeast(blocked.Length, (long)samples * layout.Length, nameof(blocked), ToPlanesName);
        KernelChecks.AtLeast(planes.Length, (long)samples * sample, nameof(planes), ToPlanesName);
        int rowsAtOnce = layout.Border == 0 ? layout.Height : 1;
        for (int block = 0; block < samples * layout.Blocks; block++)
        {
            // A block's positions, [positions][Block], are its channels' planes transposed: a whole plane at once
            // without a border, where the positions are contiguous, else row by row.
            ReadOnlySpan<float> values = blocked.Slice(block * layout.BlockLength, layout.BlockLength);
            Span<float> target = planes.Slice(block * layout.Block * plane, layout.Block * plane);
            for (int y = 0; y < layout.Height; y += rowsAtOnce)
            {
                BlockTranspose.Transpose(values.Slice(layout.At(y, 0)), layout.Block, target.Slice(y * layout.Width), plane, rowsAtOnce * layout.Width, layout.Block);
            }
        }
    }

    /// <summary>The largest value of each window, without padding, block to block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPool(ReadOnlySpan<float> input, in BlockedLayout inputLayout, Span<float> output, in BlockedLayout outputLayout, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int samples, SimdLevel simd)
    {
        CheckPlanes(inputLayout, Block, MaxPoolName);
        CheckPlanes(outputLayout, Block, MaxPoolName);
        if (outputLayout.Channels != inputLayout.Channels || outputLayout.Height < 1 || outputLayout.Width < 1
            || ((outputLayout.Height - 1) * strideHeight) + kernelHeight > inputLayout.Height || ((outputLayout.Width - 1) * strideWidth) + kernelWidth > inputLayout.Width)
        {
            throw new ArgumentException($"{MaxPoolName}: every window must lie in the input, and the output keep its channels; found {inputLayout.Channels}x{inputLayout.Height}x{inputLayout.Width} -> {outputLayout.Channels}x{outputLayout.Height}x{outputLayout.Width} with {kernelHeight}x{kernelWidth} windows, stride {strideHeight}x{strideWidth}.", nameof(outputLayout));
        }

        KernelChecks.AtLeast(input.Length, (long)samples * inputLayout.Length, nameof(input), MaxPoolName);
        KernelChecks.AtLeast(output.Length, (long)samples * outputLayout.Length, nameof(output), MaxPoolName);
        ClearBorder(output, outputLayout, samples);
        switch (simd)
        {
            case SimdLevel.Vector512:
                MaxPool<Vector512<float>, Ops512>(input, inputLayout, output, outputLayout, kernelHeight, kernelWidth, strideHeight, strideWidth, samples);
                break;
            case SimdLevel.Vector256:
                MaxPool<Vector256<float>, Ops256>(input, inputLayout, output, outputLayout, kernelHeight, kernelWidth, strideHeight, strideWidth, samples);
                break;
            case SimdLevel.Scalar:
                MaxPool<float, OpsScalar>(input, inputLayout, output, outputLayout, kernelHeight, kernelWidth, strideHeight, strideWidth, samples);
                break;
            default:
                MaxPool<Vector128<float>, Ops128>(input, inputLayout, output, outputLayout, kernelHeight, kernelWidth, strideHeight, strideWidth, samples);
                break;
        }
    }

    /// <summary>The mean of each channel over its plane: <c>output</c> holds one value per channel per sample, in channel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GlobalAverage(ReadOnlySpan<float> input, in BlockedLayout layout, Span<float> output, int samples, SimdLevel simd)
    {
        CheckPlanes(layout, Block, GlobalAverageName);
        KernelChecks.AtLeast(input.Length, (long)samples * layout.Length, nameof(input), GlobalAverageName);
        KernelChecks.AtLeast(output.Length, (long)samples * layout.Channels, nameof(output), GlobalAverageName);
        switch (simd)
        {
            case SimdLevel.Vector512:
                GlobalAverage<Vector512<float>, Ops512>(input, layout, output, samples);
                break;
            case SimdLevel.Vector256:
                GlobalAverage<Vector256<float>, Ops256>(input, layout, output, samples);
                break;
            case SimdLevel.Scalar:
                GlobalAverage<float, OpsScalar>(input, layout, output, samples);
                break;
            default:
                GlobalAverage<Vector128<float>, Ops128>(input, layout, output, samples);
                break;
        }
    }

    /// <summary><c>output = input + added</c>, then the ReLU when <paramref name="relu"/>, whatever the three tensors' borders: a residual join and the ReLU after it.</summary>
    public static void Add(ReadOnlySpan<float> input, in BlockedLayout inputLayout, ReadOnlySpan<float> added, in BlockedLayout addedLayout, bool relu, Span<float> output, in BlockedLayout outputLayout, int samples, SimdLevel simd)
    {
        CheckSameShape(inputLayout, addedLayout, AddName);
        KernelChecks.AtLeast(added.Length, (long)samples * addedLayout.Length, nameof(added), AddName);
        Rows(input, inputLayout, added, addedLayout, relu, output, outputLayout, samples, simd, AddName);
    }

    /// <summary>The ReLU, whatever the two tensors' borders.</summary>
    public static void Relu(ReadOnlySpan<float> input, in BlockedLayout inputLayout, Span<float> output, in BlockedLayout outputLayout, int samples, SimdLevel simd) =>
        Rows(input, inputLayout, ReadOnlySpan<float>.Empty, inputLayout, relu: true, output, outputLayout, samples, simd, ReluName);

    /// <summary>Row by row of positions, which are contiguous in every layout: the sum (when <paramref name="added"/> is not empty), then the ReLU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(ReadOnlySpan<float> input, in BlockedLayout inputLayout, ReadOnlySpan<float> added, in BlockedLayout addedLayout, bool relu, Span<float> output, in BlockedLayout outputLayout, int samples, SimdLevel simd, string kernel)
    {
        CheckPlanes(inputLayout, Block, kernel);
        CheckSameShape(inputLayout, outputLayout, kernel);
        KernelChecks.AtLeast(input.Length, (long)samples * inputLayout.Length, nameof(input), kernel);
        KernelChecks.AtLeast(output.Length, (long)samples * outputLayout.Length, nameof(output), kernel);
        ClearBorder(output, outputLayout, samples);
        int row = inputLayout.Width * Block;
        for (int block = 0; block < samples * inputLayout.Blocks; block++)
        {
            for (int y = 0; y < inputLayout.Height; y++)
            {
                ReadOnlySpan<float> values = input.Slice((block * inputLayout.BlockLength) + inputLayout.At(y, 0), row);
                Span<float> target = output.Slice((block * outputLayout.BlockLength) + outputLayout.At(y, 0), row);
                if (added.IsEmpty)
                {
                    VectorMath.Relu(values, target, simd);
                    continue;
                }

                ReadOnlySpan<float> addend = added.Slice((block * addedLayout.BlockLength) + addedLayout.At(y, 0), row);
                if (relu)
                {
                    VectorMath.AddRelu(values, addend, target, simd);
                }
                else
                {
                    VectorMath.Add(values, addend, target, simd);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPool<TVector, TOps>(ReadOnlySpan<float> input, BlockedLayout inputLayout, Span<float> output, BlockedLayout outputLayout, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int samples)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        // The window's first position steps by the strides through the input's rows, the output's by one position.
        int inputRow = inputLayout.PaddedWidth * Block, windowStep = strideWidth * Block, windowRowStep = strideHeight * inputRow;
        int outputRow = outputLayout.PaddedWidth * Block, outputHeight = outputLayout.Height, outputWidth = outputLayout.Width;
        ref float x = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), inputLayout.At(0, 0));
        ref float y = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), outputLayout.At(0, 0));
        for (int block = 0; block < samples * inputLayout.Blocks; block++)
        {
            ref float windows = ref Unsafe.Add(ref x, block * inputLayout.BlockLength);
            ref float targets = ref Unsafe.Add(ref y, block * outputLayout.BlockLength);
            for (int oy = 0; oy < outputHeight; oy++)
            {
                ref float windowRow = ref Unsafe.Add(ref windows, oy * windowRowStep);
                ref float targetRow = ref Unsafe.Add(ref targets, oy * outputRow);
                if (kernelHeight == 2 && kernelWidth == 2)
                {
                    MaxPool2x2<TVector, TOps>(ref windowRow, windowStep, inputRow, ref targetRow, outputWidth);
                    continue;
                }

                for (int ox = 0; ox < outputWidth; ox++)
                {
                    ref float window = ref Unsafe.Add(ref windowRow, ox * windowStep);
                    for (int lane = 0; lane < Block; lane += TOps.Count)
                    {
                        TVector largest = TOps.Load(ref window, lane);
                        for (int i = 0; i < kernelHeight; i++)
                        {
                            for (int j = i == 0 ? 1 : 0; j < kernelWidth; j++)
                            {
                                largest = TOps.Max(largest, TOps.Load(ref window, (i * inputRow) + (j * Block) + lane));
                            }
                        }

                        TOps.Store(largest, ref targetRow, (ox * Block) + lane);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A row of 2x2 windows, the commonest pooling, its four loads and three maxima written out: the general loops over
    /// the window cost twice as much as the maxima. The maximum is exact and its order does not change it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaxPool2x2<TVector, TOps>(ref float windowRow, int windowStep, int inputRow, ref float targetRow, int outputWidth)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        for (int ox = 0; ox < outputWidth; ox++)
        {
            ref float window = ref Unsafe.Add(ref windowRow, ox * windowStep);
            for (int lane = 0; lane < Block; lane += TOps.Count)
            {
                TVector top = TOps.Max(TOps.Load(ref window, lane), TOps.Load(ref window, Block + lane));
                TVector bottom = TOps.Max(TOps.Load(ref window, inputRow + lane), TOps.Load(ref window, inputRow + Block + lane));
                TOps.Store(TOps.Max(top, bottom), ref targetRow, (ox * Block) + lane);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GlobalAverage<TVector, TOps>(ReadOnlySpan<float> input, BlockedLayout layout, Span<float> output, int samples)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        TVector scale = TOps.Broadcast(1f / (layout.Height * layout.Width));
        for (int block = 0; block < samples * layout.Blocks; block++)
        {
            // Sample n's block b holds channels b * Block ...: their means are output values block * Block on.
            for (int lane = 0; lane < Block; lane += TOps.Count)
            {
                TVector sum = TOps.Zero;
                for (int row = 0; row < layout.Height; row++)
                {
                    ref float values = ref Unsafe.Add(ref x, (block * layout.BlockLength) + layout.At(row, 0) + lane);
                    for (int column = 0; column < layout.Width; column++)
                    {
                        sum = TOps.Add(sum, TOps.Load(ref values, column * Block));
                    }
                }

                TOps.Store(TOps.Multiply(sum, scale), ref y, (block * Block) + lane);
            }
        }
    }

    private static void CheckSameShape(in BlockedLayout layout, in BlockedLayout other, string kernel)
    {
        if (other.Block != layout.Block || other.Channels != layout.Channels || other.Height != layout.Height || other.Width != layout.Width)
        {
            throw new ArgumentException($"{kernel}: the tensors must have the same blocks, channels and planes; found blocks of {layout.Block}, {layout.Channels}x{layout.Height}x{layout.Width}, and blocks of {other.Block}, {other.Channels}x{other.Height}x{other.Width}.", nameof(other));
        }
    }

    private static void CheckPlanes(in BlockedLayout layout, int block, string kernel)
    {
        if (layout.Block != block)
        {
            throw new ArgumentException($"{kernel}: the tensor must be in blocks of {block} channels; found blocks of {layout.Block}.", nameof(layout));
        }
    }
}
