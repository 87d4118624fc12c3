using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using StaticNet.Onnx;

namespace StaticNet;

/// <summary>
/// Exports a network as an ONNX model (opset 13) that ONNX Runtime, and anything else that reads
/// ONNX, runs in inference mode: the graph from <see cref="INetwork.LayerTable"/>, the current
/// parameters and running estimates as initializers under their <c>state_dict</c> names, a float
/// input named <c>input</c> and output named <c>output</c> whose first dimension is the symbolic
/// <c>batch</c>. See docs/onnx.md for the operator each layer becomes.
/// </summary>
public static class OnnxExport
{
    /// <summary>The name of the model's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the model's output.</summary>
    public const string OutputName = "output";

    /// <summary>
    /// Writes the network to <paramref name="path"/> as an ONNX model, atomically (see
    /// <see cref="AtomicFile"/>): a failure leaves any previous file intact.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written, or the path is a directory; the message names it.</exception>
    /// <exception cref="ArgumentException">The path is empty or not a valid path; the message names it.</exception>
    public static void ExportOnnx(this INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);

        // The whole model is built before the file is touched, so nothing is left behind when the graph cannot be exported.
        var model = new MemoryStream();
        network.ExportOnnx(model);
        if (Directory.Exists(path))
        {
            throw new IOException($"Cannot write the ONNX model of {network.Name} to {path}: it is a directory; give the path of a file such as {Path.Combine(path, network.Name + ".onnx")}.");
        }

