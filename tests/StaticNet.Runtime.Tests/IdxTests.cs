using System;
using System.IO;
using System.IO.Compression;
using Xunit;

namespace StaticNet.Tests;

public class IdxTests
{
    /// <summary>An IDX file of unsigned bytes, written by hand: magic 00 00 08 rank, big-endian sizes, data.</summary>
    private static byte[] Idx(int[] dimensions, byte[] data)
    {
        var stream = new MemoryStream();
        stream.Write(new byte[] { 0, 0, 0x08, (byte)dimensions.Length });
        foreach (int size in dimensions)
        {
            stream.Write(new[] { (byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size });
        }

        stream.Write(data);
        return stream.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsImagesAndLabelsRawOrGzipped(bool gzipped)
    {
        using var directory = new TempDirectory();
        byte[] pixels = { 0, 255, 51, 102, 0, 0, 0, 255 };
        byte[] images = Idx(new[] { 2, 2, 2 }, pixels), labels = Idx(new[] { 2 }, new byte[] { 7, 3 });
        File.WriteAllBytes(directory.File("images"), gzipped ? Gzip(images) : images);
        File.WriteAllBytes(directory.File("labels"), gzipped ? Gzip(labels) : labels);

        Dataset data = IdxDataset.Load(directory.File("images"), directory.File("labels"));

        Assert.Equal(2, data.Count);
        Assert.Equal(new[] { 1, 2, 2 }, data.SampleShape);
        Assert.Equal(new[] { 0f, 1f, 0.2f, 0.4f }, data.Sample(0).ToArray());
        Assert.Equal(new[] { 7, 3 }, data.Labels);
    }

    [Fact]
    public void RejectsAFileWithoutTheIdxMagic()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("bad"), new byte[] { 0x50, 0x4B, 3, 4, 0, 0, 0, 0 });
        var exception = Assert.Throws<InvalidDataException>(() => IdxFile.Read(directory.File("bad")));
        Assert.Contains(directory.File("bad"), exception.Message);
        Assert.Contains("starts with 50 4B 03 04", exception.Message);
    }

    [Fact]
    public void RejectsATruncatedFile()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("short"), Idx(new[] { 3, 2, 2 }, new byte[10]));
        var exception = Assert.Throws<InvalidDataException>(() => IdxFile.Read(directory.File("short")));
        Assert.Contains("need 12 bytes of data, but the file holds 10", exception.Message);
    }

    [Fact]
    public void RejectsImagesAndLabelsOfDifferentCounts()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("images"), Idx(new[] { 2, 1, 1 }, new byte[2]));
        File.WriteAllBytes(directory.File("labels"), Idx(new[] { 3 }, new byte[3]));
        var exception = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(directory.File("images"), directory.File("labels")));
        Assert.Contains("holds 2 images", exception.Message);
        Assert.Contains("holds 3 labels", exception.Message);
    }

    [Fact]
    public void RejectsALabelOutsideTheClasses()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(directory.File("images"), Idx(new[] { 2, 1, 1 }, new byte[2]));
        File.WriteAllBytes(directory.File("labels"), Idx(new[] { 2 }, new byte[] { 1, 12 }));
        var exception = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(directory.File("images"), directory.File("labels")));
        Assert.Contains("label 1 is 12", exception.Message);
    }

    [Fact]
    public void NamesAMissingFile()
    {
        var exception = Assert.Throws<FileNotFoundException>(() => IdxFile.Read("/nonexistent/train-images-idx3-ubyte.gz"));
        Assert.Contains("/nonexistent/train-images-idx3-ubyte.gz", exception.Message);
        Assert.Contains("dataset-fashion-mnist", exception.Message);
        Assert.Contains("/usr/share/datasets/fashion-mnist", exception.Message);
    }

    [Fact]
    public void AMissingRelativePathIsNamedWithTheDirectoryItWasLookedForIn()
    {
        var exception = Assert.Throws<FileNotFoundException>(() => IdxDataset.Load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"));
        Assert.Contains(Path.Combine(Directory.GetCurrentDirectory(), "train-images-idx3-ubyte.gz"), exception.Message);
        Assert.Contains("taken from the current directory", exception.Message);
    }

    [Fact]
    public void DimensionsWhoseProductOverflowsAreRefusedByTheFileReader()
    {
        // 65536^4 = 2^64 wraps a 64-bit product to 0, which matched the empty data section.
        using var directory = new TempDirectory();
        string path = directory.File("overflow-idx4-ubyte");
        File.WriteAllBytes(path, Idx(new[] { 65536, 65536, 65536, 65536 }, Array.Empty<byte>()));

        var exception = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: dimensions [65536, 65536, 65536, 65536] need more than 2147483647 bytes of data, but the file holds 0.", exception.Message);
    }

    [Fact]
    public void ImagesWithoutPixelsAreRefusedNamingTheFile()
    {
        using var directory = new TempDirectory();
        string images = directory.File("images-idx3-ubyte"), labels = directory.File("labels-idx1-ubyte");
        File.WriteAllBytes(images, Idx(new[] { 2, 0, 28 }, Array.Empty<byte>()));
        File.WriteAllBytes(labels, Idx(new[] { 2 }, new byte[2]));

        var exception = Assert.Throws<InvalidDataException>(() => IdxDataset.Load(images, labels));

        Assert.Equal($"{images}: images of shape [2, 0, 28] hold no pixels; expected at least one image of at least 1x1.", exception.Message);
    }
}
