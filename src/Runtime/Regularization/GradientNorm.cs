using System;
using StaticNet.Kernels;

namespace StaticNet;

/// <summary>
/// The global gradient norm of <see cref="GradientClipping.GlobalNorm"/>, its parts shared among threads:
/// the same parts added in the same order, so the same value on any number of threads. A trainer owns one,
/// since the parts' sums live here between the threads' work and the caller's total. Allocates nothing
/// after the first call.
/// </summary>
internal sealed unsafe class GradientNorm
{
    private readonly double[] _partSums = new double[GradientClipping.NormParts];
    private readonly Action<int, int> _sumPart;
    private float* _gradients;
    private int _gradientCount;
    private ParameterRange[] _ranges = Array.Empty<ParameterRange>();
    private int _total;

    public GradientNorm() => _sumPart = SumPart;

    public double Compute(ReadOnlySpan<float> gradients, ParameterRange[] ranges, int threads)
    {
        fixed (float* pointer = gradients)
        {
            _gradients = pointer;
            _gradientCount = gradients.Length;
            _ranges = ranges;
            _total = ParameterRange.TotalLength(ranges);
            BatchRunner.Run(GradientClipping.NormParts, _total < Chunks.ParallelThreshold ? 1 : threads, _sumPart);
            _gradients = null;
        }

        double sum = 0;
        foreach (double partSum in _partSums)
        {
            sum += partSum;
        }

        return Math.Sqrt(sum);
    }

    private void SumPart(int part, int thread) =>
        _partSums[part] = GradientClipping.PartSumOfSquares(new ReadOnlySpan<float>(_gradients, _gradientCount), _ranges, _total, part);
}
