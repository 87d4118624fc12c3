// Transfer learning on Fashion-MNIST: pre-trains a small convolutional network on five classes
// (T-shirt/top, trouser, pullover, dress, coat), saves it, then fine-tunes its last two layers (the
// dense "features" layer, loaded too, and a new head) on the other five classes (sandal, shirt,
// sneaker, bag, ankle boot) from a hundred labelled images, over a frozen convolutional backbone,
// three ways:
//   1. FineTuneNet, whose backbone is frozen in its declaration, with every tensor but the head's
//      loaded by name;
//   2. the same with a random backbone, to show what pre-training is worth;
//   3. PretrainNet with its backbone frozen at run time by name (Freeze), which computes the same
//      numbers as 1 but spends time on the backbone's backward that 1's generated code skips.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using StaticNet;
using StaticNet.Samples;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string dataDirectory = FashionMnistData.DefaultDirectory, output = "pretrained.safetensors";
int pretrainEpochs = 2, fineTuneEpochs = 20, fineTuneImages = 100, seed = 1;
double fineTuneRate = 1e-2;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--data": dataDirectory = Value(); break;
        case "--pretrain-epochs": pretrainEpochs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--finetune-epochs": fineTuneEpochs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--finetune-images": fineTuneImages = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--finetune-rate": fineTuneRate = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--output": output = Value(); break;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Options: --data DIR, --pretrain-epochs N (2), --finetune-epochs N (20), --finetune-images N (100), --finetune-rate X (0.01), --seed N (1), --output FILE (pretrained.safetensors)");
            return 2;
    }
}

if (!FashionMnistData.TryLoad(dataDirectory, out Dataset train, out Dataset test))
{
    return 2;
}

Normalization normalization = Normalization.Fit(train);
normalization.Apply(train);
normalization.Apply(test);
(Dataset oldTrain, Dataset oldTest) = (Classes(train, 0), Classes(test, 0));
(Dataset newTrain, Dataset newTest) = (Classes(train, 5), Classes(test, 5));
newTrain = newTrain.Subset(Enumerable.Range(0, newTrain.Count).Where(i => i % (newTrain.Count / fineTuneImages) == 0).Take(fineTuneImages).ToArray());
Console.WriteLine($"Pre-training on {oldTrain.Count:N0} images of {string.Join(", ", FashionMnistData.ClassNames.Take(5))}");
Console.WriteLine($"Fine-tuning on {newTrain.Count:N0} images of {string.Join(", ", FashionMnistData.ClassNames.Skip(5))}; testing on {newTest.Count:N0}");
Console.WriteLine();
Console.WriteLine(FineTuneNet.Summary);
Console.WriteLine();

// 1. Pre-train every layer on the first five classes, and save.
var pretrained = new PretrainNet(seed, batchCapacity: 64);
var watch = Stopwatch.StartNew();
var pretrainer = new Trainer<PretrainNet>(pretrained, new Adam(1e-3), Losses.SoftmaxCrossEntropy) { BatchSize = 64, Epochs = pretrainEpochs, Seed = seed };
pretrainer.Fit(oldTrain);
Console.WriteLine($"Pre-trained {pretrainEpochs} epochs in {watch.Elapsed.TotalSeconds:F0} s: {pretrainer.Evaluate(oldTest).Accuracy * 100:F2}% on the first five classes' test images");
pretrained.Save(output);

// 2. Fine-tune FineTuneNet's features and head; its backbone is loaded by name and frozen in its declaration.
var transferred = new FineTuneNet(seed, batchCapacity: 64);
LoadReport report = transferred.LoadMatching(output, name => !name.StartsWith("head.", StringComparison.Ordinal));
Console.WriteLine(report);
(double transferAccuracy, double transferSeconds) = FineTune(transferred, new Adam(fineTuneRate));
Console.WriteLine($"Pre-trained frozen backbone:        {transferAccuracy * 100:F2}% on the new classes' test images ({transferSeconds:F1} s)");

// 3. The same on a random frozen backbone: what the pre-training was worth.
(double randomAccuracy, _) = FineTune(new FineTuneNet(seed, batchCapacity: 64), new Adam(fineTuneRate));
Console.WriteLine($"Random frozen backbone:             {randomAccuracy * 100:F2}%");

// 4. Freezing at run time instead: PretrainNet with the same tensors, its backbone frozen by name.
var runtimeFrozen = new PretrainNet(seed, batchCapacity: 64);
runtimeFrozen.LoadMatching(output, name => !name.StartsWith("head.", StringComparison.Ordinal));
foreach (string layer in new[] { "conv1", "bn1", "conv2", "bn2" })
{
    runtimeFrozen.Freeze(layer);
}

// The trainer's optimizer updates only the network's trainable ranges, so the frozen layers stay exactly as loaded.
(double runtimeAccuracy, double runtimeSeconds) = FineTune(runtimeFrozen, new Adam(fineTuneRate));
Console.WriteLine($"Backbone frozen at run time:        {runtimeAccuracy * 100:F2}% ({runtimeSeconds:F1} s: the same numbers, but the declaration-frozen backbone skips its backward)");
return 0;

(double Accuracy, double Seconds) FineTune<TNetwork>(TNetwork network, IOptimizer optimizer)
    where TNetwork : INetwork
{
    var trainer = new Trainer<TNetwork>(network, optimizer, Losses.SoftmaxCrossEntropy) { BatchSize = 64, Epochs = fineTuneEpochs, Seed = seed };
    var stopwatch = Stopwatch.StartNew();
    trainer.Fit(newTrain);
    double seconds = stopwatch.Elapsed.TotalSeconds;
    return (trainer.Evaluate(newTest).Accuracy!.Value, seconds);
}

// The images of five classes from `first` on, labelled 0 to 4.
static Dataset Classes(Dataset data, int first)
{
    int[] indices = Enumerable.Range(0, data.Count).Where(i => data.Labels![i] >= first && data.Labels[i] < first + 5).ToArray();
    Dataset subset = data.Subset(indices);
    return new Dataset(subset.Features, data.SampleShape.ToArray(), subset.Labels!.Select(label => label - first).ToArray(), 5, $"{data.Source} (classes {first} to {first + 4})");
}
