using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNet.Tool.Import;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Import.Tests;

/// <summary>
/// Models exported by torch.onnx.export (and a few written node by node with onnx.helper) are imported;
/// each declaration compiles with the generator without a single diagnostic, loads the weights file
/// the import wrote, and predicts what PyTorch computes for 100 Fashion-MNIST test images.
/// </summary>
[Collection(PyTorchModelsCollection.Name)]
public sealed class PyTorchImportTests(PyTorchModels models, ITestOutputHelper output)
{
    /// <summary>The models python/export_models.py writes with PyTorch's outputs (MODELS, then HANDMADE).</summary>
    private static readonly string[] ModelNames =
    {
        "lenet5", "lenet5-fixed-batch", "batchnorm-cnn", "batchnorm-cnn-preserve", "resnet", "resnet-folded", "inception", "activations",
        "nested-blocks", "lenet5-opset9", "inception-opset10", "activations-opset11", "resnet-opset12", "rectangular-windows",
        "opset11", "dropout-and-shapes", "pooled-image", "gelu-opset20",
    };

    public static TheoryData<string> Names => new(ModelNames);

    [Fact]
    public void Every_model_the_script_exports_is_tested()
    {
        models.ThrowIfFailed();
        Assert.Equal(ModelNames.Order(), models.Exported.Order());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Imported_model_predicts_what_PyTorch_computes(string name)
    {
        string path = models.Model(name);
        ImportResult result = ModelImporter.Import(path, new ImportOptions());
        string directory = Path.Combine(models.Directory, "imported", name);
        (string declaration, string weights) = ModelImporter.Write(result, directory, overwrite: true);
        output.WriteLine(File.ReadAllText(declaration));

        INetwork network = NetworkCompiler.CreateNetwork(File.ReadAllText(declaration), result.ClassName);
        network.Load(weights);
        SafeTensor expected = models.Outputs(name);
        Assert.Equal(expected.Shape[1], network.OutputLength);
        float[] found = new float[PyTorchModels.ImageCount * network.OutputLength];
        network.Predict(models.Images, found, PyTorchModels.ImageCount);

        double largest = OutputComparison.AssertClose("PyTorch " + name, expected.Values, found, network.OutputLength);
        output.WriteLine($"largest difference from PyTorch: {largest:E2}");
    }

    /// <summary>PyTorch's LeNet-5 becomes the README's declaration, layer for layer, with the same default names.</summary>
    [Fact]
    public void LeNet5_from_PyTorch_has_the_layers_of_the_README_declaration()
    {
        ImportResult result = ModelImporter.Import(models.Model("lenet5"), new ImportOptions(ClassName: "LeNet5"));
        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "networks", "LeNet5.cs"));

        INetwork imported = NetworkCompiler.CreateNetwork(result.Declaration, "LeNet5");
        INetwork declared = NetworkCompiler.CreateNetwork(readme, "StaticNet.Samples.LeNet5");

