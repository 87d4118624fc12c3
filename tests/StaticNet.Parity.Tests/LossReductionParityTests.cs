using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Parity;

/// <summary>A loss's <c>ComputeUnreduced</c>, which <see cref="ILoss"/> does not have.</summary>
public delegate float UnreducedCompute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize);

/// <summary>A loss made with one reduction: the loss, and its <c>ComputeUnreduced</c>.</summary>
public sealed record ReducedLoss(ILoss Loss, UnreducedCompute ComputeUnreduced);

/// <summary>What a loss takes as targets, and so what its unit is for <c>reduction='none'</c>.</summary>
public enum ReductionTargets
{
    /// <summary>One class index per sample; one loss per sample.</summary>
    Labels,

    /// <summary>One value per output, uniform in [-1, 1); one loss per output value.</summary>
    Values,

    /// <summary>One value per output, uniform in [0, 1); one loss per output value.</summary>
    Probabilities,

    /// <summary>Whole triplets (anchor, positive, negative) with their class indices; one loss per triplet.</summary>
    Triplets,
}

/// <summary>
/// A loss of the reduction suite: StaticNet's, made for a given reduction, and its <c>torch.nn</c> twin with the same
/// hyperparameters, under PyTorch's argument names (a list is a float32 tensor on the Python side).
/// </summary>
/// <param name="Name">The loss's part of the case names.</param>
/// <param name="TorchClass">The <c>torch.nn</c> class.</param>
/// <param name="Create">StaticNet's loss with the reduction given.</param>
/// <param name="Targets">The targets it takes.</param>
public sealed record ReductionLoss(string Name, string TorchClass, Func<LossReduction, ReducedLoss> Create, ReductionTargets Targets)
{
    public IReadOnlyDictionary<string, object> TorchArguments { get; init; } = new Dictionary<string, object>();

    /// <summary>The outputs are uniform in [OutputLow, OutputHigh).</summary>
    public double OutputLow { get; init; } = -2;

    public double OutputHigh { get; init; } = 2;
}

/// <summary>One loss, one reduction, one batch: StaticNet's values against PyTorch's.</summary>
/// <param name="Name">The case's name: lower case, digits and dashes.</param>
/// <param name="Loss">The loss.</param>
/// <param name="Reduction">The reduction both sides use.</param>
/// <param name="Batch">The samples in the batch (a multiple of 3 for triplets).</param>
public sealed record ReductionCase(string Name, ReductionLoss Loss, LossReduction Reduction, int Batch)
{
    /// <summary>The reduction PyTorch is told, when it is not <see cref="Reduction"/>: a negative control.</summary>
    public LossReduction? TorchReduction { get; init; }

    /// <summary>How many losses <c>reduction='none'</c> gives: one per sample, output value or triplet.</summary>
    public int Units => Loss.Targets switch
    {
        ReductionTargets.Labels => Batch,
        ReductionTargets.Triplets => Batch / 3,
        _ => Batch * ReductionCases.Features,
    };

    /// <summary>The unit's name, for the compared tensor's.</summary>
    public string Unit => Loss.Targets switch
    {
        ReductionTargets.Labels => "sample",
        ReductionTargets.Triplets => "triplet",
        _ => "output value",
    };

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Every loss with non-default hyperparameters where it has them, each with every reduction, on batches of 1 and 7.</summary>
public static class ReductionCases
{
    /// <summary>Outputs per sample: classes, or an embedding's dimensions.</summary>
    public const int Features = 5;

    // A zero weight, so that the weighted mean's divisor differs from the samples' number even more.
    private static readonly float[] ClassWeights = { 0.5f, 2f, 0f, 1.25f, 3f };

