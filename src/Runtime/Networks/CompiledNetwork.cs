using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

/// <summary>
/// The engine under every generated network: it owns the buffers (parameters, gradients, state, the
/// activation workspace, kernel scratch), splits batches into chunks and runs them on threads, checks
/// arguments, freezes layers and finds tensors by name. What differs between networks is generated: the
/// constants, the <see cref="NetworkDefinition"/>, and <see cref="RunForward"/> and <see cref="RunBackward"/>,
/// which call each layer's operation on a <see cref="LayerPass"/> in order, every shape and offset a literal.
/// </summary>
/// <remarks>
/// A pass over a batch splits into stages at every layer that couples the samples of a batch (batch
/// normalisation): within a stage, chunks of samples run in parallel; between stages, one thread reduces
/// the chunks' partial statistics (<see cref="ReduceForward"/>, <see cref="ReduceBackward"/>). The split
/// into chunks depends on the batch size alone and chunk gradients are added in chunk order, so results
/// are the same whatever <see cref="Threads"/> is.
/// </remarks>
public abstract class CompiledNetwork : INetwork
{
    /// <summary>
    /// The most chunks a batch is split into for Forward and Backward: enough for the usual 2 to 4 cores, few
    /// enough that per-chunk gradient buffers stay cheap to add. Threads take chunks.
    /// </summary>
    public const int BatchChunks = 4;

    private readonly NetworkDefinition _definition;
    private readonly AlignedFloats _parameters;
    private readonly AlignedFloats _gradients;
    private readonly AlignedFloats _state;

    // Activations of the last training batch, kept for Backward; sized for BatchCapacity samples.
    private readonly AlignedFloats _workspace;

    // Samples a batched Predict runs at a time, laid out in the workspace as a batch of that capacity.
    private readonly int _inferenceWave;

    // The inputs and outputs of the batched Predict in progress, pinned while it runs, and the first sample of its wave.
    private unsafe float* _waveInputs;
    private unsafe float* _waveOutputs;
    private int _waveStart;

    // The workspace, kernel scratch, threads and kept packed weights of single-sample Predict, apart so that Predict
    // never disturbs a training step.
    private readonly AlignedFloats _sampleWorkspace;
    private readonly AlignedFloats _sampleScratch;
    private readonly SampleThreads? _sampleThreads;
    private readonly PreparedWeights _samplePreparedWeights = new();

    // The vectorised kernels' scratch, one block per thread.
    private readonly AlignedFloats _kernelScratch;

    // Each chunk's parameter gradients of the ranges chunks compute apart, added into _gradients in chunk order after every Backward.
    private readonly AlignedFloats _chunkGradients;
    private readonly ChunkGradientSum? _chunkGradientSum;

    // The work of one chunk, as delegates made once so that running a batch allocates nothing.
    private readonly Action<int, int> _forwardChunk;
    private readonly Action<int, int> _inferenceChunk;
    private readonly Action<int, int> _backwardChunk;
    private readonly Action<int, int> _parameterSlice;

    // Freeze flags of the layers that can freeze at run time, and the parameter ranges training may change.
    private readonly bool[] _frozen;
    private ParameterRange[] _trainableRanges;

    // The batch the chunks are working on.
    private int _runBatchSize;
    private int _runChunks;
    private int _runStage;
    private bool _runInputGradient;
    private SimdLevel _runSimd;

    // The batch size, SIMD level and step of the last training Forward, which Backward must match; size 0 when no Forward is pending.
    private int _forwardBatchSize;
    private SimdLevel _forwardSimd;
    private long _forwardStep;
    private int _threads;

    // The seed of the dropout masks: the one the network was created or last initialised with.
    private int _seed;

