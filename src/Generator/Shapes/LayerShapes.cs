using System;
using System.Collections.Generic;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Shapes;

/// <summary>
/// A parameter or state tensor before it has an offset: its role (<c>weight</c>, <c>bias</c>,
/// <c>running_mean</c>), PyTorch shape, and the fans of the weight it belongs with (what PyTorch's
/// <c>_calculate_fan_in_and_fan_out</c> gives for the layer's weight; 0 for layers whose weight has none).
/// </summary>
internal sealed record ParameterShape(string Role, long[] Dimensions, long FanIn, long FanOut = 0)
{
    public long Length => Sizes.Product(Dimensions);
}

/// <summary>
/// What a layer does to shapes: its output shape, its parameters and state tensors, the per-sample
/// scratch space it needs, and the space it needs once per batch in the workspace's fixed region.
/// </summary>
internal sealed record LayerShape(Shape Output, IReadOnlyList<ParameterShape> Parameters, int ScratchLength)
{
    public IReadOnlyList<ParameterShape> State { get; init; } = new ParameterShape[0];

    public int FixedLength { get; init; }
}

/// <summary>
/// The shape rules of each layer kind, with the diagnostics for inputs a layer cannot take. Sizes are
/// computed in saturating <see cref="long"/> arithmetic, so that any declaration, however large, ends
/// in a diagnostic rather than an overflow.
/// </summary>
internal static class LayerShapes
{
    private static readonly ParameterShape[] None = new ParameterShape[0];

