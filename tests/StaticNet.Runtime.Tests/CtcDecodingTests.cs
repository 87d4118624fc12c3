using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Greedy and prefix beam search decoding against labellings whose probabilities are found by brute
/// force (<see cref="CtcReference"/>), and the edit distance against the full dynamic-programming table.
/// </summary>
public class CtcDecodingTests
{
    [Fact]
    public void GreedyMergesRepeatsThenDropsBlanks()
    {
        // Best classes per step: 1 1 0 1 2 2 0 (blank 0): "1 1 2" — the blank separates the two 1s.
        int[] best = { 1, 1, 0, 1, 2, 2, 0 };
        float[] stepMajor = OneHot(best, classes: 3);
        var labels = new int[7];
        int count = CtcDecoding.Greedy(stepMajor, 7, 3, CtcLayout.StepMajor, labels);
        Assert.Equal(new[] { 1, 1, 2 }, labels[..count]);

        float[] classMajor = CtcReference.ToClassMajor(stepMajor, 7, 3);
        count = CtcDecoding.Greedy(classMajor, 7, 3, CtcLayout.ClassMajor, labels);
        Assert.Equal(new[] { 1, 1, 2 }, labels[..count]);

        // With 2 as the blank, 0 is a label; and only the first 4 steps are valid.
        count = CtcDecoding.Greedy(stepMajor, 7, 3, CtcLayout.StepMajor, labels, blank: 2, inputLength: 4);
        Assert.Equal(new[] { 1, 0, 1 }, labels[..count]);
    }

    [Fact]
    public void GreedyNeedsRoomForTheLabels()
    {
        float[] scores = OneHot(new[] { 1, 2, 1 }, classes: 3);
        var exception = Assert.Throws<ArgumentException>(() => CtcDecoding.Greedy(scores, 3, 3, CtcLayout.StepMajor, new int[2]));
        Assert.Equal("labels", exception.ParamName);
        Assert.Equal("sample", Assert.Throws<ArgumentException>(() => CtcDecoding.Greedy(scores, 4, 3, CtcLayout.StepMajor, new int[4])).ParamName);
        Assert.Equal("inputLength", Assert.Throws<ArgumentOutOfRangeException>(() => CtcDecoding.Greedy(scores, 3, 3, CtcLayout.StepMajor, new int[4], inputLength: 4)).ParamName);
    }

    [Fact]
    public void BeamSearchFindsTheLabellingThatGreedyMisses()
    {
        // Two steps, blank 0.6 and "a" 0.4 at each: the best path is blank, blank (0.36), so greedy says "",
        // but "a" has three alignments (a a, a -, - a): 0.16 + 0.24 + 0.24 = 0.64.
        float[] logProbabilities = { MathF.Log(0.6f), MathF.Log(0.4f), MathF.Log(0.6f), MathF.Log(0.4f) };
        Dictionary<string, double> exact = CtcReference.Labellings(CtcReference.AsIs(Doubles(logProbabilities), 2, 2, CtcLayout.StepMajor), 2, 2, 0);
        Assert.Equal(0.36, exact[""], 1e-7);
        Assert.Equal(0.64, exact["1"], 1e-7);

        var labels = new int[2];
        Assert.Equal(0, CtcDecoding.Greedy(logProbabilities, 2, 2, CtcLayout.StepMajor, labels));
        var search = new CtcBeamSearch(2, 2, CtcLayout.StepMajor, beamWidth: 2, logProbabilities: true);
        int count = search.Decode(logProbabilities, labels, out double logProbability);
        Assert.Equal(new[] { 1 }, labels[..count]);
        Assert.Equal(Math.Log(exact["1"]), logProbability, 1e-12);
    }

