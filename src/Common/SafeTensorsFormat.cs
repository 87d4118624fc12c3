using System.Security.Cryptography;
using System.Text;

namespace StaticNet;

/// <summary>
/// Facts about StaticNet's safetensors files that the runtime, which writes and reads them, and the
/// generator, which embeds them into networks at compile time, must agree on. This one file is
/// compiled into both assemblies.
/// </summary>
internal static class SafeTensorsFormat
{
    /// <summary>The header key of the optional string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The metadata key whose value is the SHA-256 of the data section (every byte after the header),
    /// as 64 lowercase hex digits. safetensors itself has no checksum; keeping it in the metadata map
    /// leaves the file readable by every other safetensors reader.
    /// </summary>
    public const string ChecksumKey = "staticnet.sha256";

    /// <summary>The SHA-256 of <paramref name="data"/> as 64 lowercase hex digits.</summary>
    public static string Checksum(byte[] data, int offset, int count)
    {
        using SHA256 sha = SHA256.Create();
        byte[] hash = sha.ComputeHash(data, offset, count);
        var text = new StringBuilder(hash.Length * 2);
        foreach (byte b in hash)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
