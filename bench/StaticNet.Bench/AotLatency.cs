using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace StaticNet.Bench;

/// <summary>
/// Publishes bench/StaticNet.AotLatency with NativeAOT and runs it: the bench networks' single-sample
/// latency compiled ahead of time, measured by the same code as the JIT's figures.
/// </summary>
internal static class AotLatency
{
    /// <summary>
    /// Median microseconds per network name (spaces as underscores), and the binary's SIMD line, for
    /// a binary published with <paramref name="instructionSet"/> as StaticNetInstructionSet (null: the
    /// package's default). Null when the publish or the run fails; the reason is printed.
    /// </summary>
    public static (string Simd, IReadOnlyDictionary<string, double> Microseconds)? Measure(string? instructionSet, string dataDirectory, int calls)
    {
        string project = Path.Combine(RepositoryRoot(), "bench", "StaticNet.AotLatency", "StaticNet.AotLatency.csproj");
        string output = Path.Combine(Path.GetTempPath(), "staticnet-aot-latency-" + (instructionSet ?? "default"));
        string setting = instructionSet is null ? string.Empty : $" -p:StaticNetInstructionSet={instructionSet}";
        if (Run("dotnet", $"publish \"{project}\" -c Release -r linux-x64 -o \"{output}\"{setting}") is null)
        {
            return null;
        }

        string? printed = Run(Path.Combine(output, "StaticNet.AotLatency"), $"\"{dataDirectory}\" {calls}");
        if (printed is null)
        {
            return null;
        }

        string simd = string.Empty;
        var microseconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split(' ');
            if (parts is ["latency", string name, string value])
            {
                microseconds[name] = double.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("SIMD:", StringComparison.Ordinal))
            {
                simd = line;
            }
        }

        return (simd, microseconds);
    }

    private static string? Run(string command, string arguments)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"{command} {arguments} exited with {process.ExitCode}:\n{output}{error.Result}");
            return null;
        }

        return output;
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Compiler.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new DirectoryNotFoundException("Compiler.sln not found above " + AppContext.BaseDirectory);
    }
}
