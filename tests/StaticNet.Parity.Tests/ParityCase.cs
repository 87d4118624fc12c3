using System;
using System.Collections.Generic;

namespace StaticNet.Parity;

/// <summary>
/// One parity case: a network with its initial parameters, a loss, an optimizer, and the batches it
/// trains on. Both sides run <see cref="Steps"/> steps (step k uses batch k modulo the batch count):
/// zero the gradients, forward, loss, backward, optimizer step. Compared: the first step's output,
/// loss, input gradient and parameter gradients; the loss of every step; every parameter after the
/// last step.
/// </summary>
/// <param name="Name">The case's name: lower case, digits and dashes (it names files and the test).</param>
/// <param name="Network">Creates the StaticNet network; its class name picks the PyTorch twin in python/reference.py.</param>
/// <param name="Loss">The loss, on both sides.</param>
/// <param name="Optimizer">The optimizer, on both sides; <see langword="null"/> for a network without parameters.</param>
/// <param name="Batches">The batches, made from a freshly created network (for its sizes).</param>
/// <param name="Steps">How many steps both sides take.</param>
public sealed record ParityCase(
    string Name,
    Func<INetwork> Network,
    LossCase Loss,
    OptimizerCase? Optimizer,
    Func<INetwork, IReadOnlyList<Batch>> Batches,
    int Steps = 3)
{
    /// <summary>
    /// Changes the network's initial parameters before they are sent to both sides: for example
    /// <see cref="RandomBatches.RandomParameters"/>, so that parameters initialised to constants (a
    /// normalisation's scale of 1 and shift of 0) cannot hide a mix-up.
    /// </summary>
    public Action<INetwork>? Prepare { get; init; }

    /// <summary>
    /// Also run every step from PyTorch's parameters before that step (teacher forcing), comparing the
    /// step's loss, gradients and updated parameters under <see cref="Tolerance.Strict"/>: for long
    /// training runs, whose free-running trajectories drift apart (see <see cref="Tolerance.FreeRunning"/>).
    /// </summary>
    public bool StepByStep { get; init; }

    /// <summary>
    /// The tolerance of the free-running comparison: the loss of every step and the parameters after
    /// the last. Anything but <see cref="Tolerance.Strict"/> needs <see cref="StepByStep"/>, and a
    /// measured justification where it is defined.
    /// </summary>
    public Tolerance FreeRunning { get; init; } = Tolerance.Strict;

    /// <summary>A negative control: the PyTorch twin differs on purpose and the comparison must fail.</summary>
    public bool ExpectMismatch { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// One batch: <see cref="Size"/> samples of inputs, in the network's input layout, and either class
/// labels (for classification losses) or target values (for regression losses).
/// </summary>
public sealed record Batch(int Size, float[] Input, int[]? Labels, float[]? Targets);

/// <summary>A loss on both sides: StaticNet's, and the <c>torch.nn</c> class of the same computation with its arguments.</summary>
/// <param name="TorchName">The class in <c>torch.nn</c>, e.g. <c>CrossEntropyLoss</c>.</param>
/// <param name="Loss">StaticNet's loss.</param>
public sealed record LossCase(string TorchName, ILoss Loss)
{
    /// <summary>Keyword arguments of the <c>torch.nn</c> constructor (PyTorch's names).</summary>
    public IReadOnlyDictionary<string, object> TorchArguments { get; init; } = new Dictionary<string, object>();

    /// <summary>Softmax cross-entropy on logits, against class labels.</summary>
    public static LossCase CrossEntropy { get; } = new("CrossEntropyLoss", Losses.SoftmaxCrossEntropy);

    /// <summary>Mean squared error, against target values.</summary>
    public static LossCase MeanSquaredError { get; } = new("MSELoss", Losses.MeanSquaredError);
}

/// <summary>
/// An optimizer on both sides: a factory for StaticNet's, and the <c>torch.optim</c> class with the
/// same hyperparameters under PyTorch's names. Each factory method below states the hyperparameters
/// once and passes them to both.
/// </summary>
/// <param name="TorchName">The class in <c>torch.optim</c>, e.g. <c>Adam</c>.</param>
/// <param name="TorchArguments">Keyword arguments of its constructor, after the parameters.</param>
/// <param name="Create">Creates StaticNet's optimizer (a fresh one per run: optimizers keep state).</param>
public sealed record OptimizerCase(string TorchName, IReadOnlyDictionary<string, object> TorchArguments, Func<IOptimizer> Create)
{
    /// <summary><c>torch.optim.SGD</c>.</summary>
    public static OptimizerCase Sgd(double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false) =>
        new("SGD",
            new Dictionary<string, object> { ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay, ["nesterov"] = nesterov },
            () => new StaticNet.Sgd(lr, momentum, dampening, weightDecay, nesterov));

    /// <summary><c>torch.optim.Adam</c>.</summary>
    public static OptimizerCase Adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0) =>
        new("Adam",
            new Dictionary<string, object> { ["lr"] = lr, ["betas"] = new[] { beta1, beta2 }, ["eps"] = eps, ["weight_decay"] = weightDecay },
            () => new StaticNet.Adam(lr, beta1, beta2, eps, weightDecay));

    /// <summary>A learning-rate schedule, applied after each step on both sides; none by default.</summary>
    public SchedulerCase? Scheduler { get; init; }

    /// <inheritdoc/>
    public override string ToString() => TorchName + "(" + string.Join(", ", FormatArguments()) + ")";

    private IEnumerable<string> FormatArguments()
    {
        foreach (KeyValuePair<string, object> argument in TorchArguments)
        {
            yield return argument.Key + "=" + System.Text.Json.JsonSerializer.Serialize(argument.Value);
        }
    }
}

/// <summary>
/// A learning-rate schedule on both sides: the <c>torch.optim.lr_scheduler</c> class with its
/// arguments (stepped after every optimizer step, as PyTorch recommends), and the learning rate
/// StaticNet's optimizer gets for each step (set through <see cref="IOptimizer.LearningRate"/> before it).
/// </summary>
/// <param name="TorchName">The class in <c>torch.optim.lr_scheduler</c>, e.g. <c>StepLR</c>.</param>
/// <param name="TorchArguments">Keyword arguments of its constructor, after the optimizer.</param>
/// <param name="LearningRateAtStep">The learning rate of step k, from 0 (the first step uses the optimizer's own).</param>
public sealed record SchedulerCase(string TorchName, IReadOnlyDictionary<string, object> TorchArguments, Func<int, double> LearningRateAtStep);
