using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace StaticNet;

// Checkpoints: the best and last weights, and the resume file that continues a run exactly.
public sealed partial class Trainer<TNetwork>
{
    private const string CheckpointMarker = "staticnet.checkpoint", CheckpointKind = "training/1";
    private const string ModelPrefix = "model.", BestWeightsTensor = "early_stopping.best_weights";

    private void SaveBest(EpochMetrics metrics, MonitoredMetric? monitor, ref RunState state)
    {
        if (monitor is null)
        {
            return;
        }

        double value = monitor.ReadRequired(metrics, "Keeping the best checkpoint");
        bool better = double.IsNaN(state.BestCheckpointValue)
            || (monitor.Mode == MetricMode.Min ? value < state.BestCheckpointValue : value > state.BestCheckpointValue);
        if (!better)
        {
            return;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["epoch"] = metrics.Epoch.ToString(CultureInfo.InvariantCulture),
            [monitor.Name] = value.ToString("R", CultureInfo.InvariantCulture),
        };
        AddUserMetadata(metadata);
        if (IsWriter)
        {
            Network.Save(Checkpoints!.BestPath, metadata);
        }

        state = state with { BestCheckpointValue = value };
    }

    private void SaveLast(RunState state, Dataset train, Dataset? validation, History history)
    {
        if (Checkpoints is not { KeepLast: true } || !IsWriter)
        {
            return;
        }

        var weightsMetadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["epoch"] = state.Epoch.ToString(CultureInfo.InvariantCulture) };
        AddUserMetadata(weightsMetadata);
        Network.Save(Checkpoints.LastPath, weightsMetadata);

        // The resume file holds everything in one file, written atomically, so weights and optimizer state can never come from different saves.
        var tensors = new List<SafeTensor>();
        NetworkFiles.AddTensors(Network, tensors, ModelPrefix);
        Dictionary<string, string> metadata = NetworkFiles.WithNetwork(Network, null);
        metadata[CheckpointMarker] = CheckpointKind;
        metadata["trainer.epoch"] = state.Epoch.ToString(CultureInfo.InvariantCulture);
        metadata["trainer.step"] = state.Step.ToString(CultureInfo.InvariantCulture);
        metadata["trainer.initial_lr"] = state.InitialLearningRate.ToString("R", CultureInfo.InvariantCulture);
        metadata["trainer.best_checkpoint_value"] = state.BestCheckpointValue.ToString("R", CultureInfo.InvariantCulture);
        metadata["trainer.finished"] = state.Finished ? "1" : "0";
        metadata["trainer.active_optimizer"] = Optimizer.Name;
        foreach (KeyValuePair<string, string> setting in Settings(train, validation))
        {
            metadata[setting.Key] = setting.Value;
        }

        OptimizerFiles.Add(Optimizer.ExportState(), tensors, metadata);
        Schedule?.WriteState(metadata, "schedule.");
        if (EarlyStopping is not null)
        {
            EarlyStopping.WriteState(metadata);
            if (EarlyStopping.HasBestWeights)
            {
                float[] best = EarlyStopping.BestWeights.ToArray();
                tensors.Add(new SafeTensor(BestWeightsTensor, new[] { best.Length }, best));
            }
        }

