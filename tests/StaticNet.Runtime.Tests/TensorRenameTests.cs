using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNet.Samples;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Weights saved under other names (PyTorch's <c>nn.Sequential</c> numbers its layers:
/// <c>features.0.weight</c>) load through a rename; a file that fits nothing, or a PyTorch file that is
/// not safetensors, is refused with a message that says what to do.
/// </summary>
public class TensorRenameTests
{
    /// <summary>How nn.Sequential would name LeNet-5's tensors, with the rename back to StaticNet's names.</summary>
    private static readonly (string From, string To)[] SequentialNames =
    {
        ("features.0.", "conv1."), ("features.3.", "conv2."), ("classifier.0.", "fc1."), ("classifier.2.", "fc2."), ("classifier.4.", "fc3."),
    };

    [Fact]
    public void MapRenamesExactNamesAndPrefixesTheLongestFirst()
    {
        Func<string, string?> rename = TensorRenames.Map(("features.", "f."), ("features.3.", "conv2."), ("head.weight", "fc.weight"));

        Assert.Equal("conv2.weight", rename("features.3.weight"));
        Assert.Equal("f.0.bias", rename("features.0.bias"));
        Assert.Equal("fc.weight", rename("head.weight"));
        Assert.Equal("head.bias", rename("head.bias"));
        Assert.Equal("other", rename("other"));

        // A pair without a trailing '.' is a whole name, not a prefix.
        Assert.Equal("head.weightx", rename("head.weightx"));
    }

    [Fact]
    public void MapRefusesEmptyAndRepeatedNames()
    {
        Assert.Contains("non-empty From", Assert.Throws<ArgumentException>(() => TensorRenames.Map(("", "x."))).Message);
        Assert.Contains("'a.' is renamed twice: to 'b.' and to 'c.'", Assert.Throws<ArgumentException>(() => TensorRenames.Map(("a.", "b."), ("a.", "c."))).Message);
    }

    [Fact]
    public void LoadWithARenameReadsSequentialNames()
    {
        using var directory = new TempDirectory();
        var original = new LeNet5(seed: 3);
        string path = WriteUnderSequentialNames(original, directory.File("sequential.safetensors"));
        var copy = new LeNet5(seed: 4);

        // Without the rename, the names do not fit, and nothing is loaded.
        float[] before = copy.Parameters.ToArray();
        var refused = Assert.Throws<InvalidDataException>(() => copy.Load(path));
        Assert.Contains("missing tensor 'conv1.weight'", refused.Message);
        Assert.Contains("unexpected tensor 'features.0.weight'", refused.Message);
        Assert.Equal(before, copy.Parameters.ToArray());

        copy.Load(path, TensorRenames.Map(SequentialNames));
        Assert.Equal(original.Parameters.ToArray(), copy.Parameters.ToArray());
    }

    [Fact]
    public void LoadMatchingRenamesFirstAndReportsWhatTheRenameLeftOut()
    {
        using var directory = new TempDirectory();
        var original = new LeNet5(seed: 3);
        string path = WriteUnderSequentialNames(original, directory.File("sequential.safetensors"));
        var copy = new LeNet5(seed: 4);
        Func<string, string?> toStaticNet = TensorRenames.Map(SequentialNames);

        // The classifier's last layer left out by the rename, as for a new head.
        LoadReport report = copy.LoadMatching(path, rename: name => name.StartsWith("classifier.4.", StringComparison.Ordinal) ? null : toStaticNet(name));

        Assert.Equal(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, report.Loaded);
        Assert.Equal(new[] { "classifier.4.weight", "classifier.4.bias" }, report.Skipped.Select(s => s.Name));
        Assert.All(report.Skipped, s => Assert.Equal("left out by the rename", s.Reason));
        Assert.Equal(new[] { "fc3.weight", "fc3.bias" }, report.NotLoaded);
        Assert.Equal(original.Parameters.Slice(0, LeNet5.Layers.Fc3.WeightOffset).ToArray(), copy.Parameters.Slice(0, LeNet5.Layers.Fc3.WeightOffset).ToArray());
    }

    [Fact]
    public void LoadMatchingThatFitsNothingSaysSoAndLoadsNothing()
    {
        using var directory = new TempDirectory();
        string path = WriteUnderSequentialNames(new LeNet5(seed: 3), directory.File("sequential.safetensors"));
        var copy = new LeNet5(seed: 4);
        float[] before = copy.Parameters.ToArray();

        var exception = Assert.Throws<InvalidDataException>(() => copy.LoadMatching(path));

        Assert.Contains("no tensor of the file fits network LeNet5, so nothing was loaded", exception.Message);
        Assert.Contains("The file has 'features.0.weight'", exception.Message);
        Assert.Contains("the network has 'conv1.weight'", exception.Message);
        Assert.Contains("pass rename:", exception.Message);
        Assert.Equal(before, copy.Parameters.ToArray());
    }

    [Fact]
    public void ARenameThatGivesTwoTensorsOneNameIsRefused()
    {
        using var directory = new TempDirectory();
        string path = WriteUnderSequentialNames(new LeNet5(seed: 3), directory.File("sequential.safetensors"));
        var copy = new LeNet5(seed: 4);
        float[] before = copy.Parameters.ToArray();

        var exception = Assert.Throws<InvalidDataException>(() => copy.Load(path, name => "conv1.weight"));

        Assert.Contains("the rename gives tensors 'features.0.weight' and 'features.0.bias' the same name 'conv1.weight'; nothing was loaded", exception.Message);
        Assert.Equal(before, copy.Parameters.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 8, 0, 0, 0 }, "is a zip archive, as torch.save writes it (.pt, .pth), not a safetensors file")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8 }, "is a Python pickle, as older versions of torch.save write it (.pt, .pth), not a safetensors file")]
    public void APyTorchFileIsNamedForWhatItIsWithTheWayToConvertIt(byte[] start, string expected)
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.pt");
        File.WriteAllBytes(path, start.Concat(new byte[200]).ToArray());

        var exception = Assert.Throws<InvalidDataException>(() => new LeNet5(seed: 1).Load(path));

        Assert.Contains(path + " " + expected, exception.Message);
        Assert.Contains("scripts/torch_to_safetensors.py", exception.Message);
    }

    /// <summary>Writes <paramref name="network"/>'s tensors under the names nn.Sequential would give them.</summary>
    private static string WriteUnderSequentialNames(LeNet5 network, string path)
    {
        var fromStaticNet = SequentialNames.ToDictionary(pair => pair.To, pair => pair.From);
        var tensors = new List<SafeTensor>();
        foreach (TensorInfo info in network.Tensors)
        {
            var values = new float[info.Length];
            network.ReadTensor(info.Name, values);
            string layer = info.Name.Substring(0, info.Name.IndexOf('.') + 1);
            tensors.Add(new SafeTensor(fromStaticNet[layer] + info.Name.Substring(layer.Length), info.Shape.ToArray(), values));
        }

        SafeTensors.Write(path, tensors, new Dictionary<string, string>());
        return path;
    }
}