    /// <summary>Creates the network's buffers for <paramref name="batchCapacity"/> samples and, when <paramref name="initialize"/>, initialises its tensors from <paramref name="seed"/>.</summary>
    /// <param name="definition">The network's definition, the generated type's static field.</param>
    /// <param name="seed">Seeds the initialisation and the dropout masks.</param>
    /// <param name="batchCapacity">The largest batch <see cref="Forward"/> takes; the workspace is allocated for it once, here.</param>
    /// <param name="initialize">Whether to initialise the tensors now; a network with weights compiled in loads those instead.</param>
    protected CompiledNetwork(NetworkDefinition definition, int seed, int batchCapacity, bool initialize = true)
    {
        _definition = definition ?? throw new ArgumentNullException(nameof(definition));
        NetworkChecks.BatchCapacity(batchCapacity, definition.WorkspaceLengthPerSample, definition.WorkspaceFixedLength, nameof(batchCapacity));
        BatchCapacity = batchCapacity;
        _parameters = new AlignedFloats(definition.ParameterCount);
        _gradients = new AlignedFloats(definition.ParameterCount);
        _state = new AlignedFloats(definition.StateCount);
        _workspace = new AlignedFloats((definition.WorkspaceLengthPerSample * batchCapacity) + definition.WorkspaceFixedLength);
        _sampleWorkspace = new AlignedFloats(definition.WorkspaceLengthPerSample); // inference has no batch statistics: no fixed region
        MaxThreads = Math.Min(BatchChunks, BatchRunner.MaxThreads);
        _threads = MaxThreads;
        _inferenceWave = InferenceWave(batchCapacity, definition.WorkspaceLengthPerSample);
        KernelScratchLength = definition.KernelScratch(Chunks.MaxChunkSize(batchCapacity, BatchChunks));
        _kernelScratch = new AlignedFloats(MaxThreads * KernelScratchLength);
        _sampleScratch = new AlignedFloats(definition.KernelScratch(1));
        _sampleThreads = MaxThreads > 1 ? new SampleThreads(_parameters, _sampleWorkspace, _sampleScratch, _kernelScratch, KernelScratchLength) : null;
        _forwardChunk = ForwardChunk;
        _inferenceChunk = InferenceChunk;
        _backwardChunk = BackwardChunk;
        _parameterSlice = ParameterSlice;
        if (definition.ChunkGradientRanges.Length > 0)
        {
            _chunkGradients = new AlignedFloats(BatchChunks * definition.ParameterCount);
            _chunkGradientSum = new ChunkGradientSum(_chunkGradients.Memory, _gradients.Memory, definition.ParameterCount, definition.ChunkGradientRanges);
        }
        else
        {
            _chunkGradients = new AlignedFloats(0);
        }

        _frozen = new bool[definition.TrainableLayerRanges.Length];
        _trainableRanges = ParameterRanges.Trainable(definition.TrainableLayerRanges, _frozen);
        _seed = seed;
        if (initialize)
        {
            Initialize(seed);
        }
    }

    /// <summary>Samples a batched Predict runs at a time (<see cref="InferenceWave"/>).</summary>
    internal int InferenceWaveSize => _inferenceWave;

    /// <summary>The largest batch <see cref="Forward"/> and <see cref="Backward"/> take.</summary>
    public int BatchCapacity { get; }

    /// <summary>Floats of scratch each thread's vectorised kernels need, for the largest chunk of a batch.</summary>
    public int KernelScratchLength { get; }

    /// <summary>The most threads this network's batches run on: one per chunk, at most one per processor.</summary>
    public int MaxThreads { get; }

    /// <summary>Threads that Forward, Backward, batched Predict and the larger convolutions and dense layers of one sample's Predict run on, from 1 to <see cref="MaxThreads"/> (the default). Results do not depend on it.</summary>
    public int Threads
    {
        get => _threads;
        set => _threads = NetworkChecks.Threads(value, MaxThreads, nameof(value));
    }

    /// <summary>The code the layers run: vectorised kernels at the widest width the hardware has (the default), or the kernels' scalar reference. Every level computes the same function.</summary>
    public SimdLevel Simd { get; set; } = SimdLevels.Best;

