using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The reductions of every loss against each other: the mean is the sum scaled per unit (a sample, an output value,
/// a triplet; by the weights' sum for class weights, by the target length for CTC), <see cref="LossReduction.None"/>
/// gives each unit's loss and the sum's gradient, the sum's gradient matches central differences of the sum, and
/// the errors and allocations of both entry points. Their values against PyTorch are LossReductionParityTests'.
/// </summary>
public class LossReductionTests
{
    /// <summary>A loss's <c>ComputeUnreduced</c>, which <see cref="ILoss"/> does not have.</summary>
    public delegate float Unreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize);

    /// <summary>Makes a batch's targets, a ref struct that a <see cref="Func{TResult}"/> field cannot hold here.</summary>
    public delegate BatchTargets TargetsOf();

    /// <summary>One loss as the tests take it: made with any reduction, its batch, and what its mean divides.</summary>
    /// <param name="Create">The loss with a reduction, and its <c>ComputeUnreduced</c>.</param>
    /// <param name="Outputs">The batch's outputs.</param>
    /// <param name="Batch">The batch's samples.</param>
    /// <param name="Targets">The batch's targets.</param>
    /// <param name="Units">How many losses <see cref="LossReduction.None"/> gives.</param>
    /// <param name="Unit">The unit's name, as error messages say it.</param>
    /// <param name="MeanScale">What the mean multiplies unit <c>u</c>'s loss by: 1 / units, unless the loss says otherwise.</param>
    public sealed record Subject(Func<LossReduction, (ILoss Loss, Unreduced ComputeUnreduced)> Create, float[] Outputs, int Batch, TargetsOf Targets, int Units, string Unit, Func<int, double> MeanScale)
    {
        /// <summary>The outputs each unit's loss reads, one after another.</summary>
        public int OutputsPerUnit => Outputs.Length / Units;
    }

    private const int Batch = 7, Classes = 5;

    private static readonly int[] Labels = { 1, 4, 2, 0, 3, 1, 4 };

    // Class 2 weighs 0; the batch's labels weigh 2 + 3 + 0 + 0.5 + 1.25 + 2 + 3 = 11.75, what the weighted mean divides by.
    private static readonly float[] ClassWeights = { 0.5f, 2f, 0f, 1.25f, 3f };
    private const double LabelWeightSum = 11.75;

    private static readonly float[] Logits = GradientCheck.Random(Batch * Classes, 31, -3f, 3f);
    private static readonly float[] LogProbabilities = GradientCheck.Random(Batch * Classes, 32, -4f, 0f);
    private static readonly float[] Values = GradientCheck.Random(Batch * Classes, 33, -2f, 2f);

    // Each target is its output minus a difference at least 0.05 from every kink of the element-wise losses
    // (0, Huber's delta 0.5, smooth L1's beta 0.25), so that a central difference of step 0.01 never crosses one.
    private static readonly float[] Differences = { 0.08f, -0.15f, 0.35f, -0.42f, 0.6f, -0.9f, 1.3f, -1.8f, 0.12f, -0.2f, 0.3f };
    private static readonly float[] ValueTargets = Values.Select((v, i) => v - Differences[i % Differences.Length]).ToArray();

    private static readonly float[] BinaryLogits = GradientCheck.Random(Batch * Classes, 34, -4f, 4f);
    private static readonly float[] Probabilities = GradientCheck.Random(Batch * Classes, 35, 0f, 1f);

    // Three triplets of 3-dimensional embeddings (anchor, positive, negative), with margin 1, p = 2 and swap:
    // d(a, p) - min(d(a, n), d(p, n)) + 1 is -0.56 (inactive), 1.27 (the anchor's distance) and 1.05 (swapped
    // to the positive's distance); the two distances to the negative differ by 0.30, 0.26 and 0.71. All are far
    // enough from the hinge and from the swap's switch for a central difference of step 0.01.
    private static readonly float[] Embeddings =
    {
        0f, 0f, 0f, 0.3f, 0.1f, -0.2f, 2f, 1f, 0f,
        1f, 1f, 1f, 1.8f, 0.6f, 1.2f, 1.5f, 1.4f, 0.9f,
        -1f, 0.5f, 0f, -0.4f, 0.2f, 0.5f, 0.2f, -0.3f, 0.4f,
    };

    private static readonly int[] TripletLabels = { 0, 0, 1, 2, 2, 3, 4, 4, 1 };

    // CTC: 6 steps of 4 classes (blank 0), three samples with targets "ab", "cc" (a blank between) and none.
    private const int CtcSteps = 6, CtcClasses = 4, CtcBatch = 3;
    private static readonly float[] CtcLogits = GradientCheck.Random(CtcBatch * CtcSteps * CtcClasses, 36, -2f, 2f);
    private static readonly int[] CtcSequences = { 1, 2, 3, 3, 1, 1 };
    private static readonly int[] CtcLengths = { 2, 2, 0 };

    public static IReadOnlyDictionary<string, Subject> Subjects { get; } = new Dictionary<string, Subject>
    {
        ["softmax cross-entropy"] = Samples(r => Of(new SoftmaxCrossEntropyLoss(reduction: r)), Logits),
        ["softmax cross-entropy, label smoothing 0.2"] = Samples(r => Of(new SoftmaxCrossEntropyLoss(0.2, r)), Logits),
        ["negative log-likelihood"] = Samples(r => Of(new NegativeLogLikelihoodLoss(r)), LogProbabilities),
        ["class-weighted cross-entropy, label smoothing 0.1"] = Samples(r => Of(new ClassWeightedLoss(new SoftmaxCrossEntropyLoss(0.1), ClassWeights, r)), Logits) with { MeanScale = _ => 1 / LabelWeightSum },
        ["class-weighted negative log-likelihood"] = Samples(r => Of(new ClassWeightedLoss(Losses.NegativeLogLikelihood, ClassWeights, r)), LogProbabilities) with { MeanScale = _ => 1 / LabelWeightSum },
        ["mean squared error"] = OutputValues(r => Of(new MeanSquaredErrorLoss(r)), Values, ValueTargets),
        ["L1"] = OutputValues(r => Of(new L1Loss(r)), Values, ValueTargets),
        ["Huber, delta 0.5"] = OutputValues(r => Of(new HuberLoss(0.5, r)), Values, ValueTargets),
        ["smooth L1, beta 0.25"] = OutputValues(r => Of(new SmoothL1Loss(0.25, r)), Values, ValueTargets),
        ["binary cross-entropy with logits"] = OutputValues(r => Of(new BinaryCrossEntropyWithLogitsLoss(r)), BinaryLogits, Probabilities),
        ["triplet margin, p 2, swap"] = new(r => Of(new TripletMarginLoss(1.0, 2, 1e-6, true, r)), Embeddings, 9, () => new BatchTargets(TripletLabels), 3, "triplet", _ => 1.0 / 3),
        ["CTC"] = new(
            r => Of(new CtcLoss(CtcSteps, CtcClasses, CtcLayout.StepMajor, reduction: r)),
            CtcLogits,
            CtcBatch,
            () => new BatchTargets(CtcSequences, 2, CtcLengths),
            CtcBatch,
            "sample",
            u => 1.0 / (CtcBatch * Math.Max(CtcLengths[u], 1))), // the mean divides each sample's loss by its target length
    };

    public static IEnumerable<object[]> Names => Subjects.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Names))]
    public void TheMeanIsTheSumScaledPerUnit(string name)
    {
        Subject subject = Subjects[name];
        (ILoss mean, _) = subject.Create(LossReduction.Mean);
        (ILoss sum, _) = subject.Create(LossReduction.Sum);
        (_, Unreduced none) = subject.Create(LossReduction.None);
        var meanGradient = new float[subject.Outputs.Length];
        var sumGradient = new float[subject.Outputs.Length];
        var losses = new float[subject.Units];

        float meanLoss = mean.Compute(subject.Outputs, subject.Targets(), meanGradient, subject.Batch);
        float sumLoss = sum.Compute(subject.Outputs, subject.Targets(), sumGradient, subject.Batch);
        none(subject.Outputs, subject.Targets(), losses, Span<float>.Empty, subject.Batch);

        Assert.True(losses.Count(l => l > 0) >= 2, $"{name}: the batch must have units with a loss, to tell the reductions apart");
        AssertClose(losses.Sum(l => (double)l), sumLoss, $"{name}: the sum");
        AssertClose(losses.Select((l, u) => l * subject.MeanScale(u)).Sum(), meanLoss, $"{name}: the mean");
        if (subject.MeanScale(0) == subject.MeanScale(subject.Units - 1))
        {
            AssertClose(meanLoss / subject.MeanScale(0), sumLoss, $"{name}: the sum, as the mean times its divisor");
        }

        for (int i = 0; i < sumGradient.Length; i++)
        {
            AssertClose(sumGradient[i] * subject.MeanScale(i / subject.OutputsPerUnit), meanGradient[i], $"{name}: the mean's gradient of output {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void NoneGivesEachUnitsLossAndTheGradientOfTheirSum(string name)
    {
        Subject subject = Subjects[name];
        (ILoss sum, Unreduced sumUnreduced) = subject.Create(LossReduction.Sum);
        (ILoss mean, Unreduced meanUnreduced) = subject.Create(LossReduction.Mean);
        (_, Unreduced none) = subject.Create(LossReduction.None);
        int length = subject.Outputs.Length;

        // One more value than the units: the last must be left alone.
        float[] losses = Enumerable.Repeat(float.NaN, subject.Units + 1).ToArray();
        var noneGradient = new float[length];
        float total = none(subject.Outputs, subject.Targets(), losses, noneGradient, subject.Batch);
        Assert.True(float.IsNaN(losses[^1]), $"{name}: ComputeUnreduced wrote past its {subject.Units} units");
        Assert.All(losses[..^1], l => Assert.True(float.IsFinite(l) && l >= 0, $"{name}: unit loss {l}"));
        AssertClose(losses[..^1].Sum(l => (double)l), total, $"{name}: ComputeUnreduced's value with reduction None");

        var sumGradient = new float[length];
        float sumLoss = sum.Compute(subject.Outputs, subject.Targets(), sumGradient, subject.Batch);
        AssertClose(sumLoss, total, $"{name}: None's value against Sum's");
        Assert.Equal(sumGradient, noneGradient);

        // With Mean and Sum, ComputeUnreduced gives the same units' losses, and the value and gradient Compute gives.
        foreach ((ILoss loss, Unreduced unreduced) in new[] { (sum, sumUnreduced), (mean, meanUnreduced) })
        {
            var gradient = new float[length];
            var computeGradient = new float[length];
            var unitLosses = new float[subject.Units];
            Assert.Equal(loss.Compute(subject.Outputs, subject.Targets(), computeGradient, subject.Batch), unreduced(subject.Outputs, subject.Targets(), unitLosses, gradient, subject.Batch));
            Assert.Equal(computeGradient, gradient);
            Assert.Equal(losses[..^1], unitLosses);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheSumsGradientMatchesCentralDifferencesOfTheSum(string name)
    {
        Subject subject = Subjects[name];
        (ILoss sum, _) = subject.Create(LossReduction.Sum);
        float[] x = (float[])subject.Outputs.Clone();
        var gradient = new float[x.Length];
        sum.Compute(x, subject.Targets(), gradient, subject.Batch);

        // A step of 0.01: the sum reaches tens, where float's rounding (1e-6) over a step of 1e-3 would be 1e-3.
        const float Step = 1e-2f;
        for (int i = 0; i < x.Length; i++)
        {
            float original = x[i], up = original + Step, down = original - Step;
            x[i] = up;
            double plus = sum.Compute(x, subject.Targets(), Span<float>.Empty, subject.Batch);
            x[i] = down;
            double minus = sum.Compute(x, subject.Targets(), Span<float>.Empty, subject.Batch);
            x[i] = original;
            double numeric = (plus - minus) / ((double)up - down);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-3 + (1e-3 * Math.Abs(numeric)), $"{name}: output {i}: analytic {gradient[i]}, numeric {numeric}");
        }

        Assert.True(gradient.Max(Math.Abs) > 0.3, $"{name}: a summed gradient this small checks little");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ComputeUnreducedRejectsALossesSpanShorterThanTheUnits(string name)
    {
        Subject subject = Subjects[name];
        foreach (LossReduction reduction in new[] { LossReduction.Mean, LossReduction.Sum, LossReduction.None })
        {
            (_, Unreduced unreduced) = subject.Create(reduction);
            var exception = Assert.Throws<ArgumentException>(() => unreduced(subject.Outputs, subject.Targets(), new float[subject.Units - 1], Span<float>.Empty, subject.Batch));
            Assert.Equal("losses", exception.ParamName);
            Assert.Contains($"losses holds {subject.Units - 1} values, but the batch has {subject.Units} {subject.Unit} losses", exception.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ComputeRefusesReductionNone(string name)
    {
        Subject subject = Subjects[name];
        (ILoss none, _) = subject.Create(LossReduction.None);
        Assert.Equal(LossReduction.None, none.Reduction);
        var exception = Assert.Throws<InvalidOperationException>(() => none.Compute(subject.Outputs, subject.Targets(), new float[subject.Outputs.Length], subject.Batch));
        Assert.Contains($"This {none.Name} loss has reduction None, one loss per {subject.Unit}: call ComputeUnreduced", exception.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ComputeAndComputeUnreducedAllocateNothing(string name)
    {
        Subject subject = Subjects[name];
        (ILoss mean, Unreduced meanUnreduced) = subject.Create(LossReduction.Mean);
        (ILoss sum, _) = subject.Create(LossReduction.Sum);
        (_, Unreduced none) = subject.Create(LossReduction.None);
        var gradient = new float[subject.Outputs.Length];
        var losses = new float[subject.Units];
        void Run()
        {
            mean.Compute(subject.Outputs, subject.Targets(), gradient, subject.Batch);
            sum.Compute(subject.Outputs, subject.Targets(), gradient, subject.Batch);
            none(subject.Outputs, subject.Targets(), losses, gradient, subject.Batch);
            meanUnreduced(subject.Outputs, subject.Targets(), losses, Span<float>.Empty, subject.Batch);
        }

        Assert.Equal(0, SteadyAllocation.Fewest(Run));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void AReductionOutsideTheEnumIsRejectedByEveryLoss(int value)
    {
        var reduction = (LossReduction)value;
        Action[] constructors =
        {
            () => _ = new SoftmaxCrossEntropyLoss(0.1, reduction),
            () => _ = new NegativeLogLikelihoodLoss(reduction),
            () => _ = new MeanSquaredErrorLoss(reduction),
            () => _ = new L1Loss(reduction),
            () => _ = new HuberLoss(0.5, reduction),
            () => _ = new SmoothL1Loss(0.25, reduction),
            () => _ = new BinaryCrossEntropyWithLogitsLoss(reduction),
            () => _ = new TripletMarginLoss(reduction: reduction),
            () => _ = new ClassWeightedLoss(Losses.SoftmaxCrossEntropy, ClassWeights, reduction),
            () => _ = new CtcLoss(CtcSteps, CtcClasses, CtcLayout.StepMajor, reduction: reduction),
        };
        foreach (Action construct in constructors)
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(construct);
            Assert.Equal("reduction", exception.ParamName);
            Assert.Contains("The reduction must be Mean, Sum or None", exception.Message);
        }
    }

    [Fact]
    public void ClassWeightsTakeTheReductionOfTheirOwnNotOfTheWeightedLoss()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ClassWeightedLoss(new SoftmaxCrossEntropyLoss(reduction: LossReduction.None), ClassWeights));
        Assert.Equal("inner", exception.ParamName);
        Assert.Contains("has reduction None; give it Mean (the default) and set the class-weighted loss's reduction instead", exception.Message);

        // A summed inner loss changes nothing: it is computed one sample at a time.
        var sumInside = new ClassWeightedLoss(new NegativeLogLikelihoodLoss(LossReduction.Sum), ClassWeights);
        var meanInside = new ClassWeightedLoss(Losses.NegativeLogLikelihood, ClassWeights);
        Assert.Equal(meanInside.Compute(LogProbabilities, new BatchTargets(Labels), Span<float>.Empty, Batch), sumInside.Compute(LogProbabilities, new BatchTargets(Labels), Span<float>.Empty, Batch));
    }

    [Fact]
    public void ClassWeightedLabelSmoothingNeedsAWeightForEveryClass()
    {
        var loss = new ClassWeightedLoss(new SoftmaxCrossEntropyLoss(0.1), new[] { 1f, 2f, 3f, 4f, 5f });
        float[] sixClasses = GradientCheck.Random(2 * 6, 37, -1f, 1f);
        var exception = Assert.Throws<ArgumentException>(() => loss.Compute(sixClasses, new BatchTargets(new[] { 0, 1 }), Span<float>.Empty, 2));
        Assert.Equal("outputs", exception.ParamName);
        Assert.Contains("Label smoothing spreads each target over all 6 classes, so the softmax cross-entropy with label smoothing (class-weighted) loss needs a weight for each; 5 class weights were given", exception.Message);

        // Without smoothing only the labels' weights are read, so fewer weights than classes do.
        var unsmoothed = new ClassWeightedLoss(Losses.SoftmaxCrossEntropy, new[] { 1f, 2f, 3f, 4f, 5f });
        Assert.True(unsmoothed.Compute(sixClasses, new BatchTargets(new[] { 0, 1 }), Span<float>.Empty, 2) > 0);
    }

    private static Subject Samples(Func<LossReduction, (ILoss, Unreduced)> create, float[] outputs) =>
        new(create, outputs, Batch, () => new BatchTargets(Labels), Batch, "sample", _ => 1.0 / Batch);

    private static Subject OutputValues(Func<LossReduction, (ILoss, Unreduced)> create, float[] outputs, float[] targets) =>
        new(create, outputs, Batch, () => new BatchTargets(targets), Batch * Classes, "output value", _ => 1.0 / (Batch * Classes));

    private static (ILoss, Unreduced) Of(SoftmaxCrossEntropyLoss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(NegativeLogLikelihoodLoss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(ClassWeightedLoss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(MeanSquaredErrorLoss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(L1Loss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(HuberLoss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(SmoothL1Loss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(BinaryCrossEntropyWithLogitsLoss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(TripletMarginLoss loss) => (loss, loss.ComputeUnreduced);

    private static (ILoss, Unreduced) Of(CtcLoss loss) => (loss, loss.ComputeUnreduced);

    /// <summary>Equal within float rounding of sums in different orders: 2e-6 relative, 1e-9 absolute.</summary>
    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 + (2e-6 * Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
}
