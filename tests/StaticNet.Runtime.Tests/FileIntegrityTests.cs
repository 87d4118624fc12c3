using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Damaged files are refused with the file's name and what was expected and found, and leave what they
/// were loaded into as it was; saves leave no temporary files behind.
/// </summary>
public class FileIntegrityTests
{
    private static readonly (string Name, int[] Shape)[] DenseReluTensors =
    {
        ("fc1.weight", new[] { 8, 6 }), ("fc1.bias", new[] { 8 }), ("fc2.weight", new[] { 3, 8 }),
    };

    private static byte[] DenseReluData(float scale)
    {
        var values = new float[(8 * 6) + 8 + (3 * 8)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = scale * (i + 1);
        }

        return SafeTensorsBytes.Floats(values);
    }

    private static InvalidDataException RefusedByNetwork(string path, params string[] expected)
    {
        var network = new DenseReluNet(seed: 5);
        float[] before = network.Parameters.ToArray();
        var exception = Assert.Throws<InvalidDataException>(() => network.Load(path));
        Assert.Contains(path, exception.Message);
        foreach (string text in expected)
        {
            Assert.Contains(text, exception.Message);
        }

        Assert.Equal(before, network.Parameters.ToArray());
        return exception;
    }

    [Fact]
    public void AHeaderLengthOneShortIsRefusedInsteadOfShiftingEveryValue()
    {
        using var directory = new TempDirectory();
        string path = directory.File("shifted.safetensors");
        byte[] file = SafeTensorsBytes.Build(SafeTensorsBytes.Header(DenseReluTensors) + " ", DenseReluData(0.01f));
        (byte[] header, _) = SafeTensorsBytes.Split(file);
        File.WriteAllBytes(path, SafeTensorsBytes.WithLengthField(file, (ulong)header.Length - 1));

        RefusedByNetwork(path, "the data section holds 321 bytes", "1 bytes follow the last tensor");
    }

    [Fact]
    public void ShortHeaderLengthsAreRefusedByEveryLoader()
    {
        using var directory = new TempDirectory();
        string weights = directory.File("weights.safetensors"), state = directory.File("adam.safetensors");
        var network = new DenseReluNet(seed: 5);
        network.Save(weights);
        var adam = new Adam(1e-2);
        adam.Step(network.Parameters, network.Parameters.ToArray(), network.TrainableRanges.ToArray());
        adam.SaveState(state);
        (Trainer<DenseReluNetFour> trainer, string resume) = TrainedCheckpoint(directory);
        foreach (string path in new[] { weights, state, resume })
        {
            byte[] file = SafeTensorsBytes.WithoutChecksums(File.ReadAllBytes(path));
            (byte[] header, _) = SafeTensorsBytes.Split(file);
            File.WriteAllBytes(path, SafeTensorsBytes.WithLengthField(file, (ulong)header.Length - 1));
        }

        RefusedByNetwork(weights, "bytes follow the last tensor");
        OptimizerState before = adam.ExportState();
        Assert.Contains(state, Assert.Throws<InvalidDataException>(() => adam.LoadState(state)).Message);
        Assert.Equal(before.StepCount, adam.ExportState().StepCount);
        float[] parameters = trainer.Network.Parameters.ToArray();
        Assert.Contains(resume, Assert.Throws<InvalidDataException>(() => trainer.Resume(resume, ResumeData)).Message);
        Assert.Equal(parameters, trainer.Network.Parameters.ToArray());
    }

    private static readonly Dataset ResumeData = TrainerTests.Blobs(24, 7);

    /// <summary>A resume checkpoint of one epoch of DenseReluNetFour, and a new trainer with the same settings.</summary>
    internal static (Trainer<DenseReluNetFour> Trainer, string Path) TrainedCheckpoint(TempDirectory directory)
    {
        Trainer<DenseReluNetFour> Create(CheckpointSettings? checkpoints) => new(new DenseReluNetFour(seed: 3, batchCapacity: 8), new Adam(1e-2), Losses.SoftmaxCrossEntropy)
        {
            BatchSize = 8,
            Epochs = 1,
            Seed = 2,
            Checkpoints = checkpoints,
        };

        Create(new CheckpointSettings(directory.File("run"))).Fit(ResumeData);
        return (Create(null), Path.Combine(directory.File("run"), "resume.safetensors"));
    }

    [Fact]
    public void TrailingBytesGapsAndOffsetsNotFromZeroAreRefused()
    {
        using var directory = new TempDirectory();
        string path = directory.File("layout.safetensors");
        byte[] data = DenseReluData(0.01f);

        File.WriteAllBytes(path, SafeTensorsBytes.Build(SafeTensorsBytes.Header(DenseReluTensors), data.Concat(new byte[] { 0, 0, 0, 0 }).ToArray()));
        RefusedByNetwork(path, "4 bytes follow the last tensor");

        string gap = SafeTensorsBytes.Header(DenseReluTensors).Replace("[192,224]", "[196,228]").Replace("[224,320]", "[228,324]");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(gap, data.Concat(new byte[4]).ToArray()));
        RefusedByNetwork(path, "tensor 'fc1.bias' begins at data offset 196", "the end of tensor 'fc1.weight', offset 192", "gap of 4 bytes");