    /// <summary>All parameters in one flat buffer; each tensor's place is in <see cref="Tensors"/>.</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>Gradients of the parameters, in the same layout; <see cref="Backward"/> adds to them and <see cref="ZeroGradients"/> clears them.</summary>
    public Span<float> Gradients => _gradients;

    /// <summary>
    /// All state in one flat buffer (empty when no layer keeps any): batch normalisation's running estimates,
    /// which training Forward passes update and inference uses. No optimizer touches it;
    /// <see cref="ReadTensor"/> and <see cref="WriteTensor"/> reach it by name.
    /// </summary>
    public Span<float> State => _state;

    /// <summary>
    /// Training Forward passes so far. Each one draws its dropout masks from this step (and the seed), then
    /// adds 1; <see cref="Initialize"/> resets it to 0. Set it to replay a step's masks or to resume a run.
    /// </summary>
    public long Step { get; set; }

    /// <summary>Every tensor with its PyTorch <c>state_dict</c> name, shape and kind: the parameters, and state such as running estimates.</summary>
    public IReadOnlyList<TensorInfo> Tensors => _definition.Tensors;

    /// <summary>The layer graph, one row per layer in the order they run: kind, inputs, shapes, settings and tensors.</summary>
    public IReadOnlyList<LayerInfo> LayerTable => _definition.Layers;

    /// <summary>
    /// The parts of <see cref="Parameters"/> training may change: every layer's parameters but those frozen in
    /// the declaration or with <see cref="Freeze"/>, as ranges in ascending order. An optimizer that updates
    /// only these leaves frozen layers untouched.
    /// </summary>
    public IReadOnlyList<ParameterRange> TrainableRanges => _trainableRanges;

    string INetwork.Name => _definition.Name;

    int INetwork.InputLength => _definition.InputLength;

    int INetwork.OutputLength => _definition.OutputLength;

    int INetwork.ParameterCount => _definition.ParameterCount;

    string INetwork.Summary => _definition.Summary;

    OutputActivation INetwork.OutputActivation => _definition.OutputActivation;

    /// <summary>Sets every gradient to zero; call it before each batch's <see cref="Backward"/>, as in PyTorch's <c>zero_grad</c>.</summary>
    public void ZeroGradients() => _gradients.Span.Clear();

    /// <summary>
    /// Sets every tensor as its layer declares: PyTorch's default initialisation unless stated (weights
    /// Kaiming-uniform with a = sqrt(5) and biases uniform, both in [-1/sqrt(fan_in), 1/sqrt(fan_in)]; batch
    /// normalisation weight 1 and bias 0; running means 0, running variances 1, no batches tracked). Each random
    /// tensor draws from its own stream, keyed by <paramref name="seed"/> and its name, so adding a layer changes
    /// no other layer's values. Dropout draws its masks from the same seed, from step 0.
    /// </summary>
    public void Initialize(int seed)
    {
        foreach (TensorInfo tensor in _definition.Tensors)
        {
            tensor.Init.Apply(Buffer(tensor), seed, tensor.Name);
        }

        _seed = seed;
        Step = 0;
    }

    /// <summary>Runs a training batch forward and keeps every activation for <see cref="Backward"/>. Allocates nothing.</summary>
    /// <param name="input">The batch, sample after sample: at least <c>batchSize</c> input samples.</param>
    /// <param name="output">Receives the outputs: at least <c>batchSize</c> output samples.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to <see cref="BatchCapacity"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batchSize)
    {
        NetworkDefinition d = _definition;
        NetworkChecks.Batch(batchSize, BatchCapacity, nameof(batchSize));
        NetworkChecks.Length(input.Length, (long)batchSize * d.InputLength, nameof(input));
        NetworkChecks.Length(output.Length, (long)batchSize * d.OutputLength, nameof(output));
        if (d.BatchStatisticsLayer is { } layer)
        {
            NetworkChecks.BatchStatistics(batchSize, layer);
        }

        input.Slice(0, batchSize * d.InputLength).CopyTo(_workspace);
        _forwardStep = Step++;
        RunForwardStages(batchSize, Simd);
        _workspace.AsSpan(d.OutputOffset * BatchCapacity, batchSize * d.OutputLength).CopyTo(output);
        _forwardBatchSize = batchSize;
        _forwardSimd = Simd;
    }

