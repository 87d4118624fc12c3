using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Bench;
using L = StaticNet.Bench.BatchNormCnn.Layers;

namespace StaticNet.Kernels.Bench;

/// <summary>
/// The runtime kernels of the batch-norm CNN's middle block (conv2, 16 -> 32 channels at 14x14, 3x3 with
/// padding 1 and no bias, as bench/Shared/BatchNormCnn.cs declares it; its batch normalisation) and of
/// its global average pooling, with the network's shapes, on a batch of 64, one thread. Batch
/// normalisation's once-per-batch reductions touch a few values per channel and are left out.
/// </summary>
public class BatchNormCnnLayers
{
    private const int Batch = 64, Kernel = 3, Padding = 1;

    private const int Plane2 = L.Bn2.Height * L.Bn2.Width, Plane3 = L.Relu3.Height * L.Relu3.Width;

    private readonly float[] _parameters = new BatchNormCnn(seed: 1).Parameters.ToArray();
    private readonly float[] _gradients = new float[BatchNormCnn.ParameterCount];
    private readonly float[] _scratch = new float[Convolution.ScratchLength(L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, Padding, 1, Batch)];
    private readonly float[] _pool1 = Buffers.Random(Batch * L.Pool1.OutputLength), _pool1Gradient = new float[Batch * L.Pool1.OutputLength];
    private readonly float[] _conv2 = Buffers.Random(Batch * L.Conv2.OutputLength, 2), _conv2Gradient = Buffers.Random(Batch * L.Conv2.OutputLength, 3);
    private readonly float[] _bn2 = new float[Batch * L.Bn2.OutputLength], _bn2Gradient = Buffers.Random(Batch * L.Bn2.OutputLength, 4);
    private readonly float[] _partial = new float[1 + (2 * L.Bn2.Channels)], _statistics = new float[2 * L.Bn2.Channels];
    private readonly float[] _totals = new float[1 + (2 * L.Bn2.Channels)];
    private readonly float[] _relu3 = Buffers.Random(Batch * L.Relu3.OutputLength, 5), _relu3Gradient = new float[Batch * L.Relu3.OutputLength];
    private readonly float[] _gap = new float[Batch * L.Gap1.OutputLength], _gapGradient = Buffers.Random(Batch * L.Gap1.OutputLength, 6);

    [Params(SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512)]
    public SimdLevel Simd { get; set; }

    private ReadOnlySpan<float> Parameter(int offset, int length) => _parameters.AsSpan(offset, length);

    private Span<float> Gradient(int offset, int length) => _gradients.AsSpan(offset, length);

    [GlobalSetup]
    public void Setup()
    {
        // Statistics and totals as a real batch would leave them: positive 1/std, a count of every value.
        BatchNormalization.Statistics(_conv2, _partial, Batch, L.Bn2.Channels, Plane2, SimdLevel.Scalar);
        for (int c = 0; c < L.Bn2.Channels; c++)
        {
            _statistics[c] = _partial[1 + c];
            _statistics[L.Bn2.Channels + c] = 1f / MathF.Sqrt((_partial[1 + L.Bn2.Channels + c] / _partial[0]) + 1e-5f);
        }

        BatchNormalization.BackwardStatistics(_bn2Gradient, _conv2, _statistics, _totals, Batch, L.Bn2.Channels, Plane2, SimdLevel.Scalar);
    }

    [Benchmark]
    public void Conv2Forward() => Convolution.Forward(
        _pool1, _conv2, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), ReadOnlySpan<float>.Empty, _scratch,
        Batch, L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, Padding, 1, Simd);

    [Benchmark]
    public void Conv2BackwardParameters() => Convolution.BackwardParameters(
        _pool1, _conv2Gradient, Gradient(L.Conv2.WeightOffset, L.Conv2.WeightLength), Span<float>.Empty, _scratch,
        Batch, L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, Padding, 1, Simd);

    [Benchmark]
    public void Conv2BackwardInput() => Convolution.BackwardInput(
        _conv2Gradient, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), _pool1Gradient, _scratch,
        Batch, L.Pool1.Channels, L.Pool1.Height, L.Pool1.Width, L.Conv2.Channels, Kernel, 1, Padding, 1, Simd);

    [Benchmark]
    public void Bn2ForwardStatistics() => BatchNormalization.Statistics(_conv2, _partial, Batch, L.Bn2.Channels, Plane2, Simd);

    [Benchmark]
    public void Bn2ForwardNormalize() => BatchNormalization.Normalize(
        _conv2, _bn2, _statistics, Parameter(L.Bn2.WeightOffset, L.Bn2.WeightLength), Parameter(L.Bn2.BiasOffset, L.Bn2.BiasLength), Batch, L.Bn2.Channels, Plane2, Simd);

    [Benchmark]
    public void Bn2BackwardStatistics() => BatchNormalization.BackwardStatistics(_bn2Gradient, _conv2, _statistics, _partial, Batch, L.Bn2.Channels, Plane2, Simd);

    [Benchmark]
    public void Bn2BackwardInput() => BatchNormalization.BackwardInput(
        _bn2Gradient, _conv2, _statistics, _totals, Parameter(L.Bn2.WeightOffset, L.Bn2.WeightLength), _conv2Gradient, Batch, L.Bn2.Channels, Plane2, Simd);

    /// <summary>The mean of each plane: each summed in vectors, as the engine's global average pooling does.</summary>
    [Benchmark]
    public void Gap1Forward()
    {
        for (int p = 0; p < Batch * L.Relu3.Channels; p++)
        {
            _gap[p] = VectorMath.Sum(_relu3.AsSpan(p * Plane3, Plane3), Simd) * (1f / Plane3);
        }
    }

    /// <summary>Each plane's gradient, divided by its size, to every position of the plane.</summary>
    [Benchmark]
    public void Gap1BackwardInput()
    {
        for (int p = 0; p < Batch * L.Relu3.Channels; p++)
        {
            _relu3Gradient.AsSpan(p * Plane3, Plane3).Fill(_gapGradient[p] * (1f / Plane3));
        }
    }
}
