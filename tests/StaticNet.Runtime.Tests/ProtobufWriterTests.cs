using System.IO;
using StaticNet.Onnx;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The wire format the ONNX export writes, against the byte strings of the protocol-buffer encoding guide.</summary>
public class ProtobufWriterTests
{
    [Fact]
    public void VarintsAreSevenBitGroupsLowFirst()
    {
        // The guide's first example: field 1 = 150 is 08 96 01.
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, Bytes(w => w.Int(1, 150)));
        Assert.Equal(new byte[] { 0x10, 0x00 }, Bytes(w => w.Int(2, 0)));
    }

    [Fact]
    public void NegativeIntegersTakeTenBytesAsInt64()
    {
        Assert.Equal(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, Bytes(w => w.Int(1, -1)));
    }

    [Fact]
    public void LargeFieldNumbersMakeMultiByteTags()
    {
        // AttributeProto.type is field 20: tag (20 << 3) | 0 = 160 = A0 01.
        Assert.Equal(new byte[] { 0xA0, 0x01, 0x07 }, Bytes(w => w.Int(20, 7)));
    }

    [Fact]
    public void StringsAndNestedMessagesAreLengthDelimited()
    {
        // The guide's examples: field 2 = "testing", and field 3 = a message holding field 1 = 150.
        Assert.Equal(new byte[] { 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67 }, Bytes(w => w.String(2, "testing")));
        Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 }, Bytes(w => w.Message(3, m => m.Int(1, 150))));
    }

    [Fact]
    public void FloatsAreFourLittleEndianBytes()
    {
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F }, Bytes(w => w.Float(2, 1f)));
    }

    private static byte[] Bytes(System.Action<ProtobufWriter> write)
    {
        var writer = new ProtobufWriter();
        write(writer);
        var stream = new MemoryStream();
        writer.CopyTo(stream);
        return stream.ToArray();
    }
}
