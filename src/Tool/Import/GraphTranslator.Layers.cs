using System;
using System.Linq;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>The nodes that become layers with weights, activations and pooling.</summary>
internal sealed partial class GraphTranslator
{
    private void Conv(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        Activation x = Image(node, "Conv2D");
        FloatConstant weight = Weight(node, 1, "weight")!;
        FloatConstant? bias = Weight(node, 2, "bias", optional: true);
        if (weight.Dims.Length != 4)
        {
            throw _nodes.Node(node, $"has a weight of shape {weight.ShapeText}; StaticNet's Conv2D is 2-D, with a weight of [filters, channels, kernelHeight, kernelWidth]");
        }

        long group = _nodes.Int(node, "group", 1);
        if (group != 1)
        {
            throw _nodes.Attribute(node, "group", Numbers.Format(group), "StaticNet's Conv2D has group = 1 only (no grouped or depthwise convolution)");
        }

        int filters = (int)weight.Dims[0], channels = x.Shape[0];
        if (weight.Dims[1] != channels)
        {
            throw _nodes.Node(node, $"has a weight of shape {weight.ShapeText} for {weight.Dims[1]} input channels, but its input {x.DimsText} has {channels}");
        }

        long[] kernelShape = _nodes.Ints(node, "kernel_shape", new[] { weight.Dims[2], weight.Dims[3] });
        if (kernelShape.Length != 2 || kernelShape[0] != weight.Dims[2] || kernelShape[1] != weight.Dims[3])
        {
            throw _nodes.Attribute(node, "kernel_shape", Ints(kernelShape), $"it must match the weight's {weight.ShapeText}");
        }

        Axes kernel = PerAxis(node, "kernel_shape", kernelShape, "StaticNet's Conv2D has a 2-D kernel of at least 1x1");
        Axes stride = PerAxis(node, "strides", _nodes.Ints(node, "strides", new long[] { 1, 1 }), "StaticNet's Conv2D takes a stride of at least 1 along height and width");
        Axes dilation = PerAxis(node, "dilations", _nodes.Ints(node, "dilations", new long[] { 1, 1 }), "StaticNet's Conv2D takes a dilation of at least 1 along height and width");
        Axes padding = Padding(node, "StaticNet's Conv2D pads each axis alike at both ends");
        if (bias is not null && bias.Values.Length != filters)
        {
            throw _nodes.Node(node, $"has a bias of shape {bias.ShapeText} for {filters} filters");
        }

        int height = Output(node, x.Shape[1], kernel.Height, stride.Height, padding.Height, dilation.Height), width = Output(node, x.Shape[2], kernel.Width, stride.Width, padding.Width, dilation.Width);
        var layer = new ImportedLayer(LayerKind.Conv2D, node, new[] { x.Producer }, new[] { filters, height, width })
            .Argument(Numbers.Format(filters));
        WindowKernel(layer, kernel);
        WindowSetting(layer, "Stride", stride, Axes.Square(1));
        WindowSetting(layer, "Padding", padding, Axes.Square(0));
        WindowSetting(layer, "Dilation", dilation, Axes.Square(1));
        if (bias is null)
        {
            layer.Setting("Bias", "false");
        }

        layer.Tensor("weight", new[] { filters, channels, kernel.Height, kernel.Width }, weight.Values);
        if (bias is not null)
        {
            layer.Tensor("bias", new[] { filters }, bias.Values);
        }

        layer.TensorPrefix = LayerNaming.CommonPrefix((weight.Name, "weight"), (bias?.Name, "bias"));
        Emit(node, layer, layer.OutputShape);
    }

    private void Gemm(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "alpha", "beta", "transA", "transB");
        foreach ((string name, float value) in new[] { ("alpha", _nodes.Float(node, "alpha", 1)), ("beta", _nodes.Float(node, "beta", 1)) })
        {
            if (value != 1f)
            {
                throw _nodes.Attribute(node, name, Numbers.Format(value), "StaticNet's Dense computes x W^T + b, with alpha and beta 1");
            }
        }

        long transA = _nodes.Int(node, "transA", 0);
        if (transA != 0)
        {
            throw _nodes.Attribute(node, "transA", Numbers.Format(transA), "StaticNet's Dense takes its input as [batch, features], transA = 0");
        }

