using System;
using StaticNet.Samples;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The buffers kernels stream through start on a cache line, and hold exactly what was asked for.</summary>
public class AlignedFloatsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(100_003)]
    public void ABufferStartsOnACacheLineZeroedAndHoldsItsLength(int length)
    {
        // Several in a row, so that some arrays start at each 8-byte offset within a line.
        for (int i = 0; i < 16; i++)
        {
            var buffer = new AlignedFloats(length);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, buffer.Span.Length);
            Assert.Equal(0, Address(buffer.Span) % 64);
            Assert.True(buffer.Span.IndexOfAnyExcept(0f) < 0);
            buffer[length - 1] = 2f;
            Assert.Equal(2f, buffer.AsSpan(length - 1, 1)[0]);
            Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan(length, 1));
        }

        Assert.Equal(0, new AlignedFloats(0).Span.Length);
    }

    [Fact]
    public void ANetworksParametersAndGradientsStartOnACacheLine()
    {
        for (int i = 0; i < 8; i++)
        {
            var network = new LeNet5(seed: i, batchCapacity: 3);
            Assert.Equal(0, Address(network.Parameters) % 64);
            Assert.Equal(0, Address(network.Gradients) % 64);
        }
    }

    private static unsafe long Address(Span<float> values)
    {
        fixed (float* first = values)
        {
            return (long)first;
        }
    }
}
