using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>
/// Evaluates the nodes that compute constants rather than layers: initializers passed through
/// <c>Identity</c> or <c>Transpose</c>, <c>Constant</c> nodes, and the shape arithmetic exporters write
/// around <c>Reshape</c> (<c>Shape</c>, <c>Gather</c>, <c>Unsqueeze</c>, <c>Concat</c>, ...), where the
/// batch size stays a symbol. A node is folded away once its value is known.
/// </summary>
internal sealed class ConstantFolding(NodeReader nodes, long opset)
{
    private const int BoolType = 9;

    /// <summary>The operators this class evaluates, for the list of what the import supports.</summary>
    public static readonly string[] Operators = { "Constant", "Identity", "Cast", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Add", "Sub", "Mul", "Div", "Transpose", "Reshape" };

    /// <summary>
    /// The node's output when every input is a constant (or, for <c>Shape</c>, when its input's shape is
    /// known); null when the node computes something else, or is not one this class evaluates.
    /// </summary>
    public Value? Evaluate(OnnxNode node, IReadOnlyList<Value?> inputs)
    {
        if (node.OpType == "Shape" && inputs.Count == 1 && inputs[0] is Activation activation)
        {
            return Shape(node, activation);
        }

        if (node.OpType == "Constant" && inputs.Count == 0)
        {
            return Constant(node);
        }

        if (inputs.Count == 0 || inputs.Any(input => input is Activation))
        {
            return null;
        }

        return node.OpType switch
        {
            "Identity" => inputs[0],
            "Cast" => Cast(node, inputs[0]),
            "Shape" when inputs[0] is FloatConstant constant => Slice(node, IntConstant.Of(constant.Dims)),
            "Gather" => Gather(node, Ints(node, inputs, 0), Ints(node, inputs, 1)),
            "Unsqueeze" => Unsqueeze(node, inputs),
            "Squeeze" => Squeeze(node, inputs),
            "Concat" when inputs.All(input => input is IntConstant) => new IntConstant(inputs.SelectMany(input => ((IntConstant)input!).Values).ToArray(), IsScalar: false),
            "Slice" => SliceNode(node, inputs),
            "Add" or "Sub" or "Mul" or "Div" => Arithmetic(node, inputs),
            "Transpose" when inputs[0] is FloatConstant matrix => Transpose(node, matrix),
            "Reshape" when inputs[0] is FloatConstant tensor && inputs.Count > 1 && inputs[1] is IntConstant { Known: long[] shape } => Reshape(node, tensor, shape),
            _ => null,
        };
    }

    /// <summary>A tensor as the constant it is: float types as floats, integer types as integers.</summary>
    public Value FromTensor(OnnxNode? node, OnnxTensor tensor)
    {
        if (tensor.Floats is float[] floats)
        {
            return new FloatConstant(tensor.Name, tensor.Dimensions, floats);
        }

        if (tensor.Integers is long[] integers)
        {
            if (tensor.Dimensions.Length > 1)
            {
                // Integer tensors of higher rank never shape a layer; keep them as floats so that a node reading one fails with its own message.
                return new FloatConstant(tensor.Name, tensor.Dimensions, Array.ConvertAll(integers, value => (float)value));
            }

            return new IntConstant(Array.ConvertAll(integers, Dim.Of), IsScalar: tensor.Dimensions.Length == 0);
        }

        string where = node is null ? $"initializer '{tensor.Name}'" : $"{node.Describe()}: its tensor";
        throw new ImportException($"{nodes.Path}: {where} is {tensor.TypeName}, which the import does not read (it reads float, double and integer tensors).");
    }

    private IntConstant Shape(OnnxNode node, Activation activation)
    {
        var dims = new Dim[activation.Dims.Length + 1];
        dims[0] = Dim.Batch;
        for (int i = 0; i < activation.Dims.Length; i++)
        {
            dims[i + 1] = Dim.Of(activation.Dims[i]);
        }

        return Slice(node, new IntConstant(dims, IsScalar: false));
    }

    // Shape's start and end (opset 15), clamped as ONNX says.
    private IntConstant Slice(OnnxNode node, IntConstant shape)
    {
        int rank = shape.Values.Length;
        int start = (int)Math.Clamp(Normalise(nodes.Int(node, "start", 0), rank), 0, rank);
        int end = (int)Math.Clamp(Normalise(nodes.Int(node, "end", rank), rank), start, rank);
        return new IntConstant(shape.Values[start..end], IsScalar: false);
    }

    private static long Normalise(long index, int rank) => index < 0 ? index + rank : index;

    private Value Constant(OnnxNode node)
    {
        if (node.Attributes.Count != 1)
        {
            throw nodes.Node(node, $"has {node.Attributes.Count} attributes; a Constant has exactly one value (value, value_float, value_floats, value_int or value_ints)");
        }

        OnnxAttribute attribute = node.Attributes.Values.First();
        return attribute.Name switch
        {
            "value" when attribute.Tensor is OnnxTensor tensor => FromTensor(node, tensor),
            "value_float" => new FloatConstant(node.Outputs[0], Array.Empty<long>(), new[] { attribute.Float }),
            "value_floats" => new FloatConstant(node.Outputs[0], new long[] { attribute.Floats.Length }, attribute.Floats),
            "value_int" => new IntConstant(new[] { Dim.Of(attribute.Int) }, IsScalar: true),
            "value_ints" => IntConstant.Of(attribute.Ints),
            _ => throw nodes.Attribute(node, attribute, "a Constant the import reads holds a tensor (value) or numbers (value_float, value_floats, value_int, value_ints)"),
        };
    }

    private Value Cast(OnnxNode node, Value? input)
    {
        long to = nodes.Int(node, "to", -1);
        bool toFloat = to is OnnxTensor.FloatType or OnnxTensor.DoubleType;
        bool toInteger = to is >= 2 and <= 7 or 12 or 13 or BoolType;
        return (input, toFloat, toInteger) switch
        {
            (FloatConstant constant, true, _) => constant,
            (FloatConstant constant, _, true) when constant.Dims.Length <= 1 => new IntConstant(Array.ConvertAll(constant.Values, value => Dim.Of(to == BoolType ? (value != 0 ? 1 : 0) : (long)value)), constant.Dims.Length == 0),
            (IntConstant ints, _, true) => to == BoolType ? new IntConstant(Array.ConvertAll(ints.Values, v => v.IsBatch ? Dim.Of(1) : Dim.Of(v.Size != 0 ? 1 : 0)), ints.IsScalar) : ints,
            (IntConstant { Known: long[] known } ints, true, _) => new FloatConstant(node.Outputs[0], ints.IsScalar ? Array.Empty<long>() : new long[] { known.Length }, Array.ConvertAll(known, value => (float)value)),
            _ => throw nodes.Node(node, $"casts {Describe(input)} to {TypeNames.Of((int)to)}, which the import does not evaluate"),
        };
    }

    private IntConstant Gather(OnnxNode node, IntConstant data, IntConstant indices)
    {
        if (nodes.Int(node, "axis", 0) != 0 || data.IsScalar)
        {
            throw nodes.Node(node, $"gathers from {data.Text} along axis {nodes.Int(node, "axis", 0)}; the import evaluates Gather on a list of sizes along axis 0");
        }

        long[] at = indices.Known ?? throw nodes.Node(node, $"gathers at {indices.Text}, which depends on the batch size");
        var values = new Dim[at.Length];
        for (int i = 0; i < at.Length; i++)
        {
            long index = at[i] < 0 ? at[i] + data.Values.Length : at[i];
            if (index < 0 || index >= data.Values.Length)
            {
                throw nodes.Node(node, $"gathers element {at[i]} of {data.Text}, which has {data.Values.Length}");
            }

            values[i] = data.Values[index];
        }

        return new IntConstant(values, indices.IsScalar);
    }

    private IntConstant Unsqueeze(OnnxNode node, IReadOnlyList<Value?> inputs)
    {
        IntConstant data = Ints(node, inputs, 0);
        long[] axes = opset >= 13 ? Known(node, Ints(node, inputs, 1)) : nodes.Ints(node, "axes", Array.Empty<long>());
        if (!data.IsScalar || axes is not [0 or -1])
        {
            throw nodes.Node(node, $"unsqueezes {data.Text} at axes [{string.Join(", ", axes)}]; the import evaluates Unsqueeze of a number into a list of one");
        }

        return data with { IsScalar = false };
    }

    private IntConstant Squeeze(OnnxNode node, IReadOnlyList<Value?> inputs)
    {
        IntConstant data = Ints(node, inputs, 0);
        long[] axes = opset >= 13 ? inputs.Count > 1 && inputs[1] is not null ? Known(node, Ints(node, inputs, 1)) : Array.Empty<long>() : nodes.Ints(node, "axes", Array.Empty<long>());
        if (data.IsScalar || data.Values.Length != 1 || axes is not ([] or [0] or [-1]))
        {
            throw nodes.Node(node, $"squeezes {data.Text} at axes [{string.Join(", ", axes)}]; the import evaluates Squeeze of a list of one into a number");
        }

        return data with { IsScalar = true };
    }

    private IntConstant SliceNode(OnnxNode node, IReadOnlyList<Value?> inputs)
    {
        IntConstant data = Ints(node, inputs, 0);
        long[] starts, ends, axes, steps;
        if (opset >= 10)
        {
            starts = Known(node, Ints(node, inputs, 1));
            ends = Known(node, Ints(node, inputs, 2));
            axes = inputs.Count > 3 && inputs[3] is not null ? Known(node, Ints(node, inputs, 3)) : new long[] { 0 };
            steps = inputs.Count > 4 && inputs[4] is not null ? Known(node, Ints(node, inputs, 4)) : new long[] { 1 };
        }
        else
        {
            starts = nodes.Ints(node, "starts", Array.Empty<long>());
            ends = nodes.Ints(node, "ends", Array.Empty<long>());
            axes = nodes.Ints(node, "axes", new long[] { 0 });
            steps = new long[] { 1 };
        }

        if (data.IsScalar || starts.Length != 1 || ends.Length != 1 || axes is not ([0] or [-1]) || steps is not [> 0])
        {
            throw nodes.Node(node, $"slices {data.Text}; the import evaluates Slice of a list of sizes with one start, end and positive step");
        }

        int length = data.Values.Length;
        int start = (int)Math.Clamp(Normalise(starts[0], length), 0, length);
        int end = (int)Math.Clamp(Normalise(ends[0], length), 0, length);
        var values = new List<Dim>();
        for (int i = start; i < end; i += (int)Math.Min(steps[0], int.MaxValue))
        {
            values.Add(data.Values[i]);
        }

        return new IntConstant(values.ToArray(), IsScalar: false);
    }

    private Value Arithmetic(OnnxNode node, IReadOnlyList<Value?> inputs)
    {
        if (inputs.Count != 2)
        {
            throw nodes.Node(node, $"has {inputs.Count} inputs; it takes two");
        }

        if (inputs[0] is FloatConstant a && inputs[1] is FloatConstant b)
        {
            return FloatArithmetic(node, a, b);
        }

        IntConstant left = Ints(node, inputs, 0), right = Ints(node, inputs, 1);
        int length = Math.Max(left.Values.Length, right.Values.Length);
        if ((left.Values.Length != length && left.Values.Length != 1) || (right.Values.Length != length && right.Values.Length != 1))
        {
            throw nodes.Node(node, $"combines {left.Text} and {right.Text}, which do not broadcast");
        }

        var values = new Dim[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = Combine(node, left.Values[left.Values.Length == 1 ? 0 : i], right.Values[right.Values.Length == 1 ? 0 : i]);
        }

        return new IntConstant(values, left.IsScalar && right.IsScalar);
    }

    // Integer arithmetic on sizes; the batch size survives only the operations that leave it as it is.
    private Dim Combine(OnnxNode node, Dim a, Dim b)
    {
        if (!a.IsBatch && !b.IsBatch)
        {
            return node.OpType switch
            {
                "Add" => Dim.Of(a.Size + b.Size),
                "Sub" => Dim.Of(a.Size - b.Size),
                "Mul" => Dim.Of(a.Size * b.Size),
                _ => b.Size == 0 ? throw nodes.Node(node, $"divides {a} by 0") : Dim.Of(a.Size / b.Size),
            };
        }

        bool keepsBatch = node.OpType switch
        {
            "Add" or "Sub" => (a.IsBatch && b is { IsBatch: false, Size: 0 }) || (node.OpType == "Add" && b.IsBatch && a is { IsBatch: false, Size: 0 }),
            "Mul" => (a.IsBatch && b is { IsBatch: false, Size: 1 }) || (b.IsBatch && a is { IsBatch: false, Size: 1 }),
            _ => a.IsBatch && b is { IsBatch: false, Size: 1 },
        };
        return keepsBatch ? Dim.Batch : throw nodes.Node(node, $"computes {a} {node.OpType.ToLowerInvariant()} {b}, a size that depends on the batch size, which StaticNet's layers cannot have");
    }

    private FloatConstant FloatArithmetic(OnnxNode node, FloatConstant a, FloatConstant b)
    {
        bool same = a.Dims.SequenceEqual(b.Dims);
        if (!same && a.Values.Length != 1 && b.Values.Length != 1)
        {
            throw nodes.Node(node, $"combines constants of shapes {a.ShapeText} and {b.ShapeText}; the import evaluates arithmetic on constants of one shape, or with a single number");
        }

        int length = Math.Max(a.Values.Length, b.Values.Length);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            float x = a.Values[a.Values.Length == 1 ? 0 : i], y = b.Values[b.Values.Length == 1 ? 0 : i];
            values[i] = node.OpType switch { "Add" => x + y, "Sub" => x - y, "Mul" => x * y, _ => x / y };
        }

        long[] dims = a.Values.Length >= b.Values.Length ? a.Dims : b.Dims;
        return new FloatConstant(node.Outputs[0], dims, values);
    }

