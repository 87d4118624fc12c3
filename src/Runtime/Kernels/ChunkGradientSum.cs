using System;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// Adds every chunk's parameter gradients into the network's gradient buffer after a Backward, in chunk
/// order, for the parameter ranges whose gradients chunks compute (convolutions; dense layers compute
/// theirs over the whole batch, batch normalisation in its reduction). The ranges are split into one
/// slice per thread. Each value receives the same additions in the same order however they are split,
/// so the sum does not depend on the number of threads.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ChunkGradientSum
{
    private readonly Memory<float> _chunkGradients;
    private readonly Memory<float> _gradients;
    private readonly int _length;
    private readonly ParameterRange[] _ranges;
    private readonly int _total;
    private readonly Action<int, int> _addSlice;

    // The pass in progress.
    private int _chunks;
    private int _slices;
    private SimdLevel _simd;

    /// <summary>
    /// Sums the <paramref name="ranges"/> of <paramref name="chunkGradients"/>, buffers of
    /// <paramref name="length"/> values one after another, into the same ranges of <paramref name="gradients"/>.
    /// </summary>
    public ChunkGradientSum(float[] chunkGradients, float[] gradients, int length, ParameterRange[] ranges)
        : this((Memory<float>)(chunkGradients ?? throw new ArgumentNullException(nameof(chunkGradients))), gradients ?? throw new ArgumentNullException(nameof(gradients)), length, ranges)
    {
    }

    /// <summary>Sums into <paramref name="gradients"/> as the public constructor does, from buffers that need not start their arrays.</summary>
    internal ChunkGradientSum(Memory<float> chunkGradients, Memory<float> gradients, int length, ParameterRange[] ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (length < 0 || gradients.Length < length || chunkGradients.Length % Math.Max(length, 1) != 0)
        {
            throw new ArgumentException($"The chunk buffers ({chunkGradients.Length} values) must be whole buffers of {length} values, and gradients ({gradients.Length}) at least one.", nameof(length));
        }

        ParameterRange.Validate(ranges, length, nameof(ranges));
        _chunkGradients = chunkGradients;
        _gradients = gradients;
        _length = length;
        _ranges = ranges;
        _total = ParameterRange.TotalLength(ranges);

        _addSlice = AddSlice;
    }

    /// <summary>Clears the <paramref name="ranges"/> of one chunk's gradient buffer, before its Backward adds to them.</summary>
    public static void Clear(Span<float> chunkGradients, ReadOnlySpan<ParameterRange> ranges)
    {
        foreach (ParameterRange range in ranges)
        {
            chunkGradients.Slice(range.Offset, range.Length).Clear();
        }
    }

    /// <summary><c>gradients += chunk 0 + chunk 1 + ...</c>, value by value, in that order, for the first <paramref name="chunks"/> chunks.</summary>
    public void Add(int chunks, int threads, SimdLevel simd)
    {
        if (chunks < 0 || (long)chunks * _length > _chunkGradients.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks, $"There are {_chunkGradients.Length / Math.Max(_length, 1)} chunk buffers.");
        }

        if (_total == 0)
        {
            return;
        }

        _chunks = chunks;
        _simd = simd;
        _slices = _total < Chunks.ParallelThreshold ? 1 : Math.Max(1, Math.Min(threads, BatchRunner.MaxThreads));
        if (_slices == 1)
        {
            AddSlice(0, 0);
        }
        else
        {
            BatchRunner.Run(_slices, _slices, _addSlice);
        }
    }

    /// <summary>Slice <paramref name="slice"/> of the ranges laid end to end: [start, end) of that concatenation.</summary>
    private void AddSlice(int slice, int thread)
    {
        (int start, int end) = Chunks.Slice(slice, _slices, _total);
        int rangeStart = 0;
        foreach (ParameterRange range in _ranges)
        {
            // The part of this range inside [start, end), as offsets into the range.
            int from = Math.Max(start - rangeStart, 0), to = Math.Min(end - rangeStart, range.Length);
            if (from < to)
            {
                Span<float> target = _gradients.Span.Slice(range.Offset + from, to - from);
                for (int chunk = 0; chunk < _chunks; chunk++)
                {
                    VectorMath.Add(_chunkGradients.Span.Slice((chunk * _length) + range.Offset + from, to - from), target, _simd);
                }
            }

            rangeStart += range.Length;
        }
    }
}
