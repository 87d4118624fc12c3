using System;
using System.Linq;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The losses of the catalog against references computed independently in double precision (PyTorch's
/// formulas, written out), their gradients against central differences of the loss itself, and the
/// errors they give for targets they cannot take.
/// </summary>
public class LossCatalogTests
{
    private static readonly float[] Outputs = { 1.5f, -0.25f, 0.1f, -2f, 0.75f, 3f };

    private static readonly float[] Values = { 1f, 0.5f, 0f, 1f, 0.25f, -2f };

    private static readonly float[] Probabilities = { 1f, 0.5f, 0f, 1f, 0.25f, 0.75f };

    [Fact]
    public void BinaryCrossEntropyWithLogitsIsTheMeanOfTheSigmoidsCrossEntropy()
    {
        double expected = Outputs.Zip(Probabilities, (x, t) =>
        {
            double p = 1 / (1 + Math.Exp(-x));
            return -((t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p)));
        }).Average();
        AssertLoss(Losses.BinaryCrossEntropyWithLogits, Probabilities, expected, (x, t) => ((1 / (1 + Math.Exp(-x))) - t) / 6);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsIsStableForHugeLogits()
    {
        float[] logits = { 1e4f, -1e4f };
        var gradient = new float[2];
        float loss = Losses.BinaryCrossEntropyWithLogits.Compute(logits, new BatchTargets(new[] { 0f, 1f }), gradient, batchSize: 1);
        Assert.Equal(1e4, loss, 0);
        Assert.Equal(new[] { 0.5f, -0.5f }, gradient);
    }

    [Fact]
    public void L1IsTheMeanAbsoluteError()
    {
        AssertLoss(Losses.L1, Values, Outputs.Zip(Values, (x, t) => Math.Abs((double)x - t)).Average(), (x, t) => Math.Sign(x - t) / 6.0);
    }

    [Fact]
    public void L1GradientIsZeroAtTheTarget()
    {
        var gradient = new float[1];
        Losses.L1.Compute(new[] { 2f }, new BatchTargets(new[] { 2f }), gradient, 1);
        Assert.Equal(0f, gradient[0]);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(2.5)]
    public void HuberIsQuadraticWithinDeltaAndLinearBeyond(double delta)
    {
        double Loss(double d) => Math.Abs(d) < delta ? 0.5 * d * d : delta * (Math.Abs(d) - (0.5 * delta));
        double Gradient(double d) => Math.Abs(d) < delta ? d : delta * Math.Sign(d);
        AssertLoss(new HuberLoss(delta), Values, Outputs.Zip(Values, (x, t) => Loss((double)x - t)).Average(), (x, t) => Gradient(x - t) / 6);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(2.5)]
    public void SmoothL1IsHuberDividedByBeta(double beta)
    {
        var huber = new HuberLoss(beta);
        float huberLoss = huber.Compute(Outputs, new BatchTargets(Values), Span<float>.Empty, 2);
        float smooth = new SmoothL1Loss(beta).Compute(Outputs, new BatchTargets(Values), Span<float>.Empty, 2);
        Assert.Equal(huberLoss / beta, smooth, 5);
        AssertGradientMatchesFiniteDifferences(new SmoothL1Loss(beta), Values);
    }

    [Fact]
    public void SmoothL1WithBetaZeroIsL1()
    {
        Assert.Equal(
            Losses.L1.Compute(Outputs, new BatchTargets(Values), Span<float>.Empty, 2),
            new SmoothL1Loss(0).Compute(Outputs, new BatchTargets(Values), Span<float>.Empty, 2),
            6);
    }

    [Fact]
    public void NegativeLogLikelihoodOfLogSoftmaxIsSoftmaxCrossEntropy()
    {
        int[] labels = { 2, 0 };
        float[] logProbabilities = new float[Outputs.Length];
        for (int b = 0; b < 2; b++)
        {
            double logSum = Math.Log(Outputs.Skip(3 * b).Take(3).Sum(x => Math.Exp(x)));
            for (int c = 0; c < 3; c++)
            {
                logProbabilities[(3 * b) + c] = (float)(Outputs[(3 * b) + c] - logSum);
            }
        }

        var gradient = new float[6];
        float nll = Losses.NegativeLogLikelihood.Compute(logProbabilities, new BatchTargets(labels), gradient, 2);
        float crossEntropy = Losses.SoftmaxCrossEntropy.Compute(Outputs, new BatchTargets(labels), Span<float>.Empty, 2);
        Assert.Equal(crossEntropy, nll, 5);
        Assert.Equal(new[] { 0f, 0f, -0.5f, -0.5f, 0f, 0f }, gradient);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    public void LabelSmoothingMixesTheTargetWithTheUniformDistribution(double smoothing)
    {
        int[] labels = { 1, 2 };
        var loss = new SoftmaxCrossEntropyLoss(smoothing);
        var gradient = new float[6];
        float actual = loss.Compute(Outputs, new BatchTargets(labels), gradient, 2);
        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            double[] x = Outputs.Skip(3 * b).Take(3).Select(v => (double)v).ToArray();
            double logSum = Math.Log(x.Sum(Math.Exp));
            for (int c = 0; c < 3; c++)
            {
                double q = ((c == labels[b] ? 1 : 0) * (1 - smoothing)) + (smoothing / 3);
                expected -= q * (x[c] - logSum) / 2;
                Assert.Equal((Math.Exp(x[c] - logSum) - q) / 2, gradient[(3 * b) + c], 6);
            }
        }

        Assert.Equal(expected, actual, 5);
    }

    [Theory]
    [InlineData(1.0, 2.0, false)]
    [InlineData(0.5, 1.0, false)]
    [InlineData(2.0, 3.0, true)]
    public void TripletMarginMatchesPyTorchsFormula(double margin, double norm, bool swap)
    {
        // Two triplets of 3-dimensional embeddings: anchor, positive, negative.
        float[] embeddings = { 0.2f, -0.4f, 1f, 0.5f, 0.1f, 0.9f, -0.3f, 0.8f, 0.2f, 1f, 1f, 0f, 0.9f, 1.2f, 0.3f, 1.1f, 0.7f, -0.2f };
        int[] labels = { 4, 4, 7, 1, 1, 0 };
        var loss = new TripletMarginLoss(margin, norm, 1e-6, swap);
        double Distance(int u, int v) => Math.Pow(Enumerable.Range(0, 3).Sum(i => Math.Pow(Math.Abs((double)embeddings[(3 * u) + i] - embeddings[(3 * v) + i] + 1e-6), norm)), 1 / norm);
        double expected = 0;
        for (int k = 0; k < 2; k++)
        {
            double negative = Distance(3 * k, (3 * k) + 2);
            if (swap)
            {
                negative = Math.Min(negative, Distance((3 * k) + 1, (3 * k) + 2));
            }

            expected += Math.Max(Distance(3 * k, (3 * k) + 1) - negative + margin, 0) / 2;
        }

        Assert.Equal(expected, loss.Compute(embeddings, new BatchTargets(labels), Span<float>.Empty, 6), 5);
        AssertGradientMatchesFiniteDifferences(loss, embeddings, labels, batchSize: 6);
    }

    [Fact]
    public void LossGradientsMatchFiniteDifferences()
    {
        AssertGradientMatchesFiniteDifferences(Losses.BinaryCrossEntropyWithLogits, Probabilities);
        AssertGradientMatchesFiniteDifferences(Losses.Huber, Values);
        AssertGradientMatchesFiniteDifferences(new HuberLoss(0.3), Values);
        AssertGradientMatchesFiniteDifferences(Losses.L1, Values);
        AssertGradientMatchesFiniteDifferences(Losses.NegativeLogLikelihood, Outputs, new[] { 1, 2 }, 2);
        AssertGradientMatchesFiniteDifferences(new SoftmaxCrossEntropyLoss(0.2), Outputs, new[] { 0, 2 }, 2);
    }

    [Fact]
    public void EveryLossRejectsTargetsOfTheWrongLength()
    {
        ILoss[] valueLosses = { Losses.BinaryCrossEntropyWithLogits, Losses.L1, Losses.Huber, Losses.SmoothL1 };
        foreach (ILoss loss in valueLosses)
        {
            var exception = Assert.Throws<ArgumentException>(() => loss.Compute(Outputs, new BatchTargets(new float[5]), Span<float>.Empty, 2));
            Assert.Contains($"The {loss.Name} loss takes one target value per output: 6 needed, 5 given", exception.Message);
            var labels = Assert.Throws<ArgumentException>(() => loss.Compute(Outputs, new BatchTargets(new[] { 0, 1 }), Span<float>.Empty, 2));
            Assert.Contains("class indices were given instead", labels.Message);
        }

        ILoss[] labelLosses = { Losses.NegativeLogLikelihood, new SoftmaxCrossEntropyLoss(0.1), Losses.TripletMargin };
        foreach (ILoss loss in labelLosses)
        {
            var exception = Assert.Throws<ArgumentException>(() => loss.Compute(new float[6], new BatchTargets(new[] { 0 }), Span<float>.Empty, 3));
            Assert.Contains($"The {loss.Name} loss takes one class index per sample: 3 needed, 1 given", exception.Message);
        }
    }

    [Fact]
    public void ClassLossesRejectAClassIndexOutOfRange()
    {
        foreach (ILoss loss in new ILoss[] { Losses.NegativeLogLikelihood, new SoftmaxCrossEntropyLoss(0.1) })
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(Outputs, new BatchTargets(new[] { 0, -1 }), Span<float>.Empty, 2));
            Assert.Contains("Sample 1 of the batch has class index -1, but the network outputs 3 classes (0 to 2)", exception.Message);
        }
    }

    [Fact]
    public void BinaryCrossEntropyRejectsTargetsOutsideZeroToOne()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Losses.BinaryCrossEntropyWithLogits.Compute(Outputs, new BatchTargets(new[] { 0f, 1f, 0.5f, 1.5f, 0f, 0f }), Span<float>.Empty, 2));
        Assert.Contains("takes targets from 0 to 1", exception.Message);
        Assert.Contains("sample 1 has 1.5 at output 0", exception.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Losses.BinaryCrossEntropyWithLogits.Compute(Outputs, new BatchTargets(new[] { 0f, 1f, float.NaN, 0f, 0f, 0f }), Span<float>.Empty, 2));
    }

    [Fact]
    public void RegressionLossesRejectTargetsThatAreNotFinite()
    {
        foreach (ILoss loss in new ILoss[] { Losses.MeanSquaredError, Losses.L1, Losses.Huber, Losses.SmoothL1 })
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(Outputs, new BatchTargets(new[] { 0f, 1f, 0f, 0f, float.PositiveInfinity, 0f }), Span<float>.Empty, 2));
            Assert.Contains("needs finite targets, but sample 1 has", exception.Message);
        }
    }

    [Fact]
    public void TripletMarginRejectsBatchesThatAreNotTriplets()
    {
        var notWhole = Assert.Throws<ArgumentException>(() => Losses.TripletMargin.Compute(new float[8], new BatchTargets(new[] { 0, 0, 1, 1 }), Span<float>.Empty, 4));
        Assert.Contains("batches of whole triplets", notWhole.Message);
        var wrongOrder = Assert.Throws<ArgumentException>(() => Losses.TripletMargin.Compute(new float[12], new BatchTargets(new[] { 0, 0, 1, 2, 3, 3 }), Span<float>.Empty, 6));
        Assert.Contains("Triplet 1 (samples 3 to 5) has classes 2, 3, 3", wrongOrder.Message);
    }

    [Fact]
    public void LossSettingsOutOfRangeAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothL1Loss(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropyLoss(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxCrossEntropyLoss(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TripletMarginLoss(margin: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TripletMarginLoss(norm: 0.5));
    }

    /// <summary>Checks the loss and its gradient, element by element, against double-precision references.</summary>
    private static void AssertLoss(ILoss loss, float[] targets, double expected, Func<double, double, double> gradientOf)
    {
        var gradient = new float[Outputs.Length];
        float actual = loss.Compute(Outputs, new BatchTargets(targets), gradient, batchSize: 2);
        Assert.Equal(expected, actual, 5);
        for (int i = 0; i < Outputs.Length; i++)
        {
            Assert.Equal(gradientOf(Outputs[i], targets[i]), gradient[i], 6);
        }
    }

    private static void AssertGradientMatchesFiniteDifferences(ILoss loss, float[] targets) =>
        AssertGradientMatchesFiniteDifferences(loss, Outputs, 2, (outputs, gradient) => loss.Compute(outputs, new BatchTargets(targets), gradient, 2));

    private static void AssertGradientMatchesFiniteDifferences(ILoss loss, float[] outputs, int[] labels, int batchSize) =>
        AssertGradientMatchesFiniteDifferences(loss, outputs, batchSize, (x, gradient) => loss.Compute(x, new BatchTargets(labels), gradient, batchSize));

    private delegate float Evaluate(float[] outputs, Span<float> gradient);

    /// <summary>Central differences of the loss with a step of 1e-3, for an output gradient of a loss alone (no network): within 2e-3 of the analytic one.</summary>
    private static void AssertGradientMatchesFiniteDifferences(ILoss loss, float[] outputs, int batchSize, Evaluate evaluate)
    {
        float[] x = (float[])outputs.Clone();
        var gradient = new float[x.Length];
        evaluate(x, gradient);
        const float Step = 1e-3f;
        for (int i = 0; i < x.Length; i++)
        {
            float original = x[i];
            x[i] = original + Step;
            double plus = evaluate(x, Span<float>.Empty);
            x[i] = original - Step;
            double minus = evaluate(x, Span<float>.Empty);
            x[i] = original;
            double numeric = (plus - minus) / (2 * Step);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 2e-3, $"{loss.Name}: output {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }
}
