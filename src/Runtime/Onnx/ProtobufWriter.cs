using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace StaticNet.Onnx;

/// <summary>
/// The protocol-buffer wire format, as much of it as ONNX files need: varints, 32-bit floats, and
/// length-delimited strings, bytes and nested messages. A nested message is written to a writer of its
/// own and copied in behind its length, so no size is computed twice.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0;
    private const int Fixed32 = 5;
    private const int LengthDelimited = 2;

    private readonly MemoryStream _buffer = new();

    /// <summary>Writes an integer field (int32, int64, enum, bool) as a varint.</summary>
    public void Int(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>Writes a float field as four little-endian bytes.</summary>
    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>Writes a string field in UTF-8.</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes a bytes field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Writes a nested message, which <paramref name="write"/> fills.</summary>
    public void Message(int field, Action<ProtobufWriter> write)
    {
        var nested = new ProtobufWriter();
        write(nested);
        Tag(field, LengthDelimited);
        WriteVarint((ulong)nested._buffer.Length);
        nested._buffer.Position = 0;
        nested._buffer.CopyTo(_buffer);
    }

    /// <summary>Copies what has been written to <paramref name="destination"/>.</summary>
    public void CopyTo(Stream destination)
    {
        _buffer.Position = 0;
        _buffer.CopyTo(destination);
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _buffer.WriteByte((byte)value);
    }
}
