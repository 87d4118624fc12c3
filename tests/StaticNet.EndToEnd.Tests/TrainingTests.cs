using StaticNet.Samples;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.EndToEnd;

[Collection(FashionMnistCollection.Name)]
public class TrainingTests
{
    private readonly FashionMnistFixture _data;
    private readonly ITestOutputHelper _output;

    public TrainingTests(FashionMnistFixture data, ITestOutputHelper output)
    {
        _data = data;
        _output = output;
    }

    [Fact]
    public void OneEpochOfLeNet5ReachesAtLeast84PercentTestAccuracy()
    {
        // PyTorch's LeNet-5 reaches about 85% after one epoch of Adam 1e-3 with batches of 64.
        var network = new LeNet5(seed: 1, batchCapacity: 64);
        var trainer = new Trainer<LeNet5>(network, new Adam(1e-3), Losses.SoftmaxCrossEntropy) { BatchSize = 64, Epochs = 1, Seed = 1 };
        History history = trainer.Fit(_data.Train);
        Evaluation test = trainer.Evaluate(_data.Test);

        _output.WriteLine($"train loss {history.Last.TrainLoss:F4}, test accuracy {test.Accuracy:P2}, {history.Last.Duration.TotalSeconds:F1} s");
        Assert.True(test.Accuracy >= 0.84, $"test accuracy after one epoch: {test.Accuracy:P2}, expected at least 84%");
    }
}
