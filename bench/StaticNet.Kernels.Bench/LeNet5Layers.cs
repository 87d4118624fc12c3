using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Samples;
using L = StaticNet.Samples.LeNet5.Layers;

namespace StaticNet.Kernels.Bench;

/// <summary>Each LeNet-5 layer's generated methods on a batch of 64, one thread.</summary>
public class LeNet5Layers
{
    private const int Batch = 64;

    private static readonly LeNet5 Network = new(seed: 1, batchCapacity: Batch);

    private readonly float[] _parameters = Network.Parameters.ToArray();
    private readonly float[] _gradients = new float[LeNet5.ParameterCount];
    // Each benchmark runs the whole batch in one call: the scratch of four chunks.
    private readonly float[] _scratch = new float[Network.KernelScratchLength * 4];
    private readonly float[] _input = Buffers.Random(Batch * LeNet5.InputLength);
    private readonly float[] _padded1 = new float[Batch * 32 * 32];
    private readonly float[] _conv1 = Buffers.Random(Batch * L.Conv1.OutputLength), _conv1Gradient = Buffers.Random(Batch * L.Conv1.OutputLength, 2);
    private readonly float[] _relu1 = new float[Batch * L.Relu1.OutputLength];
    private readonly float[] _pool1 = Buffers.Random(Batch * L.Pool1.OutputLength), _pool1Gradient = Buffers.Random(Batch * L.Pool1.OutputLength, 3);
    private readonly float[] _conv2 = Buffers.Random(Batch * L.Conv2.OutputLength), _conv2Gradient = Buffers.Random(Batch * L.Conv2.OutputLength, 4);
    private readonly float[] _flat = Buffers.Random(Batch * L.Flatten1.OutputLength), _flatGradient = new float[Batch * L.Flatten1.OutputLength];
    private readonly float[] _fc1 = new float[Batch * L.Fc1.OutputLength], _fc1Gradient = Buffers.Random(Batch * L.Fc1.OutputLength, 5);

    [Params(SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512)]
    public SimdLevel Simd { get; set; }

    private ReadOnlySpan<float> Parameter(int offset, int length) => _parameters.AsSpan(offset, length);

    private Span<float> Gradient(int offset, int length) => _gradients.AsSpan(offset, length);

    [Benchmark]
    public void Conv1Forward() => LeNet5.Conv1Forward(_conv1, _input, _padded1, Parameter(L.Conv1.WeightOffset, L.Conv1.WeightLength), Parameter(L.Conv1.BiasOffset, L.Conv1.BiasLength), _scratch, Batch, Simd);

    [Benchmark]
    public void Conv1BackwardParameters() => LeNet5.Conv1BackwardParameters(Gradient(L.Conv1.WeightOffset, L.Conv1.WeightLength), Gradient(L.Conv1.BiasOffset, L.Conv1.BiasLength), _conv1Gradient, _input, _padded1, _scratch, Batch, Simd);

    [Benchmark]
    public void Relu1Forward() => LeNet5.Relu1Forward(_relu1, _conv1, Batch, Simd);

    [Benchmark]
    public void Relu1Backward() => LeNet5.Relu1BackwardInput(_relu1, _conv1Gradient, _conv1, Batch, Simd);

    [Benchmark]
    public void Pool1Forward() => LeNet5.Pool1Forward(_pool1, _conv1, Batch, Simd);

    [Benchmark]
    public void Pool1Backward() => LeNet5.Pool1BackwardInput(_conv1Gradient, _pool1Gradient, _conv1, Batch, Simd);

    [Benchmark]
    public void Conv2Forward() => LeNet5.Conv2Forward(_conv2, _pool1, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), Parameter(L.Conv2.BiasOffset, L.Conv2.BiasLength), _scratch, Batch, Simd);

    [Benchmark]
    public void Conv2BackwardParameters() => LeNet5.Conv2BackwardParameters(Gradient(L.Conv2.WeightOffset, L.Conv2.WeightLength), Gradient(L.Conv2.BiasOffset, L.Conv2.BiasLength), _conv2Gradient, _pool1, _scratch, Batch, Simd);

    [Benchmark]
    public void Conv2BackwardInput() => LeNet5.Conv2BackwardInput(_pool1Gradient, _conv2Gradient, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), _scratch, Batch, Simd);

    [Benchmark]
    public void Fc1Forward() => LeNet5.Fc1Forward(_fc1, _flat, Parameter(L.Fc1.WeightOffset, L.Fc1.WeightLength), Parameter(L.Fc1.BiasOffset, L.Fc1.BiasLength), Batch, Simd);

    [Benchmark]
    public void Fc1BackwardParameters() => LeNet5.Fc1BackwardParameters(Gradient(L.Fc1.WeightOffset, L.Fc1.WeightLength), Gradient(L.Fc1.BiasOffset, L.Fc1.BiasLength), _fc1Gradient, _flat, Batch, 0, L.Fc1.OutputLength, Simd);

    [Benchmark]
    public void Fc1BackwardInput() => LeNet5.Fc1BackwardInput(_flatGradient, _fc1Gradient, Parameter(L.Fc1.WeightOffset, L.Fc1.WeightLength), Batch, Simd);
}
