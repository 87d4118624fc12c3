using System;
using System.Collections.Generic;
using System.Linq;

namespace StaticNet.Samples;

/// <summary>
/// Loads the tensors of a safetensors file that a network has, by name, leaving the others alone:
/// a minimal stand-in for the runtime's partial loading by name, which is being added to
/// <c>NetworkFiles</c>; replace it with that once it lands.
/// </summary>
public static class PartialLoad
{
    /// <summary>
    /// Copies every tensor of <paramref name="path"/> whose name the network has (with the same shape) and
    /// that does not start with one of <paramref name="skipPrefixes"/>; returns the names loaded. A tensor
    /// the network has under that name but with another shape is an error.
    /// </summary>
    public static IReadOnlyList<string> Load(INetwork network, string path, params string[] skipPrefixes)
    {
        SafeTensorsFile file = SafeTensors.Read(path);
        var loaded = new List<string>();
        foreach (TensorInfo info in network.Tensors)
        {
            if (skipPrefixes.Any(prefix => info.Name.StartsWith(prefix, StringComparison.Ordinal)) || !file.TryGet(info.Name, out SafeTensor tensor))
            {
                continue;
            }

            if (!tensor.Shape.SequenceEqual(info.Shape))
            {
                throw new InvalidOperationException($"{path}: tensor '{info.Name}' has shape {tensor.ShapeText}, but network {network.Name} has {info.ShapeText}.");
            }

            network.WriteTensor(info.Name, tensor.Values);
            loaded.Add(info.Name);
        }

        return loaded;
    }
}

/// <summary>
/// An optimizer that updates only a network's <see cref="INetwork.TrainableRanges"/>, one inner optimizer
/// per range, so that layers frozen with <c>Freeze(name)</c> stay exactly as they are even under weight
/// decay or momentum. A stand-in for the range-limited <c>IOptimizer.Step</c> being added to the runtime.
/// </summary>
public sealed class TrainableOnly : IOptimizer
{
    private readonly INetwork _network;
    private readonly Func<IOptimizer> _create;
    private readonly Dictionary<Range, IOptimizer> _optimizers = new();
    private double _learningRate;

    /// <param name="network">The network whose trainable ranges are updated.</param>
    /// <param name="create">Creates the optimizer of one range (each keeps its own state).</param>
    public TrainableOnly(INetwork network, Func<IOptimizer> create)
    {
        _network = network;
        _create = create;
        _learningRate = create().LearningRate;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            _learningRate = value;
            foreach (IOptimizer optimizer in _optimizers.Values)
            {
                optimizer.LearningRate = value;
            }
        }
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        foreach (Range range in _network.TrainableRanges)
        {
            if (!_optimizers.TryGetValue(range, out IOptimizer? optimizer))
            {
                optimizer = _create();
                optimizer.LearningRate = _learningRate;
                _optimizers[range] = optimizer;
            }

            optimizer.Step(parameters[range], gradients[range]);
        }
    }
}
