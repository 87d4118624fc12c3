using System;
using System.Collections.Generic;
using System.Linq;

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

    /// <summary>
    /// The training masks of the network's dropout layers, read from StaticNet and sent to PyTorch, which
    /// applies them instead of drawing its own (its generator cannot reproduce StaticNet's counter-based
    /// one): so that output, gradients and updates through one given mask are compared. One per dropout
    /// layer with a rate above 0; see docs/parity.md.
    /// </summary>
    public IReadOnlyList<DropoutMaskSource> DropoutMasks { get; init; } = Array.Empty<DropoutMaskSource>();

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// One batch: <see cref="Size"/> samples of inputs, in the network's input layout, and either class
/// labels (for classification losses) or target values (for regression losses).
/// </summary>
public sealed record Batch(int Size, float[] Input, int[]? Labels, float[]? Targets);

/// <summary>
/// Where a dropout layer's training mask comes from: <paramref name="Mask"/> returns, for a training step
/// (StaticNet's <c>Step</c>, from 0) and a batch size, the layer's multiplier of each value, 0 or
/// <c>1 / (1 - rate)</c>, as [batch, features]. The case file carries it as <c>mask/&lt;layer&gt;/&lt;step&gt;</c>.
/// </summary>
/// <param name="Layer">The dropout layer's name, the same in the PyTorch twin (a <c>StaticNetMaskDropout</c>).</param>
/// <param name="Rate">The layer's rate, to check that each multiplier is 0 or <c>1 / (1 - rate)</c>.</param>
/// <param name="Mask">The multipliers of step and batch size.</param>
public sealed record DropoutMaskSource(string Layer, double Rate, Func<long, int, float[]> Mask);

/// <summary>A loss on both sides: StaticNet's, and the <c>torch.nn</c> class of the same computation with its arguments.</summary>
/// <param name="TorchName">
/// The class in <c>torch.nn</c>, e.g. <c>CrossEntropyLoss</c>, or an adapter in python/reference.py's <c>LOSSES</c>
/// where PyTorch takes its inputs in another layout (<c>TripletMarginLossInterleaved</c>).
/// </param>
/// <param name="Loss">StaticNet's loss.</param>
public sealed record LossCase(string TorchName, ILoss Loss)
{
    /// <summary>Keyword arguments of the <c>torch.nn</c> constructor (PyTorch's names).</summary>
    public IReadOnlyDictionary<string, object> TorchArguments { get; init; } = new Dictionary<string, object>();

    /// <summary>Softmax cross-entropy on logits, against class labels.</summary>
    public static LossCase CrossEntropy { get; } = new("CrossEntropyLoss", Losses.SoftmaxCrossEntropy);

    /// <summary>Mean squared error, against target values.</summary>
    public static LossCase MeanSquaredError { get; } = new("MSELoss", Losses.MeanSquaredError);

    /// <summary>Binary cross-entropy on logits, against target values from 0 to 1.</summary>
    public static LossCase BinaryCrossEntropyWithLogits { get; } = new("BCEWithLogitsLoss", Losses.BinaryCrossEntropyWithLogits);

    /// <summary>Mean absolute error, against target values.</summary>
    public static LossCase L1 { get; } = new("L1Loss", Losses.L1);

    /// <summary>Negative log-likelihood of log-probabilities, against class labels.</summary>
    public static LossCase NegativeLogLikelihood { get; } = new("NLLLoss", Losses.NegativeLogLikelihood);

    /// <summary>The Huber loss with <paramref name="delta"/>.</summary>
    public static LossCase Huber(double delta) =>
        new("HuberLoss", new HuberLoss(delta)) { TorchArguments = new Dictionary<string, object> { ["delta"] = delta } };

    /// <summary>Smooth L1 with <paramref name="beta"/> (0 is the L1 loss, in PyTorch as here).</summary>
    public static LossCase SmoothL1(double beta) =>
        new("SmoothL1Loss", new SmoothL1Loss(beta)) { TorchArguments = new Dictionary<string, object> { ["beta"] = beta } };

    /// <summary>Softmax cross-entropy with label smoothing <paramref name="smoothing"/>.</summary>
    public static LossCase CrossEntropyWithLabelSmoothing(double smoothing) =>
        new("CrossEntropyLoss", Losses.SoftmaxCrossEntropyWithLabelSmoothing(smoothing)) { TorchArguments = new Dictionary<string, object> { ["label_smoothing"] = smoothing } };

