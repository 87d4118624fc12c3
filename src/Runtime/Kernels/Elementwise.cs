using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>Element-wise operations on whole buffers that generated code shares between layers.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Elementwise
{
    /// <summary>
    /// <c>destination += source</c>, value by value: how backward sums the gradients that the readers of
    /// one value (a layer's output used by the next layer and by a residual connection) wrote apart.
    /// </summary>
    public static void AddTo(Span<float> destination, ReadOnlySpan<float> source)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"source holds {source.Length} values, but destination {destination.Length}.", nameof(source));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> d = MemoryMarshal.Cast<float, Vector<float>>(destination);
            ReadOnlySpan<Vector<float>> s = MemoryMarshal.Cast<float, Vector<float>>(source);
            for (int v = 0; v < d.Length; v++)
            {
                d[v] += s[v];
            }

            i = d.Length * Vector<float>.Count;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }
}
