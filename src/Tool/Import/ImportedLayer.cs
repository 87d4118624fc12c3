using System.Collections.Generic;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>
/// One layer of the declaration being written: its kind (spelled as its attribute), the ONNX node it
/// comes from, the layers it reads, its settings as C# argument text, and its tensors.
/// </summary>
internal sealed class ImportedLayer
{
    private readonly List<string> _arguments = new();
    private readonly List<(string Name, string Value)> _settings = new();
    private readonly List<LayerTensor> _tensors = new();

    /// <param name="kind">What the layer computes.</param>
    /// <param name="node">The ONNX node it comes from (the last of a pattern of several), for names and messages.</param>
    /// <param name="inputs">The layers it reads, first its input, then what an Add or Concat joins; null for the network input.</param>
    /// <param name="outputShape">The shape of one sample of its output.</param>
    public ImportedLayer(LayerKind kind, OnnxNode node, IReadOnlyList<ImportedLayer?> inputs, int[] outputShape)
    {
        Kind = kind;
        Node = node;
        Inputs = inputs;
        OutputShape = outputShape;
    }

    public LayerKind Kind { get; }

    public OnnxNode Node { get; }

    public IReadOnlyList<ImportedLayer?> Inputs { get; }

    public int[] OutputShape { get; }

    /// <summary>The positional arguments of the attribute, as C# (<c>6</c>, <c>5</c>).</summary>
    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>The named arguments that differ from the attribute's defaults, as C# (<c>Padding = 2</c>).</summary>
    public IReadOnlyList<(string Name, string Value)> Settings => _settings;

    /// <summary>The layer's tensors, in the order the network lists them.</summary>
    public IReadOnlyList<LayerTensor> Tensors => _tensors;

    /// <summary>
    /// The <c>state_dict</c> prefix shared by the ONNX names of its tensors (<c>conv1</c> for
    /// <c>conv1.weight</c>), or null when they have none: then the name comes from the node.
    /// </summary>
    public string? TensorPrefix { get; set; }

    /// <summary>The layer's name in the declaration, set once every layer is known (see <see cref="LayerNaming"/>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Whether the declaration must say <see cref="Name"/>, because the generator's default name for the layer differs.</summary>
    public bool NeedsName { get; set; }

    public ImportedLayer Argument(string value)
    {
        _arguments.Add(value);
        return this;
    }

    public ImportedLayer Setting(string name, string value)
    {
        _settings.Add((name, value));
        return this;
    }

    public ImportedLayer Tensor(string role, int[] shape, float[] values)
    {
        _tensors.Add(new LayerTensor(role, shape, values));
        return this;
    }
}

/// <summary>A tensor of a layer: its role (the <c>state_dict</c> suffix: <c>weight</c>, <c>running_mean</c>), shape and values.</summary>
internal sealed record LayerTensor(string Role, int[] Shape, float[] Values);
