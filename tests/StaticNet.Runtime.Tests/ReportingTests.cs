using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>History files, charts and the confusion matrix: readable, exact, and well-formed.</summary>
public class ReportingTests
{
    private static History TrainedHistory(out Trainer<DenseReluNetFour> trainer)
    {
        trainer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 1, batchCapacity: 16), new Adam(1e-2), Losses.SoftmaxCrossEntropy)
        {
            BatchSize = 16, Epochs = 4, ValidationSplit = 0.2, TopK = 2, Test = TrainerTests.Blobs(50, 5),
            EarlyStopping = new EarlyStopping(patience: 10, restoreBestWeights: true),
        };
        return trainer.Fit(TrainerTests.Blobs(100, 1));
    }

    [Fact]
    public void HistoryCsvHasOneRowPerEpochWithKerasNames()
    {
        using var directory = new TempDirectory();
        History history = TrainedHistory(out _);
        history.SaveCsv(directory.File("history.csv"));
        string[] lines = File.ReadAllLines(directory.File("history.csv"));
        Assert.Equal("epoch,loss,accuracy,top_2_accuracy,val_loss,val_accuracy,val_top_2_accuracy,lr,grad_norm,steps,seconds,samples_per_second", lines[0]);
        Assert.Equal(5, lines.Length);
        string[] cells = lines[2].Split(',');
        Assert.Equal("2", cells[0]);
        Assert.Equal(history.Epochs[1].TrainLoss, double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(history.Epochs[1].ValidationAccuracy, double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void HistoryJsonRoundTrips()
    {
        using var directory = new TempDirectory();
        History history = TrainedHistory(out _);
        history.SaveJson(directory.File("history.json"));
        History loaded = HistoryFiles.LoadJson(directory.File("history.json"));
        Assert.Equal(history.Epochs.Select(Rounded), loaded.Epochs.Select(Rounded));
        Assert.Equal(history.Test, loaded.Test);
        Assert.Equal(history.StopReason, loaded.StopReason);
        Assert.Equal(history.TopK, loaded.TopK);
        Assert.Equal(history.RestoredEpoch, loaded.RestoredEpoch);
        using System.Text.Json.JsonDocument json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(directory.File("history.json")));
        Assert.Equal(4, json.RootElement.GetProperty("epochs").GetArrayLength());

        File.WriteAllText(directory.File("bad.json"), "{\"epochs\": [{\"loss\": 1}]}");
        Assert.Contains("bad.json: an epoch entry has no epoch number", Assert.Throws<InvalidDataException>(() => HistoryFiles.LoadJson(directory.File("bad.json"))).Message);
    }

    [Fact]
    public void TheChartIsSvgWithOneLinePerSeries()
    {
        History history = TrainedHistory(out _);
        XDocument svg = XDocument.Parse(history.ToSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var lines = svg.Descendants(ns + "polyline").ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines, line => Assert.Equal(4, line.Attribute("points")!.Value.Split(' ').Length));
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value.StartsWith("Accuracy, test ", StringComparison.Ordinal));

        var regression = new History();
        Assert.Empty(XDocument.Parse(regression.ToSvg()).Descendants(ns + "polyline"));
    }

    [Fact]
    public void TheConfusionMatrixCountsPredictionsAndPrintsThem()
    {
        var matrix = new ConfusionMatrix(3, new[] { "cat", "dog", "bird & co" });
        (int Actual, int Predicted)[] samples = { (0, 0), (0, 0), (0, 1), (1, 1), (2, 0), (2, 2), (2, 2), (2, 2) };
        foreach ((int actual, int predicted) in samples)
        {
            matrix.Add(actual, predicted);
        }

        Assert.Equal(8, matrix.Total);
        Assert.Equal(6.0 / 8, matrix.Accuracy);
        Assert.Equal(2.0 / 3, matrix.Recall(0));
        Assert.Equal(2.0 / 3, matrix.Precision(0));
        Assert.Equal(0.5, matrix.Precision(1));
        string[] table = matrix.ToTable().Split('\n');
        Assert.Equal("Confusion matrix: 8 samples, accuracy 75.0% (rows: true class, columns: predicted class)", table[0]);
        Assert.Equal("true \\ predicted      0      1      2   recall", table[1]);
        Assert.Equal("2 bird & co           1      0      3    75.0%", table[4]);
        Assert.Equal("precision         66.7%  50.0% 100.0%", table[5]);

        XDocument svg = XDocument.Parse(matrix.ToSvg());
        Assert.Contains(svg.Descendants(), e => e.Value == "bird & co");
        Assert.Equal(9 + 1, svg.Descendants().Count(e => e.Name.LocalName == "rect"));
    }

    [Fact]
    public void TheConfusionMatrixOfANetworkMatchesItsAccuracy()
    {
        History history = TrainedHistory(out Trainer<DenseReluNetFour> trainer);
        ConfusionMatrix matrix = trainer.ConfusionMatrix(trainer.Test!);
        Assert.Equal(history.Test!.Value.Accuracy!.Value, matrix.Accuracy, 12);
        Assert.Equal(50, matrix.Total);
    }

    private static EpochMetrics Rounded(EpochMetrics metrics) => metrics with { Duration = TimeSpan.FromMilliseconds(Math.Round(metrics.Duration.TotalMilliseconds)) };
}
