using System;
using System.IO;
using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.EndToEnd;

public class SequenceTrainingTests
{
    private readonly ITestOutputHelper _output;

    public SequenceTrainingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void OneEpochOfTheLineReaderReadsMoreThanHalfOfTheTestItems()
    {
        // The TextLines sample's recipe, small: lines of Fashion-MNIST items made from 24,000 training images,
        // one epoch through Fit with the CTC loss, then lines made only from test images. A network that reads
        // nothing (where CTC training starts, all blanks) has an item error rate of 100%.
        string directory = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnistData.DefaultDirectory;
        (Dataset trainImages, Dataset testImages) = FashionMnistData.Load(directory);
        Dataset train = ItemLines.Compose(trainImages.Take(24_000), 1, 1, "training lines", mirror: true);
        Dataset test = ItemLines.Compose(testImages.Take(3_000), 1, 2, "test lines");
        Normalization normalization = Normalization.Fit(train);
        normalization.Apply(train);
        normalization.Apply(test);

        var ctc = new CtcLoss(LineReader.Layers.Conv5.Width, LineReader.Layers.Conv5.Channels, CtcLayout.ClassMajor);
        var trainer = new Trainer<LineReader>(new LineReader(seed: 1, batchCapacity: 32), new AdamW(2e-3), ctc) { BatchSize = 32, Epochs = 1, Seed = 1, Test = test };
        History history = trainer.Fit(train);
        Evaluation result = history.Test!.Value;

        _output.WriteLine($"{train.Count} training lines, loss {history.Last.TrainLoss:F4}, training item error rate {history.Last.TrainItemErrorRate:P2}; " +
            $"test item error rate {result.ItemErrorRate:P2}, sequence accuracy {result.SequenceAccuracy:P2} on {test.Count} lines; {history.Last.Duration.TotalSeconds:F1} s");
        Assert.True(result.ItemErrorRate < 0.5, $"test item error rate after one epoch: {result.ItemErrorRate:P2}, expected below 50%");
        Assert.True(result.SequenceAccuracy > 0.1, $"test sequence accuracy after one epoch: {result.SequenceAccuracy:P2}, expected above 10%");
    }
}