        try
        {
            AtomicFile.Write(path, stream => model.WriteTo(stream));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new IOException($"Cannot write the ONNX model of {network.Name} to {Path.GetFullPath(path)}: {exception.Message}", exception);
        }
        catch (ArgumentException exception)
        {
            // A path the system refuses to parse (a NUL character): the message names it, as written.
            throw new ArgumentException($"Cannot write the ONNX model of {network.Name} to '{path}': {exception.Message}", nameof(path), exception);
        }
    }

    /// <summary>Writes the network to <paramref name="stream"/> as an ONNX model.</summary>
    public static void ExportOnnx(this INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        var exporter = new GraphBuilder(network);
        exporter.Build();
        IReadOnlyList<LayerInfo> layers = network.LayerTable;
        exporter.Model.Write(stream, ProducerVersion, InputName, ToArray(layers[0].InputShape), OutputName, ToArray(layers[layers.Count - 1].OutputShape));
    }

    private static string ProducerVersion =>
        typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExport).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static int[] ToArray(IReadOnlyList<int> values)
    {
        int[] array = new int[values.Count];
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = values[i];
        }

        return array;
    }

    /// <summary>Turns the layer table into ONNX nodes, one layer (or a few nodes for a composite activation) at a time.</summary>
    private sealed class GraphBuilder
    {
        private readonly INetwork _network;
        private readonly Dictionary<string, TensorInfo> _tensors = new(StringComparer.Ordinal);

        // The ONNX value that holds each layer's output, by layer name.
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal) { [LayerInfo.NetworkInput] = InputName };

        public GraphBuilder(INetwork network)
        {
            _network = network;
            Model = new OnnxModel(network.Name);
            foreach (TensorInfo tensor in network.Tensors)
            {
                _tensors[tensor.Name] = tensor;
            }
        }

        public OnnxModel Model { get; }

        public void Build()
        {
            IReadOnlyList<LayerInfo> layers = _network.LayerTable;
            if (layers.Count == 0)
            {
                throw new NotSupportedException($"Network {_network.Name} has no layer table to export.");
            }

            for (int i = 0; i < layers.Count; i++)
            {
                LayerInfo layer = layers[i];

                // The last layer writes the graph's output; the others write a value named after the layer
                // (layer names never hold '/', which the nodes of composite activations use).
                string output = i == layers.Count - 1 ? OutputName : layer.Name == OutputName ? layer.Name + "/output" : layer.Name;
                Export(layer, output);
                _values[layer.Name] = output;
            }
        }

        private void Export(LayerInfo layer, string y)
        {
            string x = Input(layer, 0);
            string name = layer.Name;
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    // Gemm computes x W^T + b with W as PyTorch stores it, [out, in]; the input is already [batch, in].
                    Model.Add("Gemm", name, y, WithOptional(x, Tensor(layer, "weight"), OptionalTensor(layer, "bias")), NodeAttribute.Int("transB", 1));
                    break;

                case LayerKind.Conv2D:
                    Model.Add(
                        "Conv",
                        name,
                        y,
                        WithOptional(x, Tensor(layer, "weight"), OptionalTensor(layer, "bias")),
                        NodeAttribute.Ints("kernel_shape", layer.KernelHeight, layer.KernelWidth),
                        NodeAttribute.Ints("strides", layer.StrideHeight, layer.StrideWidth),
                        Pads(layer),
                        NodeAttribute.Ints("dilations", layer.DilationHeight, layer.DilationWidth),
                        NodeAttribute.Int("group", 1));
                    break;

                case LayerKind.MaxPool2D:
                    // ONNX pads max pooling with values that never win, as PyTorch and StaticNet do.
                    Model.Add("MaxPool", name, y, new[] { x }, PoolAttributes(layer));
                    break;

                case LayerKind.AvgPool2D:
                    var attributes = new List<NodeAttribute>(PoolAttributes(layer)) { NodeAttribute.Int("count_include_pad", layer.CountIncludePad ? 1 : 0) };
                    Model.Add("AveragePool", name, y, new[] { x }, attributes.ToArray());
                    break;

                case LayerKind.GlobalAvgPool2D:
                    // GlobalAveragePool keeps [batch, C, 1, 1]; the layer's output is flat, [batch, C].
                    string pooled = Model.Add("GlobalAveragePool", name + "/pool", name + "/pooled", new[] { x });
                    Model.Add("Flatten", name, y, new[] { pooled }, NodeAttribute.Int("axis", 1));
                    break;

                case LayerKind.BatchNorm1D:
                case LayerKind.BatchNorm2D:
                    ExportBatchNorm(layer, x, y);
                    break;

                case LayerKind.Dropout:
                    // Dropout is the identity in inference, which is all an exported model does.
                    Model.Add("Identity", name, y, new[] { x });
                    break;

                case LayerKind.Add:
                    Model.Add("Add", name, y, new[] { x, Input(layer, 1) });
                    break;

                case LayerKind.Concat:
                    // Along axis 1: channels of [batch, C, H, W] images, features of [batch, F] vectors.
                    var joined = new string[layer.Inputs.Count];
                    for (int k = 0; k < joined.Length; k++)
                    {
                        joined[k] = Input(layer, k);
                    }

                    Model.Add("Concat", name, y, joined, NodeAttribute.Int("axis", 1));
                    break;

                case LayerKind.Flatten:
                    Model.Add("Flatten", name, y, new[] { x }, NodeAttribute.Int("axis", 1));
                    break;

                case LayerKind.ReLU:
                    Model.Add("Relu", name, y, new[] { x });
                    break;

                case LayerKind.Sigmoid:
                    Model.Add("Sigmoid", name, y, new[] { x });
                    break;

                case LayerKind.Tanh:
                    Model.Add("Tanh", name, y, new[] { x });
                    break;

                case LayerKind.LeakyReLU:
                    Model.Add("LeakyRelu", name, y, new[] { x }, NodeAttribute.Float("alpha", layer.Slope));
                    break;

                case LayerKind.ELU:
                    Model.Add("Elu", name, y, new[] { x }, NodeAttribute.Float("alpha", layer.Alpha));
                    break;

                case LayerKind.GELU:
                    // The exact form, x * (1 + erf(x / sqrt(2))) / 2: opset 13 has Erf but no Gelu.
                    string scaled = Model.Add("Mul", name + "/scale", name + "/scaled", new[] { x, Model.Scalar(name + "/inv_sqrt2", (float)(1 / Math.Sqrt(2))) });
                    string erf = Model.Add("Erf", name + "/erf", name + "/erf_out", new[] { scaled });
                    string onePlus = Model.Add("Add", name + "/one_plus", name + "/one_plus_out", new[] { erf, Model.Scalar(name + "/one", 1f) });
                    string times = Model.Add("Mul", name + "/times_x", name + "/times_x_out", new[] { x, onePlus });
                    Model.Add("Mul", name, y, new[] { times, Model.Scalar(name + "/half", 0.5f) });
                    break;

                case LayerKind.SiLU:
                    string sigmoid = Model.Add("Sigmoid", name + "/sigmoid", name + "/sigmoid_out", new[] { x });
                    Model.Add("Mul", name, y, new[] { x, sigmoid });
                    break;

                case LayerKind.Softplus:
                    ExportSoftplus(layer, x, y);
                    break;

                case LayerKind.Softmax:
                case LayerKind.LogSoftmax:
                    ExportSoftmax(layer, x, y);
                    break;

                default:
                    throw new NotSupportedException($"Layer '{layer.Name}' of network {_network.Name} is a {layer.Kind}, which the ONNX export does not know.");
            }
        }

        /// <summary>BatchNormalization in inference form, from the running estimates; a layer without affine parameters scales by 1 and shifts by 0.</summary>
        private void ExportBatchNorm(LayerInfo layer, string x, string y)
        {
            string name = layer.Name;
            int channels = layer.InputShape[0];
            string scale, bias;
            if (layer.Affine)
            {
                scale = Tensor(layer, "weight");
                bias = Tensor(layer, "bias");
            }
            else
            {
                scale = Model.Constant(name + "/ones", new long[] { channels }, Filled(channels, 1f));
                bias = Model.Constant(name + "/zeros", new long[] { channels }, Filled(channels, 0f));
            }

            Model.Add(
                "BatchNormalization",
                name,
                y,
                new[] { x, scale, bias, Tensor(layer, "running_mean"), Tensor(layer, "running_var") },
                NodeAttribute.Float("epsilon", layer.Epsilon),
                NodeAttribute.Float("momentum", 1 - layer.Momentum));
        }

        /// <summary>
        /// PyTorch's softplus with beta and threshold, as StaticNet computes it:
        /// <c>where(beta * x &gt; threshold, x, softplus(beta * x) / beta)</c>.
        /// </summary>
        private void ExportSoftplus(LayerInfo layer, string x, string y)
        {
            string name = layer.Name;
            string beta = Model.Scalar(name + "/beta", (float)layer.Beta);
            string scaled = Model.Add("Mul", name + "/scale", name + "/scaled", new[] { x, beta });
            string softplus = Model.Add("Softplus", name + "/softplus", name + "/softplus_out", new[] { scaled });
            string divided = Model.Add("Div", name + "/divide", name + "/divided", new[] { softplus, beta });
            string above = Model.Add("Greater", name + "/above", name + "/above_threshold", new[] { scaled, Model.Scalar(name + "/threshold", (float)layer.Threshold) });
            Model.Add("Where", name, y, new[] { above, x, divided });
        }

        /// <summary>Softmax over each sample's values: axis 1 of [batch, features]; an image is flattened first and reshaped back after.</summary>
        private void ExportSoftmax(LayerInfo layer, string x, string y)
        {
            string name = layer.Name;
            string op = layer.Kind == LayerKind.Softmax ? "Softmax" : "LogSoftmax";
            if (layer.InputShape.Count == 1)
            {
                Model.Add(op, name, y, new[] { x }, NodeAttribute.Int("axis", 1));
                return;
            }

            string flat = Model.Add("Flatten", name + "/flatten", name + "/flat", new[] { x }, NodeAttribute.Int("axis", 1));
            string normalised = Model.Add(op, name + "/" + op, name + "/normalised", new[] { flat }, NodeAttribute.Int("axis", 1));
            long[] shape = new long[layer.OutputShape.Count + 1];
            shape[0] = -1;
            for (int i = 0; i < layer.OutputShape.Count; i++)
            {
                shape[i + 1] = layer.OutputShape[i];
            }

            Model.Add("Reshape", name, y, new[] { normalised, Model.Int64Vector(name + "/shape", shape) });
        }

        private static NodeAttribute[] PoolAttributes(LayerInfo layer) => new[]
        {
            NodeAttribute.Ints("kernel_shape", layer.KernelHeight, layer.KernelWidth),
            NodeAttribute.Ints("strides", layer.StrideHeight, layer.StrideWidth),
            Pads(layer),
        };

        /// <summary>ONNX's pads, the beginnings of the axes then their ends: [top, left, bottom, right], each axis padded alike at both ends.</summary>
        private static NodeAttribute Pads(LayerInfo layer) =>
            NodeAttribute.Ints("pads", layer.PaddingHeight, layer.PaddingWidth, layer.PaddingHeight, layer.PaddingWidth);

        /// <summary>The ONNX value a layer reads as its input number <paramref name="index"/>.</summary>
        private string Input(LayerInfo layer, int index)
        {
            if (index >= layer.Inputs.Count)
            {
                throw new InvalidOperationException($"Layer '{layer.Name}' ({layer.Kind}) of network {_network.Name} has {layer.Inputs.Count} input(s) in its layer table; the ONNX export needs {index + 1}.");
            }

            string producer = layer.Inputs[index];
            return _values.TryGetValue(producer, out string? value)
                ? value
                : throw new InvalidOperationException($"Layer '{layer.Name}' of network {_network.Name} reads '{producer}', which no earlier layer produces.");
        }

        /// <summary>The layer's tensor of the given role as an initializer named as in the <c>state_dict</c>.</summary>
        private string Tensor(LayerInfo layer, string role) =>
            OptionalTensor(layer, role) ?? throw new InvalidOperationException($"Layer '{layer.Name}' ({layer.Kind}) of network {_network.Name} has no '{role}' tensor, which its ONNX operator needs.");

        private string? OptionalTensor(LayerInfo layer, string role)
        {
            if (layer.FindTensor(role) is not { } name)
            {
                return null;
            }

            TensorInfo info = _tensors[name];
            float[] values = new float[info.Length];
            _network.ReadTensor(name, values);
            long[] dimensions = new long[info.Shape.Count];
            for (int i = 0; i < dimensions.Length; i++)
            {
                dimensions[i] = info.Shape[i];
            }

            return Model.Constant(name, dimensions, values);
        }

        /// <summary>The node inputs, leaving out an optional last one that is absent (a layer without bias).</summary>
        private static string[] WithOptional(string x, string weight, string? bias) => bias is null ? new[] { x, weight } : new[] { x, weight, bias };

        private static float[] Filled(int length, float value)
        {
            float[] values = new float[length];
            Array.Fill(values, value);
            return values;
        }
    }
}
