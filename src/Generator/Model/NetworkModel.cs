namespace StaticNet.Generator.Model;

/// <summary>
/// A network with every shape, size and offset resolved: what the emitters turn into code.
/// All offsets count floats. Workspace offsets are per sample: at run time the workspace holds each
/// buffer for the whole batch contiguously (buffer offset times batch capacity, then sample times
/// buffer length), so a layer sees its batch as one dense (B, ...) tensor.
/// </summary>
internal sealed record NetworkModel(
    string? Namespace,
    string ClassName,
    Shape Input,
    EquatableArray<LayerModel> Layers,
    int ParameterCount,
    int WorkspaceLength)
{
    public Shape Output => Layers[Layers.Count - 1].Output;
}

/// <summary>
/// One layer with its resolved shapes and buffers. Offsets are per sample into the workspace:
/// <see cref="OutputOffset"/> holds its output (a <c>Flatten</c> shares its input's buffer),
/// <see cref="OutputGradientOffset"/> the gradient of that output during backward, and
/// <see cref="ScratchOffset"/> any space of its own (a zero-padded copy of its input and of that
/// copy's gradient) that lives from Forward to Backward.
/// </summary>
internal sealed record LayerModel(
    LayerSpec Spec,
    string MethodName,
    Shape Input,
    Shape Output,
    int InputOffset,
    int InputGradientOffset,
    int OutputOffset,
    int OutputGradientOffset,
    int ScratchOffset,
    int ScratchLength,
    EquatableArray<ParameterTensor> Parameters)
{
    public string Name => Spec.Name;

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
}

/// <summary>
/// A parameter tensor: its PyTorch <c>state_dict</c> name and shape, and its place in the flat
/// parameter (and gradient) buffer. The internal layout equals PyTorch's memory layout.
/// </summary>
internal sealed record ParameterTensor(string Name, EquatableArray<int> Dimensions, int Offset, int Length, int FanIn)
{
    /// <summary>The shape for comments and summaries: <c>(6, 1, 5, 5)</c>.</summary>
    public string ShapeText => "(" + string.Join(", ", Dimensions) + ")";
}