    public static IReadOnlyList<ReductionLoss> Losses { get; } = new[]
    {
        Loss("cross-entropy", "CrossEntropyLoss", r => Of(new SoftmaxCrossEntropyLoss(reduction: r)), ReductionTargets.Labels) with { OutputLow = -3, OutputHigh = 3 },
        Loss("cross-entropy-label-smoothing", "CrossEntropyLoss", r => Of(new SoftmaxCrossEntropyLoss(0.2, r)), ReductionTargets.Labels, ("label_smoothing", 0.2)) with { OutputLow = -3, OutputHigh = 3 },
        Loss("class-weighted-cross-entropy", "CrossEntropyLoss", r => Of(new ClassWeightedLoss(new SoftmaxCrossEntropyLoss(), ClassWeights, r)), ReductionTargets.Labels, ("weight", ClassWeights)) with { OutputLow = -3, OutputHigh = 3 },
        Loss("class-weighted-label-smoothing", "CrossEntropyLoss", r => Of(new ClassWeightedLoss(new SoftmaxCrossEntropyLoss(0.15), ClassWeights, r)), ReductionTargets.Labels, ("weight", ClassWeights), ("label_smoothing", 0.15)) with { OutputLow = -3, OutputHigh = 3 },
        Loss("nll", "NLLLoss", r => Of(new NegativeLogLikelihoodLoss(r)), ReductionTargets.Labels) with { OutputLow = -4, OutputHigh = 0 },
        Loss("class-weighted-nll", "NLLLoss", r => Of(new ClassWeightedLoss(new NegativeLogLikelihoodLoss(), ClassWeights, r)), ReductionTargets.Labels, ("weight", ClassWeights)) with { OutputLow = -4, OutputHigh = 0 },
        Loss("mse", "MSELoss", r => Of(new MeanSquaredErrorLoss(r)), ReductionTargets.Values),
        Loss("l1", "L1Loss", r => Of(new L1Loss(r)), ReductionTargets.Values),
        Loss("huber-delta-half", "HuberLoss", r => Of(new HuberLoss(0.5, r)), ReductionTargets.Values, ("delta", 0.5)),
        Loss("smooth-l1-beta-quarter", "SmoothL1Loss", r => Of(new SmoothL1Loss(0.25, r)), ReductionTargets.Values, ("beta", 0.25)),
        Loss("bce-logits", "BCEWithLogitsLoss", r => Of(new BinaryCrossEntropyWithLogitsLoss(r)), ReductionTargets.Probabilities) with { OutputLow = -4, OutputHigh = 4 },
        Loss("triplet-margin", "TripletMarginLoss", r => Of(new TripletMarginLoss(1.0, 2, 1e-6, false, r)), ReductionTargets.Triplets, ("margin", 1.0), ("p", 2.0), ("eps", 1e-6), ("swap", false)) with { OutputLow = -1, OutputHigh = 1 },
        Loss("triplet-margin-p3-swap", "TripletMarginLoss", r => Of(new TripletMarginLoss(0.8, 3, 1e-4, true, r)), ReductionTargets.Triplets, ("margin", 0.8), ("p", 3.0), ("eps", 1e-4), ("swap", true)) with { OutputLow = -1, OutputHigh = 1 },
    };

    public static IReadOnlyList<ReductionCase> All { get; } = (
        from loss in Losses
        from reduction in new[] { LossReduction.Mean, LossReduction.Sum, LossReduction.None }
        from samples in new[] { 1, 7 }
        let batch = loss.Targets == ReductionTargets.Triplets ? 3 * samples : samples
        select new ReductionCase($"{loss.Name}-{reduction.ToString().ToLowerInvariant()}-batch{batch}", loss, reduction, batch)).ToArray();

    /// <summary>A negative control: StaticNet sums, PyTorch is told to average, so the comparison must fail.</summary>
    public static ReductionCase Control { get; } = new("control-mse-sum-vs-torch-mean", Losses.Single(l => l.Name == "mse"), LossReduction.Sum, 7) { TorchReduction = LossReduction.Mean };

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    private static ReductionLoss Loss(string name, string torchClass, Func<LossReduction, ReducedLoss> create, ReductionTargets targets, params (string Name, object Value)[] torchArguments) =>
        new(name, torchClass, create, targets) { TorchArguments = torchArguments.ToDictionary(a => a.Name, a => a.Value) };