        metadata["history"] = Encoding.UTF8.GetString(HistoryFiles.ToJson(history, indented: false));
        SafeTensors.Write(Checkpoints.ResumePath, tensors, metadata);
    }

    private RunState RestoreCheckpoint(string path, Dataset train, Dataset? validation, History history)
    {
        SafeTensorsFile file = SafeTensors.Read(path);
        IReadOnlyDictionary<string, string> metadata = file.Metadata;
        if (!metadata.TryGetValue(CheckpointMarker, out string? kind) || kind != CheckpointKind)
        {
            throw new InvalidDataException($"{path} is not a training checkpoint (its '{CheckpointMarker}' metadata is '{kind ?? "missing"}', expected '{CheckpointKind}'); resume from the resume.safetensors a trainer with Checkpoints wrote.");
        }

        string problems = NetworkFiles.Problems(Network, file, ModelPrefix, strict: true);
        if (problems.Length > 0)
        {
            throw new InvalidDataException($"{path} does not match network {Network.Name}; nothing was loaded:{problems}");
        }

        // The settings that decide the sequence of batches and updates must be those of the interrupted run.
        foreach (KeyValuePair<string, string> setting in Settings(train, validation))
        {
            string savedValue = Required(file, setting.Key);
            if (savedValue != setting.Value)
            {
                throw new InvalidOperationException($"{path} was saved by a run with {setting.Key} = {savedValue}, but this trainer has {setting.Value}; resuming with other settings would not continue the same run. Change the setting back, or start a new run with Fit.");
            }
        }

        // Read and check everything before changing anything.
        int epoch = (int)ParseLong(file, "trainer.epoch", 0, int.MaxValue);
        long step = ParseLong(file, "trainer.step", 0, long.MaxValue);
        double initialLearningRate = ParseDouble(file, "trainer.initial_lr");
        double bestCheckpointValue = ParseDouble(file, "trainer.best_checkpoint_value");
        bool finished = Required(file, "trainer.finished") == "1";
        History saved = HistoryFiles.FromJson(Encoding.UTF8.GetBytes(Required(file, "history")), path + " (history)");
        if (saved.Epochs.Count != epoch)
        {
            throw new InvalidDataException($"{path}: the history holds {saved.Epochs.Count} epochs, but the checkpoint is after epoch {epoch}; the file is corrupt.");
        }

        OptimizerState optimizerState = OptimizerFiles.Read(file);
        (double Best, int BestEpoch, int Wait, float[]? Weights) early = default;
        if (EarlyStopping is not null)
        {
            early.Best = ParseDouble(file, "early_stopping.best");
            early.BestEpoch = (int)ParseLong(file, "early_stopping.best_epoch", 0, int.MaxValue);
            early.Wait = (int)ParseLong(file, "early_stopping.wait", 0, int.MaxValue);
            if (Required(file, "early_stopping.has_best_weights") == "1")
            {
                int length = NetworkWeights.Length(Network);
                if (!file.TryGet(BestWeightsTensor, out SafeTensor weights) || weights.Shape.Length != 1 || weights.Values.Length != length)
                {
                    throw new InvalidDataException($"{path}: tensor '{BestWeightsTensor}' should hold the {length} values of the best epoch's weights, but is {(weights is null ? "missing" : weights.ShapeText)}.");
                }

                early.Weights = weights.Values;
            }
        }

        // The optimizer that trained the saved epoch: the first, or after a hand-over the one it went to.
        IOptimizer active = OptimizerFor(Math.Max(epoch, 1));
        if (metadata.TryGetValue("trainer.active_optimizer", out string? activeName) && activeName != active.Name)
        {
            throw new InvalidOperationException($"{path} was saved while {activeName} was training, but this trainer would be using {active.Name} after epoch {epoch}; resume with the same optimizers and SwitchOptimizer.");
        }

        // Apply: the optimizer and the schedule check their own state and change nothing when it is wrong;
        // the network's tensors were checked above and cannot fail.
        OptimizerState previous = active.ExportState();
        try
        {
            active.ImportState(optimizerState);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException($"{path}: {exception.Message}", exception);
        }

        try
        {
            Schedule?.Reset();
            Schedule?.ReadState(metadata, "schedule.");
        }
        catch (FormatException exception)
        {
            active.ImportState(previous);
            throw new InvalidDataException($"{path}: {exception.Message}", exception);
        }

        Optimizer = active;

        NetworkFiles.WriteTensors(Network, file, ModelPrefix);
        EarlyStopping?.ReadState(early.Best, early.BestEpoch, early.Wait, early.Weights);
        foreach (EpochMetrics metrics in saved.Epochs)
        {
            history.Add(metrics);
        }

        if (finished)
        {
            history.StopReason = saved.StopReason;
            history.StopMessage = saved.StopMessage;
        }

        return new RunState(epoch, step, initialLearningRate, bestCheckpointValue, finished);
    }

    // What decides the run's sequence of batches and updates, as metadata a resumed run must match.
    private List<KeyValuePair<string, string>> Settings(Dataset train, Dataset? validation)
    {
        string earlyStopping = EarlyStopping is null
            ? "none"
            : FormattableString.Invariant($"{EarlyStopping.Monitor.Name} patience {EarlyStopping.Patience} min_delta {EarlyStopping.MinDelta:R} restore {EarlyStopping.RestoreBestWeights}");
        return new List<KeyValuePair<string, string>>
        {
            new("trainer.seed", Seed.ToString(CultureInfo.InvariantCulture)),
            new("trainer.batch_size", BatchSize.ToString(CultureInfo.InvariantCulture)),
            new("trainer.drop_last", DropLast ? "true" : "false"),
            new("trainer.shuffle", Shuffle ? "true" : "false"),
            new("trainer.train_count", train.Count.ToString(CultureInfo.InvariantCulture)),
            new("trainer.validation_count", (validation?.Count ?? 0).ToString(CultureInfo.InvariantCulture)),
            new("trainer.optimizer", _firstOptimizer.Name),
            new("trainer.optimizer_switch", SwitchOptimizer is null ? "none" : FormattableString.Invariant($"epoch {SwitchOptimizer.Epoch}: {SwitchOptimizer.Optimizer.Name}")),
            new("trainer.schedule", Schedule?.GetType().Name ?? "none"),
            new("trainer.augmentation", Augmentation is null ? "none" : Augmentation.Transforms.Count.ToString(CultureInfo.InvariantCulture) + " transforms"),
            new("trainer.early_stopping", earlyStopping),
        };
    }

    private void AddUserMetadata(Dictionary<string, string> metadata)
    {
        if (Checkpoints?.Metadata is { } extra)
        {
            foreach (KeyValuePair<string, string> entry in extra)
            {
                metadata[entry.Key] = entry.Value;
            }
        }
    }

    private static string Required(SafeTensorsFile file, string key) =>
        file.Metadata.TryGetValue(key, out string? value) ? value : throw new InvalidDataException($"{file.Path}: no '{key}' metadata; the training checkpoint is incomplete or corrupt.");

    private static long ParseLong(SafeTensorsFile file, string key, long min, long max)
    {
        string text = Required(file, key);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? value
            : throw new InvalidDataException($"{file.Path}: metadata '{key}' is '{text}', expected a whole number from {min} to {max}.");
    }

    private static double ParseDouble(SafeTensorsFile file, string key)
    {
        string text = Required(file, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidDataException($"{file.Path}: metadata '{key}' is '{text}', expected a number.");
    }
}
