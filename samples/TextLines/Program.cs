// Reads lines of Fashion-MNIST items, as a text-line recogniser reads characters: a convolutional network
// whose output is a sequence of 29 steps along the line, trained with CTC through Fit on lines of one to
// five items and no word of where each item is. The lines for training and for validation come from
// separate training images; the test lines only from test images. It prints the exact-match sequence
// accuracy and the item error rate (edit distance over items), a few lines as read, and saves the model,
// the history (CSV, JSON, SVG chart) and checkpoints.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using StaticNet;
using StaticNet.Samples;

if (SampleStart.ParseOptions(args, Options.Parse, o => o.Help, Options.Usage, out Options options) is int exitCode)
{
    return exitCode;
}

if (!FashionMnistData.TryLoad(options.DataDirectory, out Dataset trainImages, out Dataset testImages))
{
    return 2;
}

long started = Stopwatch.GetTimestamp();
if (options.Limit > 0)
{
    trainImages = trainImages.Take(options.Limit);
}

trainImages = new Dataset(trainImages.Features, new[] { 1, 28, 28 }, trainImages.Labels!, 10, trainImages.Source) { ClassNames = FashionMnistData.ClassNames };
testImages = new Dataset(testImages.Features, new[] { 1, 28, 28 }, testImages.Labels!, 10, testImages.Source) { ClassNames = FashionMnistData.ClassNames };

// Validation lines come from training images that no training line shows; test lines only from test images.
(Dataset fitImages, Dataset heldOutImages) = trainImages.Split(options.ValidationFraction, options.Seed, stratified: true);
Dataset train = ItemLines.Compose(fitImages, options.Passes, options.Seed, "training lines", mirror: true);
Dataset validation = ItemLines.Compose(heldOutImages, 1, options.Seed + 1, "validation lines");
Dataset test = ItemLines.Compose(testImages, 1, options.Seed + 2, "test lines");
Normalization normalization = Normalization.Fit(train);
normalization.Apply(train);
normalization.Apply(validation);
normalization.Apply(test);

// The blank is class 0 (PyTorch's default), so item class c is CTC class c + 1 (ctc.ClassOf).
var network = new LineReader(seed: options.Seed, batchCapacity: options.BatchSize);
var ctc = new CtcLoss(LineReader.SequenceSteps, LineReader.SequenceClasses, CtcLayout.ClassMajor);
int batchesPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.OutputPath))!, Path.GetFileNameWithoutExtension(options.OutputPath));
var metadata = new Dictionary<string, string>
{
    ["normalization.mean"] = normalization.Mean[0].ToString("R", CultureInfo.InvariantCulture),
    ["normalization.std"] = normalization.StandardDeviation[0].ToString("R", CultureInfo.InvariantCulture),
    ["model"] = nameof(LineReader),
};
var trainer = new Trainer<LineReader>(network, new AdamW(options.LearningRate, weightDecay: 0.01), ctc)
{
    BatchSize = options.BatchSize,
    Epochs = options.Epochs,
    Seed = options.Seed,
    Validation = validation,
    Test = test,
    DecodingBeamWidth = options.BeamWidth,

    // One epoch of linear warm-up from a tenth of the rate, then cosine annealing to a hundredth, per step.
    Schedule = new LinearWarmup(
        batchesPerEpoch,
        new CosineAnnealingLR(Math.Max(1, (long)(options.Epochs - 1) * batchesPerEpoch), options.LearningRate / 100, ScheduleInterval.Step),
        startFactor: 0.1),
    EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationItemErrorRate, patience: options.Patience, restoreBestWeights: true),
    Checkpoints = new CheckpointSettings(stem + ".checkpoints") { Monitor = MonitoredMetric.ValidationItemErrorRate, Metadata = metadata },
    Callbacks = { options.Plain ? new ConsoleProgress(ProgressStyle.Plain) : ConsoleProgress.Create() },
};

Console.WriteLine($"Lines of one to five Fashion-MNIST items, {ItemLines.Height}x{ItemLines.Width} pixels: {train.Count:N0} for training from {fitImages.Count:N0} images " +
    $"({options.Passes} {(options.Passes == 1 ? "line" : "lines")} each), {validation.Count:N0} for validation from {heldOutImages.Count:N0} other training images, " +
    $"{test.Count:N0} for testing from the {testImages.Count:N0} test images");
Console.WriteLine();
Console.WriteLine(LineReader.Summary);
Console.WriteLine();
Console.WriteLine($"CTC over {ctc.Steps} steps of {ctc.Classes} classes (the blank and ten items); AdamW lr {options.LearningRate} (warm-up, then cosine), batch {options.BatchSize}, " +
    $"up to {options.Epochs} epochs, early stopping on the validation item error rate (patience {options.Patience}), " +
    $"{(options.BeamWidth > 0 ? $"beam search of width {options.BeamWidth}" : "greedy decoding")} for validation and test, seed {options.Seed}");

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

History history;
try
{
    history = options.Resume ? trainer.Resume(trainer.Checkpoints.ResumePath, train, cancellation.Token) : trainer.Fit(train, cancellation.Token);
}
catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or InvalidOperationException)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

if (history.StopReason == StopReason.Cancelled)
{
    Console.WriteLine($"Interrupted. The last finished epoch is saved in {trainer.Checkpoints.Directory}; run again with --resume (and the same options) to continue exactly where it stopped.");
    return 130;
}

