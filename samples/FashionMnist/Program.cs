// Trains a classifier on Fashion-MNIST with the whole training toolkit: augmentation, a warm-up and
// cosine learning-rate schedule, AdamW, early stopping that restores the best weights, checkpoints to
// resume from, and a live progress bar. Next to the saved model it writes the history (CSV, JSON and an
// SVG chart) and the test set's confusion matrix (text and SVG). A LeNet-5 it saves (--model lenet5) is
// what the AotInference sample classifies with.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using StaticNet;
using StaticNet.Samples;

if (SampleStart.ParseOptions(args, Options.Parse, o => o.Help, Options.Usage, out Options options) is int exitCode)
{
    return exitCode;
}

if (!FashionMnistData.TryLoad(options.DataDirectory, out Dataset train, out Dataset test))
{
    return 2;
}

if (options.Limit > 0)
{
    train = train.Take(options.Limit);
}

// Standardise with the training set's statistics only; the same numbers go with the saved model.
Normalization normalization = Normalization.Fit(train);
normalization.Apply(train);
normalization.Apply(test);
train = WithClassNames(train);
test = WithClassNames(test);

return options.Model == "lenet5"
    ? FashionMnistRun.Train(new LeNet5(seed: options.Seed, batchCapacity: options.BatchSize), LeNet5.Summary, train, test, normalization, options)
    : FashionMnistRun.Train(new FashionCnn(seed: options.Seed, batchCapacity: options.BatchSize), FashionCnn.Summary, train, test, normalization, options);

static Dataset WithClassNames(Dataset data) =>
    new(data.Features, new[] { 1, 28, 28 }, data.Labels!, 10, data.Source) { ClassNames = FashionMnistData.ClassNames };

