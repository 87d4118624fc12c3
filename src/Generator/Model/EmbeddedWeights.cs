using System;

namespace StaticNet.Generator.Model;

/// <summary>What <c>[Network(Weights = "...")]</c> names, and where the argument is, for diagnostics on it.</summary>
internal sealed record WeightsReference(string File, Diagnostics.LocationInfo? Location);

/// <summary>Why a weights file cannot be embedded, whatever network refers to it.</summary>
internal enum WeightsFileProblem
{
    /// <summary>The file is a valid safetensors file.</summary>
    None,

    /// <summary>The file reached the generator as the compiler reads it, as text, not through StaticNet's build step.</summary>
    NotEncoded,

    /// <summary>The bytes are not a valid safetensors file; <see cref="WeightsFile.Detail"/> says what is wrong.</summary>
    Corrupt,

    /// <summary>The data section's SHA-256 differs from the one in <c>__metadata__</c>.</summary>
    ChecksumMismatch,
}

/// <summary>One tensor entry of a safetensors header: its name, dtype, shape and byte range in the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, string Dtype, EquatableArray<int> Shape, int Begin, int End)
{
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// A safetensors file among the AdditionalFiles, read and validated once (an edit elsewhere leaves it
/// cached): the path it is referred to by, its tensors, and its data section. A file with a problem
/// keeps only the problem.
/// </summary>
/// <param name="Path">The path as the project lists it (relative to the project when it is inside it), with '/' separators.</param>
/// <param name="Problem">What is wrong with the file, if anything.</param>
/// <param name="Detail">For <see cref="WeightsFileProblem.Corrupt"/> what is wrong; for a checksum mismatch the two checksums.</param>
/// <param name="Tensors">The header's tensor entries, in the order of their data.</param>
/// <param name="Data">The data section: every byte after the header.</param>
/// <param name="Sha256">The SHA-256 of the data section as 64 lowercase hex digits.</param>
internal sealed record WeightsFile(
    string Path,
    WeightsFileProblem Problem,
    string Detail,
    EquatableArray<SafeTensorsEntry> Tensors,
    EquatableBytes Data,
    string Sha256)
{
    /// <summary>The file name: what <c>Weights</c> may name instead of the whole path.</summary>
    public string FileName => Path.Substring(Path.LastIndexOf('/') + 1);

    public static WeightsFile Failed(string path, WeightsFileProblem problem, string detail) =>
        new(path, problem, detail, EquatableArray<SafeTensorsEntry>.Empty, EquatableBytes.Empty, string.Empty);
}

/// <summary>One tensor to embed: its name, which buffer and where in it, and its little-endian bytes as base64.</summary>
internal sealed record EmbeddedTensor(string Name, string ShapeText, bool IsState, int Offset, int Length, string Base64);

/// <summary>The tensors a network embeds, matched to its layout, and the file they come from.</summary>
internal sealed record EmbeddedWeights(string File, string Sha256, EquatableArray<EmbeddedTensor> Tensors);

/// <summary>A network model together with the weights it embeds: what the emitter turns into a network that starts trained.</summary>
internal sealed record EmbeddedNetwork(NetworkModel Model, EmbeddedWeights Weights);

/// <summary>Bytes compared by content, so that a file that did not change compares equal across incremental runs.</summary>
internal readonly struct EquatableBytes : IEquatable<EquatableBytes>
{
    public static readonly EquatableBytes Empty = new(Array.Empty<byte>());

    private readonly byte[]? _bytes;

    public EquatableBytes(byte[] bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Span => _bytes ?? Array.Empty<byte>();

    public int Length => _bytes?.Length ?? 0;

    public bool Equals(EquatableBytes other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is EquatableBytes other && Equals(other);

    public override int GetHashCode()
    {
        // Length and a few bytes: enough for a hash table, cheap for a large file; Equals compares all.
        ReadOnlySpan<byte> span = Span;
        int hash = span.Length;
        for (int i = 0; i < span.Length; i += 1 + (span.Length / 64))
        {
            hash = unchecked((hash * 31) + span[i]);
        }

        return hash;
    }
}
