using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace StaticNet.Tool.Import;

/// <summary>
/// Writes the network as a declaration a person reads and edits: the attributed partial class, one
/// attribute list per line for each layer with weights (or that joins, flattens or branches) followed by
/// the activations and pooling after it, as the README's LeNet-5 is written.
/// </summary>
internal static class DeclarationWriter
{
    /// <summary>How long a line of layers grows before the next layer starts another.</summary>
    private const int LineLength = 110;

    /// <summary>The kinds that start a new line of the declaration.</summary>
    private static readonly HashSet<LayerKind> LineStarts = new()
    {
        LayerKind.Conv2D, LayerKind.Dense, LayerKind.Flatten, LayerKind.GlobalAvgPool2D, LayerKind.Add, LayerKind.Concat, LayerKind.Dropout,
    };

    public static string Write(ImportedNetwork network, DeclarationFacts facts)
    {
        var text = new StringBuilder();
        text.Append("// Imported by `staticnet import` from ").Append(facts.SourceFile).Append(" (").Append(facts.Producer)
            .Append(", ONNX opset ").Append(Numbers.Format(facts.Opset)).Append("): ").Append(Numbers.Count(facts.ParameterCount)).Append(" parameters.\n");
        text.Append("// Its weights are in ").Append(facts.WeightsFile).Append(", under this declaration's state_dict names:\n");
        text.Append("//     var network = new ").Append(facts.ClassName).Append("();\n");
        text.Append("//     network.Load(\"").Append(facts.WeightsFile).Append("\");\n");
        text.Append("using StaticNet;\n\n");
        if (facts.Namespace is string ns)
        {
            text.Append("namespace ").Append(ns).Append(";\n\n");
        }

        text.Append("[Network]\n");
        text.Append("[Input(").Append(string.Join(", ", network.InputShape.Select(Numbers.Format))).Append(")]\n");
        var line = new List<string>();
        ImportedLayer? previous = null;
        foreach (ImportedLayer layer in network.Layers)
        {
            ImportedLayer? from = layer.Inputs[0] is ImportedLayer input && input != previous ? input : null;
            string attribute = Attribute(layer, from);
            if (line.Count > 0 && (LineStarts.Contains(layer.Kind) || from is not null || line.Sum(a => a.Length + 2) + attribute.Length > LineLength))
            {
                text.Append('[').Append(string.Join(", ", line)).Append("]\n");
                line.Clear();
            }

            line.Add(attribute);
            previous = layer;
        }

        text.Append('[').Append(string.Join(", ", line)).Append("]\n");
        text.Append("public partial class ").Append(facts.ClassName).Append(";\n");
        return text.ToString();
    }

    /// <summary>One layer's attribute: <c>Conv2D(6, 5, Padding = 2)</c>, <c>ReLU(Name = "act")</c>, <c>Add("stem")</c>.</summary>
    private static string Attribute(ImportedLayer layer, ImportedLayer? from)
    {
        var arguments = new List<string>(layer.Arguments);
        if (layer.Kind is LayerKind.Add or LayerKind.Concat)
        {
            arguments.AddRange(layer.Inputs.Skip(1).Select(joined => Quoted(joined!.Name)));
        }

        arguments.AddRange(layer.Settings.Select(setting => setting.Name + " = " + setting.Value));
        if (layer.NeedsName)
        {
            arguments.Add("Name = " + Quoted(layer.Name));
        }

        if (from is not null)
        {
            arguments.Add("From = " + Quoted(from.Name));
        }

        string kind = layer.Kind.ToString();
        return arguments.Count == 0 ? kind : kind + "(" + string.Join(", ", arguments) + ")";
    }

    // Layer names hold letters, digits and '_' only (LayerNaming), so they need no escaping.
    private static string Quoted(string name) => "\"" + name + "\"";
}

/// <summary>What the declaration's header says, and its class and namespace.</summary>
internal sealed record DeclarationFacts(string ClassName, string? Namespace, string SourceFile, string Producer, long Opset, string WeightsFile, long ParameterCount);