    /// <summary>
    /// Runs the last <see cref="Forward"/> batch backward: adds each parameter's gradient to <see cref="Gradients"/>
    /// and, when <paramref name="inputGradient"/> is not empty, writes the gradient of the input. Allocates nothing.
    /// </summary>
    /// <param name="outputGradient">The gradient of the loss with respect to each output.</param>
    /// <param name="inputGradient">Receives the gradient of the loss with respect to the input, or empty to skip that work.</param>
    /// <param name="batchSize">The batch size of the preceding <see cref="Forward"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batchSize)
    {
        NetworkDefinition d = _definition;
        NetworkChecks.PendingForward(batchSize, _forwardBatchSize);
        NetworkChecks.Length(outputGradient.Length, (long)batchSize * d.OutputLength, nameof(outputGradient));
        bool computeInputGradient = !inputGradient.IsEmpty;
        if (computeInputGradient)
        {
            NetworkChecks.Length(inputGradient.Length, (long)batchSize * d.InputLength, nameof(inputGradient));
        }

        outputGradient.Slice(0, batchSize * d.OutputLength).CopyTo(_workspace.AsSpan(d.OutputGradientOffset * BatchCapacity));
        _runInputGradient = computeInputGradient;

        // Backward runs the code Forward ran, at its SIMD level; its stages are numbered in the order they run, last layers first.
        for (int stage = 0; stage < d.Stages; stage++)
        {
            RunChunks(_backwardChunk, batchSize, stage, _forwardSimd);
            if (stage < d.Stages - 1)
            {
                ReduceBackward(Pass(0, batchSize, chunk: 0, _gradients, Span<float>.Empty, _forwardSimd), stage);
            }
        }

        if (d.BatchWideGradients)
        {
            // Dense layers' parameter gradients over the whole batch, their outputs in slices shared among the threads.
            BatchRunner.Run(LayerPass.ParameterSlices, _threads, _parameterSlice);
        }

        // Add each chunk's gradients in chunk order: the sum is the same whichever thread ran which chunk.
        _chunkGradientSum?.Add(_runChunks, _threads, _forwardSimd);
        if (computeInputGradient)
        {
            _workspace.AsSpan(d.InputGradientOffset * BatchCapacity, batchSize * d.InputLength).CopyTo(inputGradient);
        }
    }

    /// <summary>
    /// Runs one sample forward in inference mode, its larger blocked convolutions and dense layers, and the check that
    /// its kept packed weights are still those of the parameters, shared among <see cref="Threads"/> threads. Allocates
    /// nothing after the first call, which makes the copies of the blocked convolutions' packed weights that later calls
    /// reuse while the weights stay the same.
    /// </summary>
    /// <param name="input">One sample: exactly one input sample's values.</param>
    /// <param name="output">Receives the outputs: exactly one output sample's values.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        NetworkDefinition d = _definition;
        NetworkChecks.ExactLength(input.Length, d.InputLength, nameof(input));
        NetworkChecks.ExactLength(output.Length, d.OutputLength, nameof(output));
        input.CopyTo(_sampleWorkspace);
        if (_sampleThreads is not null)
        {
            _sampleThreads.Threads = _threads;
        }

