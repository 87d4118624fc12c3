using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StaticNet.Parity;

/// <summary>
/// Runs a table of parity cases: on creation, writes one case file per case (initial parameters,
/// batches, and a JSON description of loss, optimizer and steps) and runs PyTorch once over all of
/// them; <see cref="Run"/> then runs one case in StaticNet from the same file and compares.
/// </summary>
/// <remarks>
/// Files live in the test output directory under <c>parity/&lt;suite&gt;/</c>: <c>cases</c>,
/// <c>results</c> (PyTorch's), <c>staticnet</c> (StaticNet's, named as PyTorch's) and
/// <c>python-output.txt</c> (each case's time in PyTorch). They stay there after the run, so that a
/// case can be inspected or rerun by hand: <c>/usr/bin/python3 python/reference.py parity/layers/cases /tmp/results</c>.
/// A failure to prepare (PyTorch missing, data missing) is kept and rethrown by every test, so each
/// test fails with the message that says what to install.
/// </remarks>
public abstract class ParityFixture
{
    private readonly Dictionary<string, ParityCase> _cases = new(StringComparer.Ordinal);
    private readonly Exception? _failure;

    protected ParityFixture(string suite, Func<IEnumerable<ParityCase>> cases)
    {
        Suite = suite;
        string root = Path.Combine(AppContext.BaseDirectory, "parity", suite);
        CaseDirectory = Path.Combine(root, "cases");
        ResultDirectory = Path.Combine(root, "results");
        StaticNetDirectory = Path.Combine(root, "staticnet");
        try
        {
            foreach (string directory in new[] { CaseDirectory, ResultDirectory, StaticNetDirectory })
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                Directory.CreateDirectory(directory);
            }

            foreach (ParityCase parityCase in cases())
            {
                if (!Regex.IsMatch(parityCase.Name, "^[a-z0-9][a-z0-9-]*$") || !_cases.TryAdd(parityCase.Name, parityCase))
                {
                    throw new ArgumentException($"Parity case name '{parityCase.Name}' is not lower case, digits and dashes, or is used twice.");
                }

                WriteCase(parityCase);
            }

            File.WriteAllText(Path.Combine(root, "python-output.txt"), PythonReference.Run(CaseDirectory, ResultDirectory));
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }

    /// <summary>The suite's name: the directory of its files and the first column of the report.</summary>
    public string Suite { get; }

    /// <summary>Where the case files are.</summary>
    public string CaseDirectory { get; }

    /// <summary>Where PyTorch's results are.</summary>
    public string ResultDirectory { get; }

    /// <summary>Where StaticNet's results are, named and shaped as PyTorch's.</summary>
    public string StaticNetDirectory { get; }

    /// <summary>
    /// Runs case <paramref name="name"/> in StaticNet and compares it with PyTorch's results, recording
    /// each comparison in the report: one under the strict tolerance, and for a case with its own
    /// <see cref="ParityCase.FreeRunning"/> tolerance a second one, "(free-running)", under that.
    /// </summary>
    public IReadOnlyList<Comparison> Run(string name)
    {
        if (_failure is not null)
        {
            // Our own messages (PyTorch missing) are complete; anything else keeps its stack trace.
            string message = $"The parity suite '{Suite}' could not be prepared: {_failure.Message}";
            throw _failure is InvalidOperationException ? new InvalidOperationException(message) : new InvalidOperationException(message, _failure);
        }

        ParityCase parityCase = _cases[name];
        var strict = new Comparison(name) { ExpectMismatch = parityCase.ExpectMismatch };
        Comparison freeRunning = parityCase.FreeRunning == Tolerance.Strict ? strict : new Comparison(name + " (free-running)", parityCase.FreeRunning);
        string errorPath = Path.Combine(ResultDirectory, name + ".error.txt");
        if (File.Exists(errorPath))
        {
            strict.Fail($"case '{name}': PyTorch could not run it:\n{File.ReadAllText(errorPath)}");
        }
        else
        {
            Compare(parityCase, strict, freeRunning);
        }

        var comparisons = freeRunning == strict ? new[] { strict } : new[] { strict, freeRunning };
        foreach (Comparison comparison in comparisons)
        {
            ParityReport.Record(Suite, comparison);
        }

        return comparisons;
    }

