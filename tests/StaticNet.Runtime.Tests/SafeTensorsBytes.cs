using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace StaticNet.Tests;

/// <summary>Builds and edits safetensors files byte by byte, from the format's definition alone, as another writer (PyTorch) would.</summary>
internal static class SafeTensorsBytes
{
    /// <summary>A file of <paramref name="header"/> (padded with spaces to a multiple of 8) and <paramref name="data"/>; the length field is the header's unless given.</summary>
    public static byte[] Build(string header, byte[] data, ulong? lengthField = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengthField ?? (ulong)padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    /// <summary>The file's header bytes (padding included) and data section.</summary>
    public static (byte[] Header, byte[] Data) Split(byte[] file)
    {
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (file.AsSpan(8, length).ToArray(), file.AsSpan(8 + length).ToArray());
    }

    /// <summary>The same file without StaticNet's checksums in its metadata, as PyTorch would have written it, padded with 1 to 8 spaces.</summary>
    public static byte[] WithoutChecksums(byte[] file)
    {
        (byte[] header, byte[] data) = Split(file);
        using JsonDocument document = JsonDocument.Parse(Encoding.UTF8.GetString(header));
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    json.WriteStartObject(property.Name);
                    foreach (JsonProperty entry in property.Value.EnumerateObject())
                    {
                        if (!entry.Name.EndsWith("sha256", StringComparison.Ordinal))
                        {
                            entry.WriteTo(json);
                        }
                    }

                    json.WriteEndObject();
                }
                else
                {
                    property.WriteTo(json);
                }
            }

            json.WriteEndObject();
        }

        // One space more than alignment needs, so that a header length one short still ends in valid JSON.
        return Build(Encoding.UTF8.GetString(buffer.ToArray()) + " ", data);
    }

    /// <summary>A file with the length field set to <paramref name="length"/>.</summary>
    public static byte[] WithLengthField(byte[] file, ulong length)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    /// <summary>Float32 values as little-endian bytes.</summary>
    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>The header of a file holding the tensors of a network, as the plain JSON PyTorch writes: one entry per tensor, in order.</summary>
    public static string Header(IEnumerable<(string Name, int[] Shape)> tensors)
    {
        var text = new StringBuilder("{");
        long offset = 0;
        foreach ((string name, int[] shape) in tensors)
        {
            long length = 4;
            foreach (int size in shape)
            {
                length *= size;
            }

            text.Append(text.Length > 1 ? "," : "").Append($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + length}]}}");
            offset += length;
        }

        return text.Append('}').ToString();
    }
}
