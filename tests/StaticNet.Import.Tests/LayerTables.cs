using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace StaticNet.Import.Tests;

/// <summary>Compares the layer tables of two networks: kinds, names, what each layer reads, shapes, settings and tensor names.</summary>
internal static class LayerTables
{
    /// <summary>
    /// Asserts that <paramref name="actual"/> is <paramref name="expected"/> without its dropout layers,
    /// when <paramref name="withoutDropout"/> (an exported dropout is the identity, which the import drops).
    /// </summary>
    public static void AssertSame(IReadOnlyList<LayerInfo> expected, IReadOnlyList<LayerInfo> actual, bool withoutDropout = false)
    {
        List<(LayerInfo Layer, string[] Inputs)> wanted = withoutDropout ? WithoutDropout(expected) : expected.Select(l => (l, l.Inputs.ToArray())).ToList();
        Assert.Equal(wanted.Select(w => w.Layer.Name), actual.Select(l => l.Name));
        for (int i = 0; i < actual.Count; i++)
        {
            (LayerInfo e, string[] inputs) = wanted[i];
            LayerInfo a = actual[i];
            string where = $"layer {i} ({e} against {a})";
            Assert.True(e.Kind == a.Kind, $"{where}: kind");
            Assert.True(inputs.SequenceEqual(a.Inputs), $"{where}: reads {string.Join(", ", a.Inputs)}, expected {string.Join(", ", inputs)}");
            Assert.True(e.InputShape.SequenceEqual(a.InputShape) && e.OutputShape.SequenceEqual(a.OutputShape), $"{where}: shapes");
            Assert.True(e.Tensors.SequenceEqual(a.Tensors), $"{where}: tensors {string.Join(", ", a.Tensors)}, expected {string.Join(", ", e.Tensors)}");
            Assert.True((e.KernelHeight, e.KernelWidth, e.StrideHeight, e.StrideWidth, e.Affine) == (a.KernelHeight, a.KernelWidth, a.StrideHeight, a.StrideWidth, a.Affine), $"{where}: kernel, stride or affine settings");
            Assert.True((e.PaddingHeight, e.PaddingWidth, e.DilationHeight, e.DilationWidth) == (a.PaddingHeight, a.PaddingWidth, a.DilationHeight, a.DilationWidth), $"{where}: padding or dilation");

            // Without padding, whether padding is counted changes nothing, and the export does not say.
            Assert.True((e.PaddingHeight, e.PaddingWidth) == (0, 0) || e.CountIncludePad == a.CountIncludePad, $"{where}: CountIncludePad");
            foreach ((string setting, double x, double y) in new[]
            {
                ("Epsilon", e.Epsilon, a.Epsilon), ("Momentum", e.Momentum, a.Momentum), ("Slope", e.Slope, a.Slope), ("Alpha", e.Alpha, a.Alpha),
                ("Beta", e.Beta, a.Beta), ("Threshold", e.Threshold, a.Threshold), ("Rate", e.Rate, a.Rate),
            })
            {
                // Settings travel through ONNX as float32.
                Assert.True(Math.Abs(x - y) <= 1e-6 * Math.Max(1, Math.Abs(x)), $"{where}: {setting} {y}, expected {x}");
            }
        }
    }

    private static List<(LayerInfo Layer, string[] Inputs)> WithoutDropout(IReadOnlyList<LayerInfo> layers)
    {
        var replaced = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<(LayerInfo, string[])>();
        foreach (LayerInfo layer in layers)
        {
            string[] inputs = layer.Inputs.Select(input => replaced.GetValueOrDefault(input, input)).ToArray();
            if (layer.Kind == LayerKind.Dropout)
            {
                replaced[layer.Name] = inputs[0];
                continue;
            }

            result.Add((layer, inputs));
        }

        return result;
    }
}
