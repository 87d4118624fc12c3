using System;
using System.Collections.Generic;
using System.Globalization;

namespace StaticNet;

/// <summary>
/// An SVG chart of a <see cref="History"/>: training and validation loss per epoch and, for classifiers,
/// training and validation accuracy per epoch side by side (for label sequences, item error rate and
/// exact-match sequence accuracy), with the epoch early stopping restored marked; with per-tensor
/// monitoring, each parameter tensor's mean gradient norm per epoch beside them, on a log scale.
/// </summary>
public static class TrainingCharts
{
    private const string TrainColor = "#1f77b4", ValidationColor = "#ff7f0e", GridColor = "#e5e5e5", AxisColor = "#555555";
    private const double PanelWidth = 460, PanelHeight = 320, Margin = 20;

    /// <summary>Writes the chart to <paramref name="path"/> (atomically).</summary>
    public static void SaveChart(this History history, string path, string? title = null) => Chart(history, title).Save(path);

    /// <summary>The chart as an SVG document.</summary>
    public static string ToSvg(this History history, string? title = null) => Chart(history, title).ToString();

    private static SvgWriter Chart(History history, string? title)
    {
        ArgumentNullException.ThrowIfNull(history);
        IReadOnlyList<EpochMetrics> epochs = history.Epochs;
        bool accuracy = epochs.Count > 0 && epochs[0].TrainAccuracy is not null;
        bool sequences = HistoryFiles.HasSequenceMetrics(history);
        bool tensors = epochs.Count > 0 && epochs[0].Tensors is { Count: > 0 };
        int panels = 1 + (accuracy ? 1 : 0) + (sequences ? 2 : 0) + (tensors ? 1 : 0);
        double top = 40;
        var svg = new SvgWriter((panels * PanelWidth) + ((panels + 1) * Margin), top + PanelHeight + Margin);
        svg.Text(Margin, 24, title ?? $"Training history: {epochs.Count} epoch{(epochs.Count == 1 ? "" : "s")}", size: 15, bold: true);

        var trainLoss = new double?[epochs.Count];
        var validationLoss = new double?[epochs.Count];
        var trainAccuracy = new double?[epochs.Count];
        var validationAccuracy = new double?[epochs.Count];
        var trainErrors = new double?[epochs.Count];
        var validationErrors = new double?[epochs.Count];
        var trainSequences = new double?[epochs.Count];
        var validationSequences = new double?[epochs.Count];
        for (int i = 0; i < epochs.Count; i++)
        {
            trainLoss[i] = epochs[i].TrainLoss;
            validationLoss[i] = epochs[i].ValidationLoss;
            trainAccuracy[i] = epochs[i].TrainAccuracy;
            validationAccuracy[i] = epochs[i].ValidationAccuracy;
            trainErrors[i] = epochs[i].TrainItemErrorRate;
            validationErrors[i] = epochs[i].ValidationItemErrorRate;
            trainSequences[i] = epochs[i].TrainSequenceAccuracy;
            validationSequences[i] = epochs[i].ValidationSequenceAccuracy;
        }

        int panel = 0;
        double Left() => ((panel + 1) * Margin) + (panel++ * PanelWidth);
        Panel(svg, Left(), top, "Loss" + (history.LossName is { Length: > 0 } name && name != "loss" ? $" ({name})" : ""), trainLoss, validationLoss, history.RestoredEpoch, fraction: false);
        if (accuracy)
        {
            Panel(svg, Left(), top, "Accuracy" + TestNote(history.Test?.Accuracy), trainAccuracy, validationAccuracy, history.RestoredEpoch, fraction: true);
        }

        if (sequences)
        {
            Panel(svg, Left(), top, "Item error rate" + TestNote(history.Test?.ItemErrorRate), trainErrors, validationErrors, history.RestoredEpoch, fraction: true);
            Panel(svg, Left(), top, "Sequence accuracy" + TestNote(history.Test?.SequenceAccuracy), trainSequences, validationSequences, history.RestoredEpoch, fraction: true);
        }

        if (tensors)
        {
            TensorPanel(svg, Left(), top, epochs);
        }

        return svg;
    }

