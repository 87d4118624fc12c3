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
        string output = Path.Combine(Path.GetTempPath(), "staticnet-aot-latency-" + (instructionSet ?? "default"));
        string setting = instructionSet is null ? string.Empty : $" -p:StaticNetInstructionSet={instructionSet}";
        return Run("dotnet", $"publish \"{Project()}\" -c Release -r linux-x64 -o \"{output}\"{setting}") is null
            ? null
            : Parse(Run(Path.Combine(output, "StaticNet.AotLatency"), $"\"{dataDirectory}\" {calls}"));
    }

    /// <summary>
    /// The same program under the JIT, with its vectors held to <paramref name="vectorBits"/> bits
    /// (DOTNET_PreferredVectorBitWidth): the JIT at the width a NativeAOT binary was compiled for, so
    /// that the two compare code generation, not vector width.
    /// </summary>
    public static (string Simd, IReadOnlyDictionary<string, double> Microseconds)? MeasureJit(int vectorBits, string dataDirectory, int calls)
    {
        string output = Path.Combine(Path.GetTempPath(), "staticnet-jit-latency");
        return Run("dotnet", $"build \"{Project()}\" -c Release -o \"{output}\"") is null
            ? null
            : Parse(Run("dotnet", $"\"{Path.Combine(output, "StaticNet.AotLatency.dll")}\" \"{dataDirectory}\" {calls}", ("DOTNET_PreferredVectorBitWidth", vectorBits.ToString(CultureInfo.InvariantCulture))));
    }

    private static string Project() => Path.Combine(RepositoryRoot(), "bench", "StaticNet.AotLatency", "StaticNet.AotLatency.csproj");

    private static (string Simd, IReadOnlyDictionary<string, double> Microseconds)? Parse(string? printed)
    {
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

    private static string? Run(string command, string arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

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