    private FloatConstant Transpose(OnnxNode node, FloatConstant matrix)
    {
        long[] perm = nodes.Ints(node, "perm", new long[] { 1, 0 });
        if (matrix.Dims.Length != 2 || perm is not [1, 0])
        {
            throw nodes.Node(node, $"transposes a constant of shape {matrix.ShapeText} with perm [{string.Join(", ", perm)}]; the import evaluates the transpose of a matrix");
        }

        int rows = (int)matrix.Dims[0], columns = (int)matrix.Dims[1];
        var values = new float[matrix.Values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                values[(c * rows) + r] = matrix.Values[(r * columns) + c];
            }
        }

        // The transposed weight keeps the name of what it transposes, which names the layer.
        return new FloatConstant(matrix.Name, new long[] { columns, rows }, values);
    }

    private FloatConstant Reshape(OnnxNode node, FloatConstant tensor, long[] shape)
    {
        long[] dims = (long[])shape.Clone();
        int infer = Array.IndexOf(dims, -1L);
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 0 && i < tensor.Dims.Length)
            {
                dims[i] = tensor.Dims[i];
            }
        }

        long known = dims.Where(size => size != -1).Aggregate(1L, (product, size) => product * size);
        if (infer >= 0 && known > 0)
        {
            dims[infer] = tensor.Values.Length / known;
        }

        if (dims.Any(size => size < 0) || dims.Aggregate(1L, (product, size) => product * size) != tensor.Values.Length)
        {
            throw nodes.Node(node, $"reshapes a constant of shape {tensor.ShapeText} to [{string.Join(", ", shape)}], which does not hold its {tensor.Values.Length} values");
        }

        return tensor with { Dims = dims };
    }

    private IntConstant Ints(OnnxNode node, IReadOnlyList<Value?> inputs, int index) =>
        index < inputs.Count && inputs[index] is IntConstant ints
            ? ints
            : throw nodes.Node(node, $"takes {Describe(index < inputs.Count ? inputs[index] : null)} as input {index + 1}, where the import evaluates integers (sizes, axes, indices)");

    private long[] Known(OnnxNode node, IntConstant ints) => ints.Known ?? throw nodes.Node(node, $"takes {ints.Text}, which depends on the batch size, where a number is needed");

    private static string Describe(Value? value) => value switch
    {
        FloatConstant constant => $"a float constant of shape {constant.ShapeText}",
        IntConstant ints => $"the integers {ints.Text}",
        Activation activation => $"a computed tensor of shape {activation.DimsText}",
        _ => "nothing",
    };
}
