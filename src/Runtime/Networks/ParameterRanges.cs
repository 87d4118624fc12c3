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

        var trainable = new List<ParameterRange>(layers.Length);
        for (int i = 0; i < layers.Length; i++)
        {
            if (!frozen[i])
            {
                trainable.Add(layers[i]);
            }
        }

        return ParameterRange.JoinNeighbours(trainable);
    }
}
