using System;
using System.IO;

namespace StaticNet.Import.Tests;

/// <summary>A small network exported by StaticNet (about 600 bytes of ONNX), for the tests that damage files byte by byte.</summary>
internal static class TinyModel
{
    public const string Declaration = """
        using StaticNet;

        [Network]
        [Input(2, 6, 6)]
        [Conv2D(3, 3, Padding = 1), BatchNorm2D, ReLU]
        [GlobalAvgPool2D]
        [Dense(4), Softmax]
        public partial class Tiny;
        """;

    private static readonly Lazy<(INetwork Network, byte[] Bytes)> Exported = new(() =>
    {
        INetwork network = NetworkCompiler.CreateNetwork(Declaration, "Tiny");
        network.Initialize(3);
        var bytes = new MemoryStream();
        network.ExportOnnx(bytes);
        return (network, bytes.ToArray());
    });

    /// <summary>The network, initialised from seed 3.</summary>
    public static INetwork Network => Exported.Value.Network;

    /// <summary>Its ONNX model.</summary>
    public static byte[] Bytes => Exported.Value.Bytes;
}
