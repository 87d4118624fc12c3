using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Fit, Evaluate and the history with the CTC loss on datasets of label sequences. CtcConvNet reads a
/// 2 x 1 x 8 strip into 4 classes at 8 steps, class-major: the blank (0) and the labels 0, 1, 2 as classes
/// 1, 2, 3. Its inputs here spell an alignment, one class per step: channel 0 is 1 where the class is 1 or
/// 3, channel 1 where it is 2 or 3, so each step's class is a linear function of that step's two values.
/// </summary>
public class SequenceTrainingTests
{
    private const int Steps = 8, Classes = 4;

    private static CtcLoss Ctc() => new(Steps, Classes, CtcLayout.ClassMajor);

    /// <summary>The strip that spells <paramref name="alignment"/> (a class per step).</summary>
    private static float[] Encode(IReadOnlyList<int> alignment)
    {
        var input = new float[2 * Steps];
        for (int t = 0; t < Steps; t++)
        {
            input[t] = alignment[t] is 1 or 3 ? 1 : 0;
            input[Steps + t] = alignment[t] is 2 or 3 ? 1 : 0;
        }

        return input;
    }

    /// <summary>Strips of random alignments (a blank at 40% of the steps), each with the labels its alignment spells.</summary>
    internal static Dataset RandomTask(int count, int seed)
    {
        var random = new RandomStream(seed, 0x5E0);
        var features = new List<float>();
        var sequences = new int[count][];
        for (int i = 0; i < count; i++)
        {
            int[] alignment = Enumerable.Range(0, Steps).Select(_ => random.NextDouble() < 0.4 ? 0 : 1 + random.NextInt(3)).ToArray();
            features.AddRange(Encode(alignment));
            sequences[i] = CtcReference.Collapse(alignment, 0).Select(c => c - 1).ToArray();
        }

        return new Dataset(features.ToArray(), new[] { 2, 1, Steps }, sequences, 3, $"random strips {seed}");
    }

    /// <summary>
    /// Weights under which each step's logits pick the class its two values spell, by a margin of 5 or
    /// more: blank 0, class 1 <c>10 (a - b) - 5</c>, class 2 <c>10 (b - a) - 5</c>, class 3 <c>10 (a + b) - 15</c>.
    /// Only the kernel's centre is used: the strip is one row high, padded by one.
    /// </summary>
    private static void SpellAlignments(CtcConvNet net)
    {
        float[] weight = new float[Classes * 2 * 3 * 3];
        float[,] centre = { { 0, 0 }, { 10, -10 }, { -10, 10 }, { 10, 10 } };
        for (int k = 0; k < Classes; k++)
        {
            for (int c = 0; c < 2; c++)
            {
                weight[(((k * 2) + c) * 9) + 4] = centre[k, c];
            }
        }

        net.WriteTensor("conv1.weight", weight);
        net.WriteTensor("conv1.bias", new float[] { 0, -5, -5, -15 });
    }

    /// <summary>
    /// Six strips whose greedy reading is known, each with a target chosen by hand, and the edit distance
    /// between the two worked out by hand.
    /// </summary>
    private static (Dataset Data, int[] Distances) HandChecked()
    {
        (int[] Alignment, int[] Target, int Distance)[] cases =
        {
            (new[] { 1, 1, 0, 2, 2, 0, 3, 0 }, new[] { 0, 1, 2 }, 0),     // reads 0 1 2: exact
            (new[] { 1, 0, 1, 0, 0, 0, 0, 0 }, new[] { 0 }, 1),           // reads 0 0: one label too many
            (new[] { 0, 0, 0, 0, 0, 0, 0, 0 }, new[] { 2, 2 }, 2),        // reads nothing: two missing
            (new[] { 3, 3, 0, 2, 0, 0, 1, 1 }, new[] { 2, 0, 0, 1 }, 2),  // reads 2 1 0: 1 becomes 0, then 1 added
            (new[] { 2, 0, 2, 0, 2, 0, 2, 0 }, new[] { 1, 1, 1 }, 1),     // reads 1 1 1 1: one too many
            (new[] { 0, 3, 0, 0, 1, 0, 0, 0 }, new[] { 2, 0 }, 0),        // reads 2 0: exact
        };
        var data = new Dataset(cases.SelectMany(c => Encode(c.Alignment)).ToArray(), new[] { 2, 1, Steps }, cases.Select(c => c.Target).ToArray(), 3, "hand-checked");
        return (data, cases.Select(c => c.Distance).ToArray());
    }