    /// <param name="layer">The layer to resolve.</param>
    /// <param name="input">The shape of the layer's input.</param>
    /// <param name="producer">The name of the layer that produces <paramref name="input"/> (<c>input</c> for the network input), for messages.</param>
    /// <param name="location">Where the layer is declared.</param>
    /// <param name="diagnostics">Receives the reason when the layer cannot take <paramref name="input"/>.</param>
    /// <param name="joined">The other values a <c>Concat</c> joins to its input, with their producers.</param>
    public static LayerShape? Resolve(LayerSpec layer, Shape input, string producer, LocationInfo? location, List<DiagnosticInfo> diagnostics, IReadOnlyList<(string Producer, Shape Shape)>? joined = null)
    {
        if (layer.IsSpatial && input.IsFlat)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SpatialLayerOnFlatInput, location, layer.Kind, layer.Name, producer, input.Length));
            return null;
        }

        if (layer.NeedsFlatInput && !input.IsFlat)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FlatLayerOnSpatialInput, location, layer.Kind, layer.Name, producer, input, input.Length));
            return null;
        }

        var result = new Resolution(layer, location, diagnostics);
        switch (layer)
        {
            case DenseSpec dense:
                return result.Flat(dense.Units, WeightAndBias(new long[] { dense.Units, input.Length }, dense.Units, fanIn: input.Length, fanOut: dense.Units, dense.HasBias), scratch: 0);

            case Conv2DSpec conv:
                string window = conv.Dilation == Axes.Square(1)
                    ? conv.Kernel.Window
                    : FormattableString.Invariant($"{conv.SpanHeight}x{conv.SpanWidth} ({conv.Kernel.Window} dilated by {conv.Dilation})");
                if (!FitsWindow(layer, conv.SpanHeight, conv.SpanWidth, window, conv.Padding, input, producer, location, diagnostics))
                {
                    return null;
                }

                long receptive = Sizes.Product(conv.Kernel.Height, conv.Kernel.Width);
                return result.Image(
                    conv.Filters,
                    OutputSize(input.Height, conv.SpanHeight, conv.Stride.Height, conv.Padding.Height),
                    OutputSize(input.Width, conv.SpanWidth, conv.Stride.Width, conv.Padding.Width),
                    WeightAndBias(
                        new long[] { conv.Filters, input.Channels, conv.Kernel.Height, conv.Kernel.Width },
                        conv.Filters,
                        fanIn: Sizes.Product(input.Channels, receptive),
                        fanOut: Sizes.Product(conv.Filters, receptive),
                        conv.HasBias),
                    scratch: 0);

            case Pool2DSpec pool:
                if (!FitsWindow(layer, pool.Kernel.Height, pool.Kernel.Width, pool.Kernel.Window, pool.Padding, input, producer, location, diagnostics))
                {
                    return null;
                }

                return result.Image(
                    input.Channels,
                    OutputSize(input.Height, pool.Kernel.Height, pool.Stride.Height, pool.Padding.Height),
                    OutputSize(input.Width, pool.Kernel.Width, pool.Stride.Width, pool.Padding.Width),
                    None,
                    scratch: 0);

            case GlobalAvgPool2DSpec:
                return new LayerShape(Shape.Flat(input.Channels), None, 0);

            case BatchNormSpec norm:
                // Per channel: weight and bias (when affine) and the running estimates. Per sample of
                // batch capacity, room for one record of partial statistics [count, C values, C values],
                // so a batch can be split into as many chunks as it has samples. Once per batch: the
                // batch's mean and 1/std, and the totals [count, sum dy, sum dy * x_hat] of backward.
                long channels = input.Channels;
                if (!result.Fits("its batch statistics", (4 * channels) + 1))
                {
                    return null;
                }

                var parameters = norm.Affine
                    ? new[] { new ParameterShape("weight", new[] { channels }, 0), new ParameterShape("bias", new[] { channels }, 0) }
                    : None;
                return new LayerShape(input, parameters, (int)((2 * channels) + 1))
                {
                    State = new[]
                    {
                        new ParameterShape("running_mean", new[] { channels }, 0),
                        new ParameterShape("running_var", new[] { channels }, 0),
                        new ParameterShape("num_batches_tracked", new long[0], 0),
                    },
                    FixedLength = (int)((4 * channels) + 1),
                };

            case FlattenSpec:
                return new LayerShape(Shape.Flat(input.Length), None, 0);

            case ConcatSpec:
                // Along channels: every image the height and width of the input; flat values join their features.
                long total = input.Channels;
                foreach ((string other, Shape shape) in joined ?? new (string, Shape)[0])
                {
                    if (shape.IsFlat != input.IsFlat || (!input.IsFlat && (shape.Height != input.Height || shape.Width != input.Width)))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConcatShapeMismatch, location, layer.Name, producer, input, other, shape, input.IsFlat ? "flat outputs" : "outputs of the same height and width"));
                        return null;
                    }

                    total += shape.Channels;
                }

                return input.IsFlat ? result.Flat(total, None, scratch: 0) : result.Image(total, input.Height, input.Width, None, scratch: 0);

            default:
                // Element-wise activations, dropout, additions and softmax keep the shape.
                return new LayerShape(input, None, 0);
        }
    }

    /// <summary>PyTorch's output size without ceil mode: <c>floor((size + 2 * padding - span) / stride) + 1</c>, where span is the (dilated) window's side.</summary>
    private static long OutputSize(int size, long span, int stride, int padding) => ((size + (2L * padding) - span) / stride) + 1;

    /// <summary>Whether the (dilated) window, <paramref name="spanHeight"/> by <paramref name="spanWidth"/>, fits the padded input along both axes; reports it when not.</summary>
    private static bool FitsWindow(LayerSpec layer, long spanHeight, long spanWidth, string window, Axes padding, Shape input, string producer, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        long paddedHeight = input.Height + (2L * padding.Height);
        long paddedWidth = input.Width + (2L * padding.Width);
        if (spanHeight <= paddedHeight && spanWidth <= paddedWidth)
        {
            return true;
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WindowLargerThanInput, location, layer.Kind, layer.Name, window, producer, input, paddedHeight, paddedWidth, padding.ToString()));
        return false;
    }

    private static ParameterShape[] WeightAndBias(long[] weightDimensions, long outputs, long fanIn, long fanOut, bool hasBias) => hasBias
        ? new[] { new ParameterShape("weight", weightDimensions, fanIn, fanOut), new ParameterShape("bias", new[] { outputs }, fanIn, fanOut) }
        : new[] { new ParameterShape("weight", weightDimensions, fanIn, fanOut) };

    /// <summary>Builds a layer's shape once every size it involves is known to fit an <see cref="int"/>, or reports the one that does not.</summary>
    private readonly struct Resolution
    {
        private readonly LayerSpec _layer;
        private readonly LocationInfo? _location;
        private readonly List<DiagnosticInfo> _diagnostics;

        public Resolution(LayerSpec layer, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            _layer = layer;
            _location = location;
            _diagnostics = diagnostics;
        }

        public LayerShape? Flat(long length, ParameterShape[] parameters, long scratch) =>
            Fits("its output", length) && FitParameters(parameters) && Fits("its scratch space", scratch)
                ? new LayerShape(Shape.Flat((int)length), parameters, (int)scratch)
                : null;

        public LayerShape? Image(long channels, long height, long width, ParameterShape[] parameters, long scratch) =>
            Fits("its output", Sizes.Product(channels, height, width)) && FitParameters(parameters) && Fits("its scratch space", scratch)
                ? new LayerShape(Shape.Image((int)channels, (int)height, (int)width), parameters, (int)scratch)
                : null;

        private bool FitParameters(ParameterShape[] parameters)
        {
            foreach (ParameterShape parameter in parameters)
            {
                if (!Fits("its " + parameter.Role, parameter.Length))
                {
                    return false;
                }
            }

            return true;
        }

        public bool Fits(string what, long length)
        {
            if (length <= int.MaxValue)
            {
                return true;
            }

            string size = length == long.MaxValue ? "more than " + long.MaxValue : length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, _location, _layer.Kind, _layer.Name, what, size, int.MaxValue));
            return false;
        }
    }
}

/// <summary>Size arithmetic that saturates at <see cref="long.MaxValue"/> instead of overflowing.</summary>
internal static class Sizes
{
    public static long Product(params long[] factors)
    {
        long product = 1;
        foreach (long factor in factors)
        {
            if (factor != 0 && product > long.MaxValue / factor)
            {
                return long.MaxValue;
            }

            product *= factor;
        }

        return product;
    }
}
