using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Bench;
using L = StaticNet.Bench.BatchNormCnn.Layers;

namespace StaticNet.Kernels.Bench;

/// <summary>
/// The batch-norm CNN's middle block (conv2 16 -> 32 channels at 14x14, its batch normalisation) and
/// its global average pooling, on a batch of 64, one thread. Batch normalisation's once-per-batch
/// reductions touch a few values per channel and are left out.
/// </summary>
public class BatchNormCnnLayers
{
    private const int Batch = 64;

    private static readonly BatchNormCnn Network = new(seed: 1, batchCapacity: Batch);

    private readonly float[] _parameters = Network.Parameters.ToArray();
    private readonly float[] _gradients = new float[BatchNormCnn.ParameterCount];
    // Each benchmark runs the whole batch in one call: the scratch of four chunks.
    private readonly float[] _scratch = new float[Network.KernelScratchLength * 4];
    private readonly float[] _pool1 = Buffers.Random(Batch * L.Pool1.OutputLength), _pool1Gradient = new float[Batch * L.Pool1.OutputLength];
    private readonly float[] _padded = new float[Batch * 16 * 16 * 16], _paddedGradient = new float[Batch * 16 * 16 * 16];
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
        BatchNormCnn.Bn2ForwardStatistics(_partial, _conv2, Batch, SimdLevel.Scalar);
        for (int c = 0; c < L.Bn2.Channels; c++)
        {
            _statistics[c] = _partial[1 + c];
            _statistics[L.Bn2.Channels + c] = 1f / MathF.Sqrt((_partial[1 + L.Bn2.Channels + c] / _partial[0]) + 1e-5f);
        }

        BatchNormCnn.Bn2BackwardStatistics(_totals, _bn2Gradient, _conv2, _statistics, Batch, SimdLevel.Scalar);
    }

    [Benchmark]
    public void Conv2Forward() => BatchNormCnn.Conv2Forward(_conv2, _pool1, _padded, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), _scratch, Batch, Simd);

    [Benchmark]
    public void Conv2BackwardParameters() => BatchNormCnn.Conv2BackwardParameters(Gradient(L.Conv2.WeightOffset, L.Conv2.WeightLength), _conv2Gradient, _pool1, _padded, _scratch, Batch, Simd);

    [Benchmark]
    public void Conv2BackwardInput() => BatchNormCnn.Conv2BackwardInput(_pool1Gradient, _paddedGradient, _conv2Gradient, Parameter(L.Conv2.WeightOffset, L.Conv2.WeightLength), _scratch, Batch, Simd);

    [Benchmark]
    public void Bn2ForwardStatistics() => BatchNormCnn.Bn2ForwardStatistics(_partial, _conv2, Batch, Simd);

    [Benchmark]
    public void Bn2ForwardNormalize() => BatchNormCnn.Bn2ForwardNormalize(_bn2, _conv2, _statistics, Parameter(L.Bn2.WeightOffset, L.Bn2.WeightLength), Parameter(L.Bn2.BiasOffset, L.Bn2.BiasLength), Batch, Simd);

    [Benchmark]
    public void Bn2BackwardStatistics() => BatchNormCnn.Bn2BackwardStatistics(_partial, _bn2Gradient, _conv2, _statistics, Batch, Simd);

    [Benchmark]
    public void Bn2BackwardInput() => BatchNormCnn.Bn2BackwardInput(_conv2Gradient, _bn2Gradient, _conv2, _statistics, _totals, Parameter(L.Bn2.WeightOffset, L.Bn2.WeightLength), Batch, Simd);

    [Benchmark]
    public void Gap1Forward() => BatchNormCnn.Gap1Forward(_gap, _relu3, Batch, Simd);

    [Benchmark]
    public void Gap1BackwardInput() => BatchNormCnn.Gap1BackwardInput(_relu3Gradient, _gapGradient, Batch, Simd);
}
