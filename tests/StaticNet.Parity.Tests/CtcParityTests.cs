using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Parity;

/// <summary>
/// One CTC loss case: a batch of outputs (seeded random logits, or their per-step log-softmax), padded
/// targets with their lengths, optional input lengths, and the loss's settings, the same on both sides
/// (except <see cref="TorchBlank"/>, which only the negative control sets).
/// </summary>
/// <param name="Name">The case's name: lower case, digits and dashes.</param>
/// <param name="Steps">The output steps (T).</param>
/// <param name="Classes">The classes per step (C), the blank included.</param>
/// <param name="Layout">StaticNet's layout of each sample's outputs; PyTorch gets them transposed to (T, N, C).</param>
/// <param name="Targets">Each sample's label sequence; the batch size is their number.</param>
/// <param name="InputLengths">Each sample's valid steps, or <see langword="null"/> for all of them (StaticNet is then given none).</param>
public sealed record CtcCase(string Name, int Steps, int Classes, CtcLayout Layout, int[][] Targets, int[]? InputLengths = null)
{
    public int Blank { get; init; }

    public LossReduction Reduction { get; init; } = LossReduction.Mean;

    public bool ZeroInfinity { get; init; }

    public bool LogProbabilities { get; init; }

    /// <summary>The logits are uniform in [-Spread, Spread): large spreads make peaked, nearly certain steps.</summary>
    public double Spread { get; init; } = 2;

    /// <summary>The blank PyTorch is told, when it is not <see cref="Blank"/>: a negative control.</summary>
    public int? TorchBlank { get; init; }

    public int Batch => Targets.Length;

    public int PaddedLength => Math.Max(1, Targets.Max(target => target.Length));

    public CtcLoss Loss() => new(Steps, Classes, Layout, Blank, Reduction, ZeroInfinity, LogProbabilities);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The CTC cases: both layouts, logits and log-probabilities, every reduction, the awkward targets.</summary>
public static class CtcCases
{
    // Labels 1 to 4 of 5 classes, blank 0 unless a case says otherwise.
    private static readonly int[][] Mixed = { new[] { 1, 2, 3 }, new[] { 2, 2 }, new[] { 4, 1, 4, 4, 2 }, new[] { 3 } };
    private static readonly int[] MixedInputs = { 12, 10, 9, 4 };