        long transB = _nodes.Int(node, "transB", 0);
        if (transB is not (0 or 1))
        {
            throw _nodes.Attribute(node, "transB", Numbers.Format(transB), "ONNX's Gemm takes transB 0 or 1");
        }

        Dense(node, node, bias: node, transposedWeight: transB == 1);
    }

    /// <summary>
    /// A dense layer from <c>Gemm</c> (input 3 its bias) or <c>MatMul</c> (and the <c>Add</c> of its
    /// bias, <paramref name="bias"/>): <paramref name="transposedWeight"/> says the weight is stored
    /// [units, inputs], as StaticNet and PyTorch keep it, rather than [inputs, units].
    /// </summary>
    private void Dense(OnnxNode product, OnnxNode last, OnnxNode? bias, bool transposedWeight = false)
    {
        if (product.OpType == "MatMul")
        {
            _nodes.OnlyKnownAttributes(product);
        }

        Activation x = Input(product, 0);
        if (x.Dims.Length != 1)
        {
            throw _nodes.Node(product, $"multiplies {x.DimsText}; StaticNet's Dense takes [batch, features] (flatten the input first)");
        }

        FloatConstant weight = Weight(product, 1, "weight")!;
        if (weight.Dims.Length != 2)
        {
            throw _nodes.Node(product, $"multiplies by a weight of shape {weight.ShapeText}; StaticNet's Dense has a 2-D weight");
        }

        int inputs = (int)weight.Dims[transposedWeight ? 1 : 0], units = (int)weight.Dims[transposedWeight ? 0 : 1];
        if (inputs != x.Dims[0])
        {
            throw _nodes.Node(product, $"multiplies {x.DimsText} by a weight of shape {weight.ShapeText}{(transposedWeight ? " (transposed)" : "")}, made for {inputs} features");
        }

        float[]? biasValues = null;
        FloatConstant? biasTensor = null;
        if (bias is not null)
        {
            // Gemm's third input, or the constant side of the Add.
            int index = bias.OpType == "Gemm" ? 2 : bias.Inputs[0] == product.Outputs[0] ? 1 : 0;
            biasTensor = Weight(bias, index, "bias", optional: bias.OpType == "Gemm");
            if (bias.OpType == "Add")
            {
                _nodes.OnlyKnownAttributes(bias);
            }

            if (biasTensor is not null)
            {
                biasValues = biasTensor.Values.Length == units ? biasTensor.Values
                    : biasTensor.Values.Length == 1 ? Enumerable.Repeat(biasTensor.Values[0], units).ToArray()
                    : throw _nodes.Node(bias, $"adds a bias of shape {biasTensor.ShapeText} to {units} units; StaticNet's Dense has one bias per unit");
                if (biasTensor.Dims.Length > 1 && !(biasTensor.Dims.Length == 2 && biasTensor.Dims[0] == 1))
                {
                    throw _nodes.Node(bias, $"adds a bias of shape {biasTensor.ShapeText}; StaticNet's Dense has a bias of [units]");
                }
            }
        }

        var layer = new ImportedLayer(LayerKind.Dense, last, new[] { x.Producer }, new[] { units }).Argument(Numbers.Format(units));
        if (biasValues is null)
        {
            layer.Setting("Bias", "false");
        }

        layer.Tensor("weight", new[] { units, inputs }, transposedWeight ? weight.Values : Transposed(weight.Values, inputs, units));
        if (biasValues is not null)
        {
            layer.Tensor("bias", new[] { units }, biasValues);
        }

        layer.TensorPrefix = LayerNaming.CommonPrefix((weight.Name, "weight"), (biasTensor?.Name, "bias"));
        Emit(last, layer, new[] { units });
    }

    private void BatchNormalization(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "epsilon", "momentum", "training_mode", "spatial");
        Activation x = Input(node, 0);
        long training = _nodes.Int(node, "training_mode", 0);
        if (training != 0)
        {
            throw _nodes.Attribute(node, "training_mode", Numbers.Format(training), "the import reads batch normalisation in inference form, training_mode = 0 (export the model in eval mode)");
        }

        long spatial = _nodes.Int(node, "spatial", 1);
        if (spatial != 1)
        {
            throw _nodes.Attribute(node, "spatial", Numbers.Format(spatial), "StaticNet normalises per channel, spatial = 1");
        }

        int channels = x.Shape[0];
        if (x.Dims.Length is not (1 or 3) || x.Dims[0] != channels)
        {
            throw _nodes.Node(node, $"normalises {x.DimsText}; StaticNet's batch normalisation takes [batch, channels, height, width] or [batch, features]");
        }

        string[] roles = { "weight", "bias", "running_mean", "running_var" };
        FloatConstant[] tensors = new FloatConstant[4];
        for (int i = 0; i < 4; i++)
        {
            tensors[i] = Weight(node, i + 1, roles[i] == "weight" ? "scale" : roles[i])!;
            if (tensors[i].Values.Length != channels)
            {
                throw _nodes.Node(node, $"has a {roles[i]} of shape {tensors[i].ShapeText} for {channels} channels");
            }
        }

        // A scale of ones and a shift of zeros under names that are no state_dict's own is how a layer
        // without affine parameters is written (StaticNet's export does so); a PyTorch layer keeps its weight and bias.
        bool affine = !(tensors[0].Values.All(v => v == 1f) && tensors[1].Values.All(v => v == 0f)
            && LayerNaming.TensorPrefix(tensors[0].Name, "weight") is null && LayerNaming.TensorPrefix(tensors[1].Name, "bias") is null);
        var layer = new ImportedLayer(x.IsImage ? LayerKind.BatchNorm2D : LayerKind.BatchNorm1D, node, new[] { x.Producer }, x.Shape);
        float epsilon = _nodes.Float(node, "epsilon", 1e-5f);
        if (epsilon != 1e-5f)
        {
            layer.Setting("Epsilon", Numbers.Format(epsilon));
        }

        // ONNX's momentum weighs the running estimate, PyTorch's and StaticNet's the batch's: one is 1 minus the other.
        float momentum = (float)(1 - (double)_nodes.Float(node, "momentum", 0.9f));
        if (Math.Abs(momentum - 0.1) > 1e-6)
        {
            layer.Setting("Momentum", Numbers.Format(momentum));
        }

        if (!affine)
        {
            layer.Setting("Affine", "false");
        }

        for (int i = affine ? 0 : 2; i < 4; i++)
        {
            layer.Tensor(roles[i], new[] { channels }, tensors[i].Values);
        }

        layer.Tensor("num_batches_tracked", Array.Empty<int>(), new[] { 0f });
        layer.TensorPrefix = LayerNaming.CommonPrefix(tensors.Select((tensor, i) => ((string?)tensor.Name, roles[i])).ToArray());

        Emit(node, layer, x.Dims);
    }

    /// <summary>An element-wise activation; <paramref name="alpha"/> names its one setting, with ONNX's default.</summary>
    private void ElementWise(OnnxNode node, LayerKind kind, string? alpha = null, float fallback = 0)
    {
        if (alpha is null)
        {
            _nodes.OnlyKnownAttributes(node);
        }
        else
        {
            _nodes.OnlyKnownAttributes(node, alpha);
        }

        Activation x = Input(node, 0);
        var layer = new ImportedLayer(kind, node, new[] { x.Producer }, x.Shape);
        if (alpha is not null)
        {
            // LeakyReLU's and ELU's defaults are ONNX's too (0.01 and 1).
            float value = _nodes.Float(node, alpha, fallback);
            if (value != fallback)
            {
                layer.Argument(Numbers.Format(value));
            }
        }

        Emit(node, layer, x.Dims);
    }

    private void Gelu(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, "approximate");
        string approximate = _nodes.String(node, "approximate", "none");
        if (approximate != "none")
        {
            throw _nodes.Attribute(node, "approximate", "'" + approximate + "'", "StaticNet's GELU is the exact form, approximate = 'none'");
        }

        ElementWise(node, LayerKind.GELU);
    }

    /// <summary>
    /// <c>MaxPool</c> or <c>AveragePool</c>, with the zeros of a <c>Pad</c> before it (<paramref name="pad"/>),
    /// as PyTorch exports average pooling that counts its padding.
    /// </summary>
    private void Pool(OnnxNode node, OnnxNode? pad)
    {
        bool max = node.OpType == "MaxPool";
        string kind = max ? "MaxPool2D" : "AvgPool2D";
        _nodes.OnlyKnownAttributes(node, max
            ? new[] { "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides" }
            : new[] { "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides" });
        Activation x = pad is null ? Image(node, kind) : Image(pad, kind);
        long[] kernelShape = _nodes.Ints(node, "kernel_shape", Array.Empty<long>());
        if (kernelShape.Length != 2)
        {
            throw _nodes.Attribute(node, "kernel_shape", Ints(kernelShape), $"StaticNet's {kind} has a 2-D window");
        }

        Axes kernel = PerAxis(node, "kernel_shape", kernelShape, $"StaticNet's {kind} has a 2-D window of at least 1x1");

        // ONNX's strides default to 1, StaticNet's (and PyTorch's) to the kernel.
        Axes stride = PerAxis(node, "strides", _nodes.Ints(node, "strides", new long[] { 1, 1 }), $"StaticNet's {kind} takes a stride of at least 1 along height and width");
        Axes dilation = PerAxis(node, "dilations", _nodes.Ints(node, "dilations", new long[] { 1, 1 }), $"StaticNet's {kind} has no dilation");
        if (dilation != Axes.Square(1))
        {
            throw _nodes.Attribute(node, "dilations", Ints(_nodes.Ints(node, "dilations", Array.Empty<long>())), $"StaticNet's {kind} has no dilation (dilations = [1, 1])");
        }

        Axes padding = Padding(node, $"StaticNet's {kind} pads each axis alike at both ends");
        bool countIncludePad = _nodes.Int(node, "count_include_pad", 0) != 0;
        if (pad is not null)
        {
            if (padding != Axes.Square(0))
            {
                throw _nodes.Node(node, "pads what a Pad before it padded already; the import reads AveragePool after Pad with pads of 0");
            }

            padding = PadAmount(pad);
            countIncludePad = true; // the zeros Pad adds are values like any other
        }

        if (padding.Height > kernel.Height / 2 || padding.Width > kernel.Width / 2)
        {
            throw _nodes.Attribute(node, pad is null ? "pads" : "pads (of the Pad before it)", padding.ToString(), $"StaticNet's {kind} pads at most half its window along each axis, {new Axes(kernel.Height / 2, kernel.Width / 2)} for a window of {kernel.Height}x{kernel.Width}");
        }

        int height = PoolOutput(node, x.Shape[1], kernel.Height, stride.Height, padding.Height), width = PoolOutput(node, x.Shape[2], kernel.Width, stride.Width, padding.Width);
        var layer = new ImportedLayer(max ? LayerKind.MaxPool2D : LayerKind.AvgPool2D, node, new[] { x.Producer }, new[] { x.Shape[0], height, width });
        WindowKernel(layer, kernel);
        WindowSetting(layer, "Stride", stride, kernel);
        WindowSetting(layer, "Padding", padding, Axes.Square(0));
        if (padding != Axes.Square(0) && !max && !countIncludePad)
        {
            layer.Setting("CountIncludePad", "false");
        }

        Emit(node, layer, layer.OutputShape);
    }

    /// <summary>The zeros a <c>Pad</c> adds before an average pooling: each of height and width padded alike at both ends, batch and channels not at all.</summary>
    private Axes PadAmount(OnnxNode pad)
    {
        _nodes.OnlyKnownAttributes(pad, Opset >= 11 ? new[] { "mode" } : new[] { "mode", "pads", "value" });
        string mode = _nodes.String(pad, "mode", "constant");
        if (mode != "constant")
        {
            throw _nodes.Attribute(pad, "mode", "'" + mode + "'", "StaticNet pads with zeros, mode = 'constant'");
        }

        long[] pads;
        float value;
        if (Opset >= 11)
        {
            pads = Get(pad.Inputs.Count > 1 ? pad.Inputs[1] : string.Empty, pad) is IntConstant { Known: long[] known } ? known : throw _nodes.Node(pad, "has pads that are not constant");
            value = pad.Inputs.Count > 2 && pad.Inputs[2].Length > 0 ? (Weight(pad, 2, "constant value")! is { Values: [float v] } ? v : float.NaN) : 0f;
            if (pad.Inputs.Count > 3 && pad.Inputs[3].Length > 0)
            {
                throw _nodes.Attribute(pad, "axes", "given", "the import reads a Pad of all four dimensions, without axes");
            }
        }
        else
        {
            pads = _nodes.Ints(pad, "pads", Array.Empty<long>());
            value = _nodes.Float(pad, "value", 0f);
        }

        if (value != 0f)
        {
            throw _nodes.Attribute(pad, "constant_value", Numbers.Format(value), "StaticNet's average pooling pads with zeros");
        }

        if (pads is not [0, 0, long top, long left, 0, 0, long bottom, long right] || top != bottom || left != right || top < 0 || left < 0 || top > int.MaxValue || left > int.MaxValue)
        {
            throw _nodes.Attribute(pad, "pads", Ints(pads), "StaticNet pads each of height and width alike at both ends, and not batch or channels ([0, 0, h, w, 0, 0, h, w])");
        }

        return new Axes((int)pads[2], (int)pads[3]);
    }

    /// <summary>
    /// Global average pooling: <c>GlobalAvgPool2D</c>, whose output is flat, when what reads it only
    /// flattens it (as PyTorch's <c>AdaptiveAvgPool2d(1)</c> then <c>flatten</c> does); otherwise an average
    /// pooling over the whole image, which keeps the [C, 1, 1] shape.
    /// </summary>
    private void GlobalAveragePool(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node);
        Activation x = Image(node, "GlobalAvgPool2D");
        int channels = x.Shape[0];
        bool flattened = _graph.Consumers(node.Outputs[0]).All(reader => reader.OpType is "Flatten" or "Reshape" or "Squeeze") && node.Outputs[0] != _graph.Output;
        if (flattened)
        {
            Emit(node, new ImportedLayer(LayerKind.GlobalAvgPool2D, node, new[] { x.Producer }, new[] { channels }), new[] { channels, 1, 1 });
            return;
        }

        var layer = new ImportedLayer(LayerKind.AvgPool2D, node, new[] { x.Producer }, new[] { channels, 1, 1 });
        WindowKernel(layer, new Axes(x.Shape[1], x.Shape[2]));
        Emit(node, layer, layer.OutputShape);
    }

    private void Dropout(OnnxNode node)
    {
        _nodes.OnlyKnownAttributes(node, Opset >= 12 ? new[] { "seed" } : new[] { "ratio", "is_test", "seed" });
        Activation x = Input(node, 0);
        float ratio = 0.5f;
        if (Opset >= 12)
        {
            if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
            {
                ratio = Weight(node, 1, "ratio") is { Values: [float r] } ? r : throw _nodes.Node(node, "has a ratio that is not one number");
            }

            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0 && Get(node.Inputs[2], node) is not IntConstant { Known: [0] })
            {
                throw _nodes.Attribute(node, "training_mode", "not false", "the import reads dropout in inference, where it passes values through");
            }
        }
        else
        {
            ratio = _nodes.Float(node, "ratio", 0.5f);
        }

        if (!(ratio >= 0 && ratio < 1))
        {
            throw _nodes.Attribute(node, "ratio", Numbers.Format(ratio), "StaticNet's Dropout rate is from 0 to below 1");
        }

        if (ratio == 0)
        {
            Bind(node, x);
            return;
        }

        var layer = new ImportedLayer(LayerKind.Dropout, node, new[] { x.Producer }, x.Shape);
        if (ratio != 0.5f)
        {
            layer.Argument(Numbers.Format(ratio));
        }

        Emit(node, layer, x.Dims);
    }

    /// <summary>The node's first input, which must be an image ([batch, C, H, W]) as StaticNet holds it.</summary>
    private Activation Image(OnnxNode node, string kind)
    {
        Activation x = Input(node, 0);
        return x.IsImage && x.Dims.Length == 3
            ? x
            : throw _nodes.Node(node, $"takes {x.DimsText}; StaticNet's {kind} takes [batch, channels, height, width]");
    }

    /// <summary>A size given per spatial dimension, [height, width], each at least 1.</summary>
    private Axes PerAxis(OnnxNode node, string attribute, long[] values, string supported)
    {
        if (values.Length != 2 || values[0] < 1 || values[1] < 1 || values[0] > int.MaxValue || values[1] > int.MaxValue)
        {
            throw _nodes.Attribute(node, attribute, Ints(values), supported);
        }

        return new Axes((int)values[0], (int)values[1]);
    }

    /// <summary>
    /// The padding of a convolution or pooling: <c>pads</c> [top, left, bottom, right] with each axis padded alike
    /// at both ends (or <c>auto_pad</c> VALID, none); StaticNet, as PyTorch's layers, has no other.
    /// </summary>
    private Axes Padding(OnnxNode node, string supported)
    {
        string autoPad = _nodes.String(node, "auto_pad", "NOTSET");
        if (autoPad == "VALID")
        {
            return Axes.Square(0);
        }

        if (autoPad != "NOTSET")
        {
            throw _nodes.Attribute(node, "auto_pad", "'" + autoPad + "'", "the import reads explicit pads (auto_pad NOTSET) or none (VALID)");
        }

        long[] pads = _nodes.Ints(node, "pads", new long[] { 0, 0, 0, 0 });
        if (pads is not [long top, long left, long bottom, long right] || top != bottom || left != right || top < 0 || left < 0 || top > int.MaxValue || left > int.MaxValue)
        {
            throw _nodes.Attribute(node, "pads", Ints(pads), supported + " (pads [h, w, h, w])");
        }

        return new Axes((int)top, (int)left);
    }

    /// <summary>A window's kernel as the declaration writes it: the positional kernel when square, <c>KernelHeight</c> and <c>KernelWidth</c> otherwise.</summary>
    private static void WindowKernel(ImportedLayer layer, Axes kernel)
    {
        if (kernel.IsSquare)
        {
            layer.Argument(Numbers.Format(kernel.Height));
            return;
        }

        layer.Setting("KernelHeight", Numbers.Format(kernel.Height)).Setting("KernelWidth", Numbers.Format(kernel.Width));
    }

    /// <summary>
    /// A window setting as the declaration writes it: nothing at the attribute's default, <c>Stride = 2</c> when the
    /// same along both axes, <c>StrideHeight = 2, StrideWidth = 1</c> otherwise.
    /// </summary>
    private static void WindowSetting(ImportedLayer layer, string setting, Axes value, Axes byDefault)
    {
        if (value == byDefault)
        {
            return;
        }

        if (value.IsSquare)
        {
            layer.Setting(setting, Numbers.Format(value.Height));
            return;
        }

        layer.Setting(setting + "Height", Numbers.Format(value.Height)).Setting(setting + "Width", Numbers.Format(value.Width));
    }

    private int Output(OnnxNode node, int size, int kernel, int stride, int padding, int dilation)
    {
        long output = ((size + (2L * padding) - ((long)dilation * (kernel - 1)) - 1) / stride) + 1;
        if (output > int.MaxValue)
        {
            throw _nodes.Node(node, $"pads its input of {size} by {padding}, more than StaticNet's buffers hold");
        }

        return output >= 1 && size + (2L * padding) >= ((long)dilation * (kernel - 1)) + 1
            ? (int)output
            : throw _nodes.Node(node, $"has a window of {kernel} (dilation {dilation}) along an axis, larger than its padded input of {size} + 2 x {padding} there");
    }

    /// <summary>The output size of a pooling; ceil_mode is read where it gives the same size as rounding down.</summary>
    private int PoolOutput(OnnxNode node, int size, int kernel, int stride, int padding)
    {
        int output = Output(node, size, kernel, stride, padding, 1);
        long ceilMode = _nodes.Int(node, "ceil_mode", 0);
        if (ceilMode != 0 && (size + (2 * padding) - kernel) % stride != 0)
        {
            throw _nodes.Attribute(node, "ceil_mode", Numbers.Format(ceilMode), $"StaticNet's pooling rounds the output size down; here rounding up gives {output + 1} instead of {output}");
        }

        return output;
    }

    private static float[] Transposed(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return result;
    }

    private static string Ints(long[] values) => "[" + string.Join(", ", values.Select(Numbers.Format)) + "]";
}