        _samplePreparedWeights.Compare(_parameters, _threads);
        RunInference(new LayerPass(_parameters, Span<float>.Empty, _state, _sampleWorkspace, capacity: 1, d.WorkspaceLengthPerSample, first: 0, count: 1, chunk: 0, chunks: 1, training: false, inputGradient: false, _frozen, _seed, step: 0, _sampleScratch, Simd, slice: 0, _sampleThreads, _samplePreparedWeights));
        _sampleWorkspace.AsSpan(d.OutputOffset, d.OutputLength).CopyTo(output);
    }

    /// <summary>
    /// Runs any number of samples forward in inference mode, at most <see cref="BatchCapacity"/> at a time. Allocates
    /// nothing. It reuses the training workspace, so a <see cref="Backward"/> cannot follow it.
    /// </summary>
    /// <param name="inputs">The samples, one after another: exactly <paramref name="count"/> input samples.</param>
    /// <param name="outputs">Receives the outputs: exactly <paramref name="count"/> output samples.</param>
    /// <param name="count">Samples to run.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        NetworkDefinition d = _definition;
        NetworkChecks.Count(count, nameof(count));
        NetworkChecks.ExactLength(inputs.Length, (long)count * d.InputLength, nameof(inputs));
        NetworkChecks.ExactLength(outputs.Length, (long)count * d.OutputLength, nameof(outputs));
        _forwardBatchSize = 0;

        // The chunks copy their own samples in and out (InferenceChunk), through pointers that stay valid until the
        // last wave has finished.
        fixed (float* source = inputs)
        fixed (float* target = outputs)
        {
            _waveInputs = source;
            _waveOutputs = target;
            try
            {
                for (int start = 0; start < count; start += _inferenceWave)
                {
                    _waveStart = start;
                    RunChunks(_inferenceChunk, Math.Min(_inferenceWave, count - start), stage: 0, Simd);
                }
            }
            finally
            {
                _waveInputs = null;
                _waveOutputs = null;
            }
        }
    }

    /// <summary>
    /// The workspace one wave of a batched Predict spans at most. Inference keeps no activations for a backward
    /// pass, so a larger batch runs in waves that each reuse the workspace's first samples, and the buffers a wave
    /// touches stay in the last-level cache instead of streaming through memory: at a capacity of 256, one thread
    /// ran the batch-norm CNN (674 KB of workspace a sample) about 12% slower, and FashionResNet (1.4 MB) about 15%
    /// slower, than in batches of 16 to 64.
    /// </summary>
    internal const long InferenceWaveBytes = 32L << 20;

    /// <summary>Samples a batched Predict runs at a time: the capacity when <see cref="InferenceWaveBytes"/> of workspace hold it, or else as many whole sets of chunks as they hold (at least one).</summary>
    internal static int InferenceWave(int capacity, int workspaceLengthPerSample)
    {
        long fits = InferenceWaveBytes / (sizeof(float) * (long)Math.Max(1, workspaceLengthPerSample));
        return fits >= capacity ? capacity : (int)Math.Min(capacity, Math.Max(BatchChunks, fits / BatchChunks * BatchChunks));
    }

    /// <summary>Copies the tensor named <paramref name="name"/> (a PyTorch <c>state_dict</c> name) into <paramref name="destination"/>, in PyTorch's layout.</summary>
    public void ReadTensor(string name, Span<float> destination)
    {
        TensorInfo tensor = _definition.FindTensor(name);
        NetworkChecks.TensorLength(tensor, destination.Length, nameof(destination));

        // Tensors are stored in PyTorch's layout, so reading one is a copy.
        Buffer(tensor).CopyTo(destination);
    }

    /// <summary>Overwrites the tensor named <paramref name="name"/> (a PyTorch <c>state_dict</c> name) with <paramref name="source"/>, given in PyTorch's layout.</summary>
    public void WriteTensor(string name, ReadOnlySpan<float> source)
    {
        TensorInfo tensor = _definition.FindTensor(name);
        NetworkChecks.TensorLength(tensor, source.Length, nameof(source));
        source.CopyTo(Buffer(tensor));
    }

    /// <summary>
    /// Freezes the parameters of the layer named <paramref name="layer"/> until <see cref="Unfreeze"/>: Backward
    /// computes no gradient for them (their gradients keep their values, zero after <see cref="ZeroGradients"/>)
    /// and they leave <see cref="TrainableRanges"/>. Their running statistics, if any, still update in training.
    /// </summary>
    public void Freeze(string layer) => SetFrozen(layer, true);

    /// <summary>Lets the layer named <paramref name="layer"/> train again after <see cref="Freeze"/>; a layer frozen in its declaration cannot be.</summary>
    public void Unfreeze(string layer) => SetFrozen(layer, false);

    /// <summary>Whether the parameters of the layer named <paramref name="layer"/> are frozen, in its declaration or with <see cref="Freeze"/>.</summary>
    public bool IsFrozen(string layer)
    {
        int index = _definition.FreezeIndex(layer);
        return index < 0 || _frozen[index];
    }

    /// <summary>
    /// Runs stage <paramref name="stage"/> of forward on the pass's samples, first layer to last: each layer's
    /// operation on <paramref name="pass"/>, with its shapes and offsets as literals.
    /// </summary>
    protected abstract void RunForward(in LayerPass pass, int stage);

    /// <summary>
    /// Runs stage <paramref name="stage"/> of backward on the pass's samples, last layer to first: parameter
    /// gradients into the pass's gradient buffer, each layer's input gradient into the workspace.
    /// </summary>
    protected abstract void RunBackward(in LayerPass pass, int stage);

    /// <summary>
    /// Runs the network in inference mode on the pass's samples, first layer to last, in one stage: what
    /// <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> runs. Batch normalisation uses its running estimates and,
    /// with a ReLU after it, is folded into the convolution or dense layer before it; dropout passes values through.
    /// </summary>
    protected abstract void RunInference(in LayerPass pass);

    /// <summary>Between forward stages <paramref name="stage"/> and the next, once per batch: the batch statistics of the layer that ends the stage.</summary>
    protected virtual void ReduceForward(in LayerPass pass, int stage) => throw new InvalidOperationException($"{_definition.Name} has no forward stage {stage} to reduce.");

    /// <summary>Between backward stages <paramref name="stage"/> + 1 and <paramref name="stage"/>, once per batch: the totals of the layer between them, and its parameter gradients.</summary>
    protected virtual void ReduceBackward(in LayerPass pass, int stage) => throw new InvalidOperationException($"{_definition.Name} has no backward stage {stage} to reduce.");

    /// <summary>After every chunk's backward: the parameter gradients of the dense layers over the whole batch, for the pass's slice of each layer's outputs.</summary>
    protected virtual void RunBackwardParameters(in LayerPass pass)
    {
    }

    private Span<float> Buffer(TensorInfo tensor) => (tensor.Kind == TensorKind.State ? _state : _parameters).AsSpan(tensor.Offset, tensor.Length);

    /// <summary>The vectorised kernels' scratch of one thread.</summary>
    private Span<float> KernelScratch(int thread) => _kernelScratch.AsSpan(thread * KernelScratchLength, KernelScratchLength);

    private void SetFrozen(string layer, bool frozen)
    {
        int index = _definition.FreezeIndex(layer);
        if (index < 0)
        {
            // Frozen in the declaration: its Backward has no gradient code to turn back on.
            if (!frozen)
            {
                throw NetworkChecks.FrozenInDeclaration(layer, _definition.Name);
            }

            return;
        }

        _frozen[index] = frozen;
        _trainableRanges = ParameterRanges.Trainable(_definition.TrainableLayerRanges, _frozen);
    }

    /// <summary>The forward stages of a training batch: each stage on every chunk, each reduction once, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunForwardStages(int batchSize, SimdLevel simd)
    {
        for (int stage = 0; stage < _definition.Stages; stage++)
        {
            RunChunks(_forwardChunk, batchSize, stage, simd);
            if (stage < _definition.Stages - 1)
            {
                ReduceForward(Pass(0, batchSize, chunk: 0, Span<float>.Empty, Span<float>.Empty, simd), stage);
            }
        }
    }

    /// <summary>Runs stage <paramref name="stage"/> of a pass on every chunk of a batch of <paramref name="batchSize"/>, on up to <see cref="Threads"/> threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunChunks(Action<int, int> work, int batchSize, int stage, SimdLevel simd)
    {
        _runBatchSize = batchSize;
        _runChunks = Chunks.Count(batchSize, BatchChunks);
        _runStage = stage;
        _runSimd = simd;
        BatchRunner.Run(_runChunks, _threads, work);
    }

    /// <summary>A pass over samples [first, first + count) of the training workspace, in the current batch's settings.</summary>
    private LayerPass Pass(int first, int count, int chunk, Span<float> gradients, Span<float> scratch, SimdLevel simd) =>
        new(_parameters, gradients, _state, _workspace, BatchCapacity, _definition.WorkspaceLengthPerSample * BatchCapacity, first, count, chunk, _runChunks, training: true, _runInputGradient, _frozen, _seed, _forwardStep, scratch, simd, slice: 0);

    /// <summary>One chunk of a Forward or batched Predict, in the current stage.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardChunk(int chunk, int thread)
    {
        (int first, int count) = Chunks.Range(chunk, _runChunks, _runBatchSize);
        RunForward(Pass(first, count, chunk, Span<float>.Empty, KernelScratch(thread), _runSimd), _runStage);
    }

    /// <summary>
    /// One chunk of a batched Predict: its samples' inputs copied in, the inference program (which has no stages), its
    /// outputs copied out. Copied by the chunk rather than for the whole wave before it, the copies are shared among
    /// the threads instead of holding them all up, and a chunk's inputs are still in its core's cache when its first
    /// layer reads them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void InferenceChunk(int chunk, int thread)
    {
        NetworkDefinition d = _definition;
        (int first, int count) = Chunks.Range(chunk, _runChunks, _runBatchSize);
        long sample = (long)_waveStart + first;

        // The wave is laid out as a batch of capacity _inferenceWave: the input first, as in any batch.
        new ReadOnlySpan<float>(_waveInputs + (sample * d.InputLength), count * d.InputLength).CopyTo(_workspace.AsSpan(first * d.InputLength));
        RunInference(new LayerPass(_parameters, Span<float>.Empty, _state, _workspace, _inferenceWave, d.WorkspaceLengthPerSample * _inferenceWave, first, count, chunk, _runChunks, training: false, inputGradient: false, _frozen, _seed, step: 0, KernelScratch(thread), _runSimd, slice: 0));
        _workspace.AsSpan((d.OutputOffset * _inferenceWave) + (first * d.OutputLength), count * d.OutputLength).CopyTo(new Span<float>(_waveOutputs + (sample * d.OutputLength), count * d.OutputLength));
    }

    /// <summary>One chunk of a Backward, in the current stage: its samples' gradients, its parameter gradients into its own buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardChunk(int chunk, int thread)
    {
        (int first, int count) = Chunks.Range(chunk, _runChunks, _runBatchSize);
        Span<float> gradients = _chunkGradients.Length == 0 ? Span<float>.Empty : _chunkGradients.AsSpan(chunk * _definition.ParameterCount, _definition.ParameterCount);
        if (_runStage == 0 && !gradients.IsEmpty)
        {
            // The first stage of backward: the chunk's buffer starts from zero.
            ChunkGradientSum.Clear(gradients, _definition.ChunkGradientRanges);
        }

        RunBackward(Pass(first, count, chunk, gradients, KernelScratch(thread), _runSimd), _runStage);
    }

    /// <summary>One slice of the outputs of every dense layer: its parameter gradients over the whole batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParameterSlice(int slice, int thread)
    {
        var pass = new LayerPass(_parameters, _gradients, _state, _workspace, BatchCapacity, _definition.WorkspaceLengthPerSample * BatchCapacity, first: 0, _runBatchSize, chunk: 0, _runChunks, training: true, _runInputGradient, _frozen, _seed, _forwardStep, Span<float>.Empty, _forwardSimd, slice);
        RunBackwardParameters(pass);
    }
}
