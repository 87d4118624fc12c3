using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
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
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py");
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { script, "--data", dataDirectory, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture), "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rounds", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--warmup", warmup.ToString(System.Globalization.CultureInfo.InvariantCulture), "--latency-calls", latencyCalls.ToString(System.Globalization.CultureInfo.InvariantCulture), "--networks", string.Join(",", networks) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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

            using JsonDocument json = JsonDocument.Parse(output);
            JsonElement results = json.RootElement.GetProperty("networks");
            var figures = new Dictionary<string, PyTorchFigures>();
            foreach (string network in networks)
            {
                figures[network] = Read(results.GetProperty(network));
            }

            return (json.RootElement.GetProperty("torch").GetString() ?? "?", figures);
        }
    }

    private static PyTorchFigures Read(JsonElement network) => new(
        network.GetProperty("training_samples_per_second").GetDouble(),
        network.GetProperty("latency_us").GetDouble(),
        network.GetProperty("inference_samples_per_second").GetDouble());
}
