using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Bench;
using L = StaticNet.Bench.Mlp.Layers;

namespace StaticNet.Kernels.Bench;

/// <summary>The MLP's dense layers on a batch of 64, one thread.</summary>
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
    public void Fc1Forward() => Mlp.Fc1Forward(_fc1, _input, Parameter(L.Fc1.WeightOffset, L.Fc1.WeightLength), Parameter(L.Fc1.BiasOffset, L.Fc1.BiasLength), Batch, Simd);

    [Benchmark]
    public void Fc1BackwardParameters() => Mlp.Fc1BackwardParameters(Gradient(L.Fc1.WeightOffset, L.Fc1.WeightLength), Gradient(L.Fc1.BiasOffset, L.Fc1.BiasLength), _fc1Gradient, _input, Batch, 0, L.Fc1.OutputLength, Simd);

    [Benchmark]
    public void Fc2Forward() => Mlp.Fc2Forward(_fc2, _hidden, Parameter(L.Fc2.WeightOffset, L.Fc2.WeightLength), Parameter(L.Fc2.BiasOffset, L.Fc2.BiasLength), Batch, Simd);

    [Benchmark]
    public void Fc2BackwardParameters() => Mlp.Fc2BackwardParameters(Gradient(L.Fc2.WeightOffset, L.Fc2.WeightLength), Gradient(L.Fc2.BiasOffset, L.Fc2.BiasLength), _fc2Gradient, _hidden, Batch, 0, L.Fc2.OutputLength, Simd);

    [Benchmark]
    public void Fc2BackwardInput() => Mlp.Fc2BackwardInput(_hiddenGradient, _fc2Gradient, Parameter(L.Fc2.WeightOffset, L.Fc2.WeightLength), Batch, Simd);
}
