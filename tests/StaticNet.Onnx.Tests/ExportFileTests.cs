using System;
using System.IO;
using StaticNet.Bench;
using Xunit;

namespace StaticNet.Onnx.Tests;

/// <summary>Writing the model file: atomically, and with errors that name the path.</summary>
public sealed class ExportFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "staticnet-onnx-" + Guid.NewGuid().ToString("N"));

    public ExportFileTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FileHoldsWhatTheStreamOverloadWrites()
    {
        var network = new Mlp(seed: 2);
        string path = Path.Combine(_directory, "mlp.onnx");
        network.ExportOnnx(path);
        var stream = new MemoryStream();
        network.ExportOnnx(stream);
        Assert.Equal(stream.ToArray(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void DirectoryAsPathIsRefusedByName()
    {
        IOException exception = Assert.Throws<IOException>(() => new Mlp().ExportOnnx(_directory));
        Assert.Contains(_directory, exception.Message, StringComparison.Ordinal);
        Assert.Contains("directory", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnwritablePathIsReportedByNameAndLeavesNothing()
    {
        // A file where the path needs a folder: no user, root included, can write there.
        string blocker = Path.Combine(_directory, "blocker");
        File.WriteAllText(blocker, "not a folder");
        string path = Path.Combine(blocker, "model.onnx");
        IOException exception = Assert.Throws<IOException>(() => new Mlp().ExportOnnx(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Single(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void InvalidPathIsReportedByName()
    {
        string path = Path.Combine(_directory, "bad\0name.onnx");
        ArgumentException exception = Assert.Throws<ArgumentException>(() => new Mlp().ExportOnnx(path));
        Assert.Contains("bad", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void FailedExportKeepsThePreviousFile()
    {
        string path = Path.Combine(_directory, "model.onnx");
        File.WriteAllText(path, "previous");
        Assert.Throws<ArgumentNullException>(() => new Mlp().ExportOnnx((Stream)null!));
        new Mlp(seed: 3).ExportOnnx(path);
        Assert.NotEqual("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_directory));
    }
}
