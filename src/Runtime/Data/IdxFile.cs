using System;
using System.IO;
using System.IO.Compression;

namespace StaticNet;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic number (two zero bytes,
/// a type code, the number of dimensions), each dimension as a big-endian 32-bit integer, then the
/// data. Files may be gzip-compressed (as distributed); that is detected from their first bytes.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByteType = 0x08;

    // Where users most often look for the IDX files they name.
    private const string WhereToFind =
        "On Debian, `sudo apt-get install dataset-fashion-mnist` installs Fashion-MNIST's four files in /usr/share/datasets/fashion-mnist (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz).";

    /// <summary>Reads an IDX file of unsigned bytes: its dimensions and its data.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist, or the path is a directory.</exception>
    /// <exception cref="InvalidDataException">The file is not an IDX file of unsigned bytes, or is truncated; the message names the file.</exception>
    public static (int[] Dimensions, byte[] Data) Read(string path)
    {
        FileChecks.RequireFile(path, "IDX file", WhereToFind);

        byte[] bytes = ReadAllBytes(path);
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"{path}: not an IDX file: it should start with bytes 00 00, but starts with {Hex(bytes, 4)}.");
        }

        if (bytes[2] != UnsignedByteType)
        {
            throw new InvalidDataException($"{path}: IDX data type 0x{bytes[2]:X2} is not supported; expected 0x08 (unsigned bytes).");
        }

        int rank = bytes[3];
        if (rank < 1 || bytes.Length < 4 + (4 * rank))
        {
            throw new InvalidDataException($"{path}: the header declares {rank} dimensions, but the file holds {bytes.Length} bytes, too few for them.");
        }

        var dimensions = new int[rank];
        long length = 1;
        long available = bytes.Length - (4 + (4 * rank));
        for (int d = 0; d < rank; d++)
        {
            int offset = 4 + (4 * d);
            dimensions[d] = (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
            if (dimensions[d] < 0)
            {
                throw new InvalidDataException($"{path}: dimension {d} is {dimensions[d]}.");
            }

            // Stop multiplying once the product passes what any file holds, before a long could overflow (and wrap to 0).
            length = length > int.MaxValue ? length : length * dimensions[d];
        }

        if (Array.IndexOf(dimensions, 0) >= 0)
        {
            length = 0;
        }

        int start = 4 + (4 * rank);
        if (available != length)
        {
            string needed = length > int.MaxValue ? $"more than {int.MaxValue}" : length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new InvalidDataException($"{path}: dimensions [{string.Join(", ", dimensions)}] need {needed} bytes of data, but the file holds {available}.");
        }

        return (dimensions, bytes.AsSpan(start).ToArray());
    }

    private static byte[] ReadAllBytes(string path)
    {
        using FileStream file = File.OpenRead(path);
        bool gzip = file.Length >= 2 && file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
        file.Position = 0;
        if (!gzip)
        {
            var raw = new MemoryStream();
            file.CopyTo(raw);
            return raw.ToArray();
        }

        try
        {
            using var decompressed = new GZipStream(file, CompressionMode.Decompress);
            var output = new MemoryStream();
            decompressed.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"{path}: the gzip data is corrupt or truncated ({exception.Message}).", exception);
        }
    }

    private static string Hex(byte[] bytes, int count) =>
        bytes.Length == 0 ? "nothing (the file is empty)" : BitConverter.ToString(bytes, 0, Math.Min(count, bytes.Length)).Replace('-', ' ');
}
