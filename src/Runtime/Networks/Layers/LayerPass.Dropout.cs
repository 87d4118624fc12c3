using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// Dropout: inverted dropout in training, the identity in inference. Whether a value is kept is a hash of
// (seed, step, layer) and its position in the batch, so backward recomputes the mask instead of storing it.
public readonly ref partial struct LayerPass
{
    /// <summary>
    /// Dropout forward: in training each value kept with probability <c>1 - rate</c> and scaled by <c>1 / (1 - rate)</c>,
    /// or zeroed; in inference copied. <paramref name="layer"/> is the stable hash of the layer's name, so each
    /// dropout layer draws its own mask.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DropoutForward(int output, int input, int features, double rate, ulong layer)
    {
        if (Training)
        {
            Dropout.Forward(Batch(input, features), Batch(output, features), DropoutMask.Key(Seed, Step, layer), First, Count, features, rate);
        }
        else
        {
            Batch(input, features).CopyTo(Batch(output, features));
        }
    }

    /// <summary>Dropout backward: the output gradient through the forward step's mask, recomputed from its key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DropoutBackwardInput(int inputGradient, int outputGradient, int features, double rate, ulong layer) =>
        Dropout.Backward(Batch(outputGradient, features), Batch(inputGradient, features), DropoutMask.Key(Seed, Step, layer), First, Count, features, rate);
}
