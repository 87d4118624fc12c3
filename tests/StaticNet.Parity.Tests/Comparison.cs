using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Xunit;

namespace StaticNet.Parity;

/// <summary>
/// Compares StaticNet's tensors of one case with PyTorch's under a <see cref="Parity.Tolerance"/>
/// (<see cref="Tolerance.Strict"/> unless stated), collecting every mismatch (case, tensor, index, both
/// values) and the largest errors seen.
/// </summary>
public sealed class Comparison
{
    /// <summary>
    /// Relative errors are measured only where PyTorch's value is at least this large: below it a
    /// value is judged by the absolute tolerance, and its relative error is rounding noise divided by
    /// nearly nothing.
    /// </summary>
    public const double RelativeFloor = 1e-3;

    private const int MismatchesShownPerTensor = 8;

    private readonly List<string> _mismatches = new();
    private int _mismatchCount;

    public Comparison(string caseName, Tolerance? tolerance = null)
    {
        Case = caseName;
        Tolerance = tolerance ?? Tolerance.Strict;
    }

    /// <summary>The case compared.</summary>
    public string Case { get; }

    /// <summary>Whether this is a negative control, which must not match (for the report).</summary>
    public bool ExpectMismatch { get; init; }

    /// <summary>The tolerance the values are held to.</summary>
    public Tolerance Tolerance { get; }

    /// <summary>Values compared so far.</summary>
    public int Compared { get; private set; }

    /// <summary>Tensors compared so far.</summary>
    public int TensorCount { get; private set; }

    /// <summary>The largest <c>|StaticNet - PyTorch|</c>.</summary>
    public double MaxAbsolute { get; private set; }

    /// <summary>The largest <c>|StaticNet - PyTorch| / |PyTorch|</c> where <c>|PyTorch| &gt;= </c><see cref="RelativeFloor"/>.</summary>
    public double MaxRelative { get; private set; }

    /// <summary>The largest difference as a fraction of what the tolerance allows there: at most 1 when the case passes.</summary>
    public double WorstRatio { get; private set; }

    /// <summary>Where <see cref="WorstRatio"/> was seen: the tensor and index.</summary>
    public string WorstPlace { get; private set; } = "-";

    /// <summary>Whether every value compared so far matched.</summary>
    public bool Passed => _mismatchCount == 0;

    /// <summary>Compares one tensor element by element; <paramref name="reference"/> gives the shape for indices.</summary>
    public void Tensor(string tensor, ReadOnlySpan<float> actual, SafeTensor reference)
    {
        TensorCount++;
        if (actual.Length != reference.Values.Length)
        {
            Fail($"case '{Case}': tensor '{tensor}' has {actual.Length} values in StaticNet but PyTorch's has shape {reference.ShapeText} ({reference.Values.Length} values).");
            return;
        }

        int shown = 0, failed = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            float a = actual[i], b = reference.Values[i];
            Compared++;
            bool matches = Tolerance.Matches(a, b);
            if (float.IsFinite(a) && float.IsFinite(b))
            {
                double difference = Math.Abs((double)a - b);
                MaxAbsolute = Math.Max(MaxAbsolute, difference);
                if (Math.Abs(b) >= RelativeFloor)
                {
                    MaxRelative = Math.Max(MaxRelative, difference / Math.Abs(b));
                }

                double ratio = difference / Tolerance.Allowed(b);
                if (ratio > WorstRatio)
                {
                    WorstRatio = ratio;
                    WorstPlace = tensor + " " + Index(reference.Shape, i);
                }
            }
            else if (!matches)
            {
                WorstRatio = double.PositiveInfinity;
                WorstPlace = tensor + " " + Index(reference.Shape, i);
            }

            if (!matches)
            {
                failed++;
                if (shown++ < MismatchesShownPerTensor)
                {
                    _mismatches.Add(
                        $"case '{Case}': tensor '{tensor}' {reference.ShapeText} at index {Index(reference.Shape, i)}: " +
                        $"StaticNet {Format(a)}, PyTorch {Format(b)} (difference {Format(Math.Abs((double)a - b))}, allowed {Format(Tolerance.Allowed(b))})");
                }
            }
        }

        _mismatchCount += failed;
        if (failed > MismatchesShownPerTensor)
        {
            _mismatches.Add($"case '{Case}': tensor '{tensor}': {failed - MismatchesShownPerTensor} more of its {actual.Length} values differ");
        }
    }

    /// <summary>What the report should say about how this case was compared, beyond its figures.</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Records a difference of structure (a tensor on one side only, a failed PyTorch run).</summary>
    public void Fail(string message)
    {
        _mismatchCount++;
        _mismatches.Add(message);
        WorstRatio = double.PositiveInfinity;
    }

    /// <summary>Fails the test with every mismatch, unless there is none.</summary>
    public void AssertMatched()
    {
        if (_mismatchCount == 0)
        {
            Assert.True(Compared > 0, $"case '{Case}': nothing was compared.");
            return;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"case '{Case}': {_mismatchCount} of {Compared} values differ from PyTorch beyond {Tolerance}:");
        foreach (string mismatch in _mismatches)
        {
            message.Append('\n').Append("  ").Append(mismatch);
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>One line: values compared, largest absolute and relative error, worst use of the tolerance.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Case}: {Compared} values in {TensorCount} tensors; largest absolute error {MaxAbsolute:0.00E+00}, largest relative error {MaxRelative:0.00E+00}, " +
        $"worst {WorstRatio:P1} of the tolerance at {WorstPlace}{(Passed ? string.Empty : $"; {_mismatchCount} MISMATCHES")}{string.Concat(Notes.Select(note => "; " + note))}");

    private static string Index(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? flat : flat / shape[d];
        }

        return "[" + string.Join(", ", index) + "]";
    }

    private static string Format(double value) => value.ToString("G9", CultureInfo.InvariantCulture);
}
