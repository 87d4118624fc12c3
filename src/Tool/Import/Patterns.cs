using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>The layers ONNX writes as several nodes.</summary>
internal enum PatternKind
{
    /// <summary><c>x * (1 + erf(x / sqrt 2)) / 2</c>: PyTorch's <c>Div, Erf, Add, Mul, Mul</c>, StaticNet's <c>Mul, Erf, Add, Mul, Mul</c>.</summary>
    Gelu,

    /// <summary><c>x * sigmoid(x)</c>: <c>Sigmoid, Mul</c>.</summary>
    Silu,

    /// <summary><c>softplus(beta x) / beta</c>: PyTorch's <c>Mul, Softplus, Div</c>; StaticNet adds its threshold with <c>Greater, Where</c>.</summary>
    Softplus,

    /// <summary><c>MatMul</c> by a constant weight, then <c>Add</c> of a constant bias.</summary>
    DenseWithBias,

    /// <summary><c>Pad</c> with zeros, then <c>AveragePool</c>: PyTorch's average pooling that counts the padding.</summary>
    PaddedAveragePool,

    /// <summary><c>Flatten, Softmax, Reshape</c> back: StaticNet's softmax over an image, normalised as one row per sample.</summary>
    ImageSoftmax,
}

/// <summary>
/// Nodes that together are one layer. <see cref="Members"/> are in the pattern's order (for a GELU the
/// division first); <see cref="Last"/> is the one the file lists last, where the layer is made, and whose
/// output is the layer's.
/// </summary>
internal sealed record Pattern(PatternKind Kind, string Input, IReadOnlyList<OnnxNode> Members, OnnxNode Last, float Beta = 1, float? Threshold = null)
{
    /// <summary>The value the layer writes.</summary>
    public string Output => Last.Outputs[0];
}

/// <summary>
/// Finds the patterns of <see cref="PatternKind"/> in the graph. A pattern matches only when each value
/// it computes inside is read by the pattern alone, so that folding it into one layer loses nothing;
/// otherwise its nodes are read one by one (and those StaticNet has no layer for are errors).
/// </summary>
internal sealed class Patterns(GraphIndex graph, Func<string, Value?> valueOf)
{
    private static readonly float Sqrt2 = MathF.Sqrt(2);

    public Dictionary<OnnxNode, Pattern> Find()
    {
        var found = new Dictionary<OnnxNode, Pattern>(ReferenceEqualityComparer.Instance);
        foreach (OnnxNode node in graph.Nodes)
        {
            if (found.ContainsKey(node) || node.Inputs.Count == 0 || node.Outputs.Count == 0)
            {
                continue;
            }

            Pattern? pattern = node.OpType switch
            {
                "Erf" => Gelu(node),
                "Sigmoid" => Silu(node),
                "Softplus" => Softplus(node),
                "MatMul" => DenseWithBias(node),
                "Pad" => PaddedAveragePool(node),
                "Flatten" => ImageSoftmax(node),
                _ => null,
            };
            if (pattern is not null && pattern.Members.All(member => !found.ContainsKey(member)))
            {
                foreach (OnnxNode member in pattern.Members)
                {
                    found[member] = pattern;
                }
            }
        }

        return found;
    }

    private Pattern? Gelu(OnnxNode erf)
    {
        // x / sqrt(2) (PyTorch) or x * (1 / sqrt(2)) (StaticNet), read by the Erf alone.
        if (graph.Producer(erf.Inputs[0]) is not OnnxNode scale || graph.OnlyConsumer(scale.Outputs[0]) != erf
            || !(scale.OpType == "Div" ? ConstantAt(scale, 1, Sqrt2) && !IsConstant(scale.Inputs[0]) : scale.OpType == "Mul" && VariableWith(scale, 1 / Sqrt2) is not null))
        {
            return null;
        }

        string x = scale.OpType == "Div" ? scale.Inputs[0] : VariableWith(scale, 1 / Sqrt2)!;
        if (graph.OnlyConsumer(erf.Outputs[0]) is not { OpType: "Add" } onePlus || VariableWith(onePlus, 1) != erf.Outputs[0]
            || graph.OnlyConsumer(onePlus.Outputs[0]) is not { OpType: "Mul" } product)
        {
            return null;
        }

        string? other = OtherInput(product, onePlus.Outputs[0]);
        if (other == x)
        {
            // (x * (1 + erf)) * 0.5
            if (graph.OnlyConsumer(product.Outputs[0]) is { OpType: "Mul" } half && VariableWith(half, 0.5f) == product.Outputs[0])
            {
                return Make(PatternKind.Gelu, x, scale, erf, onePlus, product, half);
            }
        }
        else if (other is not null && graph.Producer(other) is { OpType: "Mul" } halfX && graph.OnlyConsumer(other) == product && VariableWith(halfX, 0.5f) == x)
        {
            // (x * 0.5) * (1 + erf)
            return Make(PatternKind.Gelu, x, halfX, scale, erf, onePlus, product);
        }

        return null;
    }

    private Pattern? Silu(OnnxNode sigmoid)
    {
        string x = sigmoid.Inputs[0];
        return graph.OnlyConsumer(sigmoid.Outputs[0]) is { OpType: "Mul" } product && !IsConstant(x) && OtherInput(product, sigmoid.Outputs[0]) == x
            ? Make(PatternKind.Silu, x, sigmoid, product)
            : null;
    }