    [Fact]
    public void EvaluateAndFitReportTheHandCountedEditDistances()
    {
        (Dataset data, int[] distances) = HandChecked();
        Assert.Equal(6, distances.Sum());
        const double errorRate = 6.0 / 15, exact = 2.0 / 6; // 6 edits over 3 + 1 + 2 + 4 + 3 + 2 = 15 target labels; 2 of 6 read exactly

        var net = new CtcConvNet(seed: 1, batchCapacity: 4);
        SpellAlignments(net);
        var trainer = new Trainer<CtcConvNet>(net, new Sgd(0), Ctc()) { BatchSize = 4, Epochs = 1, Validation = data, Test = data };
        Evaluation evaluation = trainer.Evaluate(data);
        Assert.Equal(errorRate, evaluation.ItemErrorRate);
        Assert.Equal(exact, evaluation.SequenceAccuracy);
        Assert.Null(evaluation.Accuracy);
        Assert.Null(evaluation.Precision);
        Assert.Equal(6, evaluation.Count);

        // The loss: each sample's -log p(target) by brute force over every alignment, over its length, averaged.
        var outputs = new float[6 * Steps * Classes];
        net.Predict(data.Features, outputs, 6);
        double expectedLoss = Enumerable.Range(0, 6).Average(b =>
        {
            double[] sample = outputs.Skip(b * Steps * Classes).Take(Steps * Classes).Select(v => (double)v).ToArray();
            int[] target = data.Sequence(b).ToArray();
            return CtcReference.TargetLoss(CtcReference.LogSoftmax(sample, Steps, Classes, CtcLayout.ClassMajor), Steps, Classes, 0, target.Select(l => l + 1).ToArray()) / target.Length;
        });
        Assert.Equal(expectedLoss, evaluation.Loss, expectedLoss * 1e-5);

        // A learning rate of 0 leaves the weights alone: the epoch's training figures, read as each batch is
        // stepped on, are the same counts, and so are validation and test.
        History history = trainer.Fit(data);
        EpochMetrics epoch = history.Last;
        Assert.Equal(errorRate, epoch.TrainItemErrorRate);
        Assert.Equal(exact, epoch.TrainSequenceAccuracy);
        Assert.Equal(errorRate, epoch.ValidationItemErrorRate);
        Assert.Equal(exact, epoch.ValidationSequenceAccuracy);
        Assert.Equal(expectedLoss, epoch.TrainLoss, expectedLoss * 1e-5);
        Assert.Null(epoch.TrainAccuracy);
        Assert.Null(epoch.ValidationAccuracy);
        Assert.Equal(errorRate, history.Test!.Value.ItemErrorRate);
        Assert.Contains("  seq_acc 33.33%  ier 40.00%  val_loss ", ConsoleProgress.Summary(epoch, 1));
        Assert.Contains("  val_seq_acc 33.33%  val_ier 40.00%  lr ", ConsoleProgress.Summary(epoch, 1));
    }