    public static IReadOnlyList<CtcCase> All { get; } = new[]
    {
        new CtcCase("ctc-step-major-mean", 12, 5, CtcLayout.StepMajor, Mixed, MixedInputs),
        new CtcCase("ctc-class-major-mean", 12, 5, CtcLayout.ClassMajor, Mixed, MixedInputs),
        new CtcCase("ctc-step-major-sum", 12, 5, CtcLayout.StepMajor, Mixed, MixedInputs) { Reduction = LossReduction.Sum },
        new CtcCase("ctc-class-major-none", 12, 5, CtcLayout.ClassMajor, Mixed, MixedInputs) { Reduction = LossReduction.None },
        new CtcCase("ctc-all-steps", 12, 5, CtcLayout.StepMajor, Mixed),

        // Repeats, each needing a blank between: "aa", "aaa", "aabb", "abba"
        new CtcCase("ctc-repeated-labels", 10, 3, CtcLayout.StepMajor, new[] { new[] { 1, 1 }, new[] { 2, 2, 2 }, new[] { 1, 1, 2, 2 }, new[] { 1, 2, 2, 1 } }),

        // Empty targets: all blanks; mean divides their loss by 1, not 0
        new CtcCase("ctc-empty-targets-mean", 8, 4, CtcLayout.ClassMajor, new[] { Array.Empty<int>(), new[] { 3, 1 }, Array.Empty<int>() }, new[] { 8, 6, 3 }),
        new CtcCase("ctc-empty-targets-sum", 8, 4, CtcLayout.StepMajor, new[] { Array.Empty<int>(), Array.Empty<int>() }, new[] { 8, 5 }) { Reduction = LossReduction.Sum },

        // The longest targets the steps allow, T = S + repeats: one alignment each for the first two
        new CtcCase("ctc-longest-targets", 8, 5, CtcLayout.StepMajor, new[] { new[] { 1, 1, 2, 3, 3, 4 }, new[] { 1, 2, 3, 4, 1, 2, 3, 4 }, new[] { 2, 2, 2 } }, new[] { 8, 8, 5 }),
        new CtcCase("ctc-longest-targets-class-major-none", 8, 5, CtcLayout.ClassMajor, new[] { new[] { 1, 1, 2, 3, 3, 4 }, new[] { 4, 4, 4, 4 } }, new[] { 8, 7 }) { Reduction = LossReduction.None },

        // Impossible alignments ("aab" in 3 steps, 5 labels in 4): infinite, with a NaN gradient as PyTorch's;
        // with zero_infinity 0 and a zero gradient
        new CtcCase("ctc-impossible-none", 6, 4, CtcLayout.StepMajor, new[] { new[] { 1, 1, 2 }, new[] { 1, 2 }, new[] { 1, 2, 3, 1, 2 } }, new[] { 3, 6, 4 }) { Reduction = LossReduction.None },
        new CtcCase("ctc-impossible-mean", 6, 4, CtcLayout.ClassMajor, new[] { new[] { 1, 1, 2 }, new[] { 1, 2 } }, new[] { 3, 6 }),
        new CtcCase("ctc-impossible-zero-infinity-mean", 6, 4, CtcLayout.StepMajor, new[] { new[] { 1, 1, 2 }, new[] { 1, 2 }, new[] { 3, 3, 3, 3 } }, new[] { 3, 6, 6 }) { ZeroInfinity = true },
        new CtcCase("ctc-impossible-zero-infinity-none", 6, 4, CtcLayout.ClassMajor, new[] { new[] { 1, 1, 2 }, new[] { 1, 2 } }, new[] { 3, 6 }) { ZeroInfinity = true, Reduction = LossReduction.None },

        // Blank other than 0: the last class, and one in the middle
        new CtcCase("ctc-blank-last", 12, 5, CtcLayout.StepMajor, new[] { new[] { 0, 1, 2 }, new[] { 3, 3 }, new[] { 0 } }, new[] { 12, 9, 5 }) { Blank = 4 },
        new CtcCase("ctc-blank-middle-class-major-sum", 12, 5, CtcLayout.ClassMajor, new[] { new[] { 0, 1, 3 }, new[] { 4, 4, 0 }, Array.Empty<int>() }, new[] { 10, 12, 7 }) { Blank = 2, Reduction = LossReduction.Sum },

        // Per-step log-probabilities as the outputs (the exact gradient, see python/ctc_reference.py)
        new CtcCase("ctc-log-probs-step-major-mean", 12, 5, CtcLayout.StepMajor, Mixed, MixedInputs) { LogProbabilities = true },
        new CtcCase("ctc-log-probs-class-major-none", 12, 5, CtcLayout.ClassMajor, Mixed, MixedInputs) { LogProbabilities = true, Reduction = LossReduction.None },
        new CtcCase("ctc-log-probs-impossible-zero-infinity", 6, 4, CtcLayout.StepMajor, new[] { new[] { 1, 1, 2 }, new[] { 1, 2 } }, new[] { 3, 6 }) { LogProbabilities = true, ZeroInfinity = true },

        // A longer batch of varied input and target lengths, and peaked logits (+-12) over 40 steps
        new CtcCase("ctc-varied-lengths", 20, 6, CtcLayout.ClassMajor, new[] { new[] { 1, 2, 3, 4, 5 }, new[] { 5 }, Array.Empty<int>(), new[] { 2 }, new[] { 3, 3, 1 }, new[] { 1, 1, 1, 2, 2, 2, 5 } }, new[] { 20, 3, 15, 1, 8, 20 }),
        new CtcCase("ctc-peaked-logits-40-steps", 40, 6, CtcLayout.StepMajor, new[] { new[] { 1, 2, 3, 4, 5, 4, 3, 2, 1 }, new[] { 5, 5, 5, 1, 1 } }) { Spread = 12 },
    };