    private static string TestNote(double? test) => test is double value && double.IsFinite(value) ? $", test {(value * 100).ToString("F2", CultureInfo.InvariantCulture)}%" : "";

    private static readonly string[] TensorColors = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };

    /// <summary>Each parameter tensor's mean gradient norm per epoch, as log10, so that vanishing and exploding layers stand apart.</summary>
    private static void TensorPanel(SvgWriter svg, double left, double top, IReadOnlyList<EpochMetrics> epochs)
    {
        const double plotLeft = 56, plotRight = 14, plotTop = 48, plotBottom = 40;
        double x0 = left + plotLeft, x1 = left + PanelWidth - plotRight, y0 = top + PanelHeight - plotBottom, y1 = top + plotTop;
        svg.Rectangle(left, top, PanelWidth, PanelHeight, "#fafafa", "#dddddd");
        svg.Text(left + (PanelWidth / 2), top + 18, "Gradient norm per tensor (log10)", anchor: "middle", size: 13, bold: true);

        int tensorCount = epochs[0].Tensors!.Count, count = epochs.Count;
        var series = new double?[tensorCount][];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int t = 0; t < tensorCount; t++)
        {
            series[t] = new double?[count];
            for (int e = 0; e < count; e++)
            {
                double norm = epochs[e].Tensors is { } stats && t < stats.Count ? stats[t].GradientNorm : double.NaN;
                if (norm > 0 && double.IsFinite(norm))
                {
                    double value = Math.Log10(norm);
                    series[t][e] = value;
                    min = Math.Min(min, value);
                    max = Math.Max(max, value);
                }
            }
        }

        if (double.IsInfinity(min))
        {
            svg.Text((x0 + x1) / 2, (y0 + y1) / 2, "no finite gradient norms", anchor: "middle", fill: AxisColor);
            return;
        }

        double padding = Math.Max((max - min) * 0.08, 0.05);
        min -= padding;
        max += padding;
        double X(double epoch) => count == 1 ? (x0 + x1) / 2 : x0 + ((epoch - 1) / (count - 1) * (x1 - x0));
        double Y(double value) => y0 - ((value - min) / (max - min) * (y0 - y1));
        (double first, double step, int ticks) = SvgWriter.Ticks(min, max, 6);
        for (int t = 0; t < ticks; t++)
        {
            double value = first + (t * step);
            svg.Line(x0, Y(value), x1, Y(value), GridColor);
            svg.Text(x0 - 6, Y(value) + 4, SvgWriter.Label(value, step), anchor: "end", size: 10, fill: AxisColor);
        }

        svg.Line(x0, y0, x1, y0, AxisColor);
        svg.Line(x0, y0, x0, y1, AxisColor);
        svg.Text((x0 + x1) / 2, y0 + 32, "epoch", anchor: "middle", size: 11, fill: AxisColor);

        // The legend names as many tensors as fit on one line; the colours repeat after ten.
        double legendX = x0;
        for (int t = 0; t < tensorCount; t++)
        {
            string color = TensorColors[t % TensorColors.Length];
            Series(svg, series[t], X, Y, color, dashed: t >= TensorColors.Length);
            string name = epochs[0].Tensors![t].Name;
            if (legendX + 16 + (6.2 * name.Length) < x1)
            {
                svg.Line(legendX, top + 30, legendX + 12, top + 30, color, 2);
                svg.Text(legendX + 15, top + 34, name, size: 10);
                legendX += 24 + (6.2 * name.Length);
            }
        }
    }

    private static void Panel(SvgWriter svg, double left, double top, string title, double?[] train, double?[] validation, int? restored, bool fraction)
    {
        const double plotLeft = 56, plotRight = 14, plotTop = 48, plotBottom = 40;
        double x0 = left + plotLeft, x1 = left + PanelWidth - plotRight, y0 = top + PanelHeight - plotBottom, y1 = top + plotTop;
        svg.Rectangle(left, top, PanelWidth, PanelHeight, "#fafafa", "#dddddd");
        svg.Text(left + (PanelWidth / 2), top + 18, title, anchor: "middle", size: 13, bold: true);

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double?[] series in new[] { train, validation })
        {
            foreach (double? value in series)
            {
                if (value is double v && double.IsFinite(v))
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }
        }

        int count = train.Length;
        if (count == 0 || double.IsInfinity(min))
        {
            svg.Text((x0 + x1) / 2, (y0 + y1) / 2, "no epochs", anchor: "middle", fill: AxisColor);
            return;
        }

        double padding = Math.Max((max - min) * 0.08, Math.Max(Math.Abs(max) * 0.01, 1e-6));
        double largest = max;
        min -= padding;
        max += padding;
        if (fraction)
        {
            // A fraction's axis stops at 100%, unless a value passes it (an error rate can).
            max = Math.Min(max, Math.Max(1.0, largest));
        }

        double X(double epoch) => count == 1 ? (x0 + x1) / 2 : x0 + ((epoch - 1) / (count - 1) * (x1 - x0));
        double Y(double value) => y0 - ((value - min) / (max - min) * (y0 - y1));

        (double first, double step, int ticks) = SvgWriter.Ticks(min, max, 6);
        for (int t = 0; t < ticks; t++)
        {
            double value = first + (t * step);
            svg.Line(x0, Y(value), x1, Y(value), GridColor);
            string label = fraction ? SvgWriter.Label(value * 100, step * 100) + "%" : SvgWriter.Label(value, step);
            svg.Text(x0 - 6, Y(value) + 4, label, anchor: "end", size: 10, fill: AxisColor);
        }

        (double firstEpoch, double epochStep, int epochTicks) = SvgWriter.Ticks(1, Math.Max(count, 2), Math.Min(count, 10));
        for (int t = 0; t < epochTicks; t++)
        {
            double epoch = Math.Round(firstEpoch + (t * Math.Max(epochStep, 1)));
            if (epoch > count)
            {
                break;
            }

            svg.Line(X(epoch), y0, X(epoch), y0 + 4, AxisColor);
            svg.Text(X(epoch), y0 + 16, epoch.ToString("0", CultureInfo.InvariantCulture), anchor: "middle", size: 10, fill: AxisColor);
        }

        svg.Line(x0, y0, x1, y0, AxisColor);
        svg.Line(x0, y0, x0, y1, AxisColor);
        svg.Text((x0 + x1) / 2, y0 + 32, "epoch", anchor: "middle", size: 11, fill: AxisColor);
        if (restored is int epochRestored && epochRestored >= 1 && epochRestored <= count)
        {
            svg.Line(X(epochRestored), y0, X(epochRestored), y1, "#888888", dashed: true);
            svg.Text(X(epochRestored) + 4, y1 + 12, "restored", size: 10, fill: "#666666");
        }

        Series(svg, train, X, Y, TrainColor, dashed: false);
        Series(svg, validation, X, Y, ValidationColor, dashed: true);

        // The legend sits between the title and the plot, where no line can run under it.
        double legendX = x0, legendY = top + 30;
        svg.Line(legendX, legendY, legendX + 22, legendY, TrainColor, 2);
        svg.Text(legendX + 28, legendY + 4, "training", size: 11);
        if (Array.Exists(validation, v => v is not null))
        {
            svg.Line(legendX + 100, legendY, legendX + 122, legendY, ValidationColor, 2, dashed: true);
            svg.Text(legendX + 128, legendY + 4, "validation", size: 11);
        }
    }

    private static void Series(SvgWriter svg, double?[] values, Func<double, double> x, Func<double, double> y, string color, bool dashed)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is double value && double.IsFinite(value))
            {
                xs.Add(x(i + 1));
                ys.Add(y(value));
            }
        }

        if (xs.Count == 0)
        {
            return;
        }

        svg.Polyline(xs.ToArray(), ys.ToArray(), color, 2, dashed);
        for (int i = 0; i < xs.Count; i++)
        {
            svg.Circle(xs[i], ys[i], 2.5, color);
        }
    }
}
