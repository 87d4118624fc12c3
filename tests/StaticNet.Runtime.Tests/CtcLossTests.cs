using System;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The CTC loss against brute force (<see cref="CtcReference"/>: every alignment enumerated, in double),
/// its gradient against central differences of that brute force, the reductions, impossible alignments,
/// the checks of its targets, and that a call allocates nothing.
/// </summary>
public class CtcLossTests
{
    private const int Steps = 5, Classes = 3;

    // Three samples padded to 3 labels, written as positions among the labels that are not the blank:
    // "aa" (a repeat: a blank between), "bab" (in 4 steps), and an empty one (in 3 steps).
    private static readonly int[][] Targets = { new[] { 0, 0 }, new[] { 1, 0, 1 }, Array.Empty<int>() };
    private static readonly int[] InputLengths = { 5, 4, 3 };

    [Theory]
    [InlineData(CtcLayout.StepMajor, false, LossReduction.Mean, 0)]
    [InlineData(CtcLayout.ClassMajor, false, LossReduction.Sum, 2)]
    [InlineData(CtcLayout.ClassMajor, true, LossReduction.Mean, 1)]
    [InlineData(CtcLayout.StepMajor, true, LossReduction.Sum, 0)]
    public void LossAndGradientMatchBruteForce(CtcLayout layout, bool logProbabilities, LossReduction reduction, int blank)
    {
        float[] outputs = RandomOutputs(3, seed: 7 + blank);
        (int[] sequences, int[] lengths) = Pad(Targets, blank, 3);
        var loss = new CtcLoss(Steps, Classes, layout, blank, reduction, logProbabilities: logProbabilities);
        var gradient = new float[outputs.Length];
        float actual = loss.Compute(outputs, new BatchTargets(sequences, 3, lengths, InputLengths), gradient, 3);

        double Reference(double[] x) => ReferenceLoss(x, sequences, 3, lengths, InputLengths, layout, blank, logProbabilities, reduction);
        double[] point = outputs.Select(v => (double)v).ToArray();
        Assert.Equal(Reference(point), actual, 1e-6 * Math.Abs(actual));

        // Central differences of the brute force in double: truncation error h^2 ~ 1e-10, rounding 1e-16 / h.
        const double H = 1e-5;
        for (int i = 0; i < point.Length; i++)
        {
            double original = point[i];
            point[i] = original + H;
            double plus = Reference(point);
            point[i] = original - H;
            double minus = Reference(point);
            point[i] = original;
            double numeric = (plus - minus) / (2 * H);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-6 + (1e-5 * Math.Abs(numeric)), $"output {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesOnALongerSequence()
    {
        // 12 steps of 5 classes are too many alignments to enumerate; central differences of the loss itself.
        const int steps = 12, classes = 5;
        var random = new RandomStream(3);
        float[] outputs = Enumerable.Range(0, 2 * steps * classes).Select(_ => (4 * random.NextSingle()) - 2).ToArray();
        int[] sequences = { 1, 2, 2, 4, 3, 3, 3, 1, 1, 0, 0, 0 };
        int[] lengths = { 6, 3 };
        var loss = new CtcLoss(steps, classes, CtcLayout.ClassMajor);
        float Evaluate(float[] x, Span<float> gradient) => loss.Compute(x, new BatchTargets(sequences, 6, lengths, new[] { 12, 9 }), gradient, 2);

        var analytic = new float[outputs.Length];
        Evaluate(outputs, analytic);
        const float Step = 1e-2f;
        for (int i = 0; i < outputs.Length; i++)
        {
            float original = outputs[i];
            outputs[i] = original + Step;
            double plus = Evaluate(outputs, Span<float>.Empty);
            outputs[i] = original - Step;
            double minus = Evaluate(outputs, Span<float>.Empty);
            outputs[i] = original;
            double numeric = (plus - minus) / (2 * Step);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-4 + (1e-3 * Math.Abs(numeric)), $"output {i}: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void TheLongestTargetTheStepsAllowHasOneAlignment()
    {
        // "aab" needs 4 steps (a blank between the a's): in exactly 4, its only alignment is a, blank, a, b.
        float[] logits = RandomOutputs(1, seed: 11, steps: 4);
        var loss = new CtcLoss(4, Classes, CtcLayout.StepMajor, reduction: LossReduction.Sum);
        float actual = loss.Compute(logits, new BatchTargets(new[] { 1, 1, 2 }, 3, new[] { 3 }), Span<float>.Empty, 1);

        Func<int, int, double> logProbability = CtcReference.LogSoftmax(logits.Select(v => (double)v).ToArray(), 4, Classes, CtcLayout.StepMajor);
        double expected = -(logProbability(0, 1) + logProbability(1, 0) + logProbability(2, 1) + logProbability(3, 2));
        Assert.Equal(expected, actual, 1e-6 * expected);
    }

    [Fact]
    public void AnEmptyTargetIsAllBlanks()
    {
        float[] logits = RandomOutputs(1, seed: 12);
        var loss = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, blank: 1);
        float actual = loss.Compute(logits, new BatchTargets(ReadOnlySpan<int>.Empty, 0, new[] { 0 }), Span<float>.Empty, 1);

        Func<int, int, double> logProbability = CtcReference.LogSoftmax(logits.Select(v => (double)v).ToArray(), Steps, Classes, CtcLayout.StepMajor);
        double expected = -Enumerable.Range(0, Steps).Sum(t => logProbability(t, 1));
        Assert.Equal(expected, actual, 1e-6 * expected); // mean: divided by the length clamped to 1
    }

    [Fact]
    public void NoStepsGiveTheEmptyTargetProbabilityOneAndAnyOtherZero()
    {
        var loss = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, reduction: LossReduction.None);
        var losses = new float[2];
        var gradient = new float[2 * Steps * Classes];
        loss.ComputeUnreduced(RandomOutputs(2, seed: 13), new BatchTargets(new[] { 1, 1 }, 1, new[] { 0, 1 }, new[] { 0, 0 }), losses, gradient, 2);
        Assert.Equal(new[] { 0f, float.PositiveInfinity }, losses);
        Assert.All(gradient, g => Assert.Equal(0f, g)); // no valid steps: nothing to be NaN
    }

    [Fact]
    public void AnImpossibleAlignmentIsInfiniteOrZeroWithZeroInfinity()
    {
        // "aab" needs 4 steps; sample 1 has 3. Sample 0 ("ab" in 5 steps) is possible.
        float[] outputs = RandomOutputs(2, seed: 14);
        var targets = new BatchTargets(new[] { 1, 2, 0, 1, 1, 2 }, 3, new[] { 2, 3 }, new[] { 5, 3 });
        var gradient = new float[outputs.Length];
        var losses = new float[2];

        var infinite = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, reduction: LossReduction.None);
        infinite.ComputeUnreduced(outputs, targets, losses, gradient, 2);
        Assert.True(float.IsFinite(losses[0]));
        Assert.Equal(float.PositiveInfinity, losses[1]);
        Assert.Equal(float.PositiveInfinity, new CtcLoss(Steps, Classes, CtcLayout.StepMajor).Compute(outputs, targets, Span<float>.Empty, 2));
        Span<float> impossible = gradient.AsSpan(Steps * Classes, Steps * Classes);
        Assert.All(impossible[..(3 * Classes)].ToArray(), g => Assert.True(float.IsNaN(g))); // as PyTorch: NaN over the valid steps
        Assert.All(impossible[(3 * Classes)..].ToArray(), g => Assert.Equal(0f, g));
        float[] possibleGradient = gradient[..(Steps * Classes)];

        var zeroed = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, reduction: LossReduction.None, zeroInfinity: true);
        zeroed.ComputeUnreduced(outputs, targets, losses, gradient, 2);
        Assert.Equal(0f, losses[1]);
        Assert.All(gradient[(Steps * Classes)..], g => Assert.Equal(0f, g));
        Assert.Equal(possibleGradient, gradient[..(Steps * Classes)]);

        // Mean with zero infinity: the impossible sample counts as 0 in the mean over 2.
        var mean = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, zeroInfinity: true);
        Assert.Equal(losses[0] / 2 / 2, mean.Compute(outputs, targets, Span<float>.Empty, 2), 1e-6f);
    }

    [Fact]
    public void ReductionsScaleTheSamplesLossesAndGradients()
    {
        float[] outputs = RandomOutputs(3, seed: 15);
        (int[] sequences, int[] lengths) = Pad(Targets, 0, 3);
        var targets = new BatchTargets(sequences, 3, lengths, InputLengths);
        var none = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, reduction: LossReduction.None);
        var losses = new float[3];
        var unscaled = new float[outputs.Length];
        float sumOfNone = none.ComputeUnreduced(outputs, targets, losses, unscaled, 3);
        Assert.Equal(losses.Sum(), sumOfNone, 1e-5f);
        Assert.Throws<InvalidOperationException>(() => none.Compute(outputs, new BatchTargets(sequences, 3, lengths, InputLengths), Span<float>.Empty, 3));

        var sumGradient = new float[outputs.Length];
        Assert.Equal(sumOfNone, new CtcLoss(Steps, Classes, CtcLayout.StepMajor, reduction: LossReduction.Sum).Compute(outputs, targets, sumGradient, 3), 1e-5f);
        Assert.Equal(unscaled, sumGradient);

        var meanGradient = new float[outputs.Length];
        var meanLosses = new float[3];
        float mean = new CtcLoss(Steps, Classes, CtcLayout.StepMajor).ComputeUnreduced(outputs, targets, meanLosses, meanGradient, 3);
        Assert.Equal(losses, meanLosses); // per-sample losses are never divided
        int[] divisors = { 2, 3, 1 }; // target lengths, the empty one clamped to 1
        Assert.Equal(((losses[0] / 2.0) + (losses[1] / 3.0) + losses[2]) / 3, mean, 1e-6);
        for (int i = 0; i < outputs.Length; i++)
        {
            Assert.Equal(unscaled[i] / (3.0 * divisors[i / (Steps * Classes)]), meanGradient[i], 1e-7);
        }
    }

    [Fact]
    public void TheLayoutsAreTransposesOfEachOther()
    {
        float[] stepMajor = RandomOutputs(3, seed: 16);
        float[] classMajor = CtcReference.ToClassMajor(stepMajor, Steps, Classes);
        (int[] sequences, int[] lengths) = Pad(Targets, 0, 3);
        var targets = new BatchTargets(sequences, 3, lengths, InputLengths);
        var stepGradient = new float[stepMajor.Length];
        var classGradient = new float[classMajor.Length];
        float stepLoss = new CtcLoss(Steps, Classes, CtcLayout.StepMajor).Compute(stepMajor, targets, stepGradient, 3);
        float classLoss = new CtcLoss(Steps, Classes, CtcLayout.ClassMajor).Compute(classMajor, targets, classGradient, 3);
        Assert.Equal(stepLoss, classLoss);
        Assert.Equal(CtcReference.ToClassMajor(stepGradient, Steps, Classes), classGradient);
    }

    [Fact]
    public void LargeLogitsGiveTheLossOfTheirOffsetsFromEachStepsMaximum()
    {
        // Multiples of 1/64, exact in float next to 1e4 too: the same log-softmax, so the same loss.
        var random = new RandomStream(17);
        float[] small = Enumerable.Range(0, Steps * Classes).Select(_ => random.NextInt(256) / 64f).ToArray();
        float[] large = small.Select(v => v + 1e4f).ToArray();
        var targets = new BatchTargets(new[] { 1, 1, 2 }, 3, new[] { 3 });
        var loss = new CtcLoss(Steps, Classes, CtcLayout.StepMajor);
        var smallGradient = new float[small.Length];
        var largeGradient = new float[large.Length];
        float expected = loss.Compute(small, targets, smallGradient, 1);
        Assert.True(float.IsFinite(expected));
        Assert.Equal(expected, loss.Compute(large, targets, largeGradient, 1), 1e-6f * expected);
        Assert.Equal(smallGradient, largeGradient);
    }

    [Fact]
    public void TargetsAreCheckedNamingTheSampleAndWhatWasExpected()
    {
        var loss = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, blank: 2);
        float[] outputs = new float[2 * Steps * Classes];
        void Throws<TException>(MakeTargets targets, string message)
            where TException : ArgumentException
        {
            var exception = Assert.Throws<TException>(() => loss.Compute(outputs, targets(), Span<float>.Empty, 2));
            Assert.Equal("targets", exception.ParamName);
            Assert.Contains(message, exception.Message);
        }

        Throws<ArgumentOutOfRangeException>(() => new BatchTargets(new[] { 1, 0, 0, 2 }, 2, new[] { 1, 2 }), "Sample 1 of the batch has label 2 at position 1 of its target, but labels are the classes 0 to 2 other than the blank, 2.");
        Throws<ArgumentOutOfRangeException>(() => new BatchTargets(new[] { 3, 0, 0, 1 }, 2, new[] { 1, 2 }), "Sample 0 of the batch has label 3 at position 0");
        Throws<ArgumentOutOfRangeException>(() => new BatchTargets(new[] { -1, 0, 0, 1 }, 2, new[] { 1, 2 }), "Sample 0 of the batch has label -1");
        Throws<ArgumentOutOfRangeException>(() => new BatchTargets(new[] { 0, 0, 0, 1 }, 2, new[] { 1, -1 }), "Sample 1 of the batch has target length -1, but target lengths go from 0 to the padded length 2.");
        Throws<ArgumentOutOfRangeException>(() => new BatchTargets(new[] { 0, 0, 0, 1 }, 2, new[] { 3, 1 }), "Sample 0 of the batch has target length 3");
        Throws<ArgumentOutOfRangeException>(() => new BatchTargets(new[] { 0, 0, 0, 1 }, 2, new[] { 1, 1 }, new[] { 5, 6 }), "Sample 1 of the batch has input length 6, but input lengths go from 0 to the 5 steps.");
        Throws<ArgumentOutOfRangeException>(() => new BatchTargets(new[] { 0, 0, 0, 1 }, 2, new[] { 1, 1 }, new[] { -1, 5 }), "Sample 0 of the batch has input length -1");
        Throws<ArgumentException>(() => new BatchTargets(new[] { 0, 0, 0, 1 }, 2, new[] { 1, 1 }, new[] { 5 }), "one input length per sample, or none: 2 needed, 1 given");
        Throws<ArgumentException>(() => new BatchTargets(new[] { 0, 0, 0 }, 2, new[] { 1, 1 }), "sequences hold 3 labels, but 2 samples padded to 2 need 4.");
        Throws<ArgumentException>(() => new BatchTargets(new[] { 0, 1 }), "takes a label sequence per sample (BatchTargets(sequences, paddedLength, sequenceLengths, inputLengths)): 2 sequence lengths needed, 0 given (class indices were given instead).");
        Throws<ArgumentException>(() => new BatchTargets(new[] { 0f, 1f }), "(values were given instead)");

        var wrongSize = Assert.Throws<ArgumentException>(() => loss.Compute(new float[2 * 14], new BatchTargets(new[] { 0, 1 }, 1, new[] { 1, 1 }), Span<float>.Empty, 2));
        Assert.Equal("outputs", wrongSize.ParamName);
        Assert.Contains("made for 5 steps x 3 classes = 15 outputs per sample, but the outputs have 14 per sample", wrongSize.Message);

        var perSample = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, reduction: LossReduction.None);
        var shortLosses = Assert.Throws<ArgumentException>(() => perSample.ComputeUnreduced(outputs, new BatchTargets(new[] { 0, 1 }, 1, new[] { 1, 1 }), new float[1], Span<float>.Empty, 2));
        Assert.Equal("losses", shortLosses.ParamName);
    }

    [Fact]
    public void ATargetLongerThanTheWorkspaceThrowsOnlyIfAnAlignmentFitsIt()
    {
        var loss = new CtcLoss(Steps, Classes, CtcLayout.StepMajor, maxTargetLength: 2);
        float[] outputs = RandomOutputs(1, seed: 18);
        var exception = Assert.Throws<ArgumentException>(() => loss.Compute(outputs, new BatchTargets(new[] { 1, 2, 1 }, 3, new[] { 3 }), Span<float>.Empty, 1));
        Assert.Contains("a target of 3 labels, longer than the 2 this CTC loss was made for (maxTargetLength)", exception.Message);

        // Four a's need 7 steps: impossible in 5 whatever the workspace, so infinite rather than an error.
        Assert.Equal(float.PositiveInfinity, loss.Compute(outputs, new BatchTargets(new[] { 1, 1, 1, 1 }, 4, new[] { 4 }), Span<float>.Empty, 1));
    }

    [Fact]
    public void SettingsOutOfRangeAreRejected()
    {
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcLoss(0, 3, CtcLayout.StepMajor)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcLoss(5, 1, CtcLayout.StepMajor)).ParamName);
        Assert.Equal("blank", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcLoss(5, 3, CtcLayout.StepMajor, blank: 3)).ParamName);
        Assert.Equal("layout", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcLoss(5, 3, (CtcLayout)2)).ParamName);
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcLoss(5, 3, CtcLayout.StepMajor, reduction: (LossReduction)3)).ParamName);
        Assert.Equal("maxTargetLength", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcLoss(5, 3, CtcLayout.StepMajor, maxTargetLength: 6)).ParamName);
        Assert.Equal("paddedLength", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchTargets(ReadOnlySpan<int>.Empty, -1, ReadOnlySpan<int>.Empty)).ParamName);
    }

    [Fact]
    public void ComputingAllocatesNothing()
    {
        const int steps = 16, classes = 5, batch = 4;
        var random = new RandomStream(19);
        float[] outputs = Enumerable.Range(0, batch * steps * classes).Select(_ => random.NextSingle()).ToArray();
        int[] sequences = { 1, 2, 3, 4, 1, 1, 2, 2, 3, 0, 0, 0, 4, 4, 4, 4 };
        int[] lengths = { 4, 4, 1, 4 };
        int[] inputLengths = { 16, 12, 9, 16 };
        var gradient = new float[outputs.Length];
        var losses = new float[batch];
        var mean = new CtcLoss(steps, classes, CtcLayout.ClassMajor);
        var none = new CtcLoss(steps, classes, CtcLayout.StepMajor, reduction: LossReduction.None, zeroInfinity: true);
        Assert.Equal(0, SteadyAllocation.Fewest(() =>
        {
            mean.Compute(outputs, new BatchTargets(sequences, 4, lengths, inputLengths), gradient, batch);
            none.ComputeUnreduced(outputs, new BatchTargets(sequences, 4, lengths, inputLengths), losses, gradient, batch);
        }));
    }

    [Fact]
    public void TrainsAConvolutionWhoseOutputIsClassMajorToReadItsSequences()
    {
        // Each step's two input channels spell its class: label 1 = (1, 0), 2 = (0, 1), 3 = (1, 1), blank = (0, 0).
        int[][] alignments =
        {
            new[] { 1, 0, 1, 0, 2, 0, 0, 0 }, // 1, 1, 2: the repeat needs the blank between
            new[] { 0, 3, 3, 0, 0, 2, 1, 0 }, // 3, 2, 1
            new[] { 0, 0, 0, 0, 0, 0, 0, 0 }, // empty
            new[] { 2, 0, 2, 0, 3, 0, 1, 0 }, // 2, 2, 3, 1
        };
        const int steps = 8, classes = 4, batch = 4, padded = 4;
        var input = new float[batch * 2 * steps];
        var sequences = new int[batch * padded];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                input[(b * 2 * steps) + t] = alignments[b][t] is 1 or 3 ? 1 : 0;
                input[(b * 2 * steps) + steps + t] = alignments[b][t] is 2 or 3 ? 1 : 0;
            }

            int[] target = CtcReference.Collapse(alignments[b], 0).ToArray();
            target.CopyTo(sequences, b * padded);
            lengths[b] = target.Length;
        }

        var trainer = new Trainer<CtcConvNet>(new CtcConvNet(seed: 5, batchCapacity: batch), new Adam(5e-2), new CtcLoss(steps, classes, CtcLayout.ClassMajor));
        float first = trainer.TrainStep(input, new BatchTargets(sequences, padded, lengths), batch), last = first;
        for (int i = 0; i < 300; i++)
        {
            last = trainer.TrainStep(input, new BatchTargets(sequences, padded, lengths), batch);
        }

        Assert.True(last < first / 10, $"loss {first} at first, {last} after 300 steps");
        var outputs = new float[batch * steps * classes];
        trainer.Network.Predict(input, outputs, batch);
        var decoded = new int[steps];
        for (int b = 0; b < batch; b++)
        {
            int count = CtcDecoding.Greedy(outputs.AsSpan(b * steps * classes, steps * classes), steps, classes, CtcLayout.ClassMajor, decoded);
            Assert.Equal(sequences.AsSpan(b * padded, lengths[b]).ToArray(), decoded[..count]);
        }
    }

    [Fact]
    public void TheTrainerRefusesACtcLossThatDoesNotReadTheNetworksOutputAsItsSequence()
    {
        // CtcConvNet gives [4, 1, 8]: 4 classes at 8 steps, class-major.
        Assert.Contains("gives 32 outputs per sample, but the CTC loss reads 8 steps of 5 classes, 40", Assert.Throws<ArgumentException>(
            () => new Trainer<CtcConvNet>(new CtcConvNet(seed: 1), new Adam(1e-3), new CtcLoss(8, 5, CtcLayout.ClassMajor))).Message);
        Assert.Contains("ends in outputs of shape [4, 1, 8], but the class-major CTC loss reads [8, 1, 4]", Assert.Throws<ArgumentException>(
            () => new Trainer<CtcConvNet>(new CtcConvNet(seed: 1), new Adam(1e-3), new CtcLoss(4, 8, CtcLayout.ClassMajor))).Message);

        // Read step-major, the same 32 values are 8 steps of 4 classes: a layout the network's shape does not settle.
        _ = new Trainer<CtcConvNet>(new CtcConvNet(seed: 1), new Adam(1e-3), new CtcLoss(8, 4, CtcLayout.StepMajor));
        _ = new Trainer<CtcConvNet>(new CtcConvNet(seed: 1), new Adam(1e-3), new CtcLoss(8, 4, CtcLayout.ClassMajor));
    }

    /// <summary>Makes a batch's targets, for an assertion's lambda (which cannot capture a ref struct).</summary>
    private delegate BatchTargets MakeTargets();

    /// <summary>Outputs uniform in [-2, 2), seeded.</summary>
    private static float[] RandomOutputs(int batch, int seed, int steps = Steps)
    {
        var random = new RandomStream(seed);
        return Enumerable.Range(0, batch * steps * Classes).Select(_ => (4 * random.NextSingle()) - 2).ToArray();
    }

    /// <summary>The targets, as positions among the labels other than the blank, turned into classes and padded.</summary>
    private static (int[] Sequences, int[] Lengths) Pad(int[][] targets, int blank, int padded)
    {
        int[] labels = Enumerable.Range(0, Classes).Where(c => c != blank).ToArray();
        var sequences = new int[targets.Length * padded];
        for (int b = 0; b < targets.Length; b++)
        {
            for (int i = 0; i < targets[b].Length; i++)
            {
                sequences[(b * padded) + i] = labels[targets[b][i]];
            }

            // The padding is never read: fill it with what would be rejected as a label.
            for (int i = targets[b].Length; i < padded; i++)
            {
                sequences[(b * padded) + i] = blank;
            }
        }

        return (sequences, targets.Select(t => t.Length).ToArray());
    }

    /// <summary>PyTorch's reduced CTC loss by brute force, from the definition.</summary>
    private static double ReferenceLoss(double[] outputs, int[] sequences, int padded, int[] lengths, int[] inputLengths, CtcLayout layout, int blank, bool logProbabilities, LossReduction reduction)
    {
        int batch = lengths.Length, sampleLength = Steps * Classes;
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            double[] sample = outputs.Skip(b * sampleLength).Take(sampleLength).ToArray();
            Func<int, int, double> logProbability = logProbabilities
                ? CtcReference.AsIs(sample, Steps, Classes, layout)
                : CtcReference.LogSoftmax(sample, Steps, Classes, layout);
            double loss = CtcReference.Loss(logProbability, inputLengths[b], Classes, blank, sequences.Skip(b * padded).Take(lengths[b]));
            total += reduction == LossReduction.Mean ? loss / Math.Max(lengths[b], 1) / batch : loss;
        }

        return total;
    }
}
