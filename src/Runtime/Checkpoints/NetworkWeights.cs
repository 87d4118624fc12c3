using System;

namespace StaticNet;

/// <summary>
/// Copies every tensor a network lists (by name, through <see cref="INetwork.ReadTensor"/>) into one flat
/// array and back: the best weights early stopping keeps, whatever the network's internal layout and
/// including any state tensors it lists. Allocates only when the array is too small.
/// </summary>
internal static class NetworkWeights
{
    public static int Length(INetwork network)
    {
        int length = 0;
        foreach (TensorInfo tensor in network.Tensors)
        {
            length += tensor.Length;
        }

        return length;
    }

    public static void Capture(INetwork network, ref float[] buffer)
    {
        int length = Length(network);
        if (buffer.Length != length)
        {
            buffer = new float[length];
        }

        int offset = 0;
        foreach (TensorInfo tensor in network.Tensors)
        {
            network.ReadTensor(tensor.Name, buffer.AsSpan(offset, tensor.Length));
            offset += tensor.Length;
        }
    }

    public static void Restore(INetwork network, ReadOnlySpan<float> buffer)
    {
        if (buffer.Length != Length(network))
        {
            throw new ArgumentException($"{buffer.Length} saved values, but network {network.Name}'s tensors hold {Length(network)}.", nameof(buffer));
        }

        int offset = 0;
        foreach (TensorInfo tensor in network.Tensors)
        {
            network.WriteTensor(tensor.Name, buffer.Slice(offset, tensor.Length));
            offset += tensor.Length;
        }
    }
}
