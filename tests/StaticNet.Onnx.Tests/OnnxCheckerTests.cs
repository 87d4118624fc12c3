using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace StaticNet.Onnx.Tests;

/// <summary>
/// The reference implementation of the ONNX format accepts every exported file: Debian's
/// <c>onnx.checker.check_model</c> with full shape inference (python3-onnx, for /usr/bin/python3), which
/// also reports the graph's inputs, outputs and initializers for the checks below.
/// </summary>
public sealed class OnnxCheckerTests : IDisposable
{
    private const string Interpreter = "/usr/bin/python3";

    private const string Script = """
        import sys, onnx
        for path in sys.argv[1:]:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            graph = model.graph
            def dims(value):
                return ",".join(d.dim_param or str(d.dim_value) for d in value.type.tensor_type.shape.dim)
            print("\t".join([path, str(model.opset_import[0].version), graph.input[0].name, dims(graph.input[0]),
                             graph.output[0].name, dims(graph.output[0]), " ".join(sorted(t.name for t in graph.initializer))]))
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "staticnet-onnx-" + Guid.NewGuid().ToString("N"));

    public OnnxCheckerTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void CheckerAcceptsEveryExportedModel()
    {
        var networks = new Dictionary<string, INetwork>();
        foreach (string name in TestNetworks.Names)
        {
            INetwork network = TestNetworks.Create(name);
            OnnxRuntimeComparison.Prepare(network, seed: 5);
            string path = Path.Combine(_directory, name + ".onnx");
            network.ExportOnnx(path);
            networks[path] = network;
        }

        string[] lines = RunChecker(networks.Keys.ToArray());
        Assert.Equal(networks.Count, lines.Length);
        foreach (string line in lines)
        {
            string[] fields = line.Split('\t');
            INetwork network = networks[fields[0]];
            IReadOnlyList<LayerInfo> layers = network.LayerTable;
            Assert.Equal("13", fields[1]);
            Assert.Equal("input", fields[2]);
            Assert.Equal("batch," + string.Join(",", layers[0].InputShape), fields[3]);
            Assert.Equal("output", fields[4]);
            Assert.Equal("batch," + string.Join(",", layers[layers.Count - 1].OutputShape), fields[5]);

            // Every parameter and running estimate is an initializer under its state_dict name; the
            // batch counter is not, because inference does not read it.
            HashSet<string> initializers = fields[6].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            foreach (TensorInfo tensor in network.Tensors.Where(t => !t.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)))
            {
                Assert.Contains(tensor.Name, initializers);
            }
        }
    }

    private static string[] RunChecker(string[] paths)
    {
        var start = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (string path in paths)
        {
            start.ArgumentList.Add(path);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Interpreter}.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"The ONNX checker needs {Interpreter} with python3-onnx ({exception.Message}). Install it with: sudo apt-get install python3-onnx   (.ci/install-prerequisites does this)", exception);
        }

        using (process)
        {
            var standardError = process.StandardError.ReadToEndAsync();
            string standardOutput = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string hint = standardError.Result.Contains("No module named 'onnx'", StringComparison.Ordinal)
                    ? " Install it with: sudo apt-get install python3-onnx   (.ci/install-prerequisites does this)"
                    : string.Empty;
                throw new InvalidOperationException($"onnx.checker rejected an exported model (exit code {process.ExitCode}):{hint}\n{standardError.Result}");
            }

            return standardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
