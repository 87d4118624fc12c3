using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>
/// Turns an ONNX graph into StaticNet layers, node by node in the file's order: constants and shape
/// arithmetic are evaluated, multi-node patterns (<see cref="Patterns"/>) become one layer, each other
/// node becomes a layer or, when it changes nothing StaticNet holds (<c>Identity</c>, a flatten of what
/// is already flat), no layer at all. Anything else is an <see cref="ImportException"/> naming the node.
/// </summary>
internal sealed partial class GraphTranslator
{
    /// <summary>The operator sets whose operators the import reads as ONNX defines them.</summary>
    public const long MinimumOpset = 9, MaximumOpset = 22;

    private readonly OnnxModel _model;
    private readonly NodeReader _nodes;
    private readonly ConstantFolding _folding;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly List<ImportedLayer> _layers = new();
    private GraphIndex _graph = null!;
    private Dictionary<OnnxNode, Pattern> _patterns = null!;

    // The batch size the file fixes for its input, when it fixes one: a Reshape to [that size, -1] flattens.
    private long? _fixedBatch;

    public GraphTranslator(OnnxModel model, string path)
    {
        _model = model;
        _nodes = new NodeReader(path);
        _folding = new ConstantFolding(_nodes, model.Opset);
    }

    private string Path => _nodes.Path;

    private long Opset => _model.Opset;

    public ImportedNetwork Translate()
    {
        OnnxGraph graph = _model.Graph;
        if (Opset < MinimumOpset || Opset > MaximumOpset)
        {
            throw new ImportException($"{Path}: the model uses ONNX operator set {Opset}; the import reads operator sets {MinimumOpset} to {MaximumOpset}. Export with another opset_version (torch.onnx.export(..., opset_version=13)).");
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (OnnxTensor tensor in graph.Initializers.Values)
        {
            _values[tensor.Name] = _folding.FromTensor(null, tensor);
            known.Add(tensor.Name);
        }

        OnnxValueInfo input = NetworkInput(graph);
        known.Add(input.Name);
        if (graph.Outputs.Count != 1)
        {
            throw new ImportException($"{Path}: the graph has {graph.Outputs.Count} outputs ({string.Join(", ", graph.Outputs.Select(o => "'" + o.Name + "'"))}); a StaticNet network has one.");
        }

        _graph = new GraphIndex(graph, known, _nodes);
        foreach (OnnxNode node in _graph.Nodes)
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw _nodes.UnsupportedOperator(node, $"its operator is from the domain '{node.Domain}', not the standard ONNX operators");
            }
        }

        FoldConstants();
        _patterns = new Patterns(_graph, Find).Find();
        foreach (OnnxNode node in _graph.Nodes)
        {
            Translate(node);
        }

