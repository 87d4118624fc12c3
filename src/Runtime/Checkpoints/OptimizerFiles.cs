using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace StaticNet;

/// <summary>
/// Saving and loading an optimizer's state as safetensors, next to the network's weights. The layout
/// (documented in docs/training.md) is one float32 tensor per state buffer, <c>optimizer.exp_avg</c>
/// of shape [parameter count] in the layout of the network's parameter buffer, and metadata strings:
/// <c>optimizer.name</c>, <c>optimizer.parameter_count</c>, <c>optimizer.step_count</c>,
/// <c>optimizer.lr</c>, <c>optimizer.steps</c> (per-parameter step counts, as
/// <c>offset:length:step:scalar</c> runs separated by <c>;</c>) and one <c>optimizer.hp.NAME</c> per hyperparameter.
/// </summary>
public static class OptimizerFiles
{
    private const string Prefix = "optimizer.";

    /// <summary>Saves the optimizer's state to <paramref name="path"/>, atomically.</summary>
    public static void SaveState(this IOptimizer optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var tensors = new List<SafeTensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };
        Add(optimizer.ExportState(), tensors, metadata);
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Loads an optimizer's state saved by <see cref="SaveState"/>. A file from another kind of
    /// optimizer, for another parameter count, or truncated or corrupt, throws
    /// <see cref="InvalidDataException"/> naming the file and what differs; the optimizer is then unchanged.
    /// </summary>
    public static void LoadState(this IOptimizer optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Import(optimizer, SafeTensors.Read(path));
    }

    /// <summary>Adds an optimizer state's tensors and metadata to a file being written.</summary>
    internal static void Add(OptimizerState state, List<SafeTensor> tensors, Dictionary<string, string> metadata)
    {
        metadata[Prefix + "name"] = state.Optimizer;
        metadata[Prefix + "parameter_count"] = state.ParameterCount.ToString(CultureInfo.InvariantCulture);
        metadata[Prefix + "step_count"] = state.StepCount.ToString(CultureInfo.InvariantCulture);
        metadata[Prefix + "lr"] = Format(state.LearningRate);
        var steps = new StringBuilder();
        foreach (StepSegment segment in state.Segments)
        {
            steps.Append(steps.Length == 0 ? "" : ";")
                .Append(segment.Offset.ToString(CultureInfo.InvariantCulture)).Append(':')
                .Append(segment.Length.ToString(CultureInfo.InvariantCulture)).Append(':')
                .Append(segment.Step.ToString(CultureInfo.InvariantCulture)).Append(':')
                .Append(Format(segment.Scalar));
        }

        metadata[Prefix + "steps"] = steps.ToString();
        foreach (KeyValuePair<string, double> hyperparameter in state.Hyperparameters)
        {
            metadata[Prefix + "hp." + hyperparameter.Key] = Format(hyperparameter.Value);
        }

        foreach (KeyValuePair<string, float[]> buffer in state.Buffers)
        {
            tensors.Add(new SafeTensor(Prefix + buffer.Key, new[] { buffer.Value.Length }, buffer.Value));
        }
    }

    /// <summary>Reads an optimizer state from a file and imports it; any problem throws naming the file, and changes nothing.</summary>
    internal static void Import(IOptimizer optimizer, SafeTensorsFile file)
    {
        OptimizerState state = Read(file);
        try
        {
            optimizer.ImportState(state);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException($"{file.Path}: {exception.Message}", exception);
        }
    }

    /// <summary>Reads an optimizer state from a file, checking every entry.</summary>
    internal static OptimizerState Read(SafeTensorsFile file)
    {
        string name = Required(file, "name");
        int parameterCount = (int)ParseLong(file, "parameter_count", Required(file, "parameter_count"), 0, int.MaxValue);
        long stepCount = ParseLong(file, "step_count", Required(file, "step_count"), 0, long.MaxValue);
        double learningRate = ParseDouble(file, "lr", Required(file, "lr"));
        var segments = new List<StepSegment>();
        string steps = Required(file, "steps");
        if (steps.Length > 0)
        {
            foreach (string run in steps.Split(';'))
            {
                string[] parts = run.Split(':');
                if (parts.Length != 4)
                {
                    throw new InvalidDataException($"{file.Path}: metadata '{Prefix}steps' has the run '{run}', expected offset:length:step:scalar.");
                }

                segments.Add(new StepSegment(
                    (int)ParseLong(file, "steps", parts[0], 0, int.MaxValue),
                    (int)ParseLong(file, "steps", parts[1], 0, int.MaxValue),
                    ParseLong(file, "steps", parts[2], 0, long.MaxValue),
                    ParseDouble(file, "steps", parts[3])));
            }
        }

        var hyperparameters = new List<KeyValuePair<string, double>>();
        foreach (KeyValuePair<string, string> entry in file.Metadata)
        {
            if (entry.Key.StartsWith(Prefix + "hp.", StringComparison.Ordinal))
            {
                hyperparameters.Add(new(entry.Key.Substring(Prefix.Length + 3), ParseDouble(file, entry.Key.Substring(Prefix.Length), entry.Value)));
            }
        }

        var buffers = new List<KeyValuePair<string, float[]>>();
        foreach (SafeTensor tensor in file.Tensors)
        {
            if (!tensor.Name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (tensor.Shape.Length != 1 || tensor.Shape[0] != parameterCount)
            {
                throw new InvalidDataException($"{file.Path}: optimizer tensor '{tensor.Name}' has shape {tensor.ShapeText}, expected [{parameterCount}] (the parameter count).");
            }

            buffers.Add(new(tensor.Name.Substring(Prefix.Length), tensor.Values));
        }

        return new OptimizerState(name, parameterCount, stepCount, learningRate, buffers, segments, hyperparameters);
    }

    private static string Required(SafeTensorsFile file, string key) =>
        file.Metadata.TryGetValue(Prefix + key, out string? value)
            ? value
            : throw new InvalidDataException($"{file.Path}: no '{Prefix}{key}' metadata; the file holds no optimizer state (it was not written by SaveState or a training checkpoint).");

    private static long ParseLong(SafeTensorsFile file, string key, string text, long min, long max) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? value
            : throw new InvalidDataException($"{file.Path}: metadata '{Prefix}{key}' holds '{text}', expected a whole number from {min} to {max}.");

    private static double ParseDouble(SafeTensorsFile file, string key, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidDataException($"{file.Path}: metadata '{Prefix}{key}' holds '{text}', expected a number.");

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
