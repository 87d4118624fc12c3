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
    public static Range[] Trainable(ReadOnlySpan<Range> layers, ReadOnlySpan<bool> frozen)
    {
        if (layers.Length != frozen.Length)
        {
            throw new ArgumentException($"{layers.Length} layer ranges but {frozen.Length} freeze flags.", nameof(frozen));
        }

        var ranges = new List<Range>(layers.Length);
        int start = -1, end = -1;
        for (int i = 0; i < layers.Length; i++)
        {
            if (frozen[i])
            {
                continue;
            }

            int layerStart = layers[i].Start.Value, layerEnd = layers[i].End.Value;
            if (start >= 0 && layerStart == end)
            {
                end = layerEnd;
                continue;
            }

            if (start >= 0)
            {
                ranges.Add(new Range(start, end));
            }

            (start, end) = (layerStart, layerEnd);
        }

        if (start >= 0)
        {
            ranges.Add(new Range(start, end));
        }

        return ranges.ToArray();
    }
}
