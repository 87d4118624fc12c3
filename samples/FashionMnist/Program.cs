// Trains LeNet-5 on Fashion-MNIST: prints the model summary, one line per epoch, the test accuracy,
// and saves the trained parameters (with the input normalisation) for the AotInference sample.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using StaticNet;
using StaticNet.Samples;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

Dataset train, test;
try
{
    (train, test) = FashionMnistData.Load(options.DataDirectory);
}
catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

// Standardise with the training set's statistics only; the same numbers go with the saved model.
Normalization normalization = Normalization.Fit(train);
normalization.Apply(train);
normalization.Apply(test);

Dataset? validation = null;
if (options.ValidationFraction > 0)
{
    (train, validation) = train.Split(options.ValidationFraction, options.Seed);
}

var network = new LeNet5(seed: options.Seed, batchCapacity: options.BatchSize);
Console.WriteLine($"Fashion-MNIST from {options.DataDirectory}: {train.Count:N0} training, {validation?.Count ?? 0:N0} validation, {test.Count:N0} test images");
Console.WriteLine();
Console.WriteLine(LeNet5.Summary);
Console.WriteLine();
Console.WriteLine($"Adam lr {options.LearningRate}, batch {options.BatchSize}, {options.Epochs} epochs, seed {options.Seed}");
Console.WriteLine($"{"epoch",5}  {"train loss",10}  {"train acc",9}  {"val loss",8}  {"val acc",7}  {"time",7}  {"samples/s",9}");

var trainer = new Trainer<LeNet5>(network, new Adam(options.LearningRate), Losses.SoftmaxCrossEntropy)
{
    BatchSize = options.BatchSize,
    Epochs = options.Epochs,
    Validation = validation,
    Seed = options.Seed,
    EpochCompleted = epoch => Console.WriteLine(
        $"{epoch.Epoch,5}  {epoch.TrainLoss,10:F4}  {Format(epoch.TrainAccuracy * 100, "F2") + "%",9}  {Format(epoch.ValidationLoss, "F4"),8}  {Format(epoch.ValidationAccuracy * 100, "F2") + (epoch.ValidationAccuracy is null ? "" : "%"),7}  " +
        $"{epoch.Duration.TotalSeconds,6:F1}s  {epoch.SamplesPerSecond,9:N0}"),
};
trainer.Fit(train);

Evaluation result = trainer.Evaluate(test);
Console.WriteLine();
Console.WriteLine($"Test accuracy: {result.Accuracy * 100:F2}% ({result.Count:N0} images), test loss {result.Loss:F4}");

network.Save(options.OutputPath, new Dictionary<string, string>
{
    [FashionMnistData.MeanKey] = normalization.Mean[0].ToString("R", CultureInfo.InvariantCulture),
    [FashionMnistData.StdKey] = normalization.StandardDeviation[0].ToString("R", CultureInfo.InvariantCulture),
    ["test.accuracy"] = result.Accuracy!.Value.ToString("R", CultureInfo.InvariantCulture),
});
Console.WriteLine($"Saved the parameters to {Path.GetFullPath(options.OutputPath)}");
return 0;

static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

/// <summary>The sample's command line.</summary>
internal sealed record Options(string DataDirectory, int Epochs, int BatchSize, double LearningRate, int Seed, double ValidationFraction, string OutputPath, bool Help)
{
    public const string Usage = """
        Usage: FashionMnist [options]
          --data DIR             Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist,
                                 from Debian's dataset-fashion-mnist package)
          --epochs N             epochs to train (default 10)
          --batch-size N         samples per batch (default 64)
          --learning-rate X      Adam learning rate (default 0.001)
          --seed N               seed of initialisation, shuffling and the validation split (default 1)
          --validation X         fraction of the training set held out for validation (default 0.1; 0 for none)
          --output FILE          where to save the parameters (default lenet5.safetensors)
        """;

    public static Options Parse(string[] args)
    {
        var options = new Options(FashionMnistData.DefaultDirectory, 10, 64, 1e-3, 1, 0.1, "lenet5.safetensors", false);
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

            options = args[i] switch
            {
                "--data" => options with { DataDirectory = Value() },
                "--epochs" => options with { Epochs = Int("--epochs", 1) },
                "--batch-size" => options with { BatchSize = Int("--batch-size", 1) },
                "--learning-rate" => options with { LearningRate = Double("--learning-rate", 0, double.MaxValue) },
                "--seed" => options with { Seed = Int("--seed", 0) },
                "--validation" => options with { ValidationFraction = Double("--validation", 0, 1) },
                "--output" => options with { OutputPath = Value() },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }
}
