using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tool.Import;
using StaticNet.Tool.Onnx;
using Xunit;

namespace StaticNet.Import.Tests;

/// <summary>How imported layers and classes are named; that the names compile is checked by every import test.</summary>
public sealed class LayerNamingTests
{
    [Theory]
    [InlineData("conv1.weight", "weight", "conv1")]
    [InlineData("features.0.weight", "weight", "features.0")]
    [InlineData("layer1.0.bn1.running_var", "running_var", "layer1.0.bn1")]
    [InlineData("onnx::Conv_42", "weight", null)]
    [InlineData("fc.weight", "bias", null)]
    [InlineData(".weight", "weight", null)]
    [InlineData("a..weight", "weight", null)]
    public void State_dict_prefix_of_a_tensor_name(string tensor, string role, string? prefix)
    {
        Assert.Equal(prefix, LayerNaming.TensorPrefix(tensor, role));
    }

    /// <summary>A batch norm whose weight PyTorch stored once for two layers is named by its other tensors.</summary>
    [Fact]
    public void Layer_prefix_is_the_one_most_of_its_tensors_share()
    {
        Assert.Equal("layer1.1.bn1", LayerNaming.CommonPrefix(("layer1.0.bn1.weight", "weight"), ("layer1.1.bn1.bias", "bias"), ("layer1.1.bn1.running_mean", "running_mean"), ("onnx::X", "running_var")));
        Assert.Equal("conv1", LayerNaming.CommonPrefix(("conv1.weight", "weight"), ("conv2.bias", "bias")));
        Assert.Equal("fc", LayerNaming.CommonPrefix(("onnx::MatMul_4", "weight"), ("fc.bias", "bias")));
        Assert.Null(LayerNaming.CommonPrefix(("onnx::Conv_1", "weight"), (null, "bias")));
    }

    [Fact]
    public void Layers_are_named_after_tensors_then_nodes_then_by_default()
    {
        var layers = new List<ImportedLayer>
        {
            Layer(LayerKind.Conv2D, "/features/features.0/Conv", "Conv", prefix: "features.0"),   // from its tensors
            Layer(LayerKind.ReLU, "/features/features.1/Relu", "Relu"),                         // from the module in the node's name
            Layer(LayerKind.ReLU, "/Relu", "Relu"),                                             // the operator alone: the default, relu2
            Layer(LayerKind.Conv2D, "/0/Conv", "Conv"),                                         // a name must start with a letter
            Layer(LayerKind.Dense, "fc", "Gemm", prefix: "input"),                              // the network input's name
            Layer(LayerKind.ReLU, "channels", "Relu"),                                          // Layers.Channels would clash with its member
            Layer(LayerKind.Dense, "/head/Gemm", "Gemm"),
            Layer(LayerKind.Dense, "/head/Gemm_1", "Gemm"),                                     // the same module twice
            Layer(LayerKind.Conv2D, "conv4", "Conv"),                                           // a node named like another layer's default
            Layer(LayerKind.Conv2D, "Conv_7", "Conv"),                                          // the fourth convolution: default conv4, taken: conv4_2
            Layer(LayerKind.ReLU, "/layer1/layer1.0/relu/Relu", "Relu"),                         // the module's path, each scope extending the one before
            Layer(LayerKind.BatchNorm2D, "/layer1/layer1.0/bn1/BatchNormalization", "BatchNormalization", prefix: "layer1.0.bn1"),
            Layer(LayerKind.BatchNorm2D, "/layer1/layer1.1/bn1/BatchNormalization", "BatchNormalization", prefix: "layer1.0.bn1"), // tensors stored once
        };

        LayerNaming.Assign(layers);

        Assert.Equal(
            new[] { "features_0", "features_1", "relu2", "conv_0", "input_layer", "channels_layer", "head", "head_2", "conv4", "conv4_2", "layer1_0_relu", "layer1_0_bn1", "layer1_1_bn1" },
            layers.Select(l => l.Name));
        Assert.Equal(new[] { true, true, false, true, true, true, true, true, true, true, true, true, true }, layers.Select(l => l.NeedsName));
    }

    [Theory]
    [InlineData("lenet5.onnx", "Lenet5")]
    [InlineData("/models/resnet18-v2.onnx", "Resnet18V2")]
    [InlineData("batchnorm_cnn.onnx", "BatchnormCnn")]
    [InlineData("3d-net.onnx", "Model3dNet")]
    [InlineData("---.onnx", "ImportedNetwork")]
    public void Class_is_named_after_the_file(string path, string name)
    {
        Assert.Equal(name, ModelImporter.ClassNameFor(path));
    }

    private static ImportedLayer Layer(LayerKind kind, string node, string op, string? prefix = null) =>
        new(kind, new OnnxNode(node, op, string.Empty, Array.Empty<string>(), new[] { node + "_out" }, new Dictionary<string, OnnxAttribute>()), Array.Empty<ImportedLayer?>(), new[] { 1 })
        {
            TensorPrefix = prefix,
        };
}
