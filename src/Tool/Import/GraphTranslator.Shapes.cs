using System.Collections.Generic;
using System.Linq;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>The nodes that reshape, join and normalise: flattening, residual additions, concatenation, softmax.</summary>
internal sealed partial class GraphTranslator
{
    private void Flatten(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "axis");
        Activation x = Input(node, 0);
        long axis = _nodes.Int(node, "axis", 1);
        if ((axis < 0 ? axis + x.Dims.Length + 1 : axis) != 1)
        {
            throw _nodes.Attribute(node, "axis", Numbers.Format(axis), "StaticNet flattens each sample, axis = 1");
        }

        Flat(node, x);
    }

    /// <summary>Each sample's values as one row: a <c>Flatten</c> layer for an image; nothing for what StaticNet holds flat already.</summary>
    private void Flat(OnnxNode node, Activation x)
    {
        if (!x.IsImage)
        {
            Bind(node, x with { Dims = new[] { x.Length } });
            return;
        }

        Emit(node, new ImportedLayer(LayerKind.Flatten, node, new[] { x.Producer }, new[] { x.Length }), new[] { x.Length });
    }

    /// <summary>
    /// <c>Reshape</c> to <c>[batch, features]</c> (a flatten: <c>x.view(x.size(0), -1)</c>, <c>x.reshape(-1, 400)</c>),
    /// or to the shape the value has already.
    /// </summary>
    private void Reshape(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "allowzero");
        Activation x = Input(node, 0);
        if (node.Inputs.Count < 2 || Get(node.Inputs[1], node) is not IntConstant target || target.IsScalar)
        {
            throw _nodes.Node(node, "reshapes to a shape computed from values the import does not follow; it reads shapes that are constants or the arithmetic exporters write on Shape");
        }

        bool allowZero = _nodes.Int(node, "allowzero", 0) != 0;
        var result = new List<Dim?>(); // null: the size ONNX infers (-1)
        for (int i = 0; i < target.Values.Length; i++)
        {
            Dim t = target.Values[i];
            result.Add(t switch
            {
                { IsBatch: true } => Dim.Batch,
                { Size: -1 } => null,
                { Size: 0 } when !allowZero && i == 0 => Dim.Batch,
                { Size: 0 } when !allowZero && i <= x.Dims.Length => Dim.Of(x.Dims[i - 1]),
                { Size: > 0 } when i == 0 && t.Size == _fixedBatch => Dim.Batch,
                { Size: > 0 } => t,
                _ => throw _nodes.Attribute(node, "shape (input 2)", target.Text, "a shape of sizes, 0 (copy) and one -1 (infer)"),
            });
        }

        int features = x.Length;
        bool flattens = result.Count == 2
            && (result[0] is { IsBatch: true } ? result[1] is null || result[1] == Dim.Of(features) : result[0] is null && result[1] == Dim.Of(features));
        if (flattens)
        {
            Flat(node, x);
            return;
        }

        bool unchanged = result.Count == x.Dims.Length + 1 && result[0] is { IsBatch: true } or null
            && result.Skip(1).Select((d, i) => d is null || d == Dim.Of(x.Dims[i])).All(same => same) && result.Count(d => d is null) <= 1;
        if (unchanged)
        {
            Bind(node, x);
            return;
        }

        throw _nodes.Attribute(node, "shape (input 2)", target.Text, $"StaticNet reshapes {x.DimsText} only to [batch, {features}] (a flatten, [batch, -1])");
    }

    /// <summary><c>Squeeze</c> of the 1x1 plane of a [batch, C, 1, 1] value: a flatten.</summary>
    private void Squeeze(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, Opset >= 13 ? System.Array.Empty<string>() : new[] { "axes" });
        Activation x = Input(node, 0);
        long[] axes = Opset >= 13
            ? node.Inputs.Count > 1 && node.Inputs[1].Length > 0 && Get(node.Inputs[1], node) is IntConstant { Known: long[] known } ? known : System.Array.Empty<long>()
            : _nodes.Ints(node, "axes", System.Array.Empty<long>());
        int rank = x.Dims.Length + 1;
        long[] normalised = axes.Select(a => a < 0 ? a + rank : a).OrderBy(a => a).ToArray();
        if (x.Dims is [_, 1, 1] && normalised is [2, 3])
        {
            Flat(node, x);
            return;
        }

        throw _nodes.Attribute(node, "axes", Ints(axes), $"the import reads Squeeze of axes [2, 3] of a [batch, C, 1, 1] value (a flatten), and this one's input is {x.DimsText}");
    }

    /// <summary>The sum of two computed values of one shape: StaticNet's <c>Add</c>, joining the one computed later to the other.</summary>
    private void Add(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node);
        if (node.Inputs.Count != 2 || node.Inputs.Any(input => Get(input, node) is not Activation))
        {
            throw _nodes.UnsupportedOperator(node, "it adds a constant to a computed value; StaticNet adds constants only as a layer's bias (the import reads MatMul then Add of a constant as a Dense layer)");
        }

        Activation a = Input(node, 0), b = Input(node, 1);
        if (!a.Dims.SequenceEqual(b.Dims) || !a.Shape.SequenceEqual(b.Shape))
        {
            throw _nodes.Node(node, $"adds {a.DimsText} and {b.DimsText}; StaticNet's Add joins two values of one shape (no broadcasting)");
        }

        // The layer reads one value as its input and names the other; taking the one just computed as the input spares a From.
        ImportedLayer? last = _layers.Count > 0 ? _layers[^1] : null;
        (Activation main, Activation other) = b.Producer == last && a.Producer != last ? (b, a) : (a, b);
        Emit(node, new ImportedLayer(LayerKind.Add, node, new[] { main.Producer, other.Producer }, main.Shape), main.Dims);
    }

    /// <summary>Values joined along axis 1, channels or features: StaticNet's <c>Concat</c>, in the node's order.</summary>
    private void Concat(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "axis");
        if (node.Inputs.Count == 0)
        {
            throw _nodes.Node(node, "joins nothing");
        }

        if (node.Inputs.Any(input => Get(input, node) is not Activation))
        {
            throw _nodes.UnsupportedOperator(node, "it joins constants to computed values; StaticNet's Concat joins the outputs of layers");
        }

        Activation[] parts = node.Inputs.Select((_, i) => Input(node, i)).ToArray();
        Activation first = parts[0];
        long axis = _nodes.Int(node, "axis", long.MinValue);
        int rank = first.Dims.Length + 1;
        if ((axis < 0 ? axis + rank : axis) != 1)
        {
            throw _nodes.Attribute(node, "axis", axis == long.MinValue ? "missing" : Numbers.Format(axis), "StaticNet's Concat joins along channels or features, axis = 1");
        }

        if (parts.Length == 1)
        {
            Bind(node, first);
            return;
        }

        bool images = parts.All(p => p.IsImage && p.Dims.Length == 3 && p.Shape[1] == first.Shape[1] && p.Shape[2] == first.Shape[2]);
        bool flat = parts.All(p => !p.IsImage && p.Dims.Skip(1).All(d => d == 1) && p.Dims.Length == first.Dims.Length);
        if (!images && !flat)
        {
            throw _nodes.Node(node, $"joins {string.Join(", ", parts.Select(p => p.DimsText))}; StaticNet's Concat joins images of one height and width, or flat values");
        }

        long joined = parts.Sum(p => (long)p.Shape[0]);
        if (joined * (images ? first.Shape[1] * (long)first.Shape[2] : 1) > int.MaxValue)
        {
            throw _nodes.Node(node, "joins more values per sample than StaticNet's buffers hold");
        }

        int size = (int)joined;
        int[] shape = images ? new[] { size, first.Shape[1], first.Shape[2] } : new[] { size };
        int[] dims = first.Dims.ToArray();
        dims[0] = size;
        Emit(node, new ImportedLayer(LayerKind.Concat, node, parts.Select(p => p.Producer).ToArray(), shape), dims);
    }

    /// <summary>
    /// <c>Softmax</c> or <c>LogSoftmax</c> over each sample's values, which is what StaticNet's layers compute:
    /// over axis 1 of [batch, features], or an axis that holds all of a sample's values.
    /// </summary>
    private void Softmax(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "axis");
        Activation x = Input(node, 0);
        int rank = x.Dims.Length + 1;
        long given = _nodes.Int(node, "axis", Opset >= 13 ? -1 : 1);
        long axis = given < 0 ? given + rank : given;

        // Before opset 13 the input is seen as 2-D, [everything before axis, everything from it]; since, the axis alone.
        bool perSample = axis >= 1 && axis < rank
            && (Opset >= 13 ? x.Dims[axis - 1] == x.Length : x.Dims.Skip((int)axis - 1).Aggregate(1, (p, d) => p * d) == x.Length);
        if (!perSample)
        {
            throw _nodes.Attribute(node, "axis", Numbers.Format(given), $"StaticNet's {node.OpType} normalises all of each sample's values together, and axis {given} of {x.DimsText} (opset {Opset}) does not");
        }

        Emit(node, new ImportedLayer(node.OpType == "Softmax" ? LayerKind.Softmax : LayerKind.LogSoftmax, node, new[] { x.Producer }, x.Shape), x.Dims);
    }

    /// <summary>StaticNet's softmax over an image, as its export writes it: flattened, normalised, and reshaped back.</summary>
    private void ImageSoftmax(Pattern pattern)
    {
        OnnxNode flatten = pattern.Members[0], softmax = pattern.Members[1], reshape = pattern.Members[2];
        _nodes.OnlyKnownAttributes(flatten, "axis");
        _nodes.OnlyKnownAttributes(softmax, "axis");
        _nodes.OnlyKnownAttributes(reshape, "allowzero");
        Activation x = Image(flatten, softmax.OpType);
        if (_nodes.Int(flatten, "axis", 1) is not (1 or -3))
        {
            throw _nodes.Attribute(flatten, "axis", Numbers.Format(_nodes.Int(flatten, "axis", 1)), "StaticNet flattens each sample, axis = 1");
        }

        long axis = _nodes.Int(softmax, "axis", Opset >= 13 ? -1 : 1);
        if (axis is not (1 or -1))
        {
            throw _nodes.Attribute(softmax, "axis", Numbers.Format(axis), $"StaticNet's {softmax.OpType} normalises each sample's values, axis 1 of [batch, features]");
        }

        var target = (IntConstant)Get(reshape.Inputs[1], reshape);
        bool back = target.Values[0] is { IsBatch: true } or { Size: -1 or 0 } || target.Values[0].Size == _fixedBatch;
        for (int i = 1; i < 4; i++)
        {
            back &= target.Values[i] == Dim.Of(x.Dims[i - 1]);
        }

        if (!back)
        {
            throw _nodes.Attribute(reshape, "shape (input 2)", target.Text, $"the import reads a {softmax.OpType} over a flattened image when it is reshaped back to the image, {x.DimsText}");
        }

        LayerKind kind = softmax.OpType == "Softmax" ? LayerKind.Softmax : LayerKind.LogSoftmax;
        Emit(reshape, new ImportedLayer(kind, reshape, new[] { x.Producer }, x.Shape), x.Dims);
    }
}