    private static ReducedLoss Of(SoftmaxCrossEntropyLoss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(ClassWeightedLoss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(NegativeLogLikelihoodLoss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(MeanSquaredErrorLoss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(L1Loss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(HuberLoss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(SmoothL1Loss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(BinaryCrossEntropyWithLogitsLoss loss) => new(loss, loss.ComputeUnreduced);

    private static ReducedLoss Of(TripletMarginLoss loss) => new(loss, loss.ComputeUnreduced);
}

/// <summary>
/// Writes every reduction case, runs python/reduction_reference.py once over them, and compares StaticNet's loss
/// (each unit's, for <see cref="LossReduction.None"/>) and gradient of the outputs with PyTorch's under
/// <see cref="Tolerance.Strict"/>. Files under <c>parity/reductions/</c>.
/// </summary>
public sealed class LossReductionParityFixture
{
    private readonly Dictionary<string, ReductionCase> _cases = new(StringComparer.Ordinal);
    private readonly ScriptSuite _suite;

    public LossReductionParityFixture()
    {
        foreach (ReductionCase reductionCase in ReductionCases.All.Append(ReductionCases.Control))
        {
            _cases.Add(reductionCase.Name, reductionCase);
        }

        _suite = new ScriptSuite("reductions", "reduction_reference.py", caseDirectory =>
        {
            foreach (ReductionCase reductionCase in _cases.Values)
            {
                Write(caseDirectory, reductionCase);
            }
        });
    }

    /// <summary>Runs case <paramref name="name"/> in StaticNet and compares it with PyTorch's results, recording the comparison in the report.</summary>
    public Comparison Run(string name)
    {
        ReductionCase reductionCase = _cases[name];
        var comparison = new Comparison(name) { ExpectMismatch = reductionCase.TorchReduction is not null };
        if (_suite.Read(name, comparison) is var (input, reference))
        {
            float[] outputs = ScriptSuite.Get(input, "outputs").Values;
            int[] labels = reductionCase.Loss.Targets is ReductionTargets.Labels or ReductionTargets.Triplets
                ? ScriptSuite.Get(input, "labels").Values.Select(v => (int)v).ToArray()
                : Array.Empty<int>();
            float[] values = reductionCase.Loss.Targets is ReductionTargets.Values or ReductionTargets.Probabilities
                ? ScriptSuite.Get(input, "targets").Values
                : Array.Empty<float>();
            BatchTargets targets = labels.Length > 0 ? new BatchTargets(labels) : new BatchTargets(values);
            ReducedLoss loss = reductionCase.Loss.Create(reductionCase.Reduction);
            var gradient = new float[outputs.Length];
            if (reductionCase.Reduction == LossReduction.None)
            {
                var losses = new float[reductionCase.Units];
                loss.ComputeUnreduced(outputs, targets, losses, gradient, reductionCase.Batch);
                comparison.Tensor($"loss of each {reductionCase.Unit}", losses, ScriptSuite.Get(reference, "loss"));
            }
            else
            {
                comparison.Tensor("loss", new[] { loss.Loss.Compute(outputs, targets, gradient, reductionCase.Batch) }, ScriptSuite.Get(reference, "loss"));
            }

            comparison.Tensor("gradient of the outputs", gradient, ScriptSuite.Get(reference, "grad"));
        }

        ParityReport.Record(_suite.Name, comparison);
        return comparison;
    }

    private static void Write(string caseDirectory, ReductionCase reductionCase)
    {
        var random = new Random(RandomBatches.StableHash(reductionCase.Name));
        ReductionLoss loss = reductionCase.Loss;
        int batch = reductionCase.Batch, features = ReductionCases.Features;
        Func<Random, float> output = RandomBatches.Uniform(loss.OutputLow, loss.OutputHigh);
        var outputs = new float[batch * features];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = output(random);
        }

        var tensors = new List<SafeTensor> { new("outputs", new[] { batch, features }, outputs) };
        if (loss.Targets is ReductionTargets.Labels or ReductionTargets.Triplets)
        {
            tensors.Add(new SafeTensor("labels", new[] { batch }, Labels(loss.Targets, batch)));
        }
        else
        {
            Func<Random, float> target = loss.Targets == ReductionTargets.Probabilities ? RandomBatches.Uniform(0, 1) : RandomBatches.Uniform(-1, 1);
            var values = new float[batch * features];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = target(random);
            }

            tensors.Add(new SafeTensor("targets", new[] { batch, features }, values));
        }

        var description = new Dictionary<string, object>
        {
            ["loss"] = loss.TorchClass,
            ["args"] = loss.TorchArguments,
            ["reduction"] = (reductionCase.TorchReduction ?? reductionCase.Reduction).ToString().ToLowerInvariant(),
            ["triplets"] = loss.Targets == ReductionTargets.Triplets,
        };
        ScriptSuite.WriteCase(caseDirectory, reductionCase.Name, tensors, description);
    }

    /// <summary>
    /// Class indices: sample b of a batch has class (3b + 1) mod 5, which gives a batch of one class 1 (weight 2, not
    /// the zero weight: PyTorch's weighted mean would divide 0 by 0) and a batch of seven every class. Triplet k is
    /// k mod 5, k mod 5, (k + 1) mod 5.
    /// </summary>
    private static float[] Labels(ReductionTargets targets, int batch) => Enumerable.Range(0, batch)
        .Select(b => (float)(targets == ReductionTargets.Triplets ? ((b / 3) + (b % 3 == 2 ? 1 : 0)) % ReductionCases.Features : ((3 * b) + 1) % ReductionCases.Features))
        .ToArray();
}

/// <summary>StaticNet's loss reductions against <c>torch.nn</c>'s <c>reduction='mean' | 'sum' | 'none'</c>: the loss, or each unit's, and the gradient of the outputs.</summary>
[Collection(ParityCollection.Name)]
public sealed class LossReductionParityTests : IClassFixture<LossReductionParityFixture>
{
    private readonly LossReductionParityFixture _fixture;
    private readonly ITestOutputHelper _output;

    public LossReductionParityTests(LossReductionParityFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Theory]
    [MemberData(nameof(ReductionCases.Names), MemberType = typeof(ReductionCases))]
    public void MatchesPyTorch(string name)
    {
        ParityAssert.Matched(new[] { _fixture.Run(name) }, _output);
    }

    [Fact]
    public void ReportsAMismatchWhenPyTorchReducesAnotherWay()
    {
        Comparison comparison = _fixture.Run(ReductionCases.Control.Name);
        _output.WriteLine(comparison.Summary());
        Assert.False(comparison.Passed, "The negative control matched: the reduction suite is not comparing StaticNet with PyTorch.");
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(comparison.AssertMatched);
        Assert.Contains("tensor 'loss'", failure.Message);
        Assert.Contains("tensor 'gradient of the outputs'", failure.Message);
    }
}
