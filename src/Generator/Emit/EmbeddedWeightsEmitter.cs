using System.Linq;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Writes the members of a network that starts with weights compiled in: each tensor's little-endian
/// float32 bytes as a base64 UTF-8 literal (constant data in the assembly, read in place: no
/// allocation), and <c>LoadEmbeddedWeights</c>, which decodes them into the parameter and state buffers.
/// Base64 in one literal per tensor keeps the source at 4 characters per 3 bytes and costs the
/// compiler one token per tensor, where an array initializer costs it a syntax node per byte.
/// </summary>
internal static class EmbeddedWeightsEmitter
{
    private const string ReadOnlyBytes = "global::System.ReadOnlySpan<byte>";

    public static void EmitMembers(SourceWriter w, EmbeddedWeights weights)
    {
        string tensors = weights.Tensors.Any(t => t.IsState) ? "parameter and state tensor" : "parameter tensor";
        w.Line($"/// <summary>The safetensors file whose tensors are compiled into this network, as <c>[Network(Weights = ...)]</c> names it.</summary>");
        w.Line($"public const string EmbeddedWeightsFile = {Literals.String(weights.File)};");
        w.Line();
        w.Line($"/// <summary>The SHA-256 of that file's data section when it was compiled in, as 64 lowercase hex digits.</summary>");
        w.Line($"public const string EmbeddedWeightsSha256 = \"{weights.Sha256}\";");
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Sets every {tensors} to the values compiled in from <c>{Xml(weights.File)}</c>, which the");
        w.Line("/// network starts with: after training or <see cref=\"global::StaticNet.CompiledNetwork.Initialize\"/>, this puts them back. Allocates nothing.");
        w.Line("/// </summary>");
        using (w.Block("public void LoadEmbeddedWeights()"))
        {
            for (int i = 0; i < weights.Tensors.Count; i++)
            {
                EmbeddedTensor tensor = weights.Tensors[i];
                string buffer = tensor.IsState ? "State" : "Parameters";
                w.Line($"CopyEmbedded(EmbeddedTensors.Tensor{i}, {buffer}.Slice({tensor.Offset}, {tensor.Length}), {Literals.String(tensor.Name)}); // {tensor.ShapeText}");
            }
        }

        w.Line();
        w.Line("/// <summary>Decodes one embedded tensor, base64 of its little-endian float32 values (checked when it was compiled in), into its place.</summary>");
        using (w.Block($"private static void CopyEmbedded({ReadOnlyBytes} base64, global::System.Span<float> destination, string name)"))
        {
            w.Line("global::System.Span<byte> bytes = global::System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);");
            w.Line("global::System.Buffers.OperationStatus status = global::System.Buffers.Text.Base64.DecodeFromUtf8(base64, bytes, out _, out int written);");
            using (w.Block("if (status != global::System.Buffers.OperationStatus.Done || written != bytes.Length)"))
            {
                w.Line("throw new global::System.InvalidOperationException(\"Embedded tensor '\" + name + \"' did not decode to its \" + destination.Length + \" floats.\");");
            }

            w.Line();
            using (w.Block("if (!global::System.BitConverter.IsLittleEndian)"))
            {
                w.Line("global::System.Span<int> words = global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(destination);");
                w.Line("global::System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(words, words);");
            }
        }

        w.Line();
        w.Line($"// The tensors of {weights.File} (data SHA-256 {weights.Sha256}), in state_dict order: base64 of their little-endian float32 bytes, read in place from the assembly's data.");
        using (w.Block("private static class EmbeddedTensors"))
        {
            for (int i = 0; i < weights.Tensors.Count; i++)
            {
                EmbeddedTensor tensor = weights.Tensors[i];
                w.Line($"// {tensor.Name} {tensor.ShapeText}: {Literals.Grouped(tensor.Length)} floats.");
                w.Line($"public static {ReadOnlyBytes} Tensor{i} => \"{tensor.Base64}\"u8;");
            }
        }

        w.Line();
    }

    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