        string shifted = SafeTensorsBytes.Header(DenseReluTensors).Replace("[0,192]", "[4,196]").Replace("[192,224]", "[196,228]").Replace("[224,320]", "[228,324]");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(shifted, new byte[4].Concat(data).ToArray()));
        RefusedByNetwork(path, "tensor 'fc1.weight' begins at data offset 4", "offset 0");
    }

    [Fact]
    public void OnlySpacesMayFollowTheHeaderObject()
    {
        // Spaces after the object are padding, as the format allows: the file loads.
        using var directory = new TempDirectory();
        string path = directory.File("junk.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(SafeTensorsBytes.Header(DenseReluTensors) + "   ", DenseReluData(0.01f)));
        var network = new DenseReluNet(seed: 5);
        network.Load(path);
        var bias = new float[8];
        network.ReadTensor("fc1.bias", bias);
        Assert.Equal(0.01f * 49, bias[0]);

        File.WriteAllBytes(path, SafeTensorsBytes.Build(SafeTensorsBytes.Header(DenseReluTensors) + " x", DenseReluData(0.01f)));

        RefusedByNetwork(path, "is 0x78; only spaces (0x20) may pad the header");

        File.WriteAllBytes(path, SafeTensorsBytes.Build(SafeTensorsBytes.Header(DenseReluTensors) + "{}", DenseReluData(0.01f)));
        RefusedByNetwork(path, "only spaces (0x20) may pad the header");
    }

    public static TheoryData<string, string, string> MalformedEntries() => new()
    {
        { "\"shape\":[8,6]", "\"shape\":[5,5581,8681,49477,384773]", "tensor 'fc1.weight' has shape [5, 5581, 8681, 49477, 384773], more values than the data section" },
        { "[0,192]", "[0,1e30]", "tensor 'fc1.weight': a data offset is the number 1e30, expected a byte offset" },
        { "[0,192]", "[0.5,192]", "tensor 'fc1.weight': a data offset is the number 0.5, expected a byte offset" },
        { "[0,192]", "[0,\"192\"]", "tensor 'fc1.weight': a data offset is the string \"192\"" },
        { "[0,192]", "[0,192,4]", "tensor 'fc1.weight' has data_offsets [0, 192, 4], expected [begin, end]" },
        { "\"shape\":[8,6]", "\"shape\":[8,-6]", "tensor 'fc1.weight': a shape entry is the number -6, expected a size" },
        { "\"shape\":[8,6]", "\"shape\":[8,6.0]", "tensor 'fc1.weight': a shape entry is the number 6.0" },
        { "\"shape\":[8,6]", "\"shape\":[8,6],\"shape\":[8,6]", "tensor 'fc1.weight' has two shapes" },
        { "\"dtype\":\"F32\",\"shape\":[8,6]", "\"dtype\":7,\"shape\":[8,6]", "tensor 'fc1.weight': dtype is the number 7, expected a string" },
        { "\"fc1.bias\"", "\"fc1.weight\"", "tensor 'fc1.weight' appears twice in the header" },
    };

    [Theory]
    [MemberData(nameof(MalformedEntries))]
    public void MalformedEntriesAreInvalidDataNamingTheTensor(string original, string replacement, string expected)
    {
        using var directory = new TempDirectory();
        string path = directory.File("malformed.safetensors");
        string header = SafeTensorsBytes.Header(DenseReluTensors);
        int at = header.IndexOf(original, StringComparison.Ordinal);
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header.Remove(at, original.Length).Insert(at, replacement), DenseReluData(0.01f)));

        RefusedByNetwork(path, expected);
    }

    [Fact]
    public void InvalidUtf8InATensorNameIsInvalidData()
    {
        using var directory = new TempDirectory();
        string path = directory.File("utf8.safetensors");
        byte[] file = SafeTensorsBytes.Build(SafeTensorsBytes.Header(DenseReluTensors), DenseReluData(0.01f));
        int at = file.AsSpan().IndexOf("fc1.bias"u8);
        file[at + 1] = 0xC3;
        file[at + 2] = 0x28;
        File.WriteAllBytes(path, file);

        RefusedByNetwork(path, "a tensor name at header byte", "should be UTF-8 text", "C3 28");
    }

    [Fact]
    public void ADirectoryIsNamedAsOneByEveryLoader()
    {
        using var directory = new TempDirectory();
        string folder = directory.File("data");
        Directory.CreateDirectory(folder);

        foreach (Action load in new Action[]
        {
            () => new DenseReluNet().Load(folder),
            () => SafeTensors.Read(folder),
            () => IdxFile.Read(folder),
            () => CsvDataset.Load(folder),
            () => HistoryFiles.LoadJson(folder),
        })
        {
            var exception = Assert.Throws<FileNotFoundException>(load);
            Assert.Contains($"{folder} is a directory, not a file", exception.Message);
        }
    }

    [Fact]
    public void EveryFileRecordsTheSha256OfItsDataAndAFlippedBitIsRefused()
    {
        using var directory = new TempDirectory();
        string weights = directory.File("weights.safetensors"), state = directory.File("adam.safetensors");
        var network = new DenseReluNet(seed: 5);
        network.Save(weights);
        new Adam(1e-2).SaveState(state);
        (_, string resume) = TrainedCheckpoint(directory);

        foreach (string path in new[] { weights, state, resume })
        {
            SafeTensorsFile file = SafeTensors.Read(path);
            Assert.Matches("^[0-9a-f]{64}$", file.Metadata[SafeTensorsFormat.ChecksumKey]);
            Assert.Matches("^[0-9a-f]{64}$", file.Metadata[SafeTensors.HeaderChecksumKey]);
        }

        // A file without the checksums, as PyTorch writes it, loads.
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, SafeTensorsBytes.WithoutChecksums(bytes));
        var copy = new DenseReluNet(seed: 6);
        copy.Load(weights);
        Assert.Equal(network.Parameters.ToArray(), copy.Parameters.ToArray());

        bytes[^5] ^= 0x10;
        File.WriteAllBytes(weights, bytes);
        RefusedByNetwork(weights, "the data is damaged: its SHA-256 is", "staticnet.sha256");
    }

    [Fact]
    public void AChangedMetadataValueIsRefusedByTheHeaderChecksum()
    {
        using var directory = new TempDirectory();
        string state = directory.File("adam.safetensors");
        var adam = new Adam(1e-2);
        adam.SaveState(state);
        byte[] bytes = File.ReadAllBytes(state);
        int at = bytes.AsSpan().IndexOf("\"optimizer.lr\":\"0.01\""u8) + "\"optimizer.lr\":\"0.0".Length;
        bytes[at] = (byte)'3';
        File.WriteAllBytes(state, bytes);

        var exception = Assert.Throws<InvalidDataException>(() => new Adam(1e-2).LoadState(state));
        Assert.Contains(state + ": the header is damaged", exception.Message);
    }

    [Fact]
    public void PythonComputesTheSameChecksumsFromTheFormatAlone()
    {
        using var directory = new TempDirectory();
        string path = directory.File("weights.safetensors");
        new DenseReluNet(seed: 5).Save(path);
        string script = """
            import hashlib, json, struct, sys
            raw = open(sys.argv[1], "rb").read()
            (n,) = struct.unpack("<Q", raw[:8])
            header, data = raw[8:8 + n], raw[8 + n:]
            meta = json.loads(header)["__metadata__"]
            h = meta["staticnet.header_sha256"]
            print(hashlib.sha256(data).hexdigest() == meta["staticnet.sha256"], hashlib.sha256(header.replace(h.encode(), b"0" * 64)).hexdigest() == h)
            """;
        File.WriteAllText(directory.File("check.py"), script);
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"\"{directory.File("check.py")}\" \"{path}\"") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
        python.WaitForExit();

        Assert.Equal("True True", output.Trim());
    }

    [Fact]
    public void ASaveRemovesTheStaleTemporaryFilesOfItsTargetOnly()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        string stale = directory.File(".model.safetensors.0123abcd.tmp"), held = directory.File(".model.safetensors.89abcdef.tmp");
        string otherTarget = directory.File(".other.safetensors.0123abcd.tmp"), notOurs = directory.File(".model.safetensors.backup.tmp");
        foreach (string file in new[] { stale, held, otherTarget, notOurs })
        {
            File.WriteAllText(file, "partial");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-5));
        }

        // A live writer holds its temporary file locked, as AtomicFile does while it writes.
        using (new FileStream(held, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            new DenseReluNet(seed: 1).Save(path);
        }

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(held));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void ATemporaryFileOfAKilledWriterIsRemovedByTheNextSave()
    {
        using var directory = new TempDirectory();
        string path = directory.File("model.safetensors");
        string temporary = directory.File(".model.safetensors.5eed5eed.tmp");

        // Another process writes the temporary file and holds its lock (flock, as .NET's FileShare.None takes
        // it on Unix), then is killed mid-save.
        string script = $"import fcntl, sys, time\nf = open(sys.argv[1], 'wb')\nfcntl.flock(f, fcntl.LOCK_EX)\nf.write(b'partial')\nf.flush()\nprint('locked', flush=True)\ntime.sleep(60)\n";
        File.WriteAllText(directory.File("writer.py"), script);
        using var writer = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"\"{directory.File("writer.py")}\" \"{temporary}\"") { RedirectStandardOutput = true })!;
        Assert.Equal("locked", writer.StandardOutput.ReadLine());
        File.SetLastWriteTimeUtc(temporary, DateTime.UtcNow.AddMinutes(-5));

        new DenseReluNet(seed: 1).Save(path);
        Assert.True(File.Exists(temporary));

        writer.Kill();
        writer.WaitForExit();
        new DenseReluNet(seed: 1).Save(path);
        Assert.False(File.Exists(temporary));
        Assert.Equal(new[] { "model.safetensors", "writer.py" }, Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order().ToArray());
    }
}