    /// <summary>
    /// The triplet margin loss. StaticNet takes one batch of triplets laid out one after another (anchor,
    /// positive, negative) with class labels that it checks; <c>nn.TripletMarginLoss</c> takes three
    /// tensors, so python/reference.py's <c>TripletMarginLossInterleaved</c> splits the batch into
    /// <c>output[0::3]</c>, <c>output[1::3]</c>, <c>output[2::3]</c> and calls it with the same arguments.
    /// </summary>
    public static LossCase TripletMargin(double margin, double norm = 2, double epsilon = 1e-6, bool swap = false) =>
        new("TripletMarginLossInterleaved", new TripletMarginLoss(margin, norm, epsilon, swap))
        {
            TorchArguments = new Dictionary<string, object> { ["margin"] = margin, ["p"] = norm, ["eps"] = epsilon, ["swap"] = swap },
        };

    /// <summary>
    /// <see cref="ClassWeightedLoss"/> around softmax cross-entropy, against <c>CrossEntropyLoss(weight=w)</c>
    /// with the same weights (python/reference.py turns the list into a float32 tensor).
    /// </summary>
    public static LossCase ClassWeightedCrossEntropy(float[] weights) =>
        new("CrossEntropyLoss", new ClassWeightedLoss(Losses.SoftmaxCrossEntropy, weights))
        {
            TorchArguments = new Dictionary<string, object> { ["weight"] = weights.Select(w => (double)w).ToArray() },
        };
}