/// <summary>The training run, for either network.</summary>
internal static class FashionMnistRun
{
    public static int Train<TNetwork>(TNetwork network, string summary, Dataset train, Dataset test, Normalization normalization, Options options)
        where TNetwork : INetwork
    {
        string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.OutputPath))!, Path.GetFileNameWithoutExtension(options.OutputPath));
        var metadata = new Dictionary<string, string>
        {
            [FashionMnistData.MeanKey] = normalization.Mean[0].ToString("R", CultureInfo.InvariantCulture),
            [FashionMnistData.StdKey] = normalization.StandardDeviation[0].ToString("R", CultureInfo.InvariantCulture),
            ["model"] = network.Name,
        };

        // Pixels outside the image after a shift are background: black, 0 before normalisation.
        float background = (0f - normalization.Mean[0]) / normalization.StandardDeviation[0];
        int heldOut = (int)Math.Round(train.Count * options.ValidationFraction);
        int batchesPerEpoch = (train.Count - heldOut + options.BatchSize - 1) / options.BatchSize;
        if (options.DataParallel && !StaticNet.DataParallel.IsLaunchedByMpirun)
        {
            Console.Error.WriteLine("--data-parallel makes this process one rank of a job: start it with mpirun, e.g. 'mpirun -np 2 dotnet FashionMnist.dll --data-parallel'.");
            return 2;
        }

        using DataParallel? parallel = options.DataParallel ? StaticNet.DataParallel.Initialize() : null;

        // Rank 0 speaks and writes files for the job; the other ranks only train.
        bool root = parallel?.IsRoot != false;
        TextWriter console = root ? Console.Out : TextWriter.Null;
        var trainer = new Trainer<TNetwork>(network, new AdamW(options.LearningRate, weightDecay: options.WeightDecay), Losses.SoftmaxCrossEntropy)
        {
            DataParallel = parallel,
            SwitchOptimizer = options.SgdFromEpoch > 0 ? new OptimizerSwitch(options.SgdFromEpoch, new Sgd(0.01, momentum: 0.9, weightDecay: 5e-4)) : null,
            BatchSize = options.BatchSize,
            Epochs = options.Epochs,
            Seed = options.Seed,
            ValidationSplit = options.ValidationFraction,
            Test = test,
            TopK = 3,

            // One epoch of linear warm-up from a tenth of the rate, then cosine annealing to a hundredth, per step.
            Schedule = new LinearWarmup(
                batchesPerEpoch,
                new CosineAnnealingLR(Math.Max(1, (long)(options.Epochs - 1) * batchesPerEpoch), options.LearningRate / 100, ScheduleInterval.Step),
                startFactor: 0.1),
            Augmentation = Augmentation(options.Augment, background),
            EarlyStopping = options.ValidationFraction > 0 ? new EarlyStopping(MonitoredMetric.ValidationAccuracy, patience: options.Patience, restoreBestWeights: true) : null,
            Checkpoints = new CheckpointSettings(stem + ".checkpoints") { Metadata = metadata },
            Callbacks = { options.Plain ? new ConsoleProgress(ProgressStyle.Plain) : ConsoleProgress.Create() },
        };

        console.WriteLine($"Fashion-MNIST from {options.DataDirectory}: {train.Count:N0} training images ({options.ValidationFraction * 100:F0}% held out for validation), {test.Count:N0} test images" +
            (parallel is null ? string.Empty : $"; each batch of {options.BatchSize} shared by {parallel.Size} ranks"));
        console.WriteLine();
        console.WriteLine(summary);
        console.WriteLine();
        console.WriteLine($"AdamW lr {options.LearningRate} (warm-up, then cosine), weight decay {options.WeightDecay}, batch {options.BatchSize}, up to {options.Epochs} epochs, " +
            (options.SgdFromEpoch > 0 ? $"then from epoch {options.SgdFromEpoch} SGD lr 0.01 with momentum 0.9, " : string.Empty) +
            $"augmentation {options.Augment}, early stopping on validation accuracy (patience {options.Patience}), seed {options.Seed}");

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        History history;
        try
        {
            history = options.Resume
                ? trainer.Resume(trainer.Checkpoints.ResumePath, train, cancellation.Token)
                : trainer.Fit(train, cancellation.Token);
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or InvalidOperationException)
        {
            Console.Error.WriteLine(exception.Message);
            return 2;
        }

        if (history.StopReason == StopReason.Cancelled)
        {
            console.WriteLine($"Interrupted. The last finished epoch is saved in {trainer.Checkpoints.Directory}; run again with --resume (and the same options) to continue exactly where it stopped.");
            return 130;
        }

        if (!root)
        {
            return 0;
        }

        Evaluation result = history.Test!.Value;
        metadata["test.accuracy"] = result.Accuracy!.Value.ToString("R", CultureInfo.InvariantCulture);
        network.Save(options.OutputPath, metadata);
        history.SaveCsv(stem + ".history.csv");
        history.SaveJson(stem + ".history.json");
        history.SaveChart(stem + ".history.svg", $"{network.Name} on Fashion-MNIST: test accuracy {result.Accuracy * 100:F2}%");
        ConfusionMatrix confusion = trainer.ConfusionMatrix(test);
        string table = confusion.ToTable();
        File.WriteAllText(stem + ".confusion.txt", table);
        confusion.SaveSvg(stem + ".confusion.svg", $"{network.Name}: Fashion-MNIST test set, accuracy {confusion.Accuracy * 100:F2}%");

        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"Saved the model to {Path.GetFullPath(options.OutputPath)}");
        Console.WriteLine($"  and next to it {Path.GetFileName(stem)}.history.csv, .history.json, .history.svg (chart), .confusion.txt, .confusion.svg and the checkpoints in {Path.GetFileName(stem)}.checkpoints/");
        return 0;
    }

    private static ImageAugmentation? Augmentation(string level, float background) => level switch
    {
        "none" => null,
        "basic" => new ImageAugmentation(new RandomHorizontalFlip(), new RandomCrop(2, fill: background)),
        _ => new ImageAugmentation(new RandomHorizontalFlip(), new RandomCrop(2, fill: background), new RandomRotation(10, fill: background), new RandomErasing(0.3)),
    };
}

