using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Kernels;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The layer table: one <c>StaticNet.LayerInfo</c> initializer per layer, on one line, with the
/// settings of its kind, written into the network's definition. The runtime reads the graph from it (the ONNX export) instead of the
/// generator's model, which only exists at compile time.
/// </summary>
internal static class LayerTableEmitter
{
    private const string Kind = "global::StaticNet.LayerKind.";

    /// <summary>The layer's row: <c>new global::StaticNet.LayerInfo(kind, name, inputs, shapes, tensors) { settings }</c>.</summary>
    public static string Row(LayerModel layer)
    {
        string inputs = Strings(layer.Inputs.Select(i => i.Producer));
        string tensors = Strings(layer.Parameters.Concat(layer.State).Select(t => t.Name));
        string row = $"new global::StaticNet.LayerInfo({Kind}{KindName(layer.Spec)}, {Literals.String(layer.Name)}, {inputs}, {Ints(layer.Input)}, {Ints(layer.Output)}, {tensors})";
        List<string> settings = Settings(layer.Spec);
        if (layer.Spec.Frozen && layer.Parameters.Count > 0)
        {
            settings.Add("Frozen = true");
        }

        return settings.Count == 0 ? row : row + " { " + string.Join(", ", settings) + " }";
    }

    /// <summary>The <c>LayerKind</c> member of a layer: its kind as declared, which the enum spells the same.</summary>
    private static string KindName(LayerSpec spec) => spec.Kind;

    private static List<string> Settings(LayerSpec spec)
    {
        var settings = new List<string>();
        switch (spec)
        {
            case Conv2DSpec conv:
                Window(settings, conv.Kernel, conv.Stride, conv.Padding);
                Setting(settings, "Dilation", conv.Dilation);
                break;
            case Pool2DSpec pool:
                Window(settings, pool.Kernel, pool.Stride, pool.Padding);
                if (pool.Pooling == PoolKind.Average)
                {
                    settings.Add("CountIncludePad = " + Bool(pool.CountIncludePad));
                }

                break;
            case BatchNormSpec norm:
                settings.Add("Epsilon = " + Literals.Double(norm.Epsilon));
                settings.Add("Momentum = " + Literals.Double(norm.Momentum));
                settings.Add("Affine = " + Bool(norm.Affine));
                break;
            case DropoutSpec dropout:
                settings.Add("Rate = " + Literals.Double(dropout.Rate));
                break;
            case ActivationSpec { Function: ActivationFunction.LeakyReLU } leaky:
                settings.Add("Slope = " + Literals.Double(leaky.Parameter));
                break;
            case ActivationSpec { Function: ActivationFunction.Elu } elu:
                settings.Add("Alpha = " + Literals.Double(elu.Parameter));
                break;
            case ActivationSpec { Function: ActivationFunction.Softplus } softplus:
                settings.Add("Beta = " + Literals.Double(softplus.Parameter));
                settings.Add("Threshold = " + Literals.Double(softplus.Parameter2));
                break;
        }

        return settings;
    }

    private static void Window(List<string> settings, Axes kernel, Axes stride, Axes padding)
    {
        Setting(settings, "Kernel", kernel);
        Setting(settings, "Stride", stride);
        Setting(settings, "Padding", padding);
    }

    /// <summary>A window setting: <c>Kernel = 5</c> when square, else <c>KernelHeight = 3, KernelWidth = 2</c>.</summary>
    private static void Setting(List<string> settings, string name, Axes value)
    {
        if (value.IsSquare)
        {
            settings.Add(name + " = " + Literals.Int(value.Height));
            return;
        }

        settings.Add(name + "Height = " + Literals.Int(value.Height));
        settings.Add(name + "Width = " + Literals.Int(value.Width));
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Ints(Shape shape) => shape.IsFlat
        ? "new int[] { " + Literals.Int(shape.Length) + " }"
        : $"new int[] {{ {Literals.Int(shape.Channels)}, {Literals.Int(shape.Height)}, {Literals.Int(shape.Width)} }}";

    private static string Strings(IEnumerable<string> values)
    {
        string[] items = values.Select(Literals.String).ToArray();
        return items.Length == 0 ? "new string[0]" : "new string[] { " + string.Join(", ", items) + " }";
    }
}
