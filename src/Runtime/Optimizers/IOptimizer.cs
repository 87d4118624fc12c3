using System;

namespace StaticNet;

/// <summary>
/// A gradient-descent optimizer: one step updates every parameter from its gradient, as one loop over
/// the flat buffers. State (momentum, moment estimates) is kept in flat buffers of the same layout,
/// allocated on the first step.
/// </summary>
public interface IOptimizer
{
    /// <summary>The optimizer's name (<c>Adam</c>), for messages and checkpoint files.</summary>
    string Name { get; }

    /// <summary>The learning rate of the next step; schedules change it between steps.</summary>
    /// <remarks>
    /// Hyperparameters are doubles, as Python floats are in PyTorch; each step rounds them to float
    /// once, the way PyTorch converts a Python scalar for a float32 tensor operation.
    /// </remarks>
    double LearningRate { get; set; }

    /// <summary>Steps taken so far (calls to <c>Step</c>).</summary>
    long StepCount { get; }

    /// <summary>
    /// The most threads a step may use; 1 by default. The trainer sets it to the network's
    /// <c>Threads</c>. An optimizer that cannot split its step ignores it.
    /// </summary>
    int Threads
    {
        get => 1;
        set
        {
        }
    }

    /// <summary>Updates every parameter in place from <paramref name="gradients"/>.</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>
    /// Updates only the parameters inside <paramref name="ranges"/> (ascending, not overlapping). Parameters
    /// outside are untouched: no weight decay, and their optimizer state (moments, step counts) does not
    /// change, as for a PyTorch parameter whose gradient is <c>None</c>. This is how frozen layers are skipped.
    /// </summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<ParameterRange> ranges);

    /// <summary>A copy of the optimizer's state (buffers, step counts, learning rate) for a checkpoint.</summary>
    OptimizerState ExportState();

    /// <summary>
    /// Replaces the optimizer's state with <paramref name="state"/>, after checking that it was exported by
    /// the same kind of optimizer for a buffer of the same length; on any mismatch it throws and changes nothing.
    /// </summary>
    void ImportState(OptimizerState state);
}

/// <summary>
/// An optimizer whose momentum a schedule may cycle, as PyTorch's <c>OneCycleLR</c> does with
/// <c>cycle_momentum=True</c>: SGD's and RMSprop's <c>momentum</c>, Adam's and its variants' <c>beta1</c>.
/// </summary>
public interface IMomentumOptimizer : IOptimizer
{
    /// <summary>The momentum (or <c>beta1</c>) of the next step.</summary>
    double Momentum { get; set; }
}

/// <summary>A contiguous run of the flat parameter buffer: <paramref name="Offset"/> and <paramref name="Length"/> in values.</summary>
/// <param name="Offset">The index of the first parameter.</param>
/// <param name="Length">The number of parameters.</param>
public readonly record struct ParameterRange(int Offset, int Length)
{
    /// <summary>One past the last parameter.</summary>
    public int End => Offset + Length;

    /// <summary>The whole buffer of <paramref name="parameterCount"/> parameters.</summary>
    public static ParameterRange All(int parameterCount) => new(0, parameterCount);

    /// <summary>
    /// The ranges of <paramref name="network"/>'s tensors that <paramref name="include"/> selects, in
    /// buffer order with neighbours merged: for example every tensor but the classifier head, to
    /// fine-tune or to freeze part of a network.
    /// </summary>
    public static ParameterRange[] ForTensors(INetwork network, Func<TensorInfo, bool> include)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(include);
        var selected = new System.Collections.Generic.List<ParameterRange>();
        foreach (TensorInfo tensor in network.Tensors)
        {
            if (include(tensor))
            {
                selected.Add(new ParameterRange(tensor.Offset, tensor.Length));
            }
        }

        selected.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return JoinNeighbours(selected);
    }

    /// <summary>Ranges in buffer order, each joined with the next where one ends at the other's start.</summary>
    internal static ParameterRange[] JoinNeighbours(System.Collections.Generic.List<ParameterRange> ordered)
    {
        var joined = new System.Collections.Generic.List<ParameterRange>(ordered.Count);
        foreach (ParameterRange range in ordered)
        {
            if (joined.Count > 0 && joined[^1].End == range.Offset)
            {
                joined[^1] = new ParameterRange(joined[^1].Offset, joined[^1].Length + range.Length);
            }
            else
            {
                joined.Add(range);
            }
        }

        return joined.ToArray();
    }

    /// <summary>The number of parameters in <paramref name="ranges"/>, all together.</summary>
    internal static int TotalLength(ReadOnlySpan<ParameterRange> ranges)
    {
        int total = 0;
        foreach (ParameterRange range in ranges)
        {
            total += range.Length;
        }

        return total;
    }

    /// <summary>
    /// Throws unless <paramref name="ranges"/> are ascending, disjoint, non-empty and inside a buffer of
    /// <paramref name="parameterCount"/> values; the message names the offending range.
    /// </summary>
    public static void Validate(ReadOnlySpan<ParameterRange> ranges, int parameterCount, string argument)
    {
        int previousEnd = 0;
        for (int i = 0; i < ranges.Length; i++)
        {
            ParameterRange range = ranges[i];
            if (range.Offset < previousEnd || range.Length < 1 || range.Offset > parameterCount - range.Length)
            {
                throw new ArgumentException(
                    $"{argument}[{i}] is [{range.Offset}, {(long)range.Offset + range.Length}): ranges must be non-empty, ascending, disjoint and inside the {parameterCount} parameters" +
                    (i > 0 ? $" (the previous range ends at {previousEnd})." : "."),
                    argument);
            }

            previousEnd = range.End;
        }
    }
}
