using System;
using System.IO;
using System.Linq;
using Spectre.Console;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

public class ConsoleProgressTests
{
    private static Trainer<DenseReluNetFour> NewTrainer(ITrainingCallback progress) =>
        new(new DenseReluNetFour(seed: 1, batchCapacity: 16), new Adam(1e-2), Losses.SoftmaxCrossEntropy)
        {
            BatchSize = 16, Epochs = 2, ValidationSplit = 0.25, Test = TrainerTests.Blobs(20, 4), TopK = 2, Callbacks = { progress },
        };

    [Fact]
    public void PlainOutputIsOneLinePerEpoch()
    {
        var output = new StringWriter();
        Trainer<DenseReluNetFour> trainer = NewTrainer(new ConsoleProgress(ProgressStyle.Plain, output));
        trainer.Network.Simd = SimdLevel.Vector128;
        trainer.Network.Threads = 1;
        History history = trainer.Fit(TrainerTests.Blobs(64, 1));
        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("Training DenseReluNetFour on 48 samples per epoch (3 batches), validating on 16, 2 epochs with Adam, Vector128 kernels on 1 thread", lines[0]);
        Assert.Equal(ConsoleProgress.Summary(history.Epochs[0], 2, 2), lines[1]);
        Assert.StartsWith("epoch 2/2  loss ", lines[2]);
        Assert.Contains("  top2 ", lines[2]);
        Assert.Contains("  val_acc ", lines[2]);
        Assert.StartsWith("Test: loss ", lines[3]);
        Assert.EndsWith("(20 samples)", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void TheLiveDisplayLeavesOneLinePerEpochAndEndsWhenTrainingFails()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var progress = new ConsoleProgress(ProgressStyle.Live, null, console);
        NewTrainer(progress).Fit(TrainerTests.Blobs(64, 1));
        string text = System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\x1b\[[0-9;?]*[A-Za-z]", "");
        Assert.Contains("Training DenseReluNetFour on 48 samples", text);
        Assert.Contains("epoch 1/2  loss ", text);
        Assert.Contains("epoch 2/2  loss ", text);
        Assert.Contains("Test: loss ", text);

        // An exception in the middle of an epoch ends the display (no thread left waiting) and propagates.
        Trainer<DenseReluNetFour> failing = NewTrainer(progress);
        failing.Callbacks.Add(new Throw());
        Assert.Throws<InvalidOperationException>(() => failing.Fit(TrainerTests.Blobs(64, 1)));
        NewTrainer(progress).Fit(TrainerTests.Blobs(64, 1));
    }

    private sealed class Throw : ITrainingCallback
    {
        public void BatchCompleted(TrainingContext context, in BatchMetrics batch)
        {
            if (batch.Step == 2)
            {
                throw new InvalidOperationException("callback failed");
            }
        }
    }
}
