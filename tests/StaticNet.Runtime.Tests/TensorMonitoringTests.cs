using System;
using System.IO;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>Per-tensor gradient norms, weight norms and update ratios, against values computed here from the network's buffers.</summary>
public class TensorMonitoringTests
{
    private static Trainer<DenseReluNetFour> Create(int seed = 1) =>
        new(new DenseReluNetFour(seed: seed, batchCapacity: 16), new Adam(0.01), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 3, Seed = 2, MonitorTensors = true };

    [Fact]
    public void AStepsStatisticsAreTheNormsOfItsGradientsAndOfItsUpdate()
    {
        Trainer<DenseReluNetFour> trainer = Create();
        Dataset data = TrainerTests.Blobs(16, 1);
        float[] before = trainer.Network.Parameters.ToArray();
        trainer.TrainStep(data.Features, new BatchTargets(data.Labels), 16);
        float[] after = trainer.Network.Parameters.ToArray();
        float[] gradients = trainer.Network.Gradients.ToArray();

        var statistics = trainer.LastTensorStatistics!;
        TensorInfo[] parameters = trainer.Network.Tensors.Where(t => t.Kind == TensorKind.Parameter).ToArray();
        Assert.Equal(parameters.Select(t => t.Name), statistics.Select(s => s.Name));
        for (int i = 0; i < parameters.Length; i++)
        {
            TensorInfo t = parameters[i];
            double gradient = Math.Sqrt(Enumerable.Range(t.Offset, t.Length).Sum(k => (double)gradients[k] * gradients[k]));
            double weight = Math.Sqrt(Enumerable.Range(t.Offset, t.Length).Sum(k => (double)after[k] * after[k]));
            double update = Math.Sqrt(Enumerable.Range(t.Offset, t.Length).Sum(k => ((double)after[k] - before[k]) * ((double)after[k] - before[k])));
            Assert.Equal(gradient, statistics[i].GradientNorm, 12);
            Assert.Equal(weight, statistics[i].WeightNorm, 12);
            Assert.Equal(update / weight, statistics[i].UpdateRatio, 12);
            Assert.True(statistics[i].UpdateRatio > 0);
        }
    }

    [Fact]
    public void AnEpochsStatisticsAreTheMeansOfItsStepsAndRoundTripThroughTheHistoryFiles()
    {
        Trainer<DenseReluNetFour> trainer = Create();
        var steps = new System.Collections.Generic.List<TensorStatistics[]>();
        trainer.Callbacks.Add(new Recorder(steps));
        History history = trainer.Fit(TrainerTests.Blobs(64, 3));

        EpochMetrics first = history.Epochs[0];
        Assert.NotNull(first.Tensors);
        TensorStatistics[][] firstEpoch = steps.Take(first.Steps).ToArray();
        for (int i = 0; i < first.Tensors!.Count; i++)
        {
            Assert.Equal(firstEpoch.Average(s => s[i].GradientNorm), first.Tensors[i].GradientNorm, 12);
            Assert.Equal(firstEpoch.Average(s => s[i].WeightNorm), first.Tensors[i].WeightNorm, 12);
            Assert.Equal(firstEpoch.Average(s => s[i].UpdateRatio), first.Tensors[i].UpdateRatio, 12);
        }

        using var directory = new TempDirectory();
        history.SaveJson(directory.File("history.json"));
        History read = HistoryFiles.LoadJson(directory.File("history.json"));
        Assert.Equal(history.Epochs, read.Epochs);

        history.SaveCsv(directory.File("history.csv"));
        string[] lines = File.ReadAllLines(directory.File("history.csv"));
        Assert.EndsWith(",grad_norm:fc1.weight,weight_norm:fc1.weight,update_ratio:fc1.weight,grad_norm:fc1.bias,weight_norm:fc1.bias,update_ratio:fc1.bias,grad_norm:fc2.weight,weight_norm:fc2.weight,update_ratio:fc2.weight,grad_norm:fc2.bias,weight_norm:fc2.bias,update_ratio:fc2.bias", lines[0]);
        Assert.Equal(lines[0].Split(',').Length, lines[1].Split(',').Length);
    }

    [Fact]
    public void TheChartDrawsOneLinePerTensorOnALogScale()
    {
        History history = Create().Fit(TrainerTests.Blobs(64, 3));
        System.Xml.Linq.XDocument svg = System.Xml.Linq.XDocument.Parse(history.ToSvg());
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";

        // Loss and accuracy: training and validation-less lines, one each; then one line per parameter tensor.
        Assert.Equal(2 + 4, svg.Descendants(ns + "polyline").Count());
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "Gradient norm per tensor (log10)");
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "fc1.weight");
    }

    [Fact]
    public void MonitoringAllocatesNothingPerStep()
    {
        Trainer<DenseReluNetFour> trainer = Create();
        Dataset data = TrainerTests.Blobs(16, 1);
        trainer.TrainStep(data.Features, new BatchTargets(data.Labels), 16);
        Assert.Equal(0, SteadyAllocation.Fewest(() => trainer.TrainStep(data.Features, new BatchTargets(data.Labels), 16), calls: 20));
    }

    [Fact]
    public void TheGradientMonitorNamesTheTensorAndTheStepWhenAGradientVanishes()
    {
        // Weights a trillion times too small: the last layer's weight gradient (dL/dy times the tiny hidden values) vanishes.
        Trainer<DenseReluNetFour> trainer = Create();
        Span<float> parameters = trainer.Network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 1e-12f;
        }

        var writer = new StringWriter();
        var monitor = new GradientMonitor(vanishingBelow: 1e-6, writer: writer);
        trainer.Epochs = 1;
        trainer.Callbacks.Add(monitor);
        trainer.Fit(TrainerTests.Blobs(32, 2));

        Assert.Contains(monitor.Warnings, w => w.StartsWith("Step 1 (epoch 1, batch 1): the gradient of fc2.weight has norm", StringComparison.Ordinal) && w.EndsWith("vanishing: below 1E-06.", StringComparison.Ordinal));
        Assert.DoesNotContain(monitor.Warnings, w => w.Contains("fc2.bias", StringComparison.Ordinal));
        Assert.Equal(string.Join(Environment.NewLine, monitor.Warnings) + Environment.NewLine, writer.ToString());

        // Without the trainer's statistics the monitor has nothing to read, and says how to get them.
        Trainer<DenseReluNetFour> unmonitored = Create();
        unmonitored.MonitorTensors = false;
        unmonitored.Callbacks.Add(new GradientMonitor());
        Assert.Contains("MonitorTensors = true", Assert.Throws<InvalidOperationException>(() => unmonitored.Fit(TrainerTests.Blobs(32, 2))).Message);
    }

    private sealed class Recorder(System.Collections.Generic.List<TensorStatistics[]> steps) : ITrainingCallback
    {
        public void BatchCompleted(TrainingContext context, in BatchMetrics batch) => steps.Add(context.TensorStatistics!.ToArray());
    }
}
