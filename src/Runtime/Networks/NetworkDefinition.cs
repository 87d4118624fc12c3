using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace StaticNet;

/// <summary>
/// What the engine (<see cref="CompiledNetwork"/>) needs to know of one compiled network, written once per
/// network type by the generator as a static field: its shapes and sizes, its tensors and layer table, where
/// its input and output live in the workspace, how its passes split into stages, and which parameter
/// gradients chunks compute apart. Everything in it is a fact the generator worked out at compile time; the
/// engine derives the rest (freeze ranges, tensor look-up) from it once.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NetworkDefinition
{
    private readonly Dictionary<string, int> _tensorIndex;
    private readonly Dictionary<string, int> _trainableIndex;

    /// <summary>Describes a network; generated code creates one per network type.</summary>
    /// <param name="name">The network class's name, for messages.</param>
    /// <param name="tensors">Every tensor in <c>state_dict</c> order, with its initialisation.</param>
    /// <param name="layers">The layer table, one row per layer in the order they run.</param>
    public NetworkDefinition(string name, TensorInfo[] tensors, LayerInfo[] layers)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Tensors = tensors ?? throw new ArgumentNullException(nameof(tensors));
        Layers = layers ?? throw new ArgumentNullException(nameof(layers));
        _tensorIndex = new Dictionary<string, int>(tensors.Length, StringComparer.Ordinal);
        for (int i = 0; i < tensors.Length; i++)
        {
            _tensorIndex.Add(tensors[i].Name, i);
        }

        // A layer can freeze at run time when it has parameters and its declaration does not freeze them;
        // the generated backward pass numbers such layers the same way, in the order they run.
        var ranges = new List<ParameterRange>();
        var withParameters = new List<string>();
        _trainableIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (LayerInfo layer in layers)
        {
            ParameterRange? range = ParameterRangeOf(layer);
            if (range is null)
            {
                continue;
            }

            withParameters.Add(layer.Name);
            if (!layer.Frozen)
            {
                _trainableIndex.Add(layer.Name, ranges.Count);
                ranges.Add(range.Value);
            }
        }

        TrainableLayerRanges = ranges.ToArray();
        LayersWithParameters = withParameters.ToArray();
    }

    /// <summary>The network class's name.</summary>
    public string Name { get; }

    /// <summary>Every tensor in <c>state_dict</c> order: per layer, its parameters, then its state.</summary>
    public TensorInfo[] Tensors { get; }

    /// <summary>The layer table.</summary>
    public LayerInfo[] Layers { get; }

    /// <summary>The shape of one input sample, outermost dimension first.</summary>
    public int[] InputShape { get; init; } = Array.Empty<int>();

    /// <summary>The shape of one output sample, outermost dimension first.</summary>
    public int[] OutputShape { get; init; } = Array.Empty<int>();

    /// <summary>Values in one input sample.</summary>
    public int InputLength { get; init; }

    /// <summary>Values in one output sample.</summary>
    public int OutputLength { get; init; }

    /// <summary>Learned parameters in all layers.</summary>
    public int ParameterCount { get; init; }

    /// <summary>Values of state (running estimates) in all layers.</summary>
    public int StateCount { get; init; }

    /// <summary>Floats of workspace per sample of batch capacity.</summary>
    public int WorkspaceLengthPerSample { get; init; }

    /// <summary>Floats of workspace once per batch, after the per-sample buffers: batch statistics.</summary>
    public int WorkspaceFixedLength { get; init; }

    /// <summary>Where the gradient of the network's input is, per sample (the input itself is at 0).</summary>
    public int InputGradientOffset { get; init; }

    /// <summary>Where the network's output is, per sample.</summary>
    public int OutputOffset { get; init; }

    /// <summary>Where the gradient of the network's output is, per sample.</summary>
    public int OutputGradientOffset { get; init; }

    /// <summary>The stages each pass splits into: one more than the layers that couple the samples of a batch (batch normalisation).</summary>
    public int Stages { get; init; } = 1;

    /// <summary>The parameters whose gradients each chunk of a batch computes into a buffer of its own (convolutions).</summary>
    public ParameterRange[] ChunkGradientRanges { get; init; } = Array.Empty<ParameterRange>();

    /// <summary>Whether some layers compute their parameter gradients over the whole batch after the chunks, in slices (dense layers).</summary>
    public bool BatchWideGradients { get; init; }

    /// <summary>The floats of per-thread scratch the layers' kernels need for a given number of samples at a time.</summary>
    public Func<int, int> KernelScratch { get; init; } = static _ => 0;

    /// <summary>The batch normalisation layer with the fewest values per channel when that is one (a flat input): a training batch needs at least 2 samples for it.</summary>
    public string? BatchStatisticsLayer { get; init; }

    /// <summary>The model summary.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>What the last layer does to the outputs, for the trainer's check of the loss.</summary>
    public OutputActivation OutputActivation { get; init; }

    /// <summary>The parameter range of each layer that can freeze at run time, in the order the generated code numbers them.</summary>
    internal ParameterRange[] TrainableLayerRanges { get; }

    /// <summary>The names of the layers with parameters, for messages.</summary>
    internal string[] LayersWithParameters { get; }

    /// <summary>The tensor named <paramref name="name"/>, or an exception naming the network's tensors.</summary>
    internal TensorInfo FindTensor(string name) =>
        _tensorIndex.TryGetValue(name, out int index) ? Tensors[index] : throw NetworkChecks.UnknownTensor(name, Name, Tensors);

    /// <summary>
    /// The freeze index of the layer named <paramref name="layer"/>, or -1 when its declaration freezes it; an
    /// exception when no layer with parameters has that name.
    /// </summary>
    internal int FreezeIndex(string layer)
    {
        if (_trainableIndex.TryGetValue(layer, out int index))
        {
            return index;
        }

        return Array.IndexOf(LayersWithParameters, layer) >= 0 ? -1 : throw NetworkChecks.UnknownLayer(layer, Name, LayersWithParameters);
    }

    /// <summary>The part of the parameter buffer a layer's parameter tensors cover, or none.</summary>
    private ParameterRange? ParameterRangeOf(LayerInfo layer)
    {
        int start = int.MaxValue, end = 0;
        foreach (string name in layer.Tensors)
        {
            TensorInfo tensor = Tensors[_tensorIndex.TryGetValue(name, out int index) ? index : throw new ArgumentException($"Layer '{layer.Name}' names tensor '{name}', which is not among the network's tensors.", nameof(layer))];
            if (tensor.Kind == TensorKind.Parameter)
            {
                start = Math.Min(start, tensor.Offset);
                end = Math.Max(end, tensor.Offset + tensor.Length);
            }
        }

        return end > 0 ? new ParameterRange(start, end - start) : null;
    }
}
