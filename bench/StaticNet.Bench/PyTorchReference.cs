using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace StaticNet.Bench;

/// <summary>PyTorch's figures for one network, from bench/pytorch_reference.py.</summary>
internal sealed record PyTorchFigures(double TrainingSamplesPerSecond, double LatencyMicroseconds, double InferenceSamplesPerSecond);

/// <summary>Runs the PyTorch reference script with Debian's python3-torch and reads its JSON.</summary>
internal static class PyTorchReference
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs the networks named (as the script names them) and returns PyTorch's version and each one's figures, by name.</summary>
    public static (string Version, IReadOnlyDictionary<string, PyTorchFigures> Figures) Run(IReadOnlyList<string> networks, string dataDirectory, int threads, int batch, int steps, int rounds, int warmup, int latencyCalls)
    {
        using JsonDocument json = RunScript(
            "--data", dataDirectory, "--threads", Text(threads), "--batch", Text(batch), "--steps", Text(steps), "--rounds", Text(rounds),
            "--warmup", Text(warmup), "--latency-calls", Text(latencyCalls), "--networks", string.Join(",", networks));
        JsonElement results = json.RootElement.GetProperty("networks");
        var figures = new Dictionary<string, PyTorchFigures>();
        foreach (string network in networks)
        {
            figures[network] = Read(results.GetProperty(network));
        }

        return (json.RootElement.GetProperty("torch").GetString() ?? "?", figures);
    }

    /// <summary>
    /// Exports each network named as <c>NAME.onnx</c> in <paramref name="directory"/>, from the PyTorch
    /// network with the weights in <c>NAME.safetensors</c> there (which StaticNet saved): opset 13, the
    /// batch dimension dynamic, input "input" and output "output". Returns each file's path, by name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ExportOnnx(IReadOnlyList<string> networks, string directory)
    {
        using JsonDocument json = RunScript("--export", directory, "--networks", string.Join(",", networks));
        JsonElement files = json.RootElement.GetProperty("onnx");
        return networks.ToDictionary(n => n, n => files.GetProperty(n).GetString() ?? throw new InvalidDataException($"pytorch_reference.py gave no ONNX file for {n}."));
    }

    private static JsonDocument RunScript(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{Python} could not be started ({exception.Message}); install PyTorch with: sudo apt-get install python3-torch", exception);
        }

        using (process)
        {
            System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"The PyTorch reference failed (exit {process.ExitCode}); it needs Debian's python3-torch (sudo apt-get install python3-torch):\n{error.Result}");
            }

            return JsonDocument.Parse(output);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static PyTorchFigures Read(JsonElement network) => new(
        network.GetProperty("training_samples_per_second").GetDouble(),
        network.GetProperty("latency_us").GetDouble(),
        network.GetProperty("inference_samples_per_second").GetDouble());
}
