using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// The weights one sample's <c>Predict</c> has packed (the direct blocked kernel) or transformed (Winograd's) for its
/// blocked convolutions, kept from call to call with a copy of the weights each was made from. A call whose weights
/// equal that copy bit for bit, at the same SIMD level, reuses them; any other call makes them again. So a write to
/// the parameters, by whatever means and at whatever time, is never missed, and the check costs one read of the
/// weights and of the copy, a fraction of the packing or transform it saves (on a sample of the batch-norm CNN, the
/// weights' transforms and packing were 13% of the time).
/// </summary>
/// <remarks>
/// A layer's copies are made on its first call, so a network's first single-sample <c>Predict</c> allocates them: for
/// each blocked convolution a copy of its weights and their prepared form (as long for the direct kernel, 16/9 as long
/// for Winograd's), which is the memory this costs. Only that pass uses them: a batch's chunks run concurrently, and pay
/// the packing once for many samples.
/// </remarks>
internal sealed class PreparedWeights
{
    // Each layer's copies, by the offset of its weights in the parameters.
    private readonly Dictionary<int, Layer> _layers = new();

    /// <summary>
    /// The prepared weights, <paramref name="length"/> floats, of the layer whose weights are <paramref name="weights"/>
    /// at <paramref name="offset"/>: <see cref="Layer.Ready"/> when they were made from these very values at
    /// <paramref name="simd"/>; otherwise the caller makes them into <see cref="Layer.Prepared"/>, then calls
    /// <see cref="Layer.Made"/>.
    /// </summary>
    public Layer For(int offset, ReadOnlySpan<float> weights, int length, SimdLevel simd)
    {
        if (!_layers.TryGetValue(offset, out Layer? layer) || layer.Prepared.Length != length || layer.Source.Length != weights.Length)
        {
            layer = new Layer(new float[weights.Length], new float[length]);
            _layers[offset] = layer;
        }

        // Compared as bits: -0 and 0 differ, and so do two NaNs of different payloads.
        layer.Ready = layer.Ready && layer.Simd == simd && MemoryMarshal.Cast<float, int>(weights).SequenceEqual(MemoryMarshal.Cast<float, int>(layer.Source.AsSpan()));
        layer.Simd = simd;
        return layer;
    }

    /// <summary>One layer's prepared weights and the weights they were made from.</summary>
    internal sealed class Layer
    {
        public Layer(float[] source, float[] prepared)
        {
            Source = source;
            Prepared = prepared;
        }

        /// <summary>The weights <see cref="Prepared"/> was made from, when <see cref="Ready"/>.</summary>
        public float[] Source { get; }

        /// <summary>The packed or transformed weights, at the start.</summary>
        public float[] Prepared { get; }

        /// <summary>Whether <see cref="Prepared"/> holds what the weights of the current call give.</summary>
        public bool Ready { get; set; }

        /// <summary>The SIMD level <see cref="Prepared"/> was made at.</summary>
        public SimdLevel Simd { get; set; }

        /// <summary>Records that <see cref="Prepared"/> now holds what <paramref name="weights"/> give.</summary>
        public void Made(ReadOnlySpan<float> weights)
        {
            weights.CopyTo(Source);
            Ready = true;
        }
    }
}