    private string CasePath(string name) => Path.Combine(CaseDirectory, name + ".safetensors");

    private void WriteCase(ParityCase parityCase)
    {
        INetwork network = parityCase.Network();
        parityCase.Prepare?.Invoke(network);
        IReadOnlyList<Batch> batches = parityCase.Batches(network);
        var tensors = new List<SafeTensor>();
        foreach (TensorInfo tensor in network.Tensors)
        {
            var values = new float[tensor.Length];
            network.ReadTensor(tensor.Name, values);
            tensors.Add(new SafeTensor("param/" + tensor.Name, tensor.Shape.ToArray(), values));
        }

        for (int k = 0; k < batches.Count; k++)
        {
            Batch batch = batches[k];
            tensors.Add(new SafeTensor($"input/{k}", new[] { batch.Size, network.InputLength }, batch.Input));
            if (parityCase.Loss.Loss.UsesLabels)
            {
                float[] labels = (batch.Labels ?? throw new ArgumentException($"Case '{parityCase.Name}': {parityCase.Loss.TorchName} needs labels.")).Select(label => (float)label).ToArray();
                tensors.Add(new SafeTensor($"labels/{k}", new[] { batch.Size }, labels));
            }
            else
            {
                float[] targets = batch.Targets ?? throw new ArgumentException($"Case '{parityCase.Name}': {parityCase.Loss.TorchName} needs target values.");
                tensors.Add(new SafeTensor($"targets/{k}", new[] { batch.Size, network.OutputLength }, targets));
            }
        }

        // Dropout: each step's mask, for PyTorch to apply instead of drawing its own.
        for (int step = 0; step < parityCase.Steps; step++)
        {
            int batchSize = batches[step % batches.Count].Size;
            foreach (DropoutMaskSource source in parityCase.DropoutMasks)
            {
                float[] mask = source.Mask(step, batchSize);
                float scale = (float)(1 / (1 - source.Rate));
                if (mask.Length % batchSize != 0 || Array.Exists(mask, value => value != 0f && value != scale))
                {
                    throw new ArgumentException($"Case '{parityCase.Name}': the mask of {source.Layer} at step {step} is not [batch, features] values 0 or {scale}.");
                }

                tensors.Add(new SafeTensor($"mask/{source.Layer}/{step}", new[] { batchSize, mask.Length / batchSize }, mask));
            }
        }

        var description = new Dictionary<string, object?>
        {
            ["network"] = network.Name,
            ["loss"] = new Dictionary<string, object> { ["name"] = parityCase.Loss.TorchName, ["args"] = parityCase.Loss.TorchArguments },
            ["optimizer"] = parityCase.Optimizer is not { } optimizer ? null : new Dictionary<string, object?>
            {
                ["name"] = optimizer.TorchName,
                ["args"] = optimizer.TorchArguments,
                ["trainable"] = optimizer.Trainable is not { } trainable ? null : Enumerable.Range(0, parityCase.Steps)
                    .Select(step => network.Tensors.Select(tensor => tensor.Name).Where(name => trainable(step, name)).ToArray()).ToArray(),
                ["record_momentum"] = optimizer.Create() is IMomentumOptimizer,
                ["scheduler"] = optimizer.Scheduler is not { } scheduler ? null : new Dictionary<string, object?> { ["name"] = scheduler.TorchName, ["args"] = scheduler.TorchArguments, ["metrics"] = scheduler.Metrics },
            },
            ["steps"] = parityCase.Steps,
            ["batches"] = batches.Count,
            ["step_by_step"] = parityCase.StepByStep,
        };
        SafeTensors.Write(CasePath(parityCase.Name), tensors, new Dictionary<string, string> { ["case"] = JsonSerializer.Serialize(description) });
    }

