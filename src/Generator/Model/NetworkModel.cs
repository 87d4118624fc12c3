namespace StaticNet.Generator.Model;

/// <summary>
/// A network with every shape, size and offset resolved: what the emitters turn into code.
/// All offsets count floats. Workspace offsets are per sample: at run time the workspace holds each
/// buffer for the whole batch contiguously (buffer offset times batch capacity, then sample times
/// buffer length), so a layer sees its batch as one dense (B, ...) tensor. After those per-sample
/// buffers comes a fixed region (<see cref="WorkspaceFixedLength"/> floats, whatever the batch
/// capacity) for per-batch values such as batch statistics.
/// </summary>
internal sealed record NetworkModel(
    string? Namespace,
    string ClassName,
    Shape Input,
    EquatableArray<LayerModel> Layers,
    int ParameterCount,
    int StateCount,
    int WorkspaceLength,
    int WorkspaceFixedLength)
{
    public Shape Output => Layers[Layers.Count - 1].Output;

    /// <summary>Whether the output is declared a sequence: then it is [classes, 1, steps].</summary>
    public bool SequenceOutput { get; init; }

    /// <summary>Whether layer <paramref name="reader"/> reads only layer <paramref name="producer"/>'s output and is the only layer that reads it, so the two can run as one.</summary>
    public bool ReadsAlone(int producer, int reader) =>
        reader < Layers.Count && Layers[producer].GradientSums.Count == 0 && Layers[reader].Inputs.Count == 1 && Layers[reader].Inputs[0].Producer == Layers[producer].Name;
}

/// <summary>
/// One input of a layer: which value it reads (the output of <see cref="Producer"/>, or the network
/// input), where that value is, and where this layer writes its gradient during backward. A value
/// read by several layers gives each reader a gradient buffer of its own (see
/// <see cref="LayerModel.GradientSums"/>), so no reader's write overwrites another's.
/// </summary>
/// <param name="Producer">The layer that produces the value (<c>input</c> for the network input).</param>
/// <param name="Shape">The value's shape.</param>
/// <param name="Offset">Where the value is in the per-sample workspace.</param>
/// <param name="GradientOffset">Where this layer writes the gradient of the value.</param>
/// <param name="GradientAlways">
/// Whether that gradient is always needed (a layer with trainable parameters lies upstream), or only
/// when the caller asks for the input gradient.
/// </param>
internal sealed record LayerInput(string Producer, Shape Shape, int Offset, int GradientOffset, bool GradientAlways);

/// <summary>
/// One layer with its resolved shapes and buffers. Offsets are per sample into the workspace:
/// <see cref="OutputOffset"/> holds its output (a <c>Flatten</c> shares its input's buffer),
/// <see cref="OutputGradientOffset"/> the gradient of that output during backward, and
/// <see cref="ScratchOffset"/> any space of its own (a zero-padded copy of its input and of that
/// copy's gradient, partial batch statistics) that lives from Forward to Backward.
/// <see cref="FixedOffset"/> is the layer's place in the workspace's fixed region.
/// </summary>
/// <param name="GradientSums">
/// When several layers read this layer's output, each but the first writes its gradient to a buffer
/// of its own, listed here; backward adds them into <see cref="OutputGradientOffset"/> before running
/// this layer.
/// </param>
/// <param name="TrainableIndex">
/// The layer's place among layers whose parameters can train (its run-time freeze flag), or -1 when
/// it has no parameters or its declaration freezes them.
/// </param>
internal sealed record LayerModel(
    LayerSpec Spec,
    string ConstantsClass,
    EquatableArray<LayerInput> Inputs,
    Shape Output,
    int OutputOffset,
    int OutputGradientOffset,
    bool OutputGradientAlways,
    EquatableArray<int> GradientSums,
    int ScratchOffset,
    int ScratchLength,
    int FixedOffset,
    int FixedLength,
    EquatableArray<ParameterTensor> Parameters,
    EquatableArray<ParameterTensor> State,
    int TrainableIndex)
{
    public string Name => Spec.Name;

    /// <summary>The shape of the layer's (first) input.</summary>
    public Shape Input => Inputs[0].Shape;

    public int InputOffset => Inputs[0].Offset;

    public int InputGradientOffset => Inputs[0].GradientOffset;

    /// <summary>Whether the layer's parameters train (it has some, and its declaration does not freeze them).</summary>
    public bool Trainable => TrainableIndex >= 0;

    public int ParameterCount
    {
        get
        {
            int count = 0;
            foreach (ParameterTensor tensor in Parameters)
            {
                count += tensor.Length;
            }

            return count;
        }
    }

    public int StateCount
    {
        get
        {
            int count = 0;
            foreach (ParameterTensor tensor in State)
            {
                count += tensor.Length;
            }

            return count;
        }
    }
}

/// <summary>
/// A parameter or state tensor: its PyTorch <c>state_dict</c> name and shape, its place in the flat
/// parameter (and gradient) buffer or in the state buffer, and how it is initialised. The internal
/// layout equals PyTorch's memory layout.
/// </summary>
internal sealed record ParameterTensor(string Name, EquatableArray<int> Dimensions, int Offset, int Length, TensorInit Init)
{
    /// <summary>The shape for comments and summaries: <c>(6, 1, 5, 5)</c>, or <c>()</c> for a scalar.</summary>
    public string ShapeText => "(" + string.Join(", ", Dimensions) + ")";

    /// <summary>The part of the name after the layer's: <c>weight</c>, <c>running_mean</c>.</summary>
    public string Role => Name.Substring(Name.IndexOf('.') + 1);
}

/// <summary>
/// How a tensor's values are drawn: uniform in [<see cref="A"/>, <see cref="B"/>), normal with mean
/// <see cref="A"/> and standard deviation <see cref="B"/>, or every value <see cref="A"/>. <see cref="Comment"/>
/// says where the numbers come from, for the generated code.
/// </summary>
internal sealed record TensorInit(InitDistribution Distribution, double A, double B, string Comment);

internal enum InitDistribution
{
    Uniform,
    Normal,
    Constant,
}
