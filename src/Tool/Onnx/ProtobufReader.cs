using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace StaticNet.Tool.Onnx;

/// <summary>The protobuf wire types (the low three bits of a field's tag).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>Bytes that are not valid protobuf, with the offset in the file where reading stopped.</summary>
internal sealed class ProtobufException(string message) : Exception(message);

/// <summary>
/// Reads one protobuf message from its bytes: field by field, each read checked against the end of
/// the message, so that a truncated or damaged file stops with the byte offset and the message at
/// fault instead of being misread. Field numbers and meanings are the caller's (see <see cref="OnnxFile"/>).
/// </summary>
internal ref struct ProtobufReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _offset;
    private int _position;

    /// <param name="data">The message's bytes.</param>
    /// <param name="offset">Where they start in the file, for messages.</param>
    /// <param name="message">The message type (<c>GraphProto</c>), for messages.</param>
    public ProtobufReader(ReadOnlySpan<byte> data, int offset, string message)
    {
        _data = data;
        _offset = offset;
        Message = message;
        _position = 0;
    }

    /// <summary>The message type being read.</summary>
    public string Message { get; }

    /// <summary>The file offset of the next byte to read.</summary>
    public readonly int FileOffset => _offset + _position;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool NextField(out int field, out WireType wireType)
    {
        if (_position == _data.Length)
        {
            field = 0;
            wireType = default;
            return false;
        }

        int at = FileOffset;
        ulong tag = ReadVarint();
        field = (int)Math.Min(tag >> 3, int.MaxValue);
        wireType = (WireType)(tag & 7);
        if (field == 0)
        {
            throw Fail(at, "a field number 0, which protobuf does not allow");
        }

        if (wireType is WireType.StartGroup or WireType.EndGroup || (int)wireType > 5)
        {
            throw Fail(at, $"field {field} with wire type {(int)wireType}, which ONNX never writes");
        }

        return true;
    }

    /// <summary>An unsigned varint (at most 10 bytes).</summary>
    public ulong ReadVarint()
    {
        int start = FileOffset;
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position == _data.Length)
            {
                throw Fail(start, "a number cut off by the end of the data");
            }

            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Fail(start, "a number longer than the 10 bytes a varint can have");
    }

    /// <summary>A 64-bit float field's 8 bytes, little-endian.</summary>
    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, "an 8-byte value"));

    /// <summary>A 32-bit field's 4 bytes, little-endian.</summary>
    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "a 4-byte value"));

    /// <summary>A length-delimited field's bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes() => ReadBytes(out _);

    /// <summary>A length-delimited field's bytes, and their offset in the file.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int fileOffset)
    {
        int at = FileOffset;
        ulong length = ReadVarint();
        int left = _data.Length - _position;
        if (length > (ulong)left)
        {
            throw Fail(at, $"a field of {length} bytes, but only {left} bytes of the {Message} are left");
        }

        fileOffset = FileOffset;
        return Take((int)length, "bytes");
    }

    /// <summary>An embedded message of type <paramref name="message"/>.</summary>
    public ProtobufReader ReadMessage(string message)
    {
        ReadOnlySpan<byte> bytes = ReadBytes(out int offset);
        return new ProtobufReader(bytes, offset, message);
    }

    /// <summary>A string field, which must be valid UTF-8.</summary>
    public string ReadString()
    {
        int at = FileOffset;
        ReadOnlySpan<byte> bytes = ReadBytes();
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(at, "a string that is not valid UTF-8");
        }
    }

    /// <summary>A varint field's value as int64 (the two's complement, as protobuf's int64 writes negative numbers).</summary>
    public long ReadInt64() => (long)ReadVarint();

    /// <summary>Reads a repeated int64 field, packed or not, adding to <paramref name="values"/>.</summary>
    public void ReadInt64s(WireType wireType, List<long> values)
    {
        if (wireType == WireType.Varint)
        {
            values.Add(ReadInt64());
            return;
        }

        Expect(wireType, WireType.LengthDelimited, "a list of integers");
        ProtobufReader packed = ReadMessage(Message);
        while (!packed.AtEnd)
        {
            values.Add(packed.ReadInt64());
        }
    }

    /// <summary>Reads a repeated float field, packed or not, adding to <paramref name="values"/>.</summary>
    public void ReadFloats(WireType wireType, List<float> values)
    {
        if (wireType == WireType.Fixed32)
        {
            values.Add(BitConverter.UInt32BitsToSingle(ReadFixed32()));
            return;
        }

        Expect(wireType, WireType.LengthDelimited, "a list of floats");
        int at = FileOffset;
        ReadOnlySpan<byte> bytes = ReadBytes();
        if (bytes.Length % 4 != 0)
        {
            throw Fail(at, $"a packed list of 4-byte floats {bytes.Length} bytes long, not a multiple of 4");
        }

        for (int i = 0; i < bytes.Length; i += 4)
        {
            values.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i, 4)));
        }
    }

    /// <summary>Reads a repeated double field, packed or not, adding to <paramref name="values"/>.</summary>
    public void ReadDoubles(WireType wireType, List<double> values)
    {
        if (wireType == WireType.Fixed64)
        {
            values.Add(BitConverter.UInt64BitsToDouble(ReadFixed64()));
            return;
        }

        Expect(wireType, WireType.LengthDelimited, "a list of doubles");
        int at = FileOffset;
        ReadOnlySpan<byte> bytes = ReadBytes();
        if (bytes.Length % 8 != 0)
        {
            throw Fail(at, $"a packed list of 8-byte doubles {bytes.Length} bytes long, not a multiple of 8");
        }

        for (int i = 0; i < bytes.Length; i += 8)
        {
            values.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i, 8)));
        }
    }

    /// <summary>Whether every byte of the message has been read.</summary>
    public readonly bool AtEnd => _position == _data.Length;

    /// <summary>Skips a field this reader does not use, as protobuf readers do with unknown fields.</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8, "an 8-byte value");
                break;
            case WireType.Fixed32:
                Take(4, "a 4-byte value");
                break;
            default:
                ReadBytes();
                break;
        }
    }

    /// <summary>Checks that a known field has the wire type its declaration gives it.</summary>
    public readonly void Expect(WireType found, WireType expected, string what)
    {
        if (found != expected)
        {
            throw Fail(FileOffset, $"{what} written with wire type {(int)found} instead of {(int)expected}");
        }
    }

    /// <summary>An error at <paramref name="fileOffset"/> in this message.</summary>
    public readonly ProtobufException Fail(int fileOffset, string what) => new($"at byte {fileOffset}, in a {Message}: {what}");

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (_data.Length - _position < count)
        {
            throw Fail(FileOffset, $"{what} cut off by the end of the data ({_data.Length - _position} of {count} bytes left)");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