/// <summary>
/// An optimizer on both sides: a factory for StaticNet's, and the <c>torch.optim</c> class with the
/// same hyperparameters under PyTorch's names. Each factory method below states the hyperparameters
/// once and passes them to both.
/// </summary>
/// <param name="TorchName">
/// The class in <c>torch.optim</c>, e.g. <c>Adam</c>, or one that python/reference.py writes out itself
/// because PyTorch 1.13 lacks it (its <c>OPTIMIZERS</c>: <c>Lion</c>, <c>NAdamDocumented</c>).
/// </param>
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
    public static OptimizerCase Adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false) =>
        new("Adam",
            new Dictionary<string, object> { ["lr"] = lr, ["betas"] = new[] { beta1, beta2 }, ["eps"] = eps, ["weight_decay"] = weightDecay, ["amsgrad"] = amsgrad },
            () => new StaticNet.Adam(lr, beta1, beta2, eps, weightDecay, amsgrad));

    /// <summary><c>torch.optim.AdamW</c> (decoupled weight decay).</summary>
    public static OptimizerCase AdamW(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad = false) =>
        new("AdamW",
            new Dictionary<string, object> { ["lr"] = lr, ["betas"] = new[] { beta1, beta2 }, ["eps"] = eps, ["weight_decay"] = weightDecay, ["amsgrad"] = amsgrad },
            () => new StaticNet.AdamW(lr, beta1, beta2, eps, weightDecay, amsgrad));

    /// <summary><c>torch.optim.RMSprop</c>.</summary>
    public static OptimizerCase RmsProp(double lr, double alpha, double eps, double weightDecay = 0, double momentum = 0, bool centered = false) =>
        new("RMSprop",
            new Dictionary<string, object> { ["lr"] = lr, ["alpha"] = alpha, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum"] = momentum, ["centered"] = centered },
            () => new StaticNet.RmsProp(lr, alpha, eps, weightDecay, momentum, centered));

    /// <summary><c>torch.optim.Adagrad</c>.</summary>
    public static OptimizerCase AdaGrad(double lr, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10) =>
        new("Adagrad",
            new Dictionary<string, object> { ["lr"] = lr, ["lr_decay"] = lrDecay, ["weight_decay"] = weightDecay, ["initial_accumulator_value"] = initialAccumulatorValue, ["eps"] = eps },
            () => new StaticNet.AdaGrad(lr, lrDecay, weightDecay, initialAccumulatorValue, eps));

    /// <summary>
    /// NAdam against the documented rule (PyTorch 2.x's <c>torch.optim.NAdam</c>, with its
    /// <c>decoupled_weight_decay</c>), which python/reference.py writes out as <c>NAdamDocumented</c>:
    /// Debian's PyTorch 1.13 implements it differently (see <see cref="NadamTorch113"/>).
    /// </summary>
    public static OptimizerCase Nadam(double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay, bool decoupledWeightDecay = false) =>
        new("NAdamDocumented",
            new Dictionary<string, object> { ["lr"] = lr, ["betas"] = new[] { beta1, beta2 }, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum_decay"] = momentumDecay, ["decoupled_weight_decay"] = decoupledWeightDecay },
            () => new StaticNet.Nadam(lr, beta1, beta2, eps, weightDecay, momentumDecay, decoupledWeightDecay));

    /// <summary>
    /// StaticNet's Nadam against Debian's <c>torch.optim.NAdam</c> (PyTorch 1.13), whose next momentum
    /// product multiplies <c>mu_t</c> in twice: a known difference, not a StaticNet bug (1.13 has no
    /// <c>decoupled_weight_decay</c>, so there is none here).
    /// </summary>
    public static OptimizerCase NadamTorch113(double lr, double beta1, double beta2, double eps, double weightDecay, double momentumDecay) =>
        new("NAdam",
            new Dictionary<string, object> { ["lr"] = lr, ["betas"] = new[] { beta1, beta2 }, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum_decay"] = momentumDecay },
            () => new StaticNet.Nadam(lr, beta1, beta2, eps, weightDecay, momentumDecay));

    /// <summary>Lion (Chen et al. 2023), which is not in <c>torch.optim</c>: python/reference.py writes the paper's rule out as <c>Lion</c>.</summary>
    public static OptimizerCase Lion(double lr, double beta1, double beta2, double weightDecay) =>
        new("Lion",
            new Dictionary<string, object> { ["lr"] = lr, ["betas"] = new[] { beta1, beta2 }, ["weight_decay"] = weightDecay },
            () => new StaticNet.Lion(lr, beta1, beta2, weightDecay));

    /// <summary>A learning-rate schedule, applied before each step on StaticNet's side and after it on PyTorch's; none by default.</summary>
    public SchedulerCase? Scheduler { get; init; }

    /// <summary>
    /// Which tensors the optimizer updates at each step (from 0), by <c>state_dict</c> name; all of them
    /// when <see langword="null"/>. StaticNet steps only their ranges
    /// (<see cref="IOptimizer.Step(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{ParameterRange})"/> with
    /// <see cref="ParameterRange.ForTensors"/>); PyTorch's optimizer is given only the first step's
    /// parameters, takes a later one in with <c>add_param_group</c>, and skips a refrozen one by its
    /// <c>.grad</c> being <c>None</c>. Not for cases with a <see cref="Scheduler"/> (a group added later
    /// would miss the scheduler's initial rate).
    /// </summary>
    public Func<int, string, bool>? Trainable { get; init; }

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
/// A learning-rate schedule on both sides: StaticNet's <see cref="LearningRateSchedule"/>, and the
/// <c>torch.optim.lr_scheduler</c> class with the same arguments under PyTorch's names. The fixture
/// runs one position per step, as the trainer does with one batch per epoch: before step k it sets the
/// optimizer's learning rate (and momentum, for a schedule that cycles it) to the schedule's value at
/// k, from the optimizer's initial rate, and after it reports the epoch to the schedule, with
/// <see cref="Metrics"/>[k] as the monitored value; PyTorch steps its scheduler after every optimizer
/// step (<c>scheduler.step(metrics[k])</c> with metrics). Each factory states the arguments once.
/// </summary>
/// <param name="TorchName">
/// The class in <c>torch.optim.lr_scheduler</c>, e.g. <c>StepLR</c>, or one python/reference.py composes
/// from torch's schedulers (its <c>SCHEDULERS</c>).
/// </param>
/// <param name="TorchArguments">Keyword arguments of its constructor, after the optimizer.</param>
/// <param name="Create">Creates StaticNet's schedule (a fresh one per run: some keep state).</param>
public sealed record SchedulerCase(string TorchName, IReadOnlyDictionary<string, object> TorchArguments, Func<LearningRateSchedule> Create)
{
    /// <summary>
    /// The monitored value of each epoch (one per step), for schedules that react to a metric
    /// (<see cref="ReduceLROnPlateau"/>): StaticNet's reads it as the epoch's validation loss (mode min)
    /// or validation accuracy (mode max), PyTorch's gets it in <c>scheduler.step(metric)</c>.
    /// </summary>
    public IReadOnlyList<double>? Metrics { get; init; }

    /// <summary><c>StepLR</c>.</summary>
    public static SchedulerCase StepLR(int stepSize, double gamma) =>
        new("StepLR", new Dictionary<string, object> { ["step_size"] = stepSize, ["gamma"] = gamma }, () => new StaticNet.StepLR(stepSize, gamma));

    /// <summary><c>MultiStepLR</c>.</summary>
    public static SchedulerCase MultiStepLR(int[] milestones, double gamma) =>
        new("MultiStepLR", new Dictionary<string, object> { ["milestones"] = milestones, ["gamma"] = gamma }, () => new StaticNet.MultiStepLR(milestones, gamma));

    /// <summary><c>ExponentialLR</c>.</summary>
    public static SchedulerCase ExponentialLR(double gamma) =>
        new("ExponentialLR", new Dictionary<string, object> { ["gamma"] = gamma }, () => new StaticNet.ExponentialLR(gamma));

    /// <summary><c>CosineAnnealingLR</c>.</summary>
    public static SchedulerCase CosineAnnealingLR(int tMax, double etaMin) =>
        new("CosineAnnealingLR", new Dictionary<string, object> { ["T_max"] = tMax, ["eta_min"] = etaMin }, () => new StaticNet.CosineAnnealingLR(tMax, etaMin));

    /// <summary><c>CosineAnnealingWarmRestarts</c>.</summary>
    public static SchedulerCase CosineAnnealingWarmRestarts(int t0, int tMult, double etaMin) =>
        new("CosineAnnealingWarmRestarts", new Dictionary<string, object> { ["T_0"] = t0, ["T_mult"] = tMult, ["eta_min"] = etaMin }, () => new StaticNet.CosineAnnealingWarmRestarts(t0, tMult, etaMin));

    /// <summary><c>OneCycleLR</c>, per step; with <paramref name="cycleMomentum"/> it also cycles SGD's momentum or Adam's beta1.</summary>
    public static SchedulerCase OneCycleLR(
        double maxLr, int totalSteps, double pctStart, AnnealStrategy anneal, bool cycleMomentum, double baseMomentum, double maxMomentum,
        double divFactor, double finalDivFactor, bool threePhase) =>
        new("OneCycleLR",
            new Dictionary<string, object>
            {
                ["max_lr"] = maxLr, ["total_steps"] = totalSteps, ["pct_start"] = pctStart, ["anneal_strategy"] = anneal == AnnealStrategy.Cos ? "cos" : "linear",
                ["cycle_momentum"] = cycleMomentum, ["base_momentum"] = baseMomentum, ["max_momentum"] = maxMomentum,
                ["div_factor"] = divFactor, ["final_div_factor"] = finalDivFactor, ["three_phase"] = threePhase,
            },
            () => new StaticNet.OneCycleLR(maxLr, totalSteps, pctStart, anneal, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase));

    /// <summary>
    /// <c>ReduceLROnPlateau</c> fed <paramref name="metrics"/>, one per epoch: mode min watches StaticNet's
    /// validation loss, mode max its validation accuracy.
    /// </summary>
    public static SchedulerCase ReduceLROnPlateau(
        MetricMode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode, int cooldown, double minLr, double eps, double[] metrics) =>
        new("ReduceLROnPlateau", PlateauArguments(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps),
            () => new StaticNet.ReduceLROnPlateau(mode == MetricMode.Min ? MonitoredMetric.ValidationLoss : MonitoredMetric.ValidationAccuracy, factor, patience, threshold, thresholdMode, cooldown, minLr, eps))
        {
            Metrics = metrics,
        };

    /// <summary>
    /// StaticNet's <see cref="LinearWarmup"/> before <paramref name="then"/>: PyTorch's
    /// <c>SequentialLR([LinearLR(start_factor, total_iters=length), then], milestones=[length])</c>, or,
    /// before <c>ReduceLROnPlateau</c> (which SequentialLR cannot hold), python/reference.py's
    /// <c>LinearWarmupThenReduceLROnPlateau</c> of the same two torch schedulers.
    /// </summary>
    public static SchedulerCase LinearWarmup(int length, SchedulerCase then, double startFactor)
    {
        Func<LearningRateSchedule> create = () => new StaticNet.LinearWarmup(length, then.Create(), startFactor);
        if (then.TorchName == "ReduceLROnPlateau")
        {
            var arguments = new Dictionary<string, object>(then.TorchArguments) { ["warmup"] = length, ["start_factor"] = startFactor };
            return new("LinearWarmupThenReduceLROnPlateau", arguments, create) { Metrics = then.Metrics };
        }

        var warmup = new Dictionary<string, object> { ["name"] = "LinearLR", ["args"] = new Dictionary<string, object> { ["start_factor"] = startFactor, ["total_iters"] = length } };
        var next = new Dictionary<string, object> { ["name"] = then.TorchName, ["args"] = then.TorchArguments };
        return new("SequentialLR", new Dictionary<string, object> { ["schedulers"] = new[] { warmup, next }, ["milestones"] = new[] { length } }, create) { Metrics = then.Metrics };
    }

    private static Dictionary<string, object> PlateauArguments(MetricMode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode, int cooldown, double minLr, double eps) => new()
    {
        ["mode"] = mode == MetricMode.Min ? "min" : "max", ["factor"] = factor, ["patience"] = patience, ["threshold"] = threshold,
        ["threshold_mode"] = thresholdMode == ThresholdMode.Relative ? "rel" : "abs", ["cooldown"] = cooldown, ["min_lr"] = minLr, ["eps"] = eps,
    };
}
