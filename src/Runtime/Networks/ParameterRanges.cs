using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace StaticNet;

/// <summary>Computes a network's trainable ranges from its layers' parameter ranges and freeze flags; generated code calls it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParameterRanges
{
    /// <summary>
    /// The ranges of <paramref name="layers"/> whose flag in <paramref name="frozen"/> is off, in order,
    /// with adjacent ranges merged so that an optimizer makes as few passes as possible.
    /// </summary>
    public static ParameterRange[] Trainable(ReadOnlySpan<ParameterRange> layers, ReadOnlySpan<bool> frozen)
    {
        if (layers.Length != frozen.Length)
        {
            throw new ArgumentException($"{layers.Length} layer ranges but {frozen.Length} freeze flags.", nameof(frozen));
        }

        var ranges = new List<ParameterRange>(layers.Length);
        int start = -1, end = -1;
        for (int i = 0; i < layers.Length; i++)
        {
            if (frozen[i])
            {
                continue;
            }

            int layerStart = layers[i].Offset, layerEnd = layers[i].End;
            if (start >= 0 && layerStart == end)
            {
                end = layerEnd;
                continue;
            }

            if (start >= 0)
            {
                ranges.Add(new ParameterRange(start, end - start));
            }

            (start, end) = (layerStart, layerEnd);
        }

        if (start >= 0)
        {
            ranges.Add(new ParameterRange(start, end - start));
        }

        return ranges.ToArray();
    }
}