    /// <summary>A negative control: PyTorch is told another blank, so the comparison must fail.</summary>
    public static CtcCase Control { get; } = new("ctc-control-blank-differs", 12, 5, CtcLayout.StepMajor, new[] { new[] { 1, 2, 3 }, new[] { 2, 2 }, new[] { 3, 1 } }) { TorchBlank = 4 };

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });
}

/// <summary>
/// Writes every CTC case, runs python/ctc_reference.py once over them, and compares StaticNet's loss and
/// gradient with PyTorch's under <see cref="Tolerance.Strict"/>. Files under <c>parity/ctc/</c>, as the
/// other suites' (see <see cref="ParityFixture"/>).
/// </summary>
public sealed class CtcParityFixture
{
    private readonly Dictionary<string, CtcCase> _cases = new(StringComparer.Ordinal);
    private readonly ScriptSuite _suite;

    public CtcParityFixture()
    {
        foreach (CtcCase ctcCase in CtcCases.All.Append(CtcCases.Control))
        {
            _cases.Add(ctcCase.Name, ctcCase);
        }

        _suite = new ScriptSuite("ctc", "ctc_reference.py", caseDirectory =>
        {
            foreach (CtcCase ctcCase in _cases.Values)
            {
                Write(caseDirectory, ctcCase);
            }
        });
    }

    /// <summary>Runs case <paramref name="name"/> in StaticNet and compares it with PyTorch's results, recording the comparison in the report.</summary>
    public Comparison Run(string name)
    {
        CtcCase ctcCase = _cases[name];
        var comparison = new Comparison(name) { ExpectMismatch = ctcCase.TorchBlank is not null };
        if (_suite.Read(name, comparison) is var (input, reference))
        {
            float[] outputs = ScriptSuite.Get(input, "outputs").Values;
            int[] sequences = ScriptSuite.Get(input, "targets").Values.Select(v => (int)v).ToArray();
            int[] lengths = ScriptSuite.Get(input, "target_lengths").Values.Select(v => (int)v).ToArray();
            int[] inputLengths = ctcCase.InputLengths ?? Array.Empty<int>(); // none given: StaticNet's default, all steps
            var targets = new BatchTargets(sequences, ctcCase.PaddedLength, lengths, inputLengths);
            var gradient = new float[outputs.Length];
            CtcLoss loss = ctcCase.Loss();
            float[] losses = ctcCase.Reduction == LossReduction.None ? new float[ctcCase.Batch] : new[] { 0f };
            if (ctcCase.Reduction == LossReduction.None)
            {
                loss.ComputeUnreduced(outputs, targets, losses, gradient, ctcCase.Batch);
            }
            else
            {
                losses[0] = loss.Compute(outputs, targets, gradient, ctcCase.Batch);
            }

            comparison.Tensor(ctcCase.Reduction == LossReduction.None ? "loss of each sample" : "loss", losses, ScriptSuite.Get(reference, "loss"));
            comparison.Tensor("gradient of the outputs", gradient, ScriptSuite.Get(reference, "grad"));
        }

        ParityReport.Record(_suite.Name, comparison);
        return comparison;
    }

    private static void Write(string caseDirectory, CtcCase ctcCase)
    {
        var random = new Random(RandomBatches.StableHash(ctcCase.Name));
        int sampleLength = ctcCase.Steps * ctcCase.Classes;
        var outputs = new float[ctcCase.Batch * sampleLength];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = (float)(ctcCase.Spread * ((2 * random.NextDouble()) - 1));
        }

        if (ctcCase.LogProbabilities)
        {
            LogSoftmaxPerStep(outputs, ctcCase);
        }

