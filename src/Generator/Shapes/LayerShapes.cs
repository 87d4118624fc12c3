using System.Collections.Generic;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Shapes;

/// <summary>A parameter tensor before it has an offset: its role (<c>weight</c>, <c>bias</c>), PyTorch shape and fan-in.</summary>
internal sealed record ParameterShape(string Role, int[] Dimensions, int FanIn)
{
    public long Length
    {
        get
        {
            long length = 1;
            foreach (int dimension in Dimensions)
            {
                length *= dimension;
            }

            return length;
        }
    }
}

/// <summary>What a layer does to shapes: its output shape, its parameters, and the per-sample scratch space it needs.</summary>
internal sealed record LayerShape(Shape Output, IReadOnlyList<ParameterShape> Parameters, int ScratchLength);

/// <summary>The shape rules of each layer kind, with the diagnostics for inputs a layer cannot take.</summary>
internal static class LayerShapes
{
    private static readonly ParameterShape[] None = new ParameterShape[0];

    /// <param name="layer">The layer to resolve.</param>
    /// <param name="input">The shape of the layer's input.</param>
    /// <param name="producer">The name of the layer that produces <paramref name="input"/> (<c>input</c> for the network input), for messages.</param>
    /// <param name="location">Where the layer is declared.</param>
    /// <param name="diagnostics">Receives the reason when the layer cannot take <paramref name="input"/>.</param>
    public static LayerShape? Resolve(LayerSpec layer, Shape input, string producer, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (layer.IsSpatial && input.IsFlat)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SpatialLayerOnFlatInput, location, layer.Kind, layer.Name, producer, input.Length));
            return null;
        }

        switch (layer)
        {
            case DenseSpec dense:
                if (!input.IsFlat)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseNeedsFlatInput, location, layer.Name, producer, input, input.Length));
                    return null;
                }

                return Checked(
                    layer,
                    location,
                    diagnostics,
                    Shape.Flat(dense.Units),
                    dense.Units,
                    WeightAndBias(new[] { dense.Units, input.Length }, dense.Units, fanIn: input.Length, dense.HasBias),
                    scratch: 0);

            case Conv2DSpec conv:
            {
                if (!FitsWindow(layer, conv.Kernel, conv.Padding, input, producer, location, diagnostics))
                {
                    return null;
                }

                long height = OutputSize(input.Height, conv.Kernel, conv.Stride, conv.Padding);
                long width = OutputSize(input.Width, conv.Kernel, conv.Stride, conv.Padding);
                int fanIn = input.Channels * conv.Kernel * conv.Kernel;
                return Checked(
                    layer,
                    location,
                    diagnostics,
                    Shape.Image(conv.Filters, (int)height, (int)width),
                    conv.Filters * height * width,
                    WeightAndBias(new[] { conv.Filters, input.Channels, conv.Kernel, conv.Kernel }, conv.Filters, fanIn, conv.HasBias),
                    PaddedScratch(input, conv.Padding));
            }

            case Pool2DSpec pool:
            {
                if (!FitsWindow(layer, pool.Kernel, pool.Padding, input, producer, location, diagnostics))
                {
                    return null;
                }

                long height = OutputSize(input.Height, pool.Kernel, pool.Stride, pool.Padding);
                long width = OutputSize(input.Width, pool.Kernel, pool.Stride, pool.Padding);
                return Checked(
                    layer,
                    location,
                    diagnostics,
                    Shape.Image(input.Channels, (int)height, (int)width),
                    input.Channels * height * width,
                    None,
                    PaddedScratch(input, pool.Padding));
            }

            case FlattenSpec:
                return new LayerShape(Shape.Flat(input.Length), None, 0);

            default:
                // Element-wise activations and softmax keep the shape.
                return new LayerShape(input, None, 0);
        }
    }

    /// <summary>PyTorch's output size without ceil mode: <c>floor((size + 2 * padding - kernel) / stride) + 1</c>.</summary>
    private static long OutputSize(int size, int kernel, int stride, int padding) => ((size + (2L * padding) - kernel) / stride) + 1;

    private static bool FitsWindow(LayerSpec layer, int kernel, int padding, Shape input, string producer, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        long paddedHeight = input.Height + (2L * padding);
        long paddedWidth = input.Width + (2L * padding);
        if (kernel <= paddedHeight && kernel <= paddedWidth)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WindowLargerThanInput, location, layer.Kind, layer.Name, kernel, producer, input, paddedHeight, paddedWidth, padding));
        return false;
    }

    /// <summary>
    /// Layers with padding keep a zero-padded copy of their input (forward) and the gradient of that
    /// copy (backward), so that every window reads whole rows with no bounds checks.
    /// </summary>
    private static long PaddedScratch(Shape input, int padding) =>
        padding == 0 ? 0 : 2L * input.Channels * (input.Height + (2L * padding)) * (input.Width + (2L * padding));

    private static ParameterShape[] WeightAndBias(int[] weightDimensions, int outputs, int fanIn, bool hasBias) => hasBias
        ? new[] { new ParameterShape("weight", weightDimensions, fanIn), new ParameterShape("bias", new[] { outputs }, fanIn) }
        : new[] { new ParameterShape("weight", weightDimensions, fanIn) };

    private static LayerShape? Checked(LayerSpec layer, LocationInfo? location, List<DiagnosticInfo> diagnostics, Shape output, long outputLength, ParameterShape[] parameters, long scratch)
    {
        foreach ((string what, long length) in new[] { ("its output", outputLength), ("its scratch space", scratch) })
        {
            if (length > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location, layer.Kind, layer.Name, what, length, int.MaxValue));
                return null;
            }
        }

        foreach (ParameterShape parameter in parameters)
        {
            if (parameter.Length > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location, layer.Kind, layer.Name, "its " + parameter.Role, parameter.Length, int.MaxValue));
                return null;
            }
        }

        return new LayerShape(output, parameters, (int)scratch);
    }
}