        return Finish(input);
    }

    /// <summary>Evaluates, before anything else, what follows from initializers and constants alone, so that patterns can read the constants they need.</summary>
    private void FoldConstants()
    {
        foreach (OnnxNode node in _graph.Nodes)
        {
            if (node.Outputs.Count == 0 || node.Inputs.Any(input => input.Length > 0 && Find(input) is not (FloatConstant or IntConstant)))
            {
                continue;
            }

            Value?[] inputs = node.Inputs.Select(input => input.Length == 0 ? null : Find(input)).ToArray();
            if (_folding.Evaluate(node, inputs) is Value value)
            {
                Bind(node, value);
            }
        }
    }

    private void Translate(OnnxNode node)
    {
        if (node.Outputs.Count > 0 && _values.ContainsKey(node.Outputs[0]))
        {
            return; // folded already
        }

        if (_patterns.TryGetValue(node, out Pattern? pattern))
        {
            if (pattern.Last == node)
            {
                TranslatePattern(pattern);
            }

            return;
        }

        Value?[] inputs = node.Inputs.Select(input => input.Length == 0 ? null : Get(input, node)).ToArray();
        if (!inputs.Any(input => input is Activation) || node.OpType == "Shape")
        {
            Value value = _folding.Evaluate(node, inputs)
                ?? throw _nodes.Node(node, $"computes a constant with {node.OpType}, which the import does not evaluate; on constants it evaluates {string.Join(", ", ConstantFolding.Operators)}");
            Bind(node, value);
            return;
        }

        TranslateLayer(node);
    }

    private void TranslateLayer(OnnxNode node)
    {
        switch (node.OpType)
        {
            case "Conv":
                Conv(node);
                break;
            case "Gemm":
                Gemm(node);
                break;
            case "MatMul":
                Dense(node, node, bias: null);
                break;
            case "BatchNormalization":
                BatchNormalization(node);
                break;
            case "Relu":
                ElementWise(node, LayerKind.ReLU);
                break;
            case "Sigmoid":
                ElementWise(node, LayerKind.Sigmoid);
                break;
            case "Tanh":
                ElementWise(node, LayerKind.Tanh);
                break;
            case "LeakyRelu":
                ElementWise(node, LayerKind.LeakyReLU, "alpha", 0.01f);
                break;
            case "Elu":
                ElementWise(node, LayerKind.ELU, "alpha", 1f);
                break;
            case "Softplus":
                ElementWise(node, LayerKind.Softplus);
                break;
            case "Gelu":
                Gelu(node);
                break;
            case "MaxPool":
                Pool(node, null);
                break;
            case "AveragePool":
                Pool(node, null);
                break;
            case "GlobalAveragePool":
                GlobalAveragePool(node);
                break;
            case "Flatten":
                Flatten(node);
                break;
            case "Reshape":
                Reshape(node);
                break;
            case "Squeeze":
                Squeeze(node);
                break;
            case "Add":
                Add(node);
                break;
            case "Concat":
                Concat(node);
                break;
            case "Softmax":
            case "LogSoftmax":
                Softmax(node);
                break;
            case "Dropout":
                Dropout(node);
                break;
            case "Identity":
                _nodes.OnlyKnownAttributes(node);
                Bind(node, Input(node, 0));
                break;
            case "Mul" or "Div" or "Erf" or "Greater" or "Where":
                throw _nodes.UnsupportedOperator(node, $"StaticNet has no layer that computes {node.OpType} by itself; the import reads {node.OpType} only within the GELU, SiLU and Softplus patterns exporters write (x * sigmoid(x), x * (1 + erf(x / sqrt 2)) / 2, softplus(beta x) / beta)");
            case "Pad":
                throw _nodes.UnsupportedOperator(node, "StaticNet pads only inside a convolution or a pooling layer; the import reads Pad only right before the AveragePool it pads, as PyTorch exports average pooling");
            default:
                throw _nodes.UnsupportedOperator(node);
        }
    }

    private void TranslatePattern(Pattern pattern)
    {
        switch (pattern.Kind)
        {
            case PatternKind.Gelu:
            case PatternKind.Silu:
                Activation x = Computed(pattern.Input, pattern.Last);
                LayerKind kind = pattern.Kind == PatternKind.Gelu ? LayerKind.GELU : LayerKind.SiLU;
                Emit(pattern.Last, new ImportedLayer(kind, pattern.Last, new[] { x.Producer }, x.Shape), x.Dims);
                break;
            case PatternKind.Softplus:
                Activation value = Computed(pattern.Input, pattern.Last);
                var softplus = new ImportedLayer(LayerKind.Softplus, pattern.Last, new[] { value.Producer }, value.Shape);
                if (pattern.Beta != 1f)
                {
                    softplus.Setting("Beta", Numbers.Format(pattern.Beta));
                }

                if (pattern.Threshold is float threshold && threshold != 20f)
                {
                    softplus.Setting("Threshold", Numbers.Format(threshold));
                }

                Emit(pattern.Last, softplus, value.Dims);
                break;
            case PatternKind.DenseWithBias:
                Dense(pattern.Members[0], pattern.Members[1], bias: pattern.Members[1]);
                break;
            case PatternKind.PaddedAveragePool:
                Pool(pattern.Members[1], pattern.Members[0]);
                break;
            case PatternKind.ImageSoftmax:
                ImageSoftmax(pattern);
                break;
        }
    }

    /// <summary>The graph's one input, which is not an initializer: its shape after the batch dimension is the network's.</summary>
    private OnnxValueInfo NetworkInput(OnnxGraph graph)
    {
        List<OnnxValueInfo> inputs = graph.Inputs.Where(input => !graph.Initializers.ContainsKey(input.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new ImportException($"{Path}: the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => "'" + i.Name + "'"))}) besides its initializers; a StaticNet network has one.");
        }

        OnnxValueInfo input = inputs[0];
        if (input.ElementType != OnnxTensor.FloatType)
        {
            throw new ImportException($"{Path}: the graph's input '{input.Name}' is {TypeNames.Of(input.ElementType)}; a StaticNet network takes float32.");
        }

        string expected = "StaticNet takes [batch, channels, height, width] or [batch, features], with every size after the batch known";
        if (input.Shape is not { Count: 2 or 4 } shape || shape.Skip(1).Any(d => d.Size is not (> 0 and <= int.MaxValue)))
        {
            string found = input.Shape is null ? "no shape" : "shape [" + string.Join(", ", input.Shape.Select(d => d.Symbol ?? (d.Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"))) + "]";
            throw new ImportException($"{Path}: the graph's input '{input.Name}' has {found}; {expected}.");
        }

        _fixedBatch = shape[0].Size is > 0 and long size ? size : null;
        int[] dims = shape.Skip(1).Select(d => (int)d.Size!.Value).ToArray();
        if (dims.Aggregate(1.0, (product, d) => product * d) > int.MaxValue)
        {
            throw new ImportException($"{Path}: the graph's input '{input.Name}' has {string.Join("x", dims)} values per sample, more than StaticNet's buffers hold ({Numbers.Format(int.MaxValue)}).");
        }
        _values[input.Name] = new Activation(null, dims, dims);
        return input;
    }

    private ImportedNetwork Finish(OnnxValueInfo input)
    {
        OnnxValueInfo declared = _model.Graph.Outputs[0];
        Value output = Get(declared.Name, null);
        if (output is not Activation result)
        {
            throw new ImportException($"{Path}: the graph's output '{declared.Name}' is a constant; a StaticNet network computes its output from its input.");
        }

        if (result.Producer is null || _layers.Count == 0)
        {
            throw new ImportException($"{Path}: the graph's output '{declared.Name}' is its input, unchanged: there is no layer to declare.");
        }

        if (result.Producer != _layers[^1])
        {
            throw new ImportException($"{Path}: the graph's output '{declared.Name}' is not computed by its last node; StaticNet's output is its last layer's.");
        }

        foreach (ImportedLayer layer in _layers.Take(_layers.Count - 1).Where(l => l.Kind is LayerKind.Softmax or LayerKind.LogSoftmax))
        {
            throw _nodes.Node(layer.Node, $"normalises values that later nodes read; StaticNet's {layer.Kind} is the network's last layer only (after it, {_layers[_layers.IndexOf(layer) + 1].Node.Describe()} follows)");
        }

        if (declared.Shape is { } shape)
        {
            bool matches = shape.Count == result.Dims.Length + 1 && shape.Skip(1).Select((d, i) => d.Size is null || d.Size == result.Dims[i]).All(ok => ok);
            if (!matches)
            {
                string written = "[" + string.Join(", ", shape.Select(d => d.Symbol ?? (d.Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"))) + "]";
                throw new ImportException($"{Path}: the graph declares its output '{declared.Name}' as {written}, but its nodes compute {result.DimsText}; the file contradicts itself.");
            }
        }

        return new ImportedNetwork(_values[input.Name] is Activation a ? a.Shape : Array.Empty<int>(), _layers, _graph.Nodes.Count);
    }

    /// <summary>Adds a layer and binds the node's output to it; refuses a layer that reads the network input where StaticNet cannot.</summary>
    private Activation Emit(OnnxNode node, ImportedLayer layer, int[] dims)
    {
        for (int i = 0; i < layer.Inputs.Count; i++)
        {
            if (layer.Inputs[i] is null && (_layers.Count > 0 || i > 0))
            {
                throw _nodes.Node(node, "reads the network input, which the graph also reads elsewhere: in StaticNet only the first layer reads the input (From, Add and Concat cannot name it). Start the shared path with a layer of its own");
            }
        }

        double length = layer.OutputShape.Aggregate(1.0, (product, size) => product * size);
        if (length > int.MaxValue || layer.Tensors.Sum(t => (long)t.Values.Length) > int.MaxValue)
        {
            throw _nodes.Node(node, $"makes a layer with more values per sample than StaticNet's buffers hold ({Numbers.Format(int.MaxValue)})");
        }

        _layers.Add(layer);
        var output = new Activation(layer, dims, layer.OutputShape);
        Bind(node, output);
        return output;
    }

    /// <summary>Records the node's (first) output; the node's other outputs must be unused.</summary>
    private void Bind(OnnxNode node, Value value)
    {
        for (int i = 1; i < node.Outputs.Count; i++)
        {
            if (_graph.IsUsed(node.Outputs[i]))
            {
                throw _nodes.Node(node, $"has its output {i + 1} ('{node.Outputs[i]}') read by the graph; StaticNet's layer gives only the first");
            }
        }

        _values[node.Outputs[0]] = value;
    }

    private Value? Find(string name) => _values.TryGetValue(name, out Value? value) ? value : null;

    private Value Get(string name, OnnxNode? node) =>
        Find(name) ?? throw new ImportException($"{Path}: {(node is null ? "the graph's output" : node.Describe())} reads '{name}', which is never computed.");

    /// <summary>The value <paramref name="name"/>, which must be computed from the network input.</summary>
    private Activation Computed(string name, OnnxNode node) =>
        Get(name, node) as Activation ?? throw _nodes.Node(node, $"reads '{name}', a constant, where it needs a tensor computed from the network input");

    /// <summary>The node's input <paramref name="index"/>, which must be computed from the network input.</summary>
    private Activation Input(OnnxNode node, int index)
    {
        if (index >= node.Inputs.Count || node.Inputs[index].Length == 0)
        {
            throw _nodes.Node(node, $"has no input {index + 1}");
        }

        return Computed(node.Inputs[index], node);
    }

    /// <summary>The node's input <paramref name="index"/>, which must be a float constant (a weight); null when <paramref name="optional"/> and left out.</summary>
    private FloatConstant? Weight(OnnxNode node, int index, string what, bool optional = false)
    {
        if (index >= node.Inputs.Count || node.Inputs[index].Length == 0)
        {
            return optional ? null : throw _nodes.Node(node, $"has no {what} (input {index + 1})");
        }

        return Get(node.Inputs[index], node) switch
        {
            FloatConstant constant => constant,
            Activation => throw _nodes.Node(node, $"computes its {what} (input {index + 1}, '{node.Inputs[index]}') from the network input; StaticNet's layers have constant weights"),
            _ => throw _nodes.Node(node, $"has integers as its {what} (input {index + 1}, '{node.Inputs[index]}'); weights are float"),
        };
    }
}

/// <summary>What the translation gives: the input shape, and the layers in declaration order.</summary>
internal sealed record ImportedNetwork(int[] InputShape, IReadOnlyList<ImportedLayer> Layers, int NodeCount);
