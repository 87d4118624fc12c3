using System;
using System.IO;
using System.Linq;
using System.Reflection;
using StaticNet.Tool.Import;
using Xunit;

namespace StaticNet.Import.Tests;

/// <summary>
/// What StaticNet's own ExportOnnx writes, the import reads back: networks that between them hold every
/// layer kind with settings away from their defaults (tests/StaticNet.Onnx.Tests/Networks.cs), and the
/// samples' and benchmarks' networks, are exported with trained-looking weights, imported, compiled,
/// loaded, and must predict what the original predicts and have its layer table (less its dropout,
/// which the export writes as the identity).
/// </summary>
public sealed class RoundTripTests : IDisposable
{
    /// <summary>Each network by its source file (in the output's networks folder) and full type name.</summary>
    private static readonly (string File, string Type)[] Declared =
    {
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.WindowNet"),
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.RectangularWindowNet"),
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.PoolNet"),
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.NormNet"),
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.SoftplusNet"),
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.BranchNet"),
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.OutputNameNet"),
        ("OnnxTestNetworks.cs", "StaticNet.Onnx.Tests.ConcatNet"),
        ("LeNet5.cs", "StaticNet.Samples.LeNet5"),
        ("FashionCnn.cs", "StaticNet.Samples.FashionCnn"),
        ("FashionResNet.cs", "StaticNet.Samples.FashionResNet"),
        ("BatchNormCnn.cs", "StaticNet.Bench.BatchNormCnn"),
        ("Mlp.cs", "StaticNet.Bench.Mlp"),
    };

    public static TheoryData<string, string> Networks
    {
        get
        {
            var networks = new TheoryData<string, string>();
            foreach ((string file, string type) in Declared)
            {
                networks.Add(file, type);
            }

            return networks;
        }
    }

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "staticnet-import-" + Guid.NewGuid().ToString("N"));

    public RoundTripTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A network added to one of the files is added here too, or this fails.</summary>
    [Fact]
    public void Every_network_of_the_files_is_in_the_list()
    {
        foreach (string file in Declared.Select(d => d.File).Distinct())
        {
            Assembly assembly = NetworkCompiler.Compile(Source(file), file);
            string[] declared = assembly.GetTypes().Where(t => typeof(INetwork).IsAssignableFrom(t)).Select(t => t.FullName!).Order().ToArray();
            Assert.Equal(Declared.Where(d => d.File == file).Select(d => d.Type).Order(), declared);
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Exported_network_imports_to_the_same_network(string file, string typeName)
    {
        INetwork original = NetworkCompiler.Create(NetworkCompiler.Compile(Source(file), file), typeName);
        Prepare(original, seed: 11);
        string model = Path.Combine(_directory, original.Name + ".onnx");
        original.ExportOnnx(model);

        ImportResult result = ModelImporter.Import(model, new ImportOptions());
        (string declaration, string weights) = ModelImporter.Write(result, _directory, overwrite: false);
        INetwork imported = NetworkCompiler.CreateNetwork(File.ReadAllText(declaration), result.ClassName);
        imported.Load(weights);

        LayerTables.AssertSame(original.LayerTable, imported.LayerTable, withoutDropout: true);
        const int count = 7;
        float[] inputs = RandomValues(count * original.InputLength, seed: 5, scale: 2);
        float[] expected = new float[count * original.OutputLength], found = new float[count * original.OutputLength];
        original.Predict(inputs, expected, count);
        imported.Predict(inputs, found, count);
        OutputComparison.AssertClose("round trip " + original.Name, expected, found, original.OutputLength);
    }

    private static string Source(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "networks", file));

    /// <summary>
    /// Initialises the network, gives batch norms weights and biases away from 1 and 0, and runs three
    /// training passes so that their running estimates move from 0 and 1.
    /// </summary>
    private static void Prepare(INetwork network, int seed)
    {
        network.Initialize(seed);
        var random = new Random(seed);
        foreach (LayerInfo layer in network.LayerTable.Where(l => l.Kind is LayerKind.BatchNorm1D or LayerKind.BatchNorm2D && l.Affine))
        {
            int channels = layer.OutputShape[0];
            network.WriteTensor(layer.FindTensor("weight")!, Enumerable.Range(0, channels).Select(_ => (float)(0.5 + random.NextDouble())).ToArray());
            network.WriteTensor(layer.FindTensor("bias")!, Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
        }

        const int batch = 8;
        float[] output = new float[batch * network.OutputLength];
        for (int step = 0; step < 3; step++)
        {
            network.Forward(RandomValues(batch * network.InputLength, seed + step, scale: 1.5f), output, batch);
        }
    }

    private static float[] RandomValues(int length, int seed, float scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale) + 0.2f).ToArray();
    }
}
