using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace StaticNet;

/// <summary>
/// One pass of a compiled network over some samples of a batch (a chunk, the whole batch, or one sample in
/// <c>Predict</c>), as the generated <c>RunForward</c> and <c>RunBackward</c> see it: the network's buffers,
/// which samples, training or inference, the SIMD level. Its methods are the layers' operations, one per layer
/// kind and direction (in the files under <c>Networks/Layers</c>), each taking the layer's buffers as per-sample
/// workspace offsets and its shapes as literals, and calling the kernels, so that generated code is one call per
/// layer.
/// </summary>
/// <remarks>
/// The workspace holds each activation buffer for the whole batch contiguously: a buffer at per-sample offset
/// <c>o</c> of <c>n</c> values per sample starts at <c>o * capacity</c>, and sample <c>b</c>'s values at
/// <c>o * capacity + b * n</c>. After the per-sample buffers comes a region of fixed size (batch statistics).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref partial struct LayerPass
{
    private readonly ReadOnlySpan<float> _parameters;
    private readonly Span<float> _gradients;
    private readonly Span<float> _state;
    private readonly Span<float> _workspace;
    private readonly int _capacity;
    private readonly int _fixedStart;
    private readonly ReadOnlySpan<bool> _frozen;
    private readonly SampleThreads? _sampleThreads;
    private readonly PreparedWeights? _preparedWeights;

    /// <summary>
    /// Describes a pass; the engine creates these. A pass given <paramref name="sampleThreads"/> (one sample's Predict)
    /// shares its larger blocked convolutions and dense layers among them; one given <paramref name="preparedWeights"/>
    /// keeps its blocked convolutions' packed or transformed weights there from call to call.
    /// </summary>
    internal LayerPass(
        ReadOnlySpan<float> parameters,
        Span<float> gradients,
        Span<float> state,
        Span<float> workspace,
        int capacity,
        int fixedStart,
        int first,
        int count,
        int chunk,
        int chunks,
        bool training,
        bool inputGradient,
        ReadOnlySpan<bool> frozen,
        int seed,
        long step,
        Span<float> scratch,
        SimdLevel simd,
        int slice,
        SampleThreads? sampleThreads = null,
        PreparedWeights? preparedWeights = null)
    {
        _parameters = parameters;
        _gradients = gradients;
        _state = state;
        _workspace = workspace;
        _capacity = capacity;
        _fixedStart = fixedStart;
        First = first;
        Count = count;
        Chunk = chunk;
        Chunks = chunks;
        Training = training;
        InputGradient = inputGradient;
        _frozen = frozen;
        Seed = seed;
        Step = step;
        Scratch = scratch;
        Simd = simd;
        Slice = slice;
        _sampleThreads = sampleThreads;
        _preparedWeights = preparedWeights;
    }

    /// <summary>The pass's first sample in the batch.</summary>
    public int First { get; }

    /// <summary>The pass's samples.</summary>
    public int Count { get; }

    /// <summary>The pass's chunk of the batch: the index of its record of partial sums.</summary>
    public int Chunk { get; }

    /// <summary>The chunks the batch is split into.</summary>
    public int Chunks { get; }

    /// <summary>Whether the pass trains (batch statistics, dropout) or infers.</summary>
    public bool Training { get; }

    /// <summary>Whether backward computes the gradients that only the network's input gradient needs.</summary>
    public bool InputGradient { get; }

    /// <summary>The seed of the dropout masks.</summary>
    public int Seed { get; }

    /// <summary>The step of the training Forward, whose dropout masks the pass draws.</summary>
    public long Step { get; }

    /// <summary>The thread's scratch for the kernels.</summary>
    public Span<float> Scratch { get; }

    /// <summary>The code the kernels run.</summary>
    public SimdLevel Simd { get; }

    /// <summary>For dense layers' parameter gradients over the whole batch: which slice of each layer's outputs this pass computes.</summary>
    public int Slice { get; }

    /// <summary>Dense layers' outputs are split into this many slices for their parameter gradients, whatever the number of threads, so the sums never depend on it.</summary>
    internal const int ParameterSlices = 4;

    /// <summary>Whether the layer with run-time freeze flag <paramref name="index"/> trains: backward computes its parameter gradients.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Trains(int index) => !_frozen[index];

    /// <summary>The pass's samples of the workspace buffer at per-sample offset <paramref name="offset"/>, <paramref name="length"/> values per sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Batch(int offset, int length) => _workspace.Slice(BatchStart(offset, length), Count * length);

    /// <summary>Where the pass's samples of the workspace buffer at per-sample offset <paramref name="offset"/> start, <paramref name="length"/> values per sample.</summary>
    private int BatchStart(int offset, int length) => (offset * _capacity) + (First * length);

    /// <summary>The pass's chunk's record of <paramref name="length"/> values in the buffer at per-sample offset <paramref name="offset"/>, which holds a record per sample of capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Record(int offset, int length) => _workspace.Slice((offset * _capacity) + (Chunk * length), length);

    /// <summary>Every chunk's record, one after another, for a reduction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Records(int offset, int length) => _workspace.Slice(offset * _capacity, Chunks * length);

    /// <summary>Values in the workspace's fixed region, after the per-sample buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Fixed(int offset, int length) => _workspace.Slice(_fixedStart + offset, length);

    /// <summary>A parameter tensor; an empty span for offset -1 (a tensor the layer does not have).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> Parameter(int offset, int length) => offset < 0 ? ReadOnlySpan<float>.Empty : _parameters.Slice(offset, length);

    /// <summary>A parameter tensor's gradient, in the pass's gradient buffer; an empty span for offset -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Gradient(int offset, int length) => offset < 0 ? Span<float>.Empty : _gradients.Slice(offset, length);

    /// <summary>A state tensor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> State(int offset, int length) => _state.Slice(offset, length);

    /// <summary>
    /// Adds the gradient a second reader of a value wrote apart (at <paramref name="source"/>) into the value's
    /// gradient (at <paramref name="target"/>), before the value's producer runs backward.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddGradient(int target, int source, int length) => Kernels.VectorMath.Add(Batch(source, length), Batch(target, length), Simd);
}
