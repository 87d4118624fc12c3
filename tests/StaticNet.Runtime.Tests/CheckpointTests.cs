using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using System.Text.Json;
using StaticNet.Samples;
using Xunit;

namespace StaticNet.Tests;

public class CheckpointTests
{
    [Fact]
    public void SavedFileIsSafetensorsWithStateDictNamesAndShapes()
    {
        using var directory = new TempDirectory();
        var network = new LeNet5(seed: 3);
        network.Save(directory.File("lenet5.safetensors"));

        // Read the file with nothing but the format's definition: 8-byte length, JSON header, data.
        byte[] bytes = File.ReadAllBytes(directory.File("lenet5.safetensors"));
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        JsonElement weight = header.RootElement.GetProperty("conv2.weight");
        Assert.Equal("F32", weight.GetProperty("dtype").GetString());
        Assert.Equal(new[] { 16, 6, 5, 5 }, IntArray(weight.GetProperty("shape")));
        long begin = weight.GetProperty("data_offsets")[0].GetInt64();
        float first = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + headerLength + (int)begin));
        Assert.Equal(network.Parameters[LeNet5.Layers.Conv2.WeightOffset], first);
        Assert.Equal("LeNet5", header.RootElement.GetProperty("__metadata__").GetProperty("network").GetString());
        Assert.Equal(new[] { 10, 84 }, IntArray(header.RootElement.GetProperty("fc3.weight").GetProperty("shape")));
    }

    [Fact]
    public void SaveThenLoadRestoresEveryParameter()
    {
        using var directory = new TempDirectory();
        var original = new LeNet5(seed: 3);
        original.Save(directory.File("model.safetensors"), new System.Collections.Generic.Dictionary<string, string> { ["note"] = "kept" });
        var copy = new LeNet5(seed: 4);
        Assert.NotEqual(original.Parameters.ToArray(), copy.Parameters.ToArray());

        var metadata = copy.Load(directory.File("model.safetensors"));

        Assert.Equal(original.Parameters.ToArray(), copy.Parameters.ToArray());
        Assert.Equal("kept", metadata["note"]);
    }

    [Fact]
    public void LoadingAnotherArchitectureNamesTheTensorsAndLoadsNothing()
    {
        using var directory = new TempDirectory();
        new Networks.DenseReluNet(seed: 1).Save(directory.File("other.safetensors"));
        var network = new Networks.DenseSmoothNet(seed: 2);
        float[] before = network.Parameters.ToArray();

        var exception = Assert.Throws<InvalidDataException>(() => network.Load(directory.File("other.safetensors")));

        Assert.Contains("other.safetensors does not match network DenseSmoothNet; nothing was loaded", exception.Message);
        Assert.Contains("tensor 'fc1.weight' has shape [8, 6], expected [5, 7]", exception.Message);
        Assert.Contains("missing tensor 'fc3.bias', expected shape [4]", exception.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void TruncatedAndCorruptFilesAreRejectedWithTheirName()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        new Networks.DenseSmoothNet(seed: 1).Save(path);
        byte[] bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 4).ToArray());
        var truncated = Assert.Throws<InvalidDataException>(() => new Networks.DenseSmoothNet().Load(path));
        Assert.Contains(path, truncated.Message);
        Assert.Contains("outside the data section", truncated.Message);

        byte[] corrupt = (byte[])bytes.Clone();
        corrupt[9] = (byte)'!';
        File.WriteAllBytes(path, corrupt);
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => new Networks.DenseSmoothNet().Load(path)).Message);

        File.WriteAllBytes(path, new byte[5]);
        Assert.Contains("too short for the 8-byte header length", Assert.Throws<InvalidDataException>(() => new Networks.DenseSmoothNet().Load(path)).Message);
    }

    [Fact]
    public void ACrashDuringASaveLeavesThePreviousFileIntact()
    {
        using var directory = new TempDirectory();
        string path = directory.File("checkpoint.safetensors");
        File.WriteAllText(path, "previous checkpoint");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full");
        }));

        Assert.Equal("previous checkpoint", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void PartialLoadingTakesTheSelectedTensorsAndReportsTheRest()
    {
        // DenseReluNet and DenseReluOtherHeadNet share fc1 [8, 6] and differ in their head: fc2 [3, 8] without
        // bias against fc2 [5, 8] with one. Transfer everything but the head.
        using var directory = new TempDirectory();
        string path = directory.File("pretrained.safetensors");
        var pretrained = new Networks.DenseReluNet(seed: 1);
        pretrained.Save(path);
        var target = new Networks.DenseReluOtherHeadNet(seed: 2);
        float[] before = target.Parameters.ToArray();

        LoadReport report = target.LoadMatching(path, name => !name.StartsWith("fc2.", StringComparison.Ordinal));

        Assert.Equal(new[] { "fc1.weight", "fc1.bias" }, report.Loaded);
        Assert.Equal(new[] { new SkippedTensor("fc2.weight", "excluded by the filter") }, report.Skipped);
        Assert.Equal(new[] { "fc2.weight", "fc2.bias" }, report.NotLoaded);
        float[] weights = new float[48];
        pretrained.ReadTensor("fc1.weight", weights);
        float[] loaded = new float[48];
        target.ReadTensor("fc1.weight", loaded);
        Assert.Equal(weights, loaded);
        Assert.Equal(before.AsSpan(Networks.DenseReluOtherHeadNet.Layers.Fc2.WeightOffset).ToArray(), target.Parameters.Slice(Networks.DenseReluOtherHeadNet.Layers.Fc2.WeightOffset).ToArray());
        Assert.Contains("skipped 'fc2.weight': excluded by the filter", report.ToString());
        Assert.Contains("kept the network's own values for: fc2.weight, fc2.bias", report.ToString());
    }

    [Fact]
    public void PartialLoadingRefusesMismatchedShapesUnlessAskedToSkipThem()
    {
        using var directory = new TempDirectory();
        string path = directory.File("pretrained.safetensors");
        new Networks.DenseReluNet(seed: 1).Save(path);
        var target = new Networks.DenseReluOtherHeadNet(seed: 2);
        float[] before = target.Parameters.ToArray();

        var exception = Assert.Throws<InvalidDataException>(() => target.LoadMatching(path));
        Assert.Contains("pretrained.safetensors: selected tensors do not fit network DenseReluOtherHeadNet; nothing was loaded", exception.Message);
        Assert.Contains("tensor 'fc2.weight' has shape [3, 8] in the file, [5, 8] in the network", exception.Message);
        Assert.Equal(before, target.Parameters.ToArray());

        LoadReport report = target.LoadMatching(path, skipMismatchedShapes: true);
        Assert.Equal(new[] { "fc1.weight", "fc1.bias" }, report.Loaded);
        Assert.Equal("shape [3, 8] in the file, [5, 8] in the network", Assert.Single(report.Skipped).Reason);
    }

    [Fact]
    public void WeightsOfAnotherNetworkNameLoadByName()
    {
        // A file with an extra tensor the network lacks: reported, not an error.
        using var directory = new TempDirectory();
        string path = directory.File("extra.safetensors");
        var source = new Networks.DenseReluOtherHeadNet(seed: 1);
        source.Save(path);
        var target = new Networks.DenseReluNet(seed: 3);
        LoadReport report = target.LoadMatching(path, name => name.StartsWith("fc1.", StringComparison.Ordinal) || name == "fc2.bias");
        Assert.Equal(new[] { "fc1.weight", "fc1.bias" }, report.Loaded);
        Assert.Contains(new SkippedTensor("fc2.bias", "network DenseReluNet has no tensor of that name"), report.Skipped);
    }

    private static int[] IntArray(JsonElement array)
    {
        var values = new int[array.GetArrayLength()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = array[i].GetInt32();
        }

        return values;
    }
}