Evaluation result = history.Test!.Value;
long items = 0;
for (int i = 0; i < test.Count; i++)
{
    items += test.Sequence(i).Length;
}

Console.WriteLine();
Console.WriteLine($"Test lines: item error rate {result.ItemErrorRate * 100:F2}% ({Math.Round(result.ItemErrorRate!.Value * items):N0} edits in {items:N0} items), " +
    $"exact-match sequence accuracy {result.SequenceAccuracy * 100:F2}% of {test.Count:N0} lines; {Stopwatch.GetElapsedTime(started).TotalMinutes:F1} minutes from loading the data");
Console.WriteLine();
Console.WriteLine("The first test lines, as read:");
var outputs = new float[LineReader.OutputLength];
var classes = new int[ctc.Steps];
for (int i = 0; i < Math.Min(6, test.Count); i++)
{
    network.Predict(test.Sample(i), outputs);
    int count = CtcDecoding.Greedy(outputs, ctc.Steps, ctc.Classes, ctc.Layout, classes, ctc.Blank);
    var read = new List<string>();
    for (int k = 0; k < count; k++)
    {
        read.Add(FashionMnistData.ClassNames[ctc.LabelOf(classes[k])]);
    }

    var truth = new List<string>();
    foreach (int label in test.Sequence(i))
    {
        truth.Add(FashionMnistData.ClassNames[label]);
    }

    string line = string.Join(", ", truth), reading = string.Join(", ", read);
    Console.WriteLine($"  {(line == reading ? "right" : "wrong")}  {line}{(line == reading ? "" : $"  read as  {reading}")}");
}

metadata["test.item_error_rate"] = result.ItemErrorRate!.Value.ToString("R", CultureInfo.InvariantCulture);
network.Save(options.OutputPath, metadata);
history.SaveCsv(stem + ".history.csv");
history.SaveJson(stem + ".history.json");
history.SaveChart(stem + ".history.svg", $"{nameof(LineReader)} on lines of Fashion-MNIST items: test item error rate {result.ItemErrorRate * 100:F2}%");
Console.WriteLine();
Console.WriteLine($"Saved the model to {Path.GetFullPath(options.OutputPath)}");
Console.WriteLine($"  and next to it {Path.GetFileName(stem)}.history.csv, .history.json, .history.svg (chart) and the checkpoints in {Path.GetFileName(stem)}.checkpoints/");
return 0;

/// <summary>The sample's command line.</summary>
internal sealed record Options(
    string DataDirectory,
    int Epochs,
    int BatchSize,
    double LearningRate,
    int Seed,
    double ValidationFraction,
    int Passes,
    int Patience,
    int BeamWidth,
    int Limit,
    string OutputPath,
    bool Resume,
    bool Plain,
    bool Help)
{
    public const string Usage = """
        Usage: TextLines [options]
          --data DIR             Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist,
                                 from Debian's dataset-fashion-mnist package)
          --epochs N             most epochs to train; early stopping may end sooner (default 8)
          --batch-size N         lines per batch (default 32)
          --learning-rate X      AdamW's peak learning rate (default 0.002)
          --seed N               seed of initialisation, the lines, the validation images and shuffling (default 1)
          --validation X         fraction of the training images held out for validation lines (default 0.1)
          --passes N             training lines each training image appears on (default 2)
          --patience N           epochs without a lower validation item error rate before stopping (default 4)
          --beam N               read validation and test lines by a beam search of width N (default 0: greedily)
          --limit N              make lines from the first N training images only, for a quick run
          --output FILE          where to save the model (default lines.safetensors); the history, chart and
                                 checkpoints go next to it
          --resume               continue the interrupted run saved next to --output (same options)
          --plain                one line per epoch instead of a live progress bar
        """;

    public static Options Parse(string[] args)
    {
        var options = new Options(FashionMnistData.DefaultDirectory, 8, 32, 2e-3, 1, 0.1, 2, 4, 0, 0, "lines.safetensors", false, false, false);
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(string name, int min)
            {
                string text = Value();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min
                    ? value
                    : throw new ArgumentException($"{name} takes a whole number of at least {min}, not '{text}'.");
            }

            double Double(string name, double min, double max)
            {
                string text = Value();
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > min && value < max
                    ? value
                    : throw new ArgumentException($"{name} takes a number above {min} and below {max}, not '{text}'.");
            }

            options = args[i] switch
            {
                "--data" => options with { DataDirectory = Value() },
                "--epochs" => options with { Epochs = Int("--epochs", 1) },
                "--batch-size" => options with { BatchSize = Int("--batch-size", 1) },
                "--learning-rate" => options with { LearningRate = Double("--learning-rate", 0, double.MaxValue) },
                "--seed" => options with { Seed = Int("--seed", 0) },
                "--validation" => options with { ValidationFraction = Double("--validation", 0, 1) },
                "--passes" => options with { Passes = Int("--passes", 1) },
                "--patience" => options with { Patience = Int("--patience", 0) },
                "--beam" => options with { BeamWidth = Int("--beam", 0) },
                "--limit" => options with { Limit = Int("--limit", 20) },
                "--output" => options with { OutputPath = Value() },
                "--resume" => options with { Resume = true },
                "--plain" => options with { Plain = true },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }
}
