using System;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// How a batch splits into chunks: as evenly as possible, the first chunks one sample larger. The
/// split depends on the batch size alone, never on the number of threads, so that per-chunk gradient
/// sums, added in chunk order, give the same result on one thread or many.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Chunks
{
    /// <summary>The number of chunks of a batch: at most <paramref name="maxChunks"/>, at most one per sample.</summary>
    public static int Count(int batchSize, int maxChunks) => batchSize < maxChunks ? batchSize : maxChunks;

    /// <summary>The most samples any chunk of a batch of up to <paramref name="capacity"/> holds.</summary>
    public static int MaxChunkSize(int capacity, int maxChunks) => Math.Max(1, (capacity + maxChunks - 1) / maxChunks);

    /// <summary>The first sample and the sample count of chunk <paramref name="chunk"/> of <paramref name="chunks"/>.</summary>
    public static (int First, int Count) Range(int chunk, int chunks, int batchSize)
    {
        int size = batchSize / chunks, larger = batchSize % chunks;
        return ((chunk * size) + (chunk < larger ? chunk : larger), size + (chunk < larger ? 1 : 0));
    }

    /// <summary>Below this many values a pass over a buffer takes a few microseconds: not worth waking another thread.</summary>
    internal const int ParallelThreshold = 1 << 15;

    /// <summary>
    /// [Start, End) of slice <paramref name="slice"/> of <paramref name="slices"/> over <paramref name="total"/>
    /// values laid end to end: equal slices rounded up to whole 64-byte lines (16 floats), so that no two
    /// threads write one cache line, the last slice taking what is left.
    /// </summary>
    internal static (int Start, int End) Slice(int slice, int slices, int total)
    {
        const int Alignment = 16;
        int size = ((total / slices) + Alignment - 1) / Alignment * Alignment;
        int start = Math.Min(slice * size, total);
        return (start, slice == slices - 1 ? total : Math.Min(start + size, total));
    }
}
