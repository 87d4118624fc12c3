using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// Add (a residual connection) and Concat (torch.cat along channels or features): layers that read several values.
public readonly ref partial struct LayerPass
{
    /// <summary>Add forward: <c>y = x + added</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddForward(int output, int input, int added, int length) =>
        VectorMath.Add(Batch(input, length), Batch(added, length), Batch(output, length), Simd);

    /// <summary>Add backward, once per input: the gradient of a sum reaches each term unchanged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddBackwardInput(int inputGradient, int outputGradient, int length) =>
        Batch(outputGradient, length).CopyTo(Batch(inputGradient, length));

    /// <summary>Concat forward, once per input: each sample's <paramref name="inputLength"/> values into its output at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ConcatForward(int output, int input, int inputLength, int outputLength, int offset) =>
        Concatenation.Forward(Batch(input, inputLength), Batch(output, outputLength), Count, inputLength, outputLength, offset);

    /// <summary>Concat backward, once per input: its block of each sample's output gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ConcatBackwardInput(int inputGradient, int outputGradient, int inputLength, int outputLength, int offset) =>
        Concatenation.Backward(Batch(outputGradient, outputLength), Batch(inputGradient, inputLength), Count, inputLength, outputLength, offset);
}