/// <summary>The sample's command line.</summary>
internal sealed record Options(
    string Model,
    string DataDirectory,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double WeightDecay,
    int Seed,
    double ValidationFraction,
    int Patience,
    string Augment,
    int Limit,
    string OutputPath,
    bool Resume,
    bool Plain,
    bool Help,
    bool DataParallel = false,
    int SgdFromEpoch = 0)
{
    public const string Usage = """
        Usage: FashionMnist [options]
          --model cnn|lenet5     the network: a small CNN (default) or LeNet-5 (the AotInference sample's)
          --data DIR             Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist,
                                 from Debian's dataset-fashion-mnist package)
          --epochs N             most epochs to train; early stopping may end sooner (default 30)
          --batch-size N         samples per batch (default 64)
          --learning-rate X      AdamW's peak learning rate (default 0.002)
          --weight-decay X       AdamW's decoupled weight decay (default 0.01)
          --seed N               seed of initialisation, validation split, shuffling and augmentation (default 1)
          --validation X         fraction of the training set held out for validation (default 0.1; 0 for none,
                                 which also turns early stopping off)
          --patience N           epochs without a better validation accuracy before stopping (default 5)
          --augment LEVEL        none, basic (flip, shift by up to 2 pixels; default) or strong (also rotation
                                 up to 10 degrees and random erasing)
          --limit N              train on the first N training images only, for a quick run
          --output FILE          where to save the model (default cnn.safetensors or lenet5.safetensors); the
                                 history, chart, confusion matrix and checkpoints go next to it
          --resume               continue the interrupted run saved next to --output (same options)
          --plain                one line per epoch instead of a live progress bar
          --sgd-from N           hand over from AdamW to SGD with momentum 0.9 (learning rate 0.01) at the start of
                                 epoch N, the schedule going on: "start with Adam, then fine-tune with SGD"
          --data-parallel        one rank of a data-parallel job: start it with mpirun -np N (Open MPI);
                                 each global batch is shared by the N ranks, and rank 0 prints and saves
        """;

    public static Options Parse(string[] args)
    {
        var options = new Options("cnn", FashionMnistData.DefaultDirectory, 30, 64, 2e-3, 0.01, 1, 0.1, 5, "basic", 0, "", false, false, false);
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
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value < max
                    ? value
                    : throw new ArgumentException($"{name} takes a number from {min} to below {max}, not '{text}'.");
            }

            string Choice(string name, params string[] choices)
            {
                string text = Value();
                return Array.IndexOf(choices, text) >= 0 ? text : throw new ArgumentException($"{name} takes one of {string.Join(", ", choices)}, not '{text}'.");
            }

            options = args[i] switch
            {
                "--model" => options with { Model = Choice("--model", "cnn", "lenet5") },
                "--data" => options with { DataDirectory = Value() },
                "--epochs" => options with { Epochs = Int("--epochs", 1) },
                "--batch-size" => options with { BatchSize = Int("--batch-size", 1) },
                "--learning-rate" => options with { LearningRate = Double("--learning-rate", 0, double.MaxValue) },
                "--weight-decay" => options with { WeightDecay = Double("--weight-decay", 0, double.MaxValue) },
                "--seed" => options with { Seed = Int("--seed", 0) },
                "--validation" => options with { ValidationFraction = Double("--validation", 0, 1) },
                "--patience" => options with { Patience = Int("--patience", 0) },
                "--augment" => options with { Augment = Choice("--augment", "none", "basic", "strong") },
                "--limit" => options with { Limit = Int("--limit", 1) },
                "--output" => options with { OutputPath = Value() },
                "--resume" => options with { Resume = true },
                "--plain" => options with { Plain = true },
                "--data-parallel" => options with { DataParallel = true },
                "--sgd-from" => options with { SgdFromEpoch = Int("--sgd-from", 2) },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options.OutputPath.Length > 0 ? options : options with { OutputPath = options.Model + ".safetensors" };
    }
}