    /// <summary>
    /// Runs the case in StaticNet from its case file (the very bytes PyTorch read), writes the results
    /// in the layout of PyTorch's (<c>parity/&lt;suite&gt;/staticnet</c>, for looking into a failure)
    /// and compares them tensor by tensor: what precedes the first update strictly, the loss of every
    /// step and the final parameters under the case's free-running tolerance, and with
    /// <see cref="ParityCase.StepByStep"/> every step from PyTorch's parameters, strictly.
    /// </summary>
    private void Compare(ParityCase parityCase, Comparison strict, Comparison freeRunning)
    {
        SafeTensorsFile input = SafeTensors.Read(CasePath(parityCase.Name));
        List<SafeTensor> results = RunStaticNet(parityCase, input, out INetwork network);
        Directory.CreateDirectory(StaticNetDirectory);
        SafeTensors.Write(Path.Combine(StaticNetDirectory, parityCase.Name + ".safetensors"), results);

        SafeTensorsFile reference = SafeTensors.Read(Path.Combine(ResultDirectory, parityCase.Name + ".safetensors"));
        string after = parityCase.Optimizer is null ? "without an optimizer" : $"after {parityCase.Steps} {parityCase.Optimizer.TorchName} steps";
        foreach (SafeTensor result in results)
        {
            (string label, Comparison comparison) = result.Name switch
            {
                "output" => ("output", strict),
                "input_grad" => ("input gradient", strict),
                "loss" => ("loss per step", freeRunning),
                "lr" => ("learning rate of each step", strict),
                "momentum" => ("momentum (or beta1) of each step", strict),
                _ when result.Name.StartsWith("grad/", StringComparison.Ordinal) => ("gradient of " + result.Name["grad/".Length..], strict),
                _ => ($"{result.Name["param/".Length..]} {after}", freeRunning),
            };
            comparison.Tensor(label, result.Values, Get(reference, result.Name));
        }

        if (parityCase.StepByStep)
        {
            CompareStepByStep(parityCase, input, reference, strict, freeRunning);
        }

        ComparePredict(parityCase, input, reference, strict);
        CompareInitialization(parityCase, reference, strict);

        // Every parameter PyTorch has must exist in StaticNet under the same state_dict name.
        var names = new HashSet<string>(network.Tensors.Select(tensor => tensor.Name), StringComparer.Ordinal);
        foreach (SafeTensor tensor in reference.Tensors)
        {
            if (tensor.Name.StartsWith("param/", StringComparison.Ordinal) && !names.Contains(tensor.Name["param/".Length..]))
            {
                strict.Fail($"case '{parityCase.Name}': PyTorch has '{tensor.Name["param/".Length..]}' {tensor.ShapeText}, which StaticNet's {network.Name} lacks.");
            }
        }
    }

    /// <summary>
    /// Inference mode (<see cref="INetwork.Predict(ReadOnlySpan{float}, Span{float}, int)"/>, PyTorch's
    /// <c>model.eval()</c>) on the first batch, from PyTorch's final parameters and state, strictly.
    /// </summary>
    private static void ComparePredict(ParityCase parityCase, SafeTensorsFile input, SafeTensorsFile reference, Comparison strict)
    {
        INetwork network = parityCase.Network();
        foreach (TensorInfo tensor in network.Tensors)
        {
            network.WriteTensor(tensor.Name, Get(reference, "param/" + tensor.Name).Values);
        }

        SafeTensor first = Get(input, "input/0");
        var predictions = new float[first.Shape[0] * network.OutputLength];
        network.Predict(first.Values, predictions, first.Shape[0]);
        strict.Tensor("inference-mode output of batch 1 from PyTorch's final parameters", predictions, Get(reference, "predict"));
    }

    /// <summary>
    /// The tensors whose PyTorch default initialisation draws no random numbers (batch norm's weight 1, bias 0,
    /// running mean 0, running variance 1, num_batches_tracked 0), which python/reference.py writes as
    /// <c>initial/&lt;name&gt;</c>: a freshly constructed StaticNet network (before the case's
    /// <see cref="ParityCase.Prepare"/>) must start with the same values.
    /// </summary>
    private static void CompareInitialization(ParityCase parityCase, SafeTensorsFile reference, Comparison strict)
    {
        INetwork network = parityCase.Network();
        var names = new HashSet<string>(network.Tensors.Select(tensor => tensor.Name), StringComparer.Ordinal);
        foreach (SafeTensor initial in reference.Tensors.Where(tensor => tensor.Name.StartsWith("initial/", StringComparison.Ordinal)))
        {
            string name = initial.Name["initial/".Length..];
            if (names.Contains(name))
            {
                var values = new float[initial.Values.Length];
                network.ReadTensor(name, values);
                strict.Tensor($"{name} as initialised (PyTorch's default is deterministic)", values, initial);
            }
        }
    }

