using System.Collections.Generic;
using System.Linq;
using System.Text;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The model summary: one row per layer with its kind, output shape and parameter count, as Keras's
/// <c>model.summary()</c> prints it. It goes into the class's XML doc (the IDE shows it on hover) and
/// into the <c>Summary</c> constant (the program can print it).
/// </summary>
internal static class SummaryEmitter
{
    public static string Build(NetworkModel model)
    {
        // A State column only for networks that keep state (batch normalisation's running estimates).
        bool hasState = model.StateCount > 0;
        var rows = new List<string[]> { Row("Layer", "Kind", "Output shape", "Parameters", "State", "Settings") };
        rows.Add(Row("input", "Input", model.Input.ToString(), "0", "0", string.Empty));
        foreach (LayerModel layer in model.Layers)
        {
            rows.Add(Row(layer.Name, layer.Spec.Kind, layer.Output.ToString(), Literals.Grouped(layer.ParameterCount), Literals.Grouped(layer.StateCount), Settings(layer)));
        }

        string[] Row(string name, string kind, string shape, string parameters, string state, string settings) =>
            hasState ? new[] { name, kind, shape, parameters, state, settings } : new[] { name, kind, shape, parameters, settings };

        int columns = rows[0].Length;
        int[] widths = Enumerable.Range(0, columns).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        text.Append(model.ClassName).Append(": ")
            .Append(Literals.Grouped(model.ParameterCount)).Append(" parameters (")
            .Append((model.ParameterCount * 4 / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).Append(" KiB as float32)");
        int frozen = model.Layers.Where(l => l.Spec.Frozen).Sum(l => l.ParameterCount);
        if (frozen > 0)
        {
            text.Append(", ").Append(Literals.Grouped(frozen)).Append(" of them frozen");
        }

        if (hasState)
        {
            text.Append("; ").Append(Literals.Grouped(model.StateCount)).Append(" state values");
        }

        text.Append('\n');
        foreach (string[] row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < columns; c++)
            {
                // Counts align right, like numbers in a table; everything else aligns left.
                bool number = c == 3 || (hasState && c == 4);
                string cell = number ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]);
                line.Append(cell).Append(c == columns - 1 ? string.Empty : "  ");
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>A layer's settings, after the layer it reads when that is not the one before it: <c>from block_in, 1x1, stride 2, pad 0</c>.</summary>
    public static string Settings(LayerModel layer)
    {
        string from = layer.Spec.From.Length == 0 ? string.Empty : "from " + layer.Spec.From;
        string settings = layer.Spec.Settings;
        return from.Length == 0 ? settings : settings.Length == 0 ? from : from + ", " + settings;
    }

    /// <summary>The summary escaped for an XML doc comment.</summary>
    public static string ForXml(string summary) => summary.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
