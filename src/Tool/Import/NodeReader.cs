using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>
/// Reads node attributes with their ONNX defaults, checking their types, and words the errors about
/// a node: each names the file, the node and its operator, and the attribute at fault.
/// </summary>
internal sealed class NodeReader(string path)
{
    /// <summary>The model file, as messages name it.</summary>
    public string Path { get; } = path;

    public long Int(OnnxNode node, string name, long fallback) =>
        Find(node, name, OnnxAttributeType.Int, "an integer") is OnnxAttribute attribute ? attribute.Int : fallback;

    public long[] Ints(OnnxNode node, string name, long[] fallback) =>
        Find(node, name, OnnxAttributeType.Ints, "a list of integers") is OnnxAttribute attribute ? attribute.Ints : fallback;

    public float Float(OnnxNode node, string name, float fallback) =>
        Find(node, name, OnnxAttributeType.Float, "a float") is OnnxAttribute attribute ? attribute.Float : fallback;

    public string String(OnnxNode node, string name, string fallback) =>
        Find(node, name, OnnxAttributeType.String, "a string") is OnnxAttribute attribute ? Encoding.UTF8.GetString(attribute.Bytes) : fallback;

    /// <summary>Refuses an attribute the import does not know for the operator: it would change what the node computes in a way nothing here accounts for.</summary>
    public void OnlyKnownAttributes(OnnxNode node, params string[] known)
    {
        foreach (OnnxAttribute attribute in node.Attributes.Values)
        {
            if (Array.IndexOf(known, attribute.Name) < 0)
            {
                string list = known.Length == 0 ? "none" : string.Join(", ", known);
                throw Attribute(node, attribute, $"the import knows these attributes of {node.OpType}: {list}");
            }
        }
    }

    /// <summary>An error about the node as a whole: <c>model.onnx: node '/fc/Gemm' (Gemm) {what}.</c></summary>
    public ImportException Node(OnnxNode node, string what) => new($"{Path}: {node.Describe()} {what}.");

    /// <summary>An error about one attribute's value, and what is supported instead.</summary>
    public ImportException Attribute(OnnxNode node, OnnxAttribute attribute, string supported) =>
        Attribute(node, attribute.Name, attribute.ValueText, supported);

    /// <summary>An error about one attribute's value (or an input that plays an attribute's part), and what is supported instead.</summary>
    public ImportException Attribute(OnnxNode node, string attribute, string value, string supported) =>
        new($"{Path}: {node.Describe()}: attribute '{attribute}' is {value}, which StaticNet cannot express: {supported}.");

    /// <summary>An operator StaticNet has no layer for, with the list of those the import reads.</summary>
    public ImportException UnsupportedOperator(OnnxNode node, string? why = null) =>
        new($"{Path}: {node.Describe()} is not supported: {why ?? $"StaticNet has no layer that computes {node.OpType}"}. {SupportedOperators.Sentence}");

    private OnnxAttribute? Find(OnnxNode node, string name, OnnxAttributeType type, string what)
    {
        if (!node.Attributes.TryGetValue(name, out OnnxAttribute? attribute))
        {
            return null;
        }

        return attribute.Type == type
            ? attribute
            : throw new ImportException($"{Path}: {node.Describe()}: attribute '{name}' is {attribute.ValueText} (of type {attribute.Type}), but ONNX defines it as {what}; the file is damaged or not valid ONNX.");
    }
}

/// <summary>What the import reads, as the messages and docs/onnx.md list it.</summary>
internal static class SupportedOperators
{
    /// <summary>The operators that become layers, each with what it becomes.</summary>
    public static readonly IReadOnlyList<(string Operators, string Becomes)> Layers = new[]
    {
        ("Conv", "Conv2D (2-D, group 1, each axis padded alike at both ends)"),
        ("Gemm", "Dense (transA 0, transB 0 or 1, alpha and beta 1)"),
        ("MatMul, MatMul then Add", "Dense without and with bias (a weight of [inputs, units])"),
        ("BatchNormalization", "BatchNorm2D or BatchNorm1D (inference form)"),
        ("Relu, LeakyRelu, Sigmoid, Tanh, Elu, Softplus", "ReLU, LeakyReLU, Sigmoid, Tanh, ELU, Softplus"),
        ("Gelu, or x * (1 + Erf(x / sqrt 2)) / 2", "GELU (the exact form)"),
        ("x * Sigmoid(x)", "SiLU"),
        ("Mul, Softplus, Div (and Greater, Where)", "Softplus(Beta, Threshold)"),
        ("MaxPool, AveragePool, Pad then AveragePool", "MaxPool2D, AvgPool2D (padding at most half the window, each axis alike at both ends)"),
        ("GlobalAveragePool", "GlobalAvgPool2D"),
        ("Flatten, Reshape or Squeeze to [batch, features]", "Flatten"),
        ("Add of two computed values", "Add (a residual connection)"),
        ("Concat on axis 1", "Concat"),
        ("Softmax, LogSoftmax over each sample", "Softmax, LogSoftmax (the last layer)"),
        ("Dropout, Identity", "Dropout, nothing"),
    };

    /// <summary>One sentence listing what the import reads, for error messages.</summary>
    public static string Sentence =>
        "The import reads: " + string.Join("; ", Layers.Select(layer => layer.Operators)) +
        "; and constants and the shape arithmetic around Reshape (" + string.Join(", ", ConstantFolding.Operators) + " on constants and shapes)";
}
