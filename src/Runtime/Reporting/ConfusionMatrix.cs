using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticNet;

/// <summary>
/// Counts of (true class, predicted class) pairs for a classifier, with per-class recall and precision,
/// printable as a text table and drawable as SVG.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>An empty matrix for <paramref name="classCount"/> classes, optionally named.</summary>
    public ConfusionMatrix(int classCount, IReadOnlyList<string>? classNames = null)
    {
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A confusion matrix needs at least 1 class.");
        }

        if (classNames is not null && classNames.Count != classCount)
        {
            throw new ArgumentException($"{classNames.Count} class names for {classCount} classes.", nameof(classNames));
        }

        ClassCount = classCount;
        ClassNames = classNames;
        _counts = new long[classCount * classCount];
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The class names, or <see langword="null"/> when classes are only numbered.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The number of samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[(actual * ClassCount) + predicted];

    /// <summary>The fraction of samples on the diagonal.</summary>
    public double Accuracy
    {
        get
        {
            long diagonal = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                diagonal += this[c, c];
            }

            return Total == 0 ? double.NaN : (double)diagonal / Total;
        }
    }

    /// <summary>
    /// The matrix of <paramref name="network"/>'s predictions (largest output) on <paramref name="data"/>,
    /// in inference mode, with the dataset's class names.
    /// </summary>
    public static ConfusionMatrix Compute(INetwork network, Dataset data, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
        {
            throw new ArgumentException($"{data.Source}: a confusion matrix needs class labels, but the dataset has {(data.HasSequences ? "label sequences" : "target values")}.", nameof(data));
        }

        if (data.SampleLength != network.InputLength)
        {
            throw new ArgumentException($"{data.Source}: samples have {data.SampleLength} values, but network {network.Name} takes {network.InputLength}.", nameof(data));
        }

        int classes = Math.Max(data.ClassCount, network.OutputLength);
        IReadOnlyList<string>? names = classNames ?? (data.ClassNames is { } dataNames && dataNames.Count == classes ? dataNames : null);
        var matrix = new ConfusionMatrix(classes, names);
        int capacity = network.BatchCapacity, outputLength = network.OutputLength;
        var outputs = new float[capacity * outputLength];
        for (int start = 0; start < data.Count; start += capacity)
        {
            int count = Math.Min(capacity, data.Count - start);
            network.Predict(data.Features.AsSpan(start * data.SampleLength, count * data.SampleLength), outputs.AsSpan(0, count * outputLength), count);
            for (int i = 0; i < count; i++)
            {
                matrix.Add(data.Labels[start + i], Trainer<INetwork>.ArgMax(outputs.AsSpan(i * outputLength, outputLength)));
            }
        }

        return matrix;
    }

    /// <summary>Counts one sample.</summary>
    public void Add(int actual, int predicted)
    {
        if ((uint)actual >= (uint)ClassCount || (uint)predicted >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), $"Classes must be from 0 to {ClassCount - 1}, but the sample is ({actual}, {predicted}).");
        }

        _counts[(actual * ClassCount) + predicted]++;
        Total++;
    }

    /// <summary>The fraction of class <paramref name="c"/>'s samples predicted as <paramref name="c"/>; NaN when it has none.</summary>
    public double Recall(int c)
    {
        long row = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            row += this[c, p];
        }

        return row == 0 ? double.NaN : (double)this[c, c] / row;
    }

    /// <summary>The fraction of predictions of class <paramref name="c"/> that were right; NaN when there were none.</summary>
    public double Precision(int c)
    {
        long column = 0;
        for (int a = 0; a < ClassCount; a++)
        {
            column += this[a, c];
        }

        return column == 0 ? double.NaN : (double)this[c, c] / column;
    }

    /// <summary>
    /// The matrix as a text table: rows are true classes (numbered and named), columns predicted classes
    /// (numbered), then each class's recall, and a last row of precisions.
    /// </summary>
    public string ToTable()
    {
        int digits = Math.Max(Max().ToString("N0", CultureInfo.InvariantCulture).Length, 6);
        int nameWidth = 4;
        for (int c = 0; c < ClassCount; c++)
        {
            nameWidth = Math.Max(nameWidth, RowLabel(c).Length);
        }

        const string corner = "true \\ predicted";
        nameWidth = Math.Max(nameWidth, corner.Length);
        var text = new StringBuilder();
        text.Append($"Confusion matrix: {Total:N0} samples, accuracy {Percent(Accuracy)} (rows: true class, columns: predicted class)\n");
        text.Append(corner.PadRight(nameWidth));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(' ').Append(p.ToString(CultureInfo.InvariantCulture).PadLeft(digits));
        }

        text.Append("   recall\n");
        for (int a = 0; a < ClassCount; a++)
        {
            text.Append(RowLabel(a).PadRight(nameWidth));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(' ').Append(this[a, p].ToString("N0", CultureInfo.InvariantCulture).PadLeft(digits));
            }

            text.Append(' ').Append(Percent(Recall(a)).PadLeft(8)).Append('\n');
        }

        text.Append("precision".PadRight(nameWidth));
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(' ').Append(Percent(Precision(p)).PadLeft(digits));
        }

        return text.Append('\n').ToString();
    }

    /// <summary>Writes the matrix as an SVG heat map (each row shaded by the fraction of its class) to <paramref name="path"/>, atomically.</summary>
    public void SaveSvg(string path, string? title = null) => Draw(title).Save(path);

    /// <summary>The matrix as an SVG document.</summary>
    public string ToSvg(string? title = null) => Draw(title).ToString();

    private SvgWriter Draw(string? title)
    {
        double cell = Math.Clamp(560.0 / ClassCount, 24, 56);
        double labelWidth = 16;
        for (int c = 0; c < ClassCount; c++)
        {
            labelWidth = Math.Max(labelWidth, (Name(c).Length * 7) + 10);
        }

        double left = labelWidth + 40, top = 60 + labelWidth, size = cell * ClassCount;
        var svg = new SvgWriter(left + size + 90, top + size + 40);
        svg.Text(16, 24, title ?? $"Confusion matrix: {Total:N0} samples, accuracy {Percent(Accuracy)}", size: 15, bold: true);
        svg.Text(left + (size / 2), 46, "predicted class", anchor: "middle", size: 12, fill: "#555555");
        svg.Text(16, top + (size / 2), "true class", anchor: "middle", size: 12, fill: "#555555", rotate: -90);
        for (int a = 0; a < ClassCount; a++)
        {
            long row = 0;
            for (int p = 0; p < ClassCount; p++)
            {
                row += this[a, p];
            }

            svg.Text(left - 6, top + (a * cell) + (cell / 2) + 4, Name(a), anchor: "end", size: 11);
            svg.Text(left + (a * cell) + (cell / 2) + 4, top - 6, Name(a), anchor: "start", size: 11, rotate: -90);
            for (int p = 0; p < ClassCount; p++)
            {
                double share = row == 0 ? 0 : (double)this[a, p] / row;
                svg.Rectangle(left + (p * cell), top + (a * cell), cell, cell, Shade(share), "#ffffff");
                if (this[a, p] > 0)
                {
                    svg.Text(left + (p * cell) + (cell / 2), top + (a * cell) + (cell / 2) + 4, this[a, p].ToString(CultureInfo.InvariantCulture), anchor: "middle", size: Math.Min(11, cell / 3.2), fill: share > 0.5 ? "#ffffff" : "#222222");
                }
            }

            svg.Text(left + size + 8, top + (a * cell) + (cell / 2) + 4, Percent(Recall(a)), size: 11, fill: "#555555");
        }

        svg.Text(left + size + 8, top - 6, "recall", size: 11, fill: "#555555");
        return svg;
    }

    private string Name(int c) => ClassNames is null ? c.ToString(CultureInfo.InvariantCulture) : ClassNames[c];

    private string RowLabel(int c) => ClassNames is null ? c.ToString(CultureInfo.InvariantCulture) : $"{c} {ClassNames[c]}";

    private long Max()
    {
        long max = 0;
        foreach (long count in _counts)
        {
            max = Math.Max(max, count);
        }

        return max;
    }

    // White to dark blue as the share of the row grows.
    private static string Shade(double share)
    {
        int r = (int)Math.Round(255 - (share * (255 - 8))), g = (int)Math.Round(255 - (share * (255 - 48))), b = (int)Math.Round(255 - (share * (255 - 107)));
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    private static string Percent(double value) => double.IsNaN(value) ? "-" : (value * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