        int padded = ctcCase.PaddedLength;
        var targets = new float[ctcCase.Batch * padded];
        for (int b = 0; b < ctcCase.Batch; b++)
        {
            for (int i = 0; i < padded; i++)
            {
                // The padding is a label (1, or 0 where 1 is the blank), so reading it would change the loss.
                targets[(b * padded) + i] = i < ctcCase.Targets[b].Length ? ctcCase.Targets[b][i] : ctcCase.Blank == 1 ? 0 : 1;
            }
        }

        int[] inputLengths = ctcCase.InputLengths ?? Enumerable.Repeat(ctcCase.Steps, ctcCase.Batch).ToArray();
        var tensors = new List<SafeTensor>
        {
            new("outputs", new[] { ctcCase.Batch, sampleLength }, outputs),
            new("targets", new[] { ctcCase.Batch, padded }, targets),
            new("target_lengths", new[] { ctcCase.Batch }, ctcCase.Targets.Select(t => (float)t.Length).ToArray()),
            new("input_lengths", new[] { ctcCase.Batch }, inputLengths.Select(length => (float)length).ToArray()),
        };
        var description = new Dictionary<string, object>
        {
            ["steps"] = ctcCase.Steps,
            ["classes"] = ctcCase.Classes,
            ["layout"] = ctcCase.Layout == CtcLayout.StepMajor ? "step-major" : "class-major",
            ["blank"] = ctcCase.TorchBlank ?? ctcCase.Blank,
            ["reduction"] = ctcCase.Reduction.ToString().ToLowerInvariant(),
            ["zero_infinity"] = ctcCase.ZeroInfinity,
            ["log_probs"] = ctcCase.LogProbabilities,
        };
        ScriptSuite.WriteCase(caseDirectory, ctcCase.Name, tensors, description);
    }

    /// <summary>Replaces each step's logits with their log-softmax, in double, rounded once.</summary>
    private static void LogSoftmaxPerStep(float[] outputs, CtcCase ctcCase)
    {
        int steps = ctcCase.Steps, classes = ctcCase.Classes, sampleLength = steps * classes;
        int Index(int b, int t, int c) => (b * sampleLength) + (ctcCase.Layout == CtcLayout.StepMajor ? (t * classes) + c : (c * steps) + t);
        for (int b = 0; b < ctcCase.Batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                double max = Enumerable.Range(0, classes).Max(c => (double)outputs[Index(b, t, c)]);
                double logSum = max + Math.Log(Enumerable.Range(0, classes).Sum(c => Math.Exp(outputs[Index(b, t, c)] - max)));
                for (int c = 0; c < classes; c++)
                {
                    outputs[Index(b, t, c)] = (float)(outputs[Index(b, t, c)] - logSum);
                }
            }
        }
    }
}

/// <summary>StaticNet's <see cref="CtcLoss"/> against <c>torch.nn.functional.ctc_loss</c>: the loss and the gradient of the outputs.</summary>
[Collection(ParityCollection.Name)]
public sealed class CtcParityTests : IClassFixture<CtcParityFixture>
{
    private readonly CtcParityFixture _fixture;
    private readonly ITestOutputHelper _output;

    public CtcParityTests(CtcParityFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Theory]
    [MemberData(nameof(CtcCases.Names), MemberType = typeof(CtcCases))]
    public void MatchesPyTorch(string name)
    {
        ParityAssert.Matched(new[] { _fixture.Run(name) }, _output);
    }

    [Fact]
    public void ReportsAMismatchWhenPyTorchHasAnotherBlank()
    {
        Comparison comparison = _fixture.Run(CtcCases.Control.Name);
        _output.WriteLine(comparison.Summary());
        Assert.False(comparison.Passed, "The negative control matched: the CTC suite is not comparing StaticNet with PyTorch.");
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(comparison.AssertMatched);
        Assert.Contains("tensor 'loss'", failure.Message);
        Assert.Contains("tensor 'gradient of the outputs'", failure.Message);
    }
}
