using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using StaticNet.Kernels;

namespace StaticNet;

/// <summary>
/// The weights one sample's <c>Predict</c> has packed (the direct blocked kernel) or transformed (Winograd's) for its
/// blocked convolutions, kept from call to call with a copy of the weights each was made from. Each call first compares
/// every copy with the parameters (<see cref="Compare"/>); a layer whose weights equal its copy bit for bit, at the same
/// SIMD level, reuses them, and any other is made again. So a write to the parameters, by whatever means and at whatever
/// time, is never missed, and the check costs one read of the weights and of the copies, a fraction of the packing or
/// transform it saves (on a sample of the batch-norm CNN, the weights' transforms and packing were 13% of the time).
/// </summary>
/// <remarks>
/// A layer's copies are made on its first call, so a network's first single-sample <c>Predict</c> allocates them: for
/// each blocked convolution a copy of its weights and their prepared form (as long for the direct kernel, 16/9 as long
/// for Winograd's), which is the memory this costs. Only that pass uses them: a batch's chunks run concurrently, and pay
/// the packing once for many samples. The comparison of all layers at once, before the pass, is what lets the threads
/// of a shared <c>Predict</c> split it: FashionResNet's copies are 219 KB, which one thread read, with the weights, in
/// 6% of a two-thread call while the other waited.
/// </remarks>
internal sealed class PreparedWeights
{
    /// <summary>
    /// Floats compared from which the comparison is shared among threads: about a microsecond and a half of reading (the
    /// batch-norm CNN's 23,184 took 5.2% of a 45 µs sample on one thread), past the few tenths handing parts out costs.
    /// </summary>
    private const int SplitFloats = 16_384;

    /// <summary>Parts per thread, so that a thread that starts late leaves the others a small part to wait for.</summary>
    private const int PartsPerThread = 2;

    // Each layer's copies, by the offset of its weights in the parameters.
    private readonly Dictionary<int, Layer> _layers = new();
    private readonly Action<int, int> _comparePart;

    // The comparison in progress: the parameters, its parts, and the floats of all copies.
    private AlignedFloats _parameters;
    private int _parts;
    private long _floats;

    public PreparedWeights()
    {
        _comparePart = ComparePart;
    }

    /// <summary>
    /// Compares every layer's copy with its weights in <paramref name="parameters"/>, on up to <paramref name="threads"/>
    /// threads, for the <see cref="For"/> calls of the pass that follows; call it before every pass.
    /// </summary>
    public void Compare(AlignedFloats parameters, int threads)
    {
        long floats = 0;
        foreach (Layer layer in _layers.Values)
        {
            layer.Differs = 0;
            floats += layer.Source.Length;
        }

        if (threads <= 1 || floats < SplitFloats)
        {
            foreach (Layer layer in _layers.Values)
            {
                layer.Same = layer.Matches(parameters, 0, layer.Source.Length);
            }

            return;
        }

        // At least two parts, each at least half the floats from which the comparison is shared.
        _parts = (int)Math.Min(PartsPerThread * threads, floats / (SplitFloats / 2));
        _parameters = parameters;
        _floats = floats;
        try
        {
            BatchRunner.Run(_parts, threads, _comparePart);
        }
        finally
        {
            _parameters = default;
        }

        foreach (Layer layer in _layers.Values)
        {
            layer.Same = Volatile.Read(ref layer.Differs) == 0;
        }
    }

    /// <summary>
    /// The prepared weights, <paramref name="length"/> floats, of the layer whose weights are <paramref name="weights"/>
    /// at <paramref name="offset"/>: <see cref="Layer.Ready"/> when they were made from the values <see cref="Compare"/>
    /// found there, at <paramref name="simd"/>; otherwise the caller makes them into <see cref="Layer.Prepared"/>, then
    /// calls <see cref="Layer.Made"/>.
    /// </summary>
    public Layer For(int offset, ReadOnlySpan<float> weights, int length, SimdLevel simd)
    {
        if (!_layers.TryGetValue(offset, out Layer? layer) || layer.Prepared.Length != length || layer.Source.Length != weights.Length)
        {
            layer = new Layer(offset, new float[weights.Length], new AlignedFloats(length));
            _layers[offset] = layer;
        }

        // What the comparison found holds for this pass alone: a pass that did not compare makes them again.
        layer.Ready = layer.Ready && layer.Simd == simd && layer.Same;
        layer.Same = false;
        layer.Simd = simd;
        return layer;
    }

    /// <summary>Part <paramref name="part"/> of the comparison: an even share of the floats of all copies, across layers.</summary>
    private void ComparePart(int part, int thread)
    {
        // The layers in the dictionary's order, the same in every part while no layer is added.
        long first = part * _floats / _parts, end = (part + 1) * _floats / _parts, at = 0;
        foreach (Layer layer in _layers.Values)
        {
            long from = Math.Max(first, at), to = Math.Min(end, at + layer.Source.Length);
            if (from < to && !layer.Matches(_parameters, (int)(from - at), (int)(to - from)))
            {
                Volatile.Write(ref layer.Differs, 1);
            }

            at += layer.Source.Length;
        }
    }

    /// <summary>One layer's prepared weights and the weights they were made from.</summary>
    internal sealed class Layer
    {
        // Set by any part of a shared comparison that finds a difference.
        internal int Differs;

        public Layer(int offset, float[] source, AlignedFloats prepared)
        {
            Offset = offset;
            Source = source;
            Prepared = prepared;
        }

        /// <summary>Where the layer's weights start in the parameters.</summary>
        public int Offset { get; }

        /// <summary>The weights <see cref="Prepared"/> was made from, when <see cref="Ready"/>.</summary>
        public float[] Source { get; }

        /// <summary>The packed or transformed weights, at the start.</summary>
        public AlignedFloats Prepared { get; }

        /// <summary>Whether <see cref="Prepared"/> holds what the weights of the current call give.</summary>
        public bool Ready { get; set; }

        /// <summary>The SIMD level <see cref="Prepared"/> was made at.</summary>
        public SimdLevel Simd { get; set; }

        /// <summary>Whether the last <see cref="Compare"/> found the weights equal to <see cref="Source"/>.</summary>
        internal bool Same { get; set; }

        /// <summary>Records that <see cref="Prepared"/> now holds what <paramref name="weights"/> give.</summary>
        public void Made(ReadOnlySpan<float> weights)
        {
            weights.CopyTo(Source);
            Ready = true;
        }

        /// <summary>Whether <paramref name="count"/> weights from <paramref name="start"/> equal the copy's, as bits: -0 and 0 differ, and so do two NaNs of different payloads.</summary>
        internal bool Matches(AlignedFloats parameters, int start, int count) =>
            MemoryMarshal.Cast<float, int>(parameters.AsSpan(Offset + start, count)).SequenceEqual(MemoryMarshal.Cast<float, int>(Source.AsSpan(start, count)));
    }
}