    /// <summary>
    /// Teacher forcing: each step starts from PyTorch's parameters before that step
    /// (<c>step/k/param/&lt;name&gt;</c>) and must give PyTorch's loss, gradients (<c>step/k/grad/&lt;name&gt;</c>)
    /// and, after one update of an optimizer that has seen every earlier step, PyTorch's next parameters.
    /// </summary>
    /// <remarks>
    /// A step is held to <see cref="Tolerance.Strict"/> unless its gradient is not determined to that tolerance by
    /// float32 arithmetic at all: where a ReLU's input or a max-pooling tie sits within rounding of the switch, the
    /// order in which each side sums decides which way it goes (see <see cref="Tolerance.FreeRunning"/>), and a
    /// gradient then differs by the switched term, legitimately. Such a step is found from StaticNet alone, never
    /// from PyTorch's answer: when its strict comparison fails, the step is run again from PyTorch's parameters at
    /// StaticNet's other SIMD levels, which sum in other orders, and only if StaticNet's own gradient then moves
    /// beyond <see cref="Tolerance.Strict"/> is the step compared under
    /// <paramref name="freeRunning"/>'s tolerance instead, with a note in the report. A failure that rounding alone
    /// cannot produce stays a failure.
    /// </remarks>
    private static void CompareStepByStep(ParityCase parityCase, SafeTensorsFile input, SafeTensorsFile reference, Comparison strict, Comparison freeRunning)
    {
        INetwork network = parityCase.Network();
        var training = new Training(parityCase);
        int batchCount = BatchCount(input);
        var losses = new float[parityCase.Steps];
        for (int step = 0; step < parityCase.Steps; step++)
        {
            string next = step + 1 < parityCase.Steps ? $"step/{step + 1}/param/" : "param/";
            Write(network, reference, $"step/{step}/param/");
            losses[step] = ForwardBackward(parityCase, input, network, step % batchCount, out _, out _);
            List<(TensorInfo Tensor, float[] Values)> gradients = GradientsByName(network);
            training.Step(network, step);
            List<(TensorInfo Tensor, float[] Values)> after = network.Tensors.Select(tensor => (tensor, Read(network, tensor))).ToList();

            void CompareStep(Comparison comparison)
            {
                foreach ((TensorInfo tensor, float[] gradient) in gradients)
                {
                    comparison.Tensor($"gradient of {tensor.Name} at step {step + 1} from PyTorch's parameters", gradient, Get(reference, $"step/{step}/grad/{tensor.Name}"));
                }

                foreach ((TensorInfo tensor, float[] values) in after)
                {
                    comparison.Tensor($"{tensor.Name} after step {step + 1} from PyTorch's parameters", values, Get(reference, next + tensor.Name));
                }
            }

            var probe = new Comparison(strict.Case);
            CompareStep(probe);
            if (!probe.Passed && RoundingMovesGradient(parityCase, input, reference, step, batchCount, gradients) is string where)
            {
                freeRunning.Notes.Add($"step {step + 1} compared under the free-running tolerance: rounding alone moves its gradient ({where})");
                CompareStep(freeRunning);
            }
            else
            {
                CompareStep(strict);
            }
        }

        strict.Tensor("loss of each step from PyTorch's parameters", losses, Get(reference, "loss"));
    }

    /// <summary>
    /// Where StaticNet's gradient at <paramref name="step"/>, from PyTorch's parameters, moves beyond
    /// <see cref="Tolerance.Strict"/> when only the order of its sums changes: computed again at every other SIMD
    /// level this machine has (the scalar reference included), each summing in its own order; or
    /// <see langword="null"/> when it stays within it at all of them.
    /// </summary>
    private static string? RoundingMovesGradient(ParityCase parityCase, SafeTensorsFile input, SafeTensorsFile reference, int step, int batchCount, List<(TensorInfo Tensor, float[] Values)> gradients)
    {
        INetwork network = parityCase.Network();
        SimdLevel usual = network.Simd;
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>().Where(level => level != usual && level <= SimdLevels.Best))
        {
            network.Simd = level;
            Write(network, reference, $"step/{step}/param/");
            ForwardBackward(parityCase, input, network, step % batchCount, out _, out _);
            var moved = new Comparison(parityCase.Name);
            foreach (((TensorInfo tensor, float[] other), (_, float[] original)) in GradientsByName(network).Zip(gradients))
            {
                moved.Tensor(tensor.Name, other, new SafeTensor(tensor.Name, tensor.Shape.ToArray(), original));
            }

            if (!moved.Passed)
            {
                return $"at {level}, {moved.WorstPlace} differs from the default level's beyond the strict tolerance";
            }
        }