    [Fact]
    public void AWideBeamFindsTheMostProbableLabellingOfEveryTinyCase()
    {
        // A beam as wide as the number of prefixes never drops one, so it is exact: checked on 300 random
        // cases of up to 5 steps and 4 classes, logits spread enough that best paths and labellings differ.
        var random = new RandomStream(21);
        int greedyMissed = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            int steps = 1 + random.NextInt(5), classes = 2 + random.NextInt(3), blank = random.NextInt(classes);
            CtcLayout layout = random.NextInt(2) == 0 ? CtcLayout.StepMajor : CtcLayout.ClassMajor;
            float[] logits = Enumerable.Range(0, steps * classes).Select(_ => 3 * random.NextGaussian()).ToArray();
            Dictionary<string, double> exact = CtcReference.Labellings(CtcReference.LogSoftmax(Doubles(logits), steps, classes, layout), steps, classes, blank);
            KeyValuePair<string, double> best = exact.MaxBy(pair => pair.Value);

            var search = new CtcBeamSearch(steps, classes, layout, beamWidth: 1000, blank: blank);
            var labels = new int[steps];
            int count = search.Decode(logits, labels, out double logProbability);
            string context = $"trial {trial}: {steps} steps, {classes} classes, blank {blank}, {layout}";
            Assert.True(best.Key == string.Join(",", labels[..count]), $"{context}: beam {string.Join(",", labels[..count])}, exact best {best.Key}");
            Assert.True(Math.Abs(Math.Log(best.Value) - logProbability) <= 1e-9, $"{context}: log-probability {logProbability}, exact {Math.Log(best.Value)}");

            count = CtcDecoding.Greedy(logits, steps, classes, layout, labels, blank);
            greedyMissed += string.Join(",", labels[..count]) == best.Key ? 0 : 1;
        }