    [Fact]
    public void TheHistoryFilesCarryTheSequenceMetrics()
    {
        (Dataset data, _) = HandChecked();
        var net = new CtcConvNet(seed: 1, batchCapacity: 4);
        SpellAlignments(net);
        var output = new StringWriter();
        var trainer = new Trainer<CtcConvNet>(net, new Sgd(0), Ctc())
        {
            BatchSize = 4, Epochs = 2, Validation = data, Test = data, Callbacks = { new ConsoleProgress(ProgressStyle.Plain, output) },
        };
        History history = trainer.Fit(data);
        Assert.Contains(", sequence accuracy 33.33%, item error rate 40.00% (6 samples)", output.ToString());
        using var directory = new TempDirectory();
        history.SaveCsv(directory.File("history.csv"));
        history.SaveJson(directory.File("history.json"));
        history.SaveChart(directory.File("history.svg"));

        string[] csv = File.ReadAllLines(directory.File("history.csv"));
        string[] header = csv[0].Split(',');
        Assert.Equal(
            "epoch,loss,accuracy,top_k_accuracy,val_loss,val_accuracy,val_top_k_accuracy,lr,grad_norm,steps,seconds,samples_per_second,sequence_accuracy,item_error_rate,val_sequence_accuracy,val_item_error_rate",
            csv[0]);
        Assert.Equal(3, csv.Length);
        string[] row = csv[2].Split(',');
        Assert.Equal("2", row[0]);
        Assert.Equal("", row[Array.IndexOf(header, "accuracy")]);
        Assert.Equal(2.0 / 6, double.Parse(row[Array.IndexOf(header, "sequence_accuracy")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.4, double.Parse(row[Array.IndexOf(header, "item_error_rate")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.4, double.Parse(row[Array.IndexOf(header, "val_item_error_rate")], System.Globalization.CultureInfo.InvariantCulture));

        string json = File.ReadAllText(directory.File("history.json"));
        Assert.Contains("\"val_item_error_rate\": 0.4", json);
        Assert.Contains("\"item_error_rate\": 0.4", json);
        History loaded = HistoryFiles.LoadJson(directory.File("history.json"));
        Assert.Equal(history.Epochs, loaded.Epochs);
        Assert.Equal(history.Test, loaded.Test);
        Assert.Equal(0.4, loaded.Test!.Value.ItemErrorRate);

        string svg = File.ReadAllText(directory.File("history.svg"));
        Assert.Contains("Item error rate, test 40.00%", svg);
        Assert.Contains("Sequence accuracy, test 33.33%", svg);
        Assert.DoesNotContain(">Accuracy", svg);
    }

    [Fact]
    public void AClassifiersHistoryFilesHaveNoSequenceColumns()
    {
        var trainer = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 1, batchCapacity: 16), new Adam(1e-2), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 1 };
        History history = trainer.Fit(TrainerTests.Blobs(32, 1));
        using var directory = new TempDirectory();
        history.SaveCsv(directory.File("history.csv"));
        history.SaveJson(directory.File("history.json"));
        Assert.EndsWith(",samples_per_second", File.ReadAllLines(directory.File("history.csv"))[0]);
        Assert.DoesNotContain("sequence", File.ReadAllText(directory.File("history.json")));
        Assert.DoesNotContain("item_error", File.ReadAllText(directory.File("history.json")));
        Assert.Null(HistoryFiles.LoadJson(directory.File("history.json")).Last.TrainItemErrorRate);
    }

    [Fact]
    public void FitPairsEverySampleWithItsOwnSequenceInShuffledBatches()
    {
        // With a learning rate of 0 the weights never change, so the epoch's mean training loss is every
        // sample's loss against its own target, whatever order and batches (5, 5 and 2 samples) it came in.
        Dataset data = RandomTask(12, 3);
        var net = new CtcConvNet(seed: 4, batchCapacity: 5);
        var trainer = new Trainer<CtcConvNet>(net, new Sgd(0), Ctc()) { BatchSize = 5, Epochs = 2, Seed = 9 };
        History history = trainer.Fit(data);

        var outputs = new float[12 * Steps * Classes];
        net.Predict(data.Features, outputs, 12);
        double expected = Enumerable.Range(0, 12).Average(b =>
        {
            double[] sample = outputs.Skip(b * Steps * Classes).Take(Steps * Classes).Select(v => (double)v).ToArray();
            int[] target = data.Sequence(b).ToArray();
            return CtcReference.TargetLoss(CtcReference.LogSoftmax(sample, Steps, Classes, CtcLayout.ClassMajor), Steps, Classes, 0, target.Select(l => l + 1).ToArray()) / Math.Max(target.Length, 1);
        });
        Assert.Equal(expected, history.Epochs[0].TrainLoss, expected * 1e-5);
        Assert.Equal(expected, history.Epochs[1].TrainLoss, expected * 1e-5);

        // The two brute-force references agree (the faster one keeps only the target's alignments).
        Func<int, int, double> first = CtcReference.LogSoftmax(outputs.Take(Steps * Classes).Select(v => (double)v).ToArray(), Steps, Classes, CtcLayout.ClassMajor);
        int[] firstTarget = data.Sequence(0).ToArray().Select(l => l + 1).ToArray();
        Assert.Equal(CtcReference.Loss(first, Steps, Classes, 0, firstTarget), CtcReference.TargetLoss(first, Steps, Classes, 0, firstTarget), 1e-9);
        Assert.Equal(expected, trainer.Evaluate(data).Loss, expected * 1e-5);
    }

    [Fact]
    public void FitLearnsToReadRandomSequencesTheSameWayForTheSameSeed()
    {
        Trainer<CtcConvNet> Train(int seed, out History history)
        {
            var trainer = new Trainer<CtcConvNet>(new CtcConvNet(seed: 5, batchCapacity: 16), new Adam(2e-2), Ctc())
            {
                BatchSize = 16,
                Epochs = 15,
                Seed = seed,
                ValidationSplit = 0.2,
                Test = RandomTask(100, 2),
                EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationItemErrorRate, patience: 4, restoreBestWeights: true),
            };
            history = trainer.Fit(RandomTask(240, 1));
            return trainer;
        }

        Trainer<CtcConvNet> trainer = Train(1, out History history);
        Evaluation test = history.Test!.Value;
        Assert.True(history.Epochs[0].ValidationItemErrorRate > 0.3, $"validation item error rate after one epoch {history.Epochs[0].ValidationItemErrorRate}");
        Assert.True(test.ItemErrorRate < 0.02, $"test item error rate {test.ItemErrorRate}, validation {string.Join(", ", history.Epochs.Select(e => e.ValidationItemErrorRate))}");
        Assert.True(test.SequenceAccuracy > 0.95, $"test sequence accuracy {test.SequenceAccuracy}");

        // The same seed, the same split, order and weights, bit for bit; another seed, another run.
        Trainer<CtcConvNet> again = Train(1, out History historyAgain);
        Assert.Equal(trainer.Network.Parameters.ToArray(), again.Network.Parameters.ToArray());
        Assert.Equal(history.Epochs.Select(e => e.TrainLoss), historyAgain.Epochs.Select(e => e.TrainLoss));
        Trainer<CtcConvNet> other = Train(2, out History otherHistory);
        Assert.NotEqual(history.Epochs[0].TrainLoss, otherHistory.Epochs[0].TrainLoss);
    }

    [Fact]
    public void BeamSearchReadsTheMostProbableLabellingWhereTheBestPathDoesNot()
    {
        // Every step the same: blank 0.6, label 0 (class 1) 0.4, the others next to nothing. The best path is
        // all blanks, read as nothing; the labelling with the most probability over all its alignments is not.
        var net = new CtcConvNet(seed: 1, batchCapacity: 1);
        net.WriteTensor("conv1.weight", new float[Classes * 2 * 9]);
        float[] bias = { MathF.Log(0.6f), MathF.Log(0.4f), -30, -30 };
        net.WriteTensor("conv1.bias", bias);
        Dictionary<string, double> labellings = CtcReference.Labellings((t, c) => bias[c] - Math.Log(0.6 + 0.4 + (2 * Math.Exp(-30))), Steps, Classes, 0);
        int[] best = labellings.MaxBy(entry => entry.Value).Key.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) - 1).ToArray();
        Assert.NotEmpty(best);

