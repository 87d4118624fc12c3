using System;
using System.IO;
using System.Runtime.InteropServices;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.EndToEnd;

/// <summary>
/// Data-parallel training under Open MPI's mpirun, two ranks on this machine: what the ranks train
/// together is what one process trains on the same global batches, a job is reproducible, and a rank
/// that dies ends the job and leaves a checkpoint another number of ranks resumes from.
/// </summary>
public sealed class DataParallelTests
{
    private const string Mpirun = "/usr/bin/mpirun";

    private readonly ITestOutputHelper _output;

    public DataParallelTests(ITestOutputHelper output) => _output = output;

    /// <summary>The worker, built next to this test project in the same configuration.</summary>
    private static string Worker => Path.Combine(
        Repository.Root(), "tests", "StaticNet.Distributed.Worker", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "StaticNet.Distributed.Worker.dll");

    [Fact]
    public void TwoRanksTrainWhatOneProcessTrainsAndTheSameJobTwiceGivesTheSameBits()
    {
        using var alone = new Scratch();
        using var first = new Scratch();
        using var second = new Scratch();
        RunAlone(alone.Path);
        RunRanks(2, first.Path);
        RunRanks(2, second.Path);

        float[] one = Parameters(alone.Path), two = Parameters(first.Path);
        double largest = 0;
        for (int i = 0; i < one.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(one[i] - two[i]));
        }

        _output.WriteLine($"{one.Length} parameters after 30 steps; largest difference between 1 process and 2 ranks: {largest:E2}");
        Assert.True(largest <= 1e-6, $"Two ranks trained parameters up to {largest:E2} away from one process's.");
        Assert.Equal(File.ReadAllBytes(Path.Combine(first.Path, "parameters.bin")), File.ReadAllBytes(Path.Combine(second.Path, "parameters.bin")));
    }

    /// <summary>
    /// A summed loss: each rank's gradient is that of its shard's sum, added up over the ranks as it is, not weighted
    /// by the shard's share of the batch as a mean's; the global batch's loss is the shards' losses added up.
    /// </summary>
    [Fact]
    public void TwoRanksTrainWhatOneProcessTrainsWithASummedLoss()
    {
        using var alone = new Scratch();
        using var ranks = new Scratch();
        string aloneOutput = RunAlone(alone.Path, "--sum");
        string ranksOutput = RunRanks(2, ranks.Path, "--sum");

        float[] one = Parameters(alone.Path), two = Parameters(ranks.Path);
        double largest = 0;
        for (int i = 0; i < one.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(one[i] - two[i]));
        }

        _output.WriteLine($"summed loss: largest difference between 1 process and 2 ranks: {largest:E2}");
        Assert.True(largest <= 1e-6, $"Two ranks trained parameters up to {largest:E2} away from one process's with a summed loss.");
        Assert.Equal(LastLoss(aloneOutput), LastLoss(ranksOutput), 1e-5);
    }

    [Fact]
    public void ARankThatDiesEndsTheJobAndItsCheckpointResumesOnOneProcess()
    {
        using var alone = new Scratch();
        using var job = new Scratch();
        RunAlone(alone.Path);

        (int exitCode, string output) = Processes.Run(Mpirun, $"--oversubscribe -np 2 dotnet \"{Worker}\" \"{job.Path}\" --die-at-epoch 2", null, MpiEnvironment);
        _output.WriteLine(output);
        Assert.Equal(17, exitCode);
        Assert.Contains("mpirun detected that one or more processes exited with non-zero status", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(job.Path, "parameters.bin")), "The job finished although a rank died.");
        Assert.Empty(Directory.GetFiles(job.Path, "*.tmp"));

        // The checkpoint rank 0 wrote loads, and one process finishes the run from it.
        (int resumed, string resumeOutput) = Processes.Run("dotnet", $"\"{Worker}\" \"{job.Path}\" --resume");
        _output.WriteLine(resumeOutput);
        Assert.True(resumed == 0, resumeOutput);
        float[] expected = Parameters(alone.Path), actual = Parameters(job.Path);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"parameter {i}: {actual[i]} after the resume, {expected[i]} uninterrupted");
        }
    }

    private static readonly (string, string)[] MpiEnvironment =
    {
        // CI runs as root, which mpirun refuses unless told it is meant.
        ("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
    };

    private string RunAlone(string directory, string options = "")
    {
        (int exitCode, string output) = Processes.Run("dotnet", $"\"{Worker}\" \"{directory}\" {options}");
        _output.WriteLine(output);
        Assert.True(exitCode == 0, output);
        return output;
    }

    private string RunRanks(int ranks, string directory, string options = "")
    {
        Assert.True(File.Exists(Mpirun), $"{Mpirun} is missing: install Open MPI with 'sudo apt-get install openmpi-bin libopenmpi-dev' (.ci/install-prerequisites does).");
        (int exitCode, string output) = Processes.Run(Mpirun, $"--oversubscribe -np {ranks} dotnet \"{Worker}\" \"{directory}\" {options}", null, MpiEnvironment);
        _output.WriteLine(output);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"on {ranks} process(es)", output, StringComparison.Ordinal);
        return output;
    }

    /// <summary>The last epoch's training loss the worker prints.</summary>
    private static double LastLoss(string output)
    {
        const string Marker = "last loss ";
        int start = output.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"The worker printed no '{Marker}':\n{output}");
        start += Marker.Length;
        int end = start;
        while (end < output.Length && !char.IsWhiteSpace(output[end]))
        {
            end++;
        }

        return double.Parse(output.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static float[] Parameters(string directory) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(directory, "parameters.bin"))).ToArray();

    /// <summary>A temporary directory, removed with what is in it.</summary>
    private sealed class Scratch : IDisposable
    {
        public Scratch()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "staticnet-ddp-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
