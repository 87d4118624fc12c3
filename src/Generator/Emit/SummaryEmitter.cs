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
        var rows = new List<string[]> { new[] { "Layer", "Kind", "Output shape", "Parameters", "Settings" } };
        rows.Add(new[] { "input", "Input", model.Input.ToString(), "0", string.Empty });
        foreach (LayerModel layer in model.Layers)
        {
            rows.Add(new[] { layer.Name, layer.Spec.Kind, layer.Output.ToString(), Literals.Grouped(layer.ParameterCount), layer.Spec.Settings });
        }

        int columns = rows[0].Length;
        int[] widths = Enumerable.Range(0, columns).Select(c => rows.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        text.Append(model.ClassName).Append(": ")
            .Append(Literals.Grouped(model.ParameterCount)).Append(" parameters (")
            .Append((model.ParameterCount * 4 / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).Append(" KiB as float32)\n");
        foreach (string[] row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < columns; c++)
            {
                // Parameter counts align right, like numbers in a table; everything else aligns left.
                string cell = c == 3 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]);
                line.Append(cell).Append(c == columns - 1 ? string.Empty : "  ");
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The summary escaped for an XML doc comment.</summary>
    public static string ForXml(string summary) => summary.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
