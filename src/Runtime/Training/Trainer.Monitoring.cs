using System;

namespace StaticNet;

// Per-tensor statistics: each parameter tensor's gradient norm, weight norm and update-to-weight ratio.
public sealed partial class Trainer<TNetwork>
{
    private TensorInfo[] _monitored = Array.Empty<TensorInfo>();
    private TensorStatistics[] _statistics = Array.Empty<TensorStatistics>();
    private double[] _gradientNorms = Array.Empty<double>();
    private double[] _epochSums = Array.Empty<double>();
    private float[] _before = Array.Empty<float>();
    private bool _monitoring;

    /// <summary>
    /// Whether to measure, per parameter tensor, the gradient norm (before clipping), the weight norm and
    /// the update-to-weight ratio at every step: each epoch's means go into <see cref="EpochMetrics.Tensors"/>
    /// (and the history's CSV and JSON), each step's into <see cref="TrainingContext.TensorStatistics"/> and
    /// <see cref="LastTensorStatistics"/> for callbacks such as <see cref="GradientMonitor"/>. Costs a copy
    /// of the parameters and three passes over them per step; allocates nothing per step. Off by default.
    /// </summary>
    public bool MonitorTensors { get; set; }

    /// <summary>Each parameter tensor's statistics at the last step, with <see cref="MonitorTensors"/>; <see langword="null"/> without.</summary>
    public System.Collections.Generic.IReadOnlyList<TensorStatistics>? LastTensorStatistics => _monitoring ? _statistics : null;

    /// <summary>Sizes the buffers once, before the first step, so that no step allocates.</summary>
    private void PrepareMonitoring()
    {
        _monitoring = MonitorTensors;
        if (!_monitoring || _before.Length == Network.Parameters.Length)
        {
            return;
        }

        var tensors = new System.Collections.Generic.List<TensorInfo>();
        foreach (TensorInfo tensor in Network.Tensors)
        {
            if (tensor.Kind == TensorKind.Parameter)
            {
                tensors.Add(tensor);
            }
        }

        _monitored = tensors.ToArray();
        _statistics = new TensorStatistics[_monitored.Length];
        _gradientNorms = new double[_monitored.Length];
        _epochSums = new double[3 * _monitored.Length];
        _before = new float[Network.Parameters.Length];
    }

    /// <summary>Before the update: each tensor's gradient norm, and the parameters as they were.</summary>
    private void MeasureBeforeUpdate(ReadOnlySpan<float> gradients)
    {
        for (int i = 0; i < _monitored.Length; i++)
        {
            _gradientNorms[i] = Norm(gradients.Slice(_monitored[i].Offset, _monitored[i].Length));
        }

        Network.Parameters.CopyTo(_before);
    }

    /// <summary>After the update: each tensor's weight norm and the norm of what changed, added to the epoch's sums.</summary>
    private void MeasureAfterUpdate()
    {
        ReadOnlySpan<float> parameters = Network.Parameters;
        for (int i = 0; i < _monitored.Length; i++)
        {
            ReadOnlySpan<float> after = parameters.Slice(_monitored[i].Offset, _monitored[i].Length);
            ReadOnlySpan<float> before = _before.AsSpan(_monitored[i].Offset, _monitored[i].Length);
            double weight = Norm(after), change = 0;
            for (int k = 0; k < after.Length; k++)
            {
                double d = (double)after[k] - before[k];
                change += d * d;
            }

            double ratio = weight > 0 ? Math.Sqrt(change) / weight : 0;
            _statistics[i] = new TensorStatistics(_monitored[i].Name, _gradientNorms[i], weight, ratio);
            _epochSums[3 * i] += _gradientNorms[i];
            _epochSums[(3 * i) + 1] += weight;
            _epochSums[(3 * i) + 2] += ratio;
        }
    }

    /// <summary>The epoch's means over its <paramref name="steps"/> steps, and the sums cleared for the next.</summary>
    private TensorStatistics[]? EpochTensorStatistics(int steps)
    {
        if (!_monitoring)
        {
            return null;
        }

        var means = new TensorStatistics[_monitored.Length];
        for (int i = 0; i < means.Length; i++)
        {
            means[i] = new TensorStatistics(_monitored[i].Name, _epochSums[3 * i] / steps, _epochSums[(3 * i) + 1] / steps, _epochSums[(3 * i) + 2] / steps);
        }

        Array.Clear(_epochSums);
        return means;
    }

    private static double Norm(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += (double)value * value;
        }

        return Math.Sqrt(sum);
    }
}
