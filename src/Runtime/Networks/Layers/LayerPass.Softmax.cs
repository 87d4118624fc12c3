using System.Runtime.CompilerServices;
namespace StaticNet;

// Softmax and LogSoftmax over each sample's values: only ever the last layer.
public readonly ref partial struct LayerPass
{
    /// <summary>Softmax forward: <c>exp(x - max(x)) / sum(exp(x - max(x)))</c> per sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SoftmaxForward(int output, int input, int features) =>
        Kernels.Softmax.Forward(Batch(input, features), Batch(output, features), Count, features, log: false);

    /// <summary>Softmax backward: <c>dx = y * (dy - sum(dy * y))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SoftmaxBackwardInput(int inputGradient, int outputGradient, int output, int features) =>
        Kernels.Softmax.Backward(Batch(outputGradient, features), Batch(output, features), Batch(inputGradient, features), Count, features, log: false);

    /// <summary>LogSoftmax forward: <c>x - max(x) - log(sum(exp(x - max(x))))</c> per sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogSoftmaxForward(int output, int input, int features) =>
        Kernels.Softmax.Forward(Batch(input, features), Batch(output, features), Count, features, log: true);

    /// <summary>LogSoftmax backward: <c>dx = dy - exp(y) * sum(dy)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogSoftmaxBackwardInput(int inputGradient, int outputGradient, int output, int features) =>
        Kernels.Softmax.Backward(Batch(outputGradient, features), Batch(output, features), Batch(inputGradient, features), Count, features, log: true);
}