        var data = new Dataset(new float[2 * Steps], new[] { 2, 1, Steps }, new[] { best }, 3, "one strip");
        var trainer = new Trainer<CtcConvNet>(net, new Sgd(0), Ctc());
        Assert.Equal(1.0, trainer.Evaluate(data).ItemErrorRate);
        trainer.DecodingBeamWidth = 4;
        Assert.Equal(0.0, trainer.Evaluate(data).ItemErrorRate);
        Assert.Equal(1.0, trainer.Evaluate(data).SequenceAccuracy);
    }

    [Fact]
    public void TheTrainerSaysWhatDoesNotFitTheSequences()
    {
        Trainer<CtcConvNet> NewTrainer(CtcLoss? loss = null) => new(new CtcConvNet(seed: 1, batchCapacity: 4), new Adam(1e-3), loss ?? Ctc()) { BatchSize = 4, Epochs = 1 };
        Dataset Strips(int classCount, params int[][] sequences) => new(new float[sequences.Length * 2 * Steps], new[] { 2, 1, Steps }, sequences, classCount, "strips");
        Dataset good = Strips(3, new[] { 0 }, new[] { 1, 2 });

        Assert.Contains("train (strips): the CTC loss needs a label sequence per sample, but the dataset has class labels; create it with new Dataset(features, sampleShape, sequences, classCount)", Assert.Throws<ArgumentException>(
            () => NewTrainer().Fit(new Dataset(new float[2 * 2 * Steps], new[] { 2, 1, Steps }, new[] { 0, 1 }, 3, "strips"))).Message);
        Assert.Contains("train (strips): sample 1 has a sequence of 5 labels, which needs at least 9 output steps (one per label, and a blank between each repeated pair), but the CTC loss reads 8", Assert.Throws<ArgumentException>(
            () => NewTrainer().Fit(Strips(3, new[] { 0 }, new[] { 1, 1, 1, 1, 1 }))).Message);
        Assert.Contains("sample 0 has a sequence of 9 labels, which needs at least 9 output steps", Assert.Throws<ArgumentException>(
            () => NewTrainer().Fit(Strips(3, new[] { 0, 1, 0, 1, 0, 1, 0, 1, 0 }))).Message);
        Assert.Contains("sample 1 has a sequence of 3 labels, longer than the 2 the CTC loss was made for (maxTargetLength)", Assert.Throws<ArgumentException>(
            () => NewTrainer(new CtcLoss(Steps, Classes, CtcLayout.ClassMajor, maxTargetLength: 2)).Fit(Strips(3, new[] { 0 }, new[] { 0, 1, 2 }))).Message);
        Assert.Contains("train (strips): labels from 4 classes, but the CTC loss has 4 classes, the blank and 3 for labels", Assert.Throws<ArgumentException>(
            () => NewTrainer().Fit(Strips(4, new[] { 0 }, new[] { 3 }))).Message);
        Assert.Contains("Fit and Evaluate take each batch's mean loss, but the CTC loss has reduction Sum", Assert.Throws<ArgumentException>(
            () => NewTrainer(new CtcLoss(Steps, Classes, CtcLayout.ClassMajor, reduction: LossReduction.Sum)).Fit(good)).Message);
        Assert.Contains("Validation (strips): the CTC loss needs a label sequence per sample, but the dataset has target values", Assert.Throws<ArgumentException>(() =>
        {
            Trainer<CtcConvNet> trainer = NewTrainer();
            trainer.Validation = new Dataset(new float[2 * Steps], new[] { 2, 1, Steps }, new float[Steps * Classes], Steps * Classes, "strips");
            trainer.Fit(good);
        }).Message);

        Trainer<CtcConvNet> topK = NewTrainer();
        topK.TopK = 2;
        Assert.Contains("TopK is for one class per sample, but the CTC loss reads label sequences", Assert.Throws<ArgumentException>(() => topK.Fit(good)).Message);
        Trainer<CtcConvNet> negativeBeam = NewTrainer();
        negativeBeam.DecodingBeamWidth = -1;
        Assert.Contains("DecodingBeamWidth must be 0 (greedy decoding) or a beam of at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => negativeBeam.Fit(good)).Message);
        Assert.Contains("DecodingBeamWidth is -1", Assert.Throws<InvalidOperationException>(() => negativeBeam.Evaluate(good)).Message);

        Trainer<CtcConvNet> accuracy = NewTrainer();
        accuracy.Validation = good;
        accuracy.EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationAccuracy);
        Assert.Contains("EarlyStopping monitors val_accuracy, but epoch 1 has no value for it; it is measured on class labels", Assert.Throws<InvalidOperationException>(() => accuracy.Fit(good)).Message);

        Assert.Contains("strips: a confusion matrix needs class labels, but the dataset has label sequences", Assert.Throws<ArgumentException>(() => NewTrainer().ConfusionMatrix(good)).Message);

        // And the other way round: sequences for a loss of one class per sample, a sequence metric on class labels.
        var classifier = new Trainer<DenseReluNetFour>(new DenseReluNetFour(seed: 1, batchCapacity: 16), new Adam(1e-2), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 1 };
        Assert.Contains("train (sequences): the dataset has label sequences, which a CtcLoss reads, but the trainer's loss is", Assert.Throws<ArgumentException>(
            () => classifier.Fit(new Dataset(new float[2 * 6], new[] { 6 }, new[] { new[] { 0 }, new[] { 1 } }, 4, "sequences"))).Message);
        classifier.ValidationSplit = 0.25;
        classifier.EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationItemErrorRate);
        Assert.Contains("EarlyStopping monitors val_item_error_rate, but epoch 1 has no value for it; it is measured on label sequences, with a CtcLoss", Assert.Throws<InvalidOperationException>(
            () => classifier.Fit(TrainerTests.Blobs(40, 1))).Message);
    }

    [Fact]
    public void ATrainingStepOnSequencesAllocatesNothing()
    {
        var meter = new EpochAllocationMeter(epochs: 4, batchesPerEpoch: 10);
        var trainer = new Trainer<CtcConvNet>(new CtcConvNet(seed: 2, batchCapacity: 8), new Adam(1e-2), Ctc())
        {
            BatchSize = 8,
            Epochs = 4,
            ValidationSplit = 0.2,
            Schedule = new OneCycleLR(1e-2, 4 * 10),
            Callbacks = { meter, new ConsoleProgress(ProgressStyle.Plain, TextWriter.Null) },
        };
        trainer.Fit(RandomTask(100, 4));

        Assert.Equal(3 * 9, meter.Measured);
        Assert.True(meter.FewestInAnEpoch == 0, meter.PerBatch);
    }
}
