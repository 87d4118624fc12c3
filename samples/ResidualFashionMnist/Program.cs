// Trains a small residual network with batch normalisation (FashionResNet.cs) on Fashion-MNIST: SGD
// with Nesterov momentum and weight decay, a cosine learning-rate schedule, label smoothing, and random
// horizontal flips (optionally shifts too) of the training images. Prints the model summary, one line
// per epoch with the test accuracy, and saves the parameters and batch-norm statistics to a file.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
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

Normalization normalization = Normalization.Fit(train);
normalization.Apply(train);
normalization.Apply(test);
if (options.TrainLimit < train.Count)
{
    train = train.Take(options.TrainLimit);
}

int batchSize = options.BatchSize;
var network = new FashionResNet(seed: options.Seed, batchCapacity: batchSize);
var optimizer = new Sgd(options.LearningRate, momentum: 0.9, weightDecay: 5e-4, nesterov: true);
var trainer = new Trainer<FashionResNet>(network, optimizer, new SoftmaxCrossEntropyLoss(options.LabelSmoothing));

Console.WriteLine($"Fashion-MNIST from {options.DataDirectory}: {train.Count:N0} training, {test.Count:N0} test images");
Console.WriteLine();
Console.WriteLine(FashionResNet.Summary);
Console.WriteLine();
string augmentation = options.Augment switch { "full" => "flips and shifts of up to 2 pixels", "flip" => "horizontal flips", _ => "none" };
Console.WriteLine($"SGD lr {options.LearningRate} (cosine to 0), Nesterov momentum 0.9, weight decay 5e-4, label smoothing {options.LabelSmoothing}, batch {batchSize}, {options.Epochs} epochs, seed {options.Seed}, augmentation: {augmentation}");
Console.WriteLine($"{"epoch",5}  {"train loss",10}  {"train acc",9}  {"test loss",9}  {"test acc",8}  {"time",7}  {"samples/s",9}");

// The pixel value of the background after normalisation: what a shifted image is filled with.
float background = -normalization.Mean[0] / normalization.StandardDeviation[0];
var augmenter = new Augmenter(background, options.Seed, shift: options.Augment == "full");
var order = new int[train.Count];
var batchInput = new float[batchSize * FashionResNet.InputLength];
var batchLabels = new int[batchSize];
long steps = (long)options.Epochs * ((train.Count + batchSize - 1) / batchSize), step = 0;
var total = Stopwatch.StartNew();
Evaluation result = default;
for (int epoch = 1; epoch <= options.Epochs; epoch++)
{
    for (int i = 0; i < order.Length; i++)
    {
        order[i] = i;
    }

    new RandomStream(options.Seed, (ulong)epoch).Shuffle(order.AsSpan());
    var watch = Stopwatch.StartNew();
    double lossSum = 0;
    long correct = 0;
    for (int start = 0; start < train.Count; start += batchSize)
    {
        int count = Math.Min(batchSize, train.Count - start);
        for (int i = 0; i < count; i++)
        {
            int index = order[start + i];
            Span<float> image = batchInput.AsSpan(i * FashionResNet.InputLength, FashionResNet.InputLength);
            if (options.Augment != "none")
            {
                augmenter.Apply(train.Sample(index), image);
            }
            else
            {
                train.Sample(index).CopyTo(image);
            }

            batchLabels[i] = train.Labels![index];
        }

        // Cosine annealing from the initial rate to 0 over the whole run, one step at a time.
        optimizer.LearningRate = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step++ / steps));
        float loss = trainer.TrainStep(batchInput.AsSpan(0, count * FashionResNet.InputLength), new BatchTargets(batchLabels.AsSpan(0, count)), count);
        if (!float.IsFinite(loss))
        {
            Console.Error.WriteLine($"The loss became {loss} at epoch {epoch}; lower the learning rate.");
            return 1;
        }

        lossSum += (double)loss * count;
        for (int i = 0; i < count; i++)
        {
            correct += Trainer<FashionResNet>.ArgMax(trainer.LastOutputs.Slice(i * 10, 10)) == batchLabels[i] ? 1 : 0;
        }
    }

    double seconds = watch.Elapsed.TotalSeconds;
    result = trainer.Evaluate(test);
    Console.WriteLine(
        $"{epoch,5}  {lossSum / train.Count,10:F4}  {100.0 * correct / train.Count,8:F2}%  {result.Loss,9:F4}  {result.Accuracy * 100,7:F2}%  {seconds,6:F0}s  {train.Count / seconds,9:N0}");
}