        Assert.True(greedyMissed > 0, "no case where greedy decoding missed the best labelling: the cases test nothing greedy cannot do");
    }

    [Fact]
    public void ANarrowBeamNeverOverstatesAProbability()
    {
        var random = new RandomStream(22);
        for (int trial = 0; trial < 50; trial++)
        {
            float[] logits = Enumerable.Range(0, 6 * 3).Select(_ => 2 * random.NextGaussian()).ToArray();
            Dictionary<string, double> exact = CtcReference.Labellings(CtcReference.LogSoftmax(Doubles(logits), 6, 3, CtcLayout.StepMajor), 6, 3, 0);
            var labels = new int[6];
            int count = new CtcBeamSearch(6, 3, CtcLayout.StepMajor, beamWidth: 2).Decode(logits, labels, out double logProbability);
            Assert.True(logProbability <= Math.Log(exact[string.Join(",", labels[..count])]) + 1e-12, $"trial {trial}");
        }
    }

    [Fact]
    public void LogitsAndTheirLogSoftmaxDecodeAlike()
    {
        var random = new RandomStream(23);
        const int steps = 9, classes = 4;
        float[] logits = Enumerable.Range(0, steps * classes).Select(_ => 2 * random.NextGaussian()).ToArray();
        Func<int, int, double> logSoftmax = CtcReference.LogSoftmax(Doubles(logits), steps, classes, CtcLayout.ClassMajor);
        var logProbabilities = new float[logits.Length];
        for (int t = 0; t < steps; t++)
        {
            for (int c = 0; c < classes; c++)
            {
                logProbabilities[(c * steps) + t] = (float)logSoftmax(t, c);
            }
        }

        var fromLogits = new int[steps];
        var fromLogProbabilities = new int[steps];
        int count = new CtcBeamSearch(steps, classes, CtcLayout.ClassMajor, beamWidth: 4, blank: 3).Decode(logits, fromLogits, out double first);
        int same = new CtcBeamSearch(steps, classes, CtcLayout.ClassMajor, beamWidth: 4, blank: 3, logProbabilities: true).Decode(logProbabilities, fromLogProbabilities, out double second);
        Assert.Equal(fromLogits[..count], fromLogProbabilities[..same]);
        Assert.Equal(first, second, 1e-6);
    }

    [Fact]
    public void TheInputLengthCutsTheSteps()
    {
        var random = new RandomStream(24);
        const int steps = 8, classes = 3;
        float[] logits = Enumerable.Range(0, steps * classes).Select(_ => 2 * random.NextGaussian()).ToArray();
        var labels = new int[steps];
        var shortLabels = new int[steps];
        int count = new CtcBeamSearch(steps, classes, CtcLayout.StepMajor).Decode(logits, labels, out double logProbability, inputLength: 5);
        int shortCount = new CtcBeamSearch(5, classes, CtcLayout.StepMajor).Decode(logits.AsSpan(0, 5 * classes), shortLabels, out double shortLogProbability);
        Assert.Equal(shortLabels[..shortCount], labels[..count]);
        Assert.Equal(shortLogProbability, logProbability);

        Assert.Equal(0, new CtcBeamSearch(steps, classes, CtcLayout.StepMajor).Decode(logits, labels, out logProbability, inputLength: 0));
        Assert.Equal(0, logProbability);
    }

    [Fact]
    public void AStepWhereEveryClassIsImpossibleLeavesNoLabelling()
    {
        float[] logProbabilities = { -0.1f, -2.4f, float.NegativeInfinity, float.NegativeInfinity, -0.7f, -0.7f };
        int count = new CtcBeamSearch(3, 2, CtcLayout.StepMajor, logProbabilities: true).Decode(logProbabilities, new int[3], out double logProbability);
        Assert.Equal(0, count);
        Assert.Equal(double.NegativeInfinity, logProbability);
    }

    [Fact]
    public void BeamSearchChecksItsArguments()
    {
        Assert.Equal("beamWidth", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(3, 3, CtcLayout.StepMajor, beamWidth: 0)).ParamName);
        Assert.Equal("blank", Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(3, 3, CtcLayout.StepMajor, blank: -1)).ParamName);
        float[] scores = OneHot(new[] { 1, 2, 1 }, classes: 3);
        var search = new CtcBeamSearch(3, 3, CtcLayout.StepMajor);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => search.Decode(scores, new int[2], out _)).ParamName);
        Assert.Equal("sample", Assert.Throws<ArgumentException>(() => search.Decode(scores.AsSpan(1), new int[3], out _)).ParamName);
    }

    [Fact]
    public void DecodingAllocatesNothing()
    {
        var random = new RandomStream(25);
        const int steps = 40, classes = 6;
        float[] logits = Enumerable.Range(0, steps * classes).Select(_ => 2 * random.NextGaussian()).ToArray();
        var search = new CtcBeamSearch(steps, classes, CtcLayout.ClassMajor, beamWidth: 8);
        var labels = new int[steps];
        Assert.Equal(0, SteadyAllocation.Fewest(() =>
        {
            search.Decode(logits, labels, out _);
            CtcDecoding.Greedy(logits, steps, classes, CtcLayout.ClassMajor, labels);
            CtcDecoding.EditDistance<int>(labels, labels.AsSpan(1));
        }));
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("sitting", "kitten", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("", "", 0)]
    [InlineData("flaw", "lawn", 2)]
    [InlineData("abcdef", "abcdef", 0)]
    [InlineData("abcdef", "badcfe", 4)] // Levenshtein has no transposition: three swapped pairs take 4 edits, not 3
    public void EditDistanceCountsInsertionsDeletionsAndSubstitutions(string reference, string hypothesis, int expected)
    {
        Assert.Equal(expected, CtcDecoding.EditDistance(reference.AsSpan(), hypothesis.AsSpan()));
    }

    [Fact]
    public void EditDistanceMatchesTheFullTable()
    {
        // Lengths up to 300 take the row from the heap rather than the stack.
        var random = new RandomStream(26);
        foreach ((int first, int second) in new[] { (0, 7), (12, 9), (40, 41), (257, 3), (300, 280) })
        {
            int[] a = Enumerable.Range(0, first).Select(_ => random.NextInt(4)).ToArray();
            int[] b = Enumerable.Range(0, second).Select(_ => random.NextInt(4)).ToArray();
            var table = new int[first + 1, second + 1];
            for (int i = 0; i <= first; i++)
            {
                for (int j = 0; j <= second; j++)
                {
                    table[i, j] = i == 0 ? j : j == 0 ? i
                        : Math.Min(table[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), Math.Min(table[i - 1, j], table[i, j - 1]) + 1);
                }
            }

            Assert.Equal(table[first, second], CtcDecoding.EditDistance<int>(a, b));
            Assert.Equal(table[first, second], CtcDecoding.EditDistance<int>(b, a));
        }
    }

    /// <summary>Logits that make <paramref name="best"/> each step's most probable class by far (e^10 to 1), step-major.</summary>
    private static float[] OneHot(int[] best, int classes)
    {
        var scores = new float[best.Length * classes];
        for (int t = 0; t < best.Length; t++)
        {
            scores[(t * classes) + best[t]] = 10f;
        }

        return scores;
    }

    private static double[] Doubles(float[] values) => values.Select(v => (double)v).ToArray();
}