        LayerTables.AssertSame(declared.LayerTable, imported.LayerTable);
        Assert.DoesNotContain("Name =", result.Declaration, StringComparison.Ordinal);
    }

    /// <summary>The export keeps batch normalisation as nodes or folds it into the convolutions; either way the layers are what the model computes.</summary>
    [Fact]
    public void Batch_normalisation_is_imported_as_exported()
    {
        IReadOnlyList<ImportedLayer> preserved = ModelImporter.Import(models.Model("batchnorm-cnn-preserve"), new ImportOptions()).Network.Layers;
        IReadOnlyList<ImportedLayer> folded = ModelImporter.Import(models.Model("batchnorm-cnn"), new ImportOptions()).Network.Layers;

        Assert.Equal(3, preserved.Count(l => l.Kind == LayerKind.BatchNorm2D));
        Assert.Equal(new[] { "conv1", "bn1", "conv2", "bn2", "conv3", "bn3" }, preserved.Where(l => l.Kind is LayerKind.Conv2D or LayerKind.BatchNorm2D).Select(l => l.Name));
        Assert.DoesNotContain(folded, l => l.Kind == LayerKind.BatchNorm2D);
        Assert.All(folded.Where(l => l.Kind == LayerKind.Conv2D), conv => Assert.Contains(conv.Tensors, t => t.Role == "bias"));
    }

    /// <summary>The residual joins name the layers they add, and the projection branch starts From the block's input.</summary>
    [Fact]
    public void Residual_network_declares_its_joins_and_branches()
    {
        string declaration = ModelImporter.Import(models.Model("resnet"), new ImportOptions()).Declaration;

        Assert.Contains("[Conv2D(32, 3, Padding = 1, Bias = false), BatchNorm2D(Name = \"block1_main\")]", declaration, StringComparison.Ordinal);
        Assert.Contains("[Add(\"pool1\"), ReLU]", declaration, StringComparison.Ordinal);
        Assert.Contains("[Conv2D(48, 1, Stride = 2, Bias = false, From = \"relu3\"), BatchNorm2D(Name = \"block2_shortcut\")]", declaration, StringComparison.Ordinal);
        Assert.Contains("[Add(\"block2_main\"), ReLU]", declaration, StringComparison.Ordinal);
    }

    [Fact]
    public void Inception_block_joins_its_branches_in_the_order_of_torch_cat()
    {
        IReadOnlyList<ImportedLayer> layers = ModelImporter.Import(models.Model("inception"), new ImportOptions()).Network.Layers;

        ImportedLayer concat = Assert.Single(layers, l => l.Kind == LayerKind.Concat);
        Assert.Equal(new[] { "relu2", "relu3", "relu4", "branch4" }, concat.Inputs.Select(l => l!.Name));
        Assert.Equal(new[] { 16, 14, 14 }, concat.OutputShape);
    }

    /// <summary>
    /// Layers in nested modules are named by their module's path, also the second block's batch norm, whose
    /// untrained weight and bias PyTorch stores once, under the first block's names.
    /// </summary>
    [Fact]
    public void Nested_modules_name_their_layers_by_path()
    {
        string declaration = ModelImporter.Import(models.Model("nested-blocks"), new ImportOptions()).Declaration;

        Assert.Contains("[Conv2D(4, 3, Padding = 1, Bias = false, Name = \"layer1_0_conv1\"), BatchNorm2D(Name = \"layer1_0_bn1\")]", declaration, StringComparison.Ordinal);
        Assert.Contains("[Add(\"stem\", Name = \"layer1_0\"), ReLU(Name = \"layer1_0_relu\")]", declaration, StringComparison.Ordinal);
        Assert.Contains("[Conv2D(4, 3, Padding = 1, Bias = false, Name = \"layer1_1_conv1\"), BatchNorm2D(Name = \"layer1_1_bn1\")]", declaration, StringComparison.Ordinal);
        Assert.Contains("[Add(\"layer1_0_relu\", Name = \"layer1_1\"), ReLU(Name = \"layer1_1_relu\")]", declaration, StringComparison.Ordinal);
    }

    /// <summary>Global average pooling whose [C, 1, 1] output is read as an image is an average pooling over the whole image, then flattened.</summary>
    [Fact]
    public void Global_pooling_read_as_an_image_stays_an_image()
    {
        IReadOnlyList<ImportedLayer> layers = ModelImporter.Import(models.Model("pooled-image"), new ImportOptions()).Network.Layers;

        Assert.Equal(
            new[] { LayerKind.Conv2D, LayerKind.LeakyReLU, LayerKind.AvgPool2D, LayerKind.Sigmoid, LayerKind.Flatten, LayerKind.Dense, LayerKind.LogSoftmax },
            layers.Select(l => l.Kind));
        Assert.Equal(new[] { 5, 1, 1 }, layers[2].OutputShape);
    }

    /// <summary>The options of the command: another class name and a namespace, in a declaration that still compiles.</summary>
    [Fact]
    public void Class_name_and_namespace_are_the_options_given()
    {
        ImportResult result = ModelImporter.Import(models.Model("opset11"), new ImportOptions(ClassName: "SmallNet", Namespace: "Models.Imported"));

        Assert.Contains("namespace Models.Imported;", result.Declaration, StringComparison.Ordinal);
        Assert.Equal("SmallNet.safetensors", result.WeightsFile);
        INetwork network = NetworkCompiler.CreateNetwork(result.Declaration, "Models.Imported.SmallNet");
        Assert.Equal("SmallNet", network.Name);
    }
}
