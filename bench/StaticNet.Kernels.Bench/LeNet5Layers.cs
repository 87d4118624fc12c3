using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Samples;
using L = StaticNet.Samples.LeNet5.Layers;

namespace StaticNet.Kernels.Bench;

/// <summary>
/// The runtime kernels each LeNet-5 layer runs, called with the network's shapes on a batch of 64, one
/// thread. Kernel sizes and padding are the declaration's (samples/Shared/LeNet5.cs); every other size
/// comes from the generated layer constants.
/// </summary>
public class LeNet5Layers
{
    private const int Batch = 64;

    // The input, as [Input(1, 28, 28)] declares it, and conv1's 5x5 kernel with padding 2, conv2's 5x5
    // without padding, and 2x2 max pooling.
    private const int InputChannels = 1, InputSize = 28, Kernel = 5, Conv1Padding = 2, Pool = 2;

    private readonly float[] _parameters = new LeNet5(seed: 1).Parameters.ToArray();
    private readonly float[] _gradients = new float[LeNet5.ParameterCount];
    private readonly float[] _scratch = new float[Math.Max(
        Convolution.ScratchLength(InputChannels, InputSize, InputSize, L.Conv1.Channels, Kernel, 1, Conv1Padding, 1, Batch),
        Convolution.ScratchLength(L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, 0, 1, Batch))];
    private readonly float[] _input = Buffers.Random(Batch * LeNet5.InputLength);
    private readonly float[] _conv1 = Buffers.Random(Batch * L.Conv1.OutputLength), _conv1Gradient = Buffers.Random(Batch * L.Conv1.OutputLength, 2);
    private readonly float[] _relu1 = new float[Batch * L.Relu1.OutputLength], _relu1Gradient = Buffers.Random(Batch * L.Relu1.OutputLength, 6);
    private readonly float[] _pool1 = Buffers.Random(Batch * L.Pool1.OutputLength), _pool1Gradient = Buffers.Random(Batch * L.Pool1.OutputLength, 3);
    private readonly float[] _conv2 = Buffers.Random(Batch * L.Conv2.OutputLength), _conv2Gradient = Buffers.Random(Batch * L.Conv2.OutputLength, 4);
    private readonly float[] _flat = Buffers.Random(Batch * L.Flatten1.OutputLength), _flatGradient = new float[Batch * L.Flatten1.OutputLength];
    private readonly float[] _fc1 = new float[Batch * L.Fc1.OutputLength], _fc1Gradient = Buffers.Random(Batch * L.Fc1.OutputLength, 5);

    /// <summary>The kernels' width; pooling has one form for every level.</summary>
    [Params(SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512)]
    public SimdLevel Simd { get; set; }

    private ReadOnlySpan<float> Parameter(int offset, int length) => _parameters.AsSpan(offset, length);

    private Span<float> Gradient(int offset, int length) => _gradients.AsSpan(offset, length);

    [Benchmark]
    public void Conv1Forward() => Convolution.Forward(
        _input, _conv1, Parameter(L.Conv1.WeightOffset, L.Conv1.WeightLength), Parameter(L.Conv1.BiasOffset, L.Conv1.BiasLength), _scratch,
        Batch, InputChannels, InputSize, InputSize, L.Conv1.Channels, Kernel, 1, Conv1Padding, 1, Simd);

    [Benchmark]
    public void Conv1BackwardParameters() => Convolution.BackwardParameters(
        _input, _conv1Gradient, Gradient(L.Conv1.WeightOffset, L.Conv1.WeightLength), Gradient(L.Conv1.BiasOffset, L.Conv1.BiasLength), _scratch,
        Batch, InputChannels, InputSize, InputSize, L.Conv1.Channels, Kernel, 1, Conv1Padding, 1, Simd);

    [Benchmark]
    public void Relu1Forward() => VectorMath.Relu(_conv1, _relu1, Simd);

    [Benchmark]
    public void Relu1Backward() => VectorMath.ReluBackward(_relu1Gradient, _relu1, _conv1Gradient, Simd);

    [Benchmark]
    public void Pool1Forward() => Pooling.MaxForward(_conv1, _pool1, Batch * L.Relu1.Channels, L.Relu1.Height, L.Relu1.Width, Pool, Pool, 0, L.Pool1.Height, L.Pool1.Width, Simd);

    [Benchmark]
    public void Pool1Backward() => Pooling.MaxBackward(_conv1, _pool1Gradient, _conv1Gradient, Batch * L.Relu1.Channels, L.Relu1.Height, L.Relu1.Width, Pool, Pool, 0, L.Pool1.Height, L.Pool1.Width, Simd);

    [Benchmark]
    public void Conv2Forward() => Convolution.Forward(
        _pool1, _conv2, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), Parameter(L.Conv2.BiasOffset, L.Conv2.BiasLength), _scratch,
        Batch, L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, 0, 1, Simd);

    [Benchmark]
    public void Conv2BackwardParameters() => Convolution.BackwardParameters(
        _pool1, _conv2Gradient, Gradient(L.Conv2.WeightOffset, L.Conv2.WeightLength), Gradient(L.Conv2.BiasOffset, L.Conv2.BiasLength), _scratch,
        Batch, L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, 0, 1, Simd);

    [Benchmark]
    public void Conv2BackwardInput() => Convolution.BackwardInput(
        _conv2Gradient, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), _pool1Gradient, _scratch,
        Batch, L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, 0, 1, Simd);

    [Benchmark]
    public void Fc1Forward() => DenseLayer.Forward(_flat, _fc1, Parameter(L.Fc1.WeightOffset, L.Fc1.WeightLength), Parameter(L.Fc1.BiasOffset, L.Fc1.BiasLength), Batch, L.Flatten1.OutputLength, L.Fc1.OutputLength, Simd);

    [Benchmark]
    public void Fc1BackwardParameters() => DenseLayer.BackwardParameters(_flat, _fc1Gradient, Gradient(L.Fc1.WeightOffset, L.Fc1.WeightLength), Gradient(L.Fc1.BiasOffset, L.Fc1.BiasLength), Batch, L.Flatten1.OutputLength, L.Fc1.OutputLength, Simd);

    [Benchmark]
    public void Fc1BackwardInput() => DenseLayer.BackwardInput(_fc1Gradient, Parameter(L.Fc1.WeightOffset, L.Fc1.WeightLength), _flatGradient, Batch, L.Flatten1.OutputLength, L.Fc1.OutputLength, Simd);
}
