using System.Runtime.CompilerServices;
namespace StaticNet;

// Dense: y = x W^T + b as PyTorch's nn.Linear; weight (outputs, inputs), bias (outputs).
public readonly ref partial struct LayerPass
{
    /// <summary>Dense forward: <c>output = input W^T + b</c>; <paramref name="bias"/> is -1 for none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DenseForward(int output, int input, int weight, int bias, int inputs, int outputs) =>
        Kernels.Dense.Forward(Batch(input, inputs), Parameter(weight, outputs * inputs), Parameter(bias, outputs), Batch(output, outputs), Count, inputs, outputs, Simd);

    /// <summary>Dense backward to the input: <c>inputGradient = outputGradient W</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DenseBackwardInput(int inputGradient, int outputGradient, int weight, int inputs, int outputs) =>
        Kernels.Dense.BackwardInput(Batch(outputGradient, outputs), Parameter(weight, outputs * inputs), Batch(inputGradient, inputs), Count, inputs, outputs, Simd);

    /// <summary>
    /// Dense backward to the parameters over the whole batch, for the pass's slice of the outputs: <c>weightGradient
    /// += outputGradient^T input</c>, <c>biasGradient += the column sums of outputGradient</c> (-1 for no bias). Each
    /// weight row reads every sample once, and no per-chunk copy of the weight gradient is written and added up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DenseBackwardParameters(int weightGradient, int biasGradient, int outputGradient, int input, int inputs, int outputs)
    {
        (int firstOutput, int outputCount) = Kernels.Chunks.Range(Slice, ParameterSlices, outputs);
        Kernels.Dense.BackwardParameters(Batch(input, inputs), Batch(outputGradient, outputs), Gradient(weightGradient, outputs * inputs), Gradient(biasGradient, outputs), Count, inputs, outputs, firstOutput, outputCount, Simd);
    }
}