Console.WriteLine();
Console.WriteLine($"Test accuracy: {result.Accuracy * 100:F2}% ({result.Count:N0} images) after {options.Epochs} epochs, {total.Elapsed.TotalMinutes:F1} min in all");
network.Save(options.OutputPath, new Dictionary<string, string>
{
    [FashionMnistData.MeanKey] = normalization.Mean[0].ToString("R", CultureInfo.InvariantCulture),
    [FashionMnistData.StdKey] = normalization.StandardDeviation[0].ToString("R", CultureInfo.InvariantCulture),
    ["test.accuracy"] = result.Accuracy!.Value.ToString("R", CultureInfo.InvariantCulture),
});
Console.WriteLine($"Saved the parameters and batch-norm statistics to {Path.GetFullPath(options.OutputPath)}");
return 0;

/// <summary>Random horizontal flips and, with <paramref name="shift"/>, shifts of up to 2 pixels in each direction, the background filling in.</summary>
internal sealed class Augmenter(float background, int seed, bool shift)
{
    private readonly RandomStream _random = new(seed, 0xA06);

    public void Apply(ReadOnlySpan<float> image, Span<float> destination)
    {
        bool flip = _random.NextInt(2) == 1;
        int dy = shift ? _random.NextInt(5) - 2 : 0, dx = shift ? _random.NextInt(5) - 2 : 0;
        for (int y = 0; y < 28; y++)
        {
            int sourceY = y + dy;
            for (int x = 0; x < 28; x++)
            {
                int sourceX = (flip ? 27 - x : x) + dx;
                destination[(y * 28) + x] = sourceY is >= 0 and < 28 && sourceX is >= 0 and < 28 ? image[(sourceY * 28) + sourceX] : background;
            }
        }
    }
}

/// <summary>The sample's command line.</summary>
internal sealed record Options(string DataDirectory, int Epochs, int BatchSize, double LearningRate, int Seed, int TrainLimit, string Augment, double LabelSmoothing, string OutputPath, bool Help)
{
    public const string Usage = """
        Usage: ResidualFashionMnist [options]
          --data DIR             Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)
          --epochs N             epochs to train (default 30)
          --batch-size N         samples per batch (default 128)
          --learning-rate X      initial SGD learning rate, annealed to 0 (default 0.05)
          --seed N               seed of initialisation, shuffling and augmentation (default 1)
          --train-limit N        train on the first N training images only, for a quick run (default all)
          --augment MODE         full (flips and shifts), flip, or none (default flip)
          --label-smoothing X    cross-entropy label smoothing, from 0 to 1 (default 0.1)
          --output FILE          where to save the network (default resnet.safetensors)
        """;

    public static Options Parse(string[] args)
    {
        var options = new Options(FashionMnistData.DefaultDirectory, 30, 128, 0.05, 1, int.MaxValue, "flip", 0.1, "resnet.safetensors", false);
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

            options = args[i] switch
            {
                "--data" => options with { DataDirectory = Value() },
                "--epochs" => options with { Epochs = Int("--epochs", 1) },
                "--batch-size" => options with { BatchSize = Int("--batch-size", 2) },
                "--learning-rate" => options with
                {
                    LearningRate = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate > 0
                        ? rate
                        : throw new ArgumentException("--learning-rate takes a number above 0."),
                },
                "--seed" => options with { Seed = Int("--seed", 0) },
                "--train-limit" => options with { TrainLimit = Int("--train-limit", 2) },
                "--augment" => options with { Augment = AugmentMode(Value()) },
                "--label-smoothing" => options with
                {
                    LabelSmoothing = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double smoothing) && smoothing >= 0 && smoothing <= 1
                        ? smoothing
                        : throw new ArgumentException("--label-smoothing takes a number from 0 to 1."),
                },
                "--output" => options with { OutputPath = Value() },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }

    private static string AugmentMode(string mode) => mode is "full" or "flip" or "none" ? mode : throw new ArgumentException($"--augment takes full, flip or none, not '{mode}'.");
}
