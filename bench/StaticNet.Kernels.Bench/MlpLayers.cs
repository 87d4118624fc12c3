using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Bench;
using L = StaticNet.Bench.Mlp.Layers;

namespace StaticNet.Kernels.Bench;

/// <summary>The runtime kernels the MLP's dense layers run, with the network's shapes, on a batch of 64, one thread.</summary>
public class MlpLayers
{
    private const int Batch = 64;

    private readonly float[] _parameters = new Mlp(seed: 1).Parameters.ToArray();
    private readonly float[] _gradients = new float[Mlp.ParameterCount];
    private readonly float[] _input = Buffers.Random(Batch * Mlp.InputLength);
    private readonly float[] _fc1 = new float[Batch * L.Fc1.OutputLength], _fc1Gradient = Buffers.Random(Batch * L.Fc1.OutputLength, 2);
    private readonly float[] _hidden = Buffers.Random(Batch * L.Relu1.OutputLength, 3), _hiddenGradient = new float[Batch * L.Relu1.OutputLength];
    private readonly float[] _fc2 = new float[Batch * L.Fc2.OutputLength], _fc2Gradient = Buffers.Random(Batch * L.Fc2.OutputLength, 4);

    [Params(SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512)]
    public SimdLevel Simd { get; set; }

    private ReadOnlySpan<float> Parameter(int offset, int length) => _parameters.AsSpan(offset, length);

    private Span<float> Gradient(int offset, int length) => _gradients.AsSpan(offset, length);

    [Benchmark]
    public void Fc1Forward() => DenseLayer.Forward(_input, _fc1, Parameter(L.Fc1.WeightOffset, L.Fc1.WeightLength), Parameter(L.Fc1.BiasOffset, L.Fc1.BiasLength), Batch, Mlp.InputLength, L.Fc1.OutputLength, Simd);

    [Benchmark]
    public void Fc1BackwardParameters() => DenseLayer.BackwardParameters(_input, _fc1Gradient, Gradient(L.Fc1.WeightOffset, L.Fc1.WeightLength), Gradient(L.Fc1.BiasOffset, L.Fc1.BiasLength), Batch, Mlp.InputLength, L.Fc1.OutputLength, Simd);

    [Benchmark]
    public void Fc2Forward() => DenseLayer.Forward(_hidden, _fc2, Parameter(L.Fc2.WeightOffset, L.Fc2.WeightLength), Parameter(L.Fc2.BiasOffset, L.Fc2.BiasLength), Batch, L.Relu1.OutputLength, L.Fc2.OutputLength, Simd);

    [Benchmark]
    public void Fc2BackwardParameters() => DenseLayer.BackwardParameters(_hidden, _fc2Gradient, Gradient(L.Fc2.WeightOffset, L.Fc2.WeightLength), Gradient(L.Fc2.BiasOffset, L.Fc2.BiasLength), Batch, L.Relu1.OutputLength, L.Fc2.OutputLength, Simd);

    [Benchmark]
    public void Fc2BackwardInput() => DenseLayer.BackwardInput(_fc2Gradient, Parameter(L.Fc2.WeightOffset, L.Fc2.WeightLength), _hiddenGradient, Batch, L.Relu1.OutputLength, L.Fc2.OutputLength, Simd);
}