        return null;
    }

    private static void Write(INetwork network, SafeTensorsFile reference, string prefix)
    {
        foreach (TensorInfo tensor in network.Tensors)
        {
            network.WriteTensor(tensor.Name, Get(reference, prefix + tensor.Name).Values);
        }
    }

    private static float[] Read(INetwork network, TensorInfo tensor)
    {
        var values = new float[tensor.Length];
        network.ReadTensor(tensor.Name, values);
        return values;
    }

    /// <summary>
    /// The StaticNet side of a case, with the names python/reference.py gives its results: from the
    /// first step <c>output</c>, <c>input_grad</c>, <c>grad/&lt;name&gt;</c>; <c>loss</c> of every
    /// step; <c>param/&lt;name&gt;</c> after the last.
    /// </summary>
    private static List<SafeTensor> RunStaticNet(ParityCase parityCase, SafeTensorsFile input, out INetwork network)
    {
        network = parityCase.Network();
        foreach (TensorInfo tensor in network.Tensors)
        {
            network.WriteTensor(tensor.Name, Get(input, "param/" + tensor.Name).Values);
        }

        var training = new Training(parityCase);
        int batchCount = BatchCount(input);
        var results = new List<SafeTensor>();
        var losses = new float[parityCase.Steps];
        for (int step = 0; step < parityCase.Steps; step++)
        {
            losses[step] = ForwardBackward(parityCase, input, network, step % batchCount, out float[] output, out float[] inputGradient);
            if (step == 0)
            {
                int batchSize = output.Length / network.OutputLength;
                results.Add(new SafeTensor("output", new[] { batchSize, network.OutputLength }, output));
                results.Add(new SafeTensor("input_grad", new[] { batchSize, network.InputLength }, inputGradient));
                foreach ((TensorInfo tensor, float[] gradient) in GradientsByName(network))
                {
                    results.Add(new SafeTensor("grad/" + tensor.Name, tensor.Shape.ToArray(), gradient));
                }
            }

            training.Step(network, step);
        }

        results.Add(new SafeTensor("loss", new[] { parityCase.Steps }, losses));
        if (training.Optimizer is not null)
        {
            results.Add(new SafeTensor("lr", new[] { parityCase.Steps }, training.LearningRates));
        }

        if (training.Optimizer is IMomentumOptimizer)
        {
            results.Add(new SafeTensor("momentum", new[] { parityCase.Steps }, training.Momenta));
        }
        foreach (TensorInfo tensor in network.Tensors)
        {
            var values = new float[tensor.Length];
            network.ReadTensor(tensor.Name, values);
            results.Add(new SafeTensor("param/" + tensor.Name, tensor.Shape.ToArray(), values));
        }

        return results;
    }

    /// <summary>
    /// The updates of one run of a case: its optimizer, its schedule and the trainable ranges, applied as
    /// <see cref="Trainer{TNetwork}"/> applies them with one batch per epoch, recording the learning rate
    /// and momentum each step used.
    /// </summary>
    private sealed class Training
    {
        private readonly ParityCase _case;
        private readonly LearningRateSchedule? _schedule;
        private readonly double _initialLearningRate;

        public Training(ParityCase parityCase)
        {
            _case = parityCase;
            Optimizer = parityCase.Optimizer?.Create();
            _schedule = parityCase.Optimizer?.Scheduler?.Create();
            _schedule?.Reset();
            _initialLearningRate = Optimizer?.LearningRate ?? 0;
            LearningRates = new float[parityCase.Steps];
            Momenta = new float[parityCase.Steps];
        }

        public IOptimizer? Optimizer { get; }

        /// <summary>The learning rate of each step.</summary>
        public float[] LearningRates { get; }

        /// <summary>The momentum (or beta1) of each step, for optimizers that have one.</summary>
        public float[] Momenta { get; }

        /// <summary>
        /// The update of step <paramref name="step"/> (from 0): the schedule's learning rate and momentum
        /// at position <paramref name="step"/>, the optimizer step over the trainable ranges, then the
        /// end of the epoch for the schedule, with the case's metric.
        /// </summary>
        public void Step(INetwork network, int step)
        {
            if (Optimizer is null)
            {
                return;
            }

            OptimizerCase optimizerCase = _case.Optimizer!;
            if (_schedule is not null)
            {
                Optimizer.LearningRate = _schedule.LearningRate(step, _initialLearningRate);
                if (_schedule.Momentum(step) is double momentum && Optimizer is IMomentumOptimizer withMomentum)
                {
                    withMomentum.Momentum = momentum;
                }
            }

            LearningRates[step] = (float)Optimizer.LearningRate;
            if (Optimizer is IMomentumOptimizer current)
            {
                Momenta[step] = (float)current.Momentum;
            }

            if (optimizerCase.Trainable is { } trainable)
            {
                Optimizer.Step(network.Parameters, network.Gradients, ParameterRange.ForTensors(network, tensor => trainable(step, tensor.Name)));
            }
            else
            {
                Optimizer.Step(network.Parameters, network.Gradients);
            }

            if (_schedule is not null)
            {
                double metric = optimizerCase.Scheduler!.Metrics is { } metrics ? metrics[step] : double.NaN;
                var epoch = new EpochMetrics
                {
                    Epoch = step + 1,
                    LearningRate = Optimizer.LearningRate,
                    ValidationLoss = metric,
                    ValidationAccuracy = metric,
                    Steps = 1,
                };
                _schedule.EpochCompleted(epoch, step + 1);
            }
        }
    }

    /// <summary>One step without the update: zero the gradients, forward batch <paramref name="batch"/>, the loss, backward; returns the loss.</summary>
    private static float ForwardBackward(ParityCase parityCase, SafeTensorsFile input, INetwork network, int batch, out float[] output, out float[] inputGradient)
    {
        SafeTensor x = Get(input, $"input/{batch}");
        int batchSize = x.Shape[0];
        output = new float[batchSize * network.OutputLength];
        var outputGradient = new float[output.Length];
        inputGradient = new float[x.Values.Length];
        network.Forward(x.Values, output, batchSize);
        BatchTargets targets = input.TryGet($"labels/{batch}", out SafeTensor labels)
            ? new BatchTargets(labels.Values.Select(label => (int)label).ToArray())
            : new BatchTargets(Get(input, $"targets/{batch}").Values);
        float loss = parityCase.Loss.Loss.Compute(output, targets, outputGradient, batchSize);
        network.ZeroGradients();
        network.Backward(outputGradient, inputGradient, batchSize);
        return loss;
    }

    private static int BatchCount(SafeTensorsFile input) => JsonDocument.Parse(input.Metadata["case"]).RootElement.GetProperty("batches").GetInt32();

    /// <summary>
    /// Each parameter's gradient in PyTorch's layout, by state_dict name. Gradients share the layout of
    /// the parameters, so they are read through <see cref="INetwork.ReadTensor"/> by swapping them into
    /// the parameter buffer for a moment: right whatever the internal layout. State (running estimates)
    /// has no gradient.
    /// </summary>
    private static List<(TensorInfo Tensor, float[] Values)> GradientsByName(INetwork network)
    {
        float[] parameters = network.Parameters.ToArray();
        var gradients = new List<(TensorInfo, float[])>();
        try
        {
            network.Gradients.CopyTo(network.Parameters);
            foreach (TensorInfo tensor in network.Tensors.Where(tensor => tensor.Kind == TensorKind.Parameter))
            {
                var values = new float[tensor.Length];
                network.ReadTensor(tensor.Name, values);
                gradients.Add((tensor, values));
            }
        }
        finally
        {
            parameters.CopyTo(network.Parameters);
        }

        return gradients;
    }

    private static SafeTensor Get(SafeTensorsFile file, string name) =>
        file.TryGet(name, out SafeTensor tensor) ? tensor : throw new InvalidDataException($"{file.Path} has no tensor '{name}'.");
}