    private Pattern? Softplus(OnnxNode softplus)
    {
        if (graph.Producer(softplus.Inputs[0]) is not { OpType: "Mul" } scale || ScalarInput(scale) is not (string x, float beta) || !(beta > 0)
            || graph.OnlyConsumer(softplus.Outputs[0]) is not { OpType: "Div" } divide || divide.Inputs[0] != softplus.Outputs[0] || !ConstantAt(divide, 1, beta))
        {
            return null;
        }

        IReadOnlyList<OnnxNode> readers = graph.Consumers(scale.Outputs[0]);
        if (readers.Count == 1 && scale.Outputs[0] != graph.Output)
        {
            return Make(PatternKind.Softplus, x, beta, null, scale, softplus, divide);
        }

        // StaticNet's own: Where(beta * x > threshold, x, softplus(beta * x) / beta).
        if (readers.Count == 2 && readers.FirstOrDefault(r => r != softplus) is { OpType: "Greater" } above && above.Inputs[0] == scale.Outputs[0]
            && ScalarOf(above.Inputs[1]) is float threshold && graph.OnlyConsumer(above.Outputs[0]) is { OpType: "Where" } where
            && graph.OnlyConsumer(divide.Outputs[0]) == where && where.Inputs.SequenceEqual(new[] { above.Outputs[0], x, divide.Outputs[0] }))
        {
            return Make(PatternKind.Softplus, x, beta, threshold, scale, softplus, divide, above, where);
        }

        return null;
    }

    private Pattern? DenseWithBias(OnnxNode matMul)
    {
        if (matMul.Inputs.Count != 2 || IsConstant(matMul.Inputs[0]) || !IsConstant(matMul.Inputs[1])
            || graph.OnlyConsumer(matMul.Outputs[0]) is not { OpType: "Add" } add || OtherInput(add, matMul.Outputs[0]) is not string bias || !IsConstant(bias))
        {
            return null;
        }

        return Make(PatternKind.DenseWithBias, matMul.Inputs[0], matMul, add);
    }

    private Pattern? PaddedAveragePool(OnnxNode pad) =>
        graph.OnlyConsumer(pad.Outputs[0]) is { OpType: "AveragePool" } pool && !IsConstant(pad.Inputs[0])
            ? Make(PatternKind.PaddedAveragePool, pad.Inputs[0], pad, pool)
            : null;

    private Pattern? ImageSoftmax(OnnxNode flatten) =>
        graph.OnlyConsumer(flatten.Outputs[0]) is { OpType: "Softmax" or "LogSoftmax" } softmax && !IsConstant(flatten.Inputs[0])
        && graph.OnlyConsumer(softmax.Outputs[0]) is { OpType: "Reshape" } reshape && reshape.Inputs.Count > 1 && valueOf(reshape.Inputs[1]) is IntConstant { Values.Length: 4 }
            ? Make(PatternKind.ImageSoftmax, flatten.Inputs[0], flatten, softmax, reshape)
            : null;

    private Pattern Make(PatternKind kind, string input, params OnnxNode[] members) => Make(kind, input, 1, null, members);

    private Pattern Make(PatternKind kind, string input, float beta, float? threshold, params OnnxNode[] members) =>
        new(kind, input, members, members.MaxBy(graph.IndexOf)!, beta, threshold);

    /// <summary>For a binary node with a constant scalar on one side: the other side, when the constant is <paramref name="expected"/>.</summary>
    private string? VariableWith(OnnxNode node, float expected) =>
        ScalarInput(node) is (string variable, float constant) && Close(constant, expected) ? variable : null;

    /// <summary>For a binary node with a computed input and a constant scalar one, in either order: both.</summary>
    private (string Variable, float Constant)? ScalarInput(OnnxNode node)
    {
        if (node.Inputs.Count != 2)
        {
            return null;
        }

        if (ScalarOf(node.Inputs[1]) is float right && !IsConstant(node.Inputs[0]))
        {
            return (node.Inputs[0], right);
        }

        if (ScalarOf(node.Inputs[0]) is float left && !IsConstant(node.Inputs[1]))
        {
            return (node.Inputs[1], left);
        }

        return null;
    }

    private bool ConstantAt(OnnxNode node, int index, float expected) => node.Inputs.Count > index && ScalarOf(node.Inputs[index]) is float value && Close(value, expected);

    private float? ScalarOf(string value) => valueOf(value) is FloatConstant { Values.Length: 1 } constant ? constant.Values[0] : null;

    private bool IsConstant(string value) => valueOf(value) is FloatConstant or IntConstant;

    /// <summary>For a binary node: its input that is not <paramref name="value"/> (or <paramref name="value"/> itself for <c>x * x</c>).</summary>
    private static string? OtherInput(OnnxNode node, string value) =>
        node.Inputs.Count != 2 ? null : node.Inputs[0] == value ? node.Inputs[1] : node.Inputs[1] == value ? node.Inputs[0] : null;

    private static bool Close(float value, float expected) => MathF.Abs(value - expected) <= 1e-6f * MathF.Abs(expected);
}
