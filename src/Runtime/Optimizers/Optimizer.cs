using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;

namespace StaticNet;

/// <summary>
/// What every built-in optimizer shares: argument checks, per-parameter state buffers allocated on the
/// first step, per-parameter step counts that frozen ranges leave alone, and state export and import.
/// A subclass writes only its update rule, as one vectorised loop over a run of the buffer.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private readonly string[] _bufferNames;
    private float[][] _buffers = Array.Empty<float[]>();

    // Runs of parameters sharing a step count, covering the buffer once the first step has run. Only a
    // step over new range boundaries splits a run, so a training loop with fixed ranges allocates nothing.
    private readonly List<StepSegment> _segments = new();
    private int _parameterCount;
    private double _learningRate;
    private int _threads = 1;

    // A step shared among threads: the runs it updates, each with its state before the step, and the
    // buffers, pinned for the step's duration. Grown, never shrunk, so steady training allocates nothing.
    private ParallelRun[] _parallelRuns = Array.Empty<ParallelRun>();
    private int _parallelRunCount;
    private int _parallelTotal;
    private int _parallelSlices;
    private unsafe float* _parallelParameters;
    private unsafe float* _parallelGradients;
    private Action<int, int>? _parallelSlice;

    /// <summary>Creates the optimizer with its learning rate and the names of its per-parameter buffers.</summary>
    protected Optimizer(double learningRate, params string[] bufferNames)
    {
        LearningRate = learningRate;
        _bufferNames = bufferNames;
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsPositiveInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be finite and at least 0.");
            }

            _learningRate = value;
        }
    }

    /// <inheritdoc/>
    public long StepCount { get; private set; }

    /// <summary>The length of the parameter buffer this optimizer steps; 0 before the first step.</summary>
    public int ParameterCount => _parameterCount;

    /// <inheritdoc/>
    /// <remarks>
    /// A step over at least 32,768 parameters is split into that many slices, one per thread. Every
    /// parameter gets the same arithmetic whichever slice holds it, so the result does not depend on the
    /// number of threads.
    /// </remarks>
    public int Threads
    {
        get => _threads;
        set => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "An optimizer steps on at least 1 thread.");
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        Span<ParameterRange> all = stackalloc ParameterRange[1];
        all[0] = ParameterRange.All(parameters.Length);
        Step(parameters, gradients, parameters.IsEmpty ? ReadOnlySpan<ParameterRange>.Empty : all);
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<ParameterRange> ranges)
    {
        if (gradients.Length != parameters.Length)
        {
            throw new ArgumentException($"{Name}: gradients hold {gradients.Length} values but parameters hold {parameters.Length}.", nameof(gradients));
        }

        ParameterRange.Validate(ranges, parameters.Length, nameof(ranges));
        EnsureState(parameters.Length);
        StepCount++;
        BeginStep();
        int total = ParameterRange.TotalLength(ranges);
        int slices = Math.Min(_threads, Kernels.BatchRunner.MaxThreads);
        if (slices > 1 && total >= Kernels.Chunks.ParallelThreshold)
        {
            StepInParallel(parameters, gradients, ranges, total, slices);
            return;
        }

        foreach (ParameterRange range in ranges)
        {
            int first = SplitAt(range.Offset);
            int end = SplitAt(range.End);
            Span<StepSegment> segments = CollectionsMarshal.AsSpan(_segments);
            for (int k = first; k < end; k++)
            {
                ref StepSegment segment = ref segments[k];
                segment.Step++;
                Update(parameters.Slice(segment.Offset, segment.Length), gradients.Slice(segment.Offset, segment.Length), segment.Offset, ref segment);
            }
        }
    }

    /// <summary>
    /// The step of <see cref="Step(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{ParameterRange})"/> with
    /// the runs it updates laid end to end and cut into <paramref name="slices"/> slices, one per thread.
    /// A run cut in two is updated as two runs, each from the run's state before the step: the per-run
    /// values an update changes (Nadam's momentum product) come out the same in both, and the slice that
    /// starts the run stores them.
    /// </summary>
    private unsafe void StepInParallel(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<ParameterRange> ranges, int total, int slices)
    {
        _parallelRunCount = 0;
        foreach (ParameterRange range in ranges)
        {
            int first = SplitAt(range.Offset);
            int end = SplitAt(range.End);
            Span<StepSegment> segments = CollectionsMarshal.AsSpan(_segments);
            for (int k = first; k < end; k++)
            {
                segments[k].Step++;
                if (_parallelRunCount == _parallelRuns.Length)
                {
                    Array.Resize(ref _parallelRuns, Math.Max(8, 2 * _parallelRuns.Length));
                }

                _parallelRuns[_parallelRunCount++] = new ParallelRun(k, segments[k], segments[k]);
            }
        }

        fixed (float* p = parameters)
        fixed (float* g = gradients)
        {
            _parallelParameters = p;
            _parallelGradients = g;
            _parallelTotal = total;
            _parallelSlices = slices;
            Kernels.BatchRunner.Run(slices, slices, _parallelSlice ??= UpdateSlice);
            _parallelParameters = null;
            _parallelGradients = null;
        }

        Span<StepSegment> updated = CollectionsMarshal.AsSpan(_segments);
        for (int i = 0; i < _parallelRunCount; i++)
        {
            updated[_parallelRuns[i].Segment] = _parallelRuns[i].After;
        }
    }

    /// <summary>Updates slice <paramref name="slice"/> of the parallel step: [start, end) of its runs laid end to end.</summary>
    private unsafe void UpdateSlice(int slice, int thread)
    {
        (int start, int end) = Kernels.Chunks.Slice(slice, _parallelSlices, _parallelTotal);
        int runStart = 0;
        for (int i = 0; i < _parallelRunCount; i++)
        {
            ref ParallelRun run = ref _parallelRuns[i];
            int from = Math.Max(start - runStart, 0), to = Math.Min(end - runStart, run.Before.Length);
            if (from < to)
            {
                int offset = run.Before.Offset + from;
                StepSegment segment = run.Before;
                Update(new Span<float>(_parallelParameters + offset, to - from), new ReadOnlySpan<float>(_parallelGradients + offset, to - from), offset, ref segment);
                if (from == 0)
                {
                    run.After = segment;
                }
            }

            runStart += run.Before.Length;
        }
    }

    /// <summary>A run of a parallel step: its index among the runs, its state before the step (step count already advanced), and after.</summary>
    private record struct ParallelRun(int Segment, StepSegment Before, StepSegment After);

    /// <inheritdoc/>
    public OptimizerState ExportState()
    {
        var buffers = new List<KeyValuePair<string, float[]>>(_buffers.Length);
        for (int b = 0; b < _buffers.Length; b++)
        {
            buffers.Add(new(_bufferNames[b], (float[])_buffers[b].Clone()));
        }

        var hyperparameters = new List<KeyValuePair<string, double>> { new("lr", LearningRate) };
        AddHyperparameters(hyperparameters);
        return new OptimizerState(Name, _parameterCount, StepCount, LearningRate, buffers, _segments.ToArray(), hyperparameters);
    }

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        CheckImport(state);

        // Every check passed: only now replace the state.
        _parameterCount = state.ParameterCount;
        StepCount = state.StepCount;
        _segments.Clear();
        _segments.AddRange(state.Segments);
        _buffers = new float[_bufferNames.Length][];
        for (int b = 0; b < _bufferNames.Length && state.ParameterCount > 0; b++)
        {
            _buffers[b] = (float[])Find(state, _bufferNames[b])!.Clone();
        }

        if (state.ParameterCount == 0)
        {
            _buffers = Array.Empty<float[]>();
        }

        LearningRate = state.LearningRate;
        ImportHyperparameters(state.Hyperparameters);
    }

    /// <summary>Rounds the step's hyperparameters to float, once per step, before the first <see cref="Update"/>.</summary>
    protected abstract void BeginStep();

    /// <summary>
    /// Updates one run of parameters that share a step count (<paramref name="segment"/>.Step, already
    /// counting this step). <paramref name="offset"/> is where the run starts, for <see cref="State"/>.
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int offset, ref StepSegment segment);

    /// <summary>The run of state buffer <paramref name="buffer"/> (by its index in the constructor's names) that goes with a run of parameters.</summary>
    protected Span<float> State(int buffer, int offset, int length) => _buffers[buffer].AsSpan(offset, length);

    /// <summary>The value a state buffer starts with; 0 unless overridden (AdaGrad's initial accumulator).</summary>
    protected virtual float InitialBufferValue(int buffer) => 0f;

    /// <summary>The per-run scalar a run starts with; see <see cref="StepSegment.Scalar"/>.</summary>
    protected virtual double InitialScalar => 0;

    /// <summary>Adds the hyperparameters other than the learning rate to a checkpoint, by PyTorch's names.</summary>
    protected abstract void AddHyperparameters(List<KeyValuePair<string, double>> hyperparameters);

    /// <summary>Restores hyperparameters that schedules change during training (momentum); the others come from the constructor.</summary>
    protected virtual void ImportHyperparameters(IReadOnlyList<KeyValuePair<string, double>> hyperparameters)
    {
    }

    /// <summary>The value of a hyperparameter in a state, or <paramref name="fallback"/>.</summary>
    protected static double Hyperparameter(IReadOnlyList<KeyValuePair<string, double>> hyperparameters, string name, double fallback)
    {
        foreach (KeyValuePair<string, double> entry in hyperparameters)
        {
            if (entry.Key == name)
            {
                return entry.Value;
            }
        }

        return fallback;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is in [<paramref name="min"/>, <paramref name="max"/>) (or ] when <paramref name="maxInclusive"/>).</summary>
    internal static void Check(double value, double min, double max, string argument, bool maxInclusive = false)
    {
        bool inside = value >= min && (maxInclusive ? value <= max : value < max);
        if (!inside)
        {
            string upper = double.IsPositiveInfinity(max) ? "" : (maxInclusive ? $" and at most {max.ToString(CultureInfo.InvariantCulture)}" : $" and below {max.ToString(CultureInfo.InvariantCulture)}");
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be at least {min.ToString(CultureInfo.InvariantCulture)}{upper}.");
        }
    }

    private void EnsureState(int parameterCount)
    {
        if (_parameterCount == 0)
        {
            // PyTorch creates state lazily on the first step; so does this, once, for the whole buffer.
            _parameterCount = parameterCount;
            _buffers = new float[_bufferNames.Length][];
            for (int b = 0; b < _buffers.Length; b++)
            {
                _buffers[b] = new float[parameterCount];
                float initial = InitialBufferValue(b);
                if (initial != 0f)
                {
                    Array.Fill(_buffers[b], initial);
                }
            }

            _segments.Clear();
            _segments.Add(new StepSegment(0, parameterCount, 0, InitialScalar));
        }
        else if (_parameterCount != parameterCount)
        {
            throw new ArgumentException($"{Name} was stepping {_parameterCount} parameters and is now given {parameterCount}; use one optimizer per network.", "parameters");
        }
    }

    // Makes a run start at position (unless position is the end of the buffer) and returns its index.
    private int SplitAt(int position)
    {
        for (int k = 0; k < _segments.Count; k++)
        {
            StepSegment segment = _segments[k];
            if (segment.Offset == position)
            {
                return k;
            }

            if (position < segment.End)
            {
                _segments[k] = segment with { Length = position - segment.Offset };
                _segments.Insert(k + 1, segment with { Offset = position, Length = segment.End - position });
                return k + 1;
            }
        }

        return _segments.Count;
    }

    private void CheckImport(OptimizerState state)
    {
        if (state.Optimizer != Name)
        {
            throw new ArgumentException($"The state is {state.Optimizer}'s, but this optimizer is {Name}; state only goes back into the kind of optimizer that exported it.", nameof(state));
        }

        if (state.ParameterCount < 0 || (_parameterCount != 0 && state.ParameterCount != 0 && state.ParameterCount != _parameterCount))
        {
            throw new ArgumentException($"The {Name} state is for {state.ParameterCount} parameters, but this optimizer steps {_parameterCount}.", nameof(state));
        }

        if (state.ParameterCount == 0)
        {
            return;
        }

        foreach (string name in _bufferNames)
        {
            float[]? values = Find(state, name);
            if (values is null)
            {
                throw new ArgumentException($"The {Name} state has no '{name}' buffer; it has: {string.Join(", ", Names(state))}.", nameof(state));
            }

            if (values.Length != state.ParameterCount)
            {
                throw new ArgumentException($"The {Name} state's '{name}' buffer holds {values.Length} values, expected {state.ParameterCount}.", nameof(state));
            }
        }

        foreach (KeyValuePair<string, float[]> buffer in state.Buffers)
        {
            if (Array.IndexOf(_bufferNames, buffer.Key) < 0)
            {
                throw new ArgumentException($"The {Name} state has a '{buffer.Key}' buffer this optimizer does not keep (it keeps: {string.Join(", ", _bufferNames)}); was it made with other options (amsgrad, centered, momentum)?", nameof(state));
            }
        }

        int expected = 0;
        foreach (StepSegment segment in state.Segments)
        {
            if (segment.Offset != expected || segment.Length < 1 || segment.Step < 0)
            {
                throw new ArgumentException($"The {Name} state's step counts do not cover the {state.ParameterCount} parameters in order: a run at {segment.Offset} of {segment.Length} with step {segment.Step}, expected one starting at {expected}.", nameof(state));
            }

            expected = segment.End;
        }

        if (expected != state.ParameterCount)
        {
            throw new ArgumentException($"The {Name} state's step counts cover {expected} of its {state.ParameterCount} parameters.", nameof(state));
        }
    }

    private static float[]? Find(OptimizerState state, string name)
    {
        foreach (KeyValuePair<string, float[]> buffer in state.Buffers)
        {
            if (buffer.Key == name)
            {
                return buffer.Value;
            }
        }

        return null;
    }

    private static IEnumerable<string> Names(OptimizerState state)
    {
        foreach (KeyValuePair<string, float[]> buffer in state.Buffers)
        {
            yield return buffer.Key;
        }
    }
}
