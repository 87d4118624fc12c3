using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace StaticNet;

/// <summary>
/// Saves a <see cref="History"/> as CSV (one row per epoch, Keras's <c>CSVLogger</c> column names) and as
/// JSON (the epochs plus how training ended and the test evaluation). Written with
/// <see cref="Utf8JsonWriter"/> and invariant-culture numbers: no reflection, the same file on every machine.
/// </summary>
public static class HistoryFiles
{
    /// <summary>
    /// Writes one row per epoch: <c>epoch, loss, accuracy, top_k_accuracy, val_loss, val_accuracy,
    /// val_top_k_accuracy, lr, grad_norm, steps, seconds, samples_per_second</c>, with k the history's
    /// top-k (<c>top_3_accuracy</c>; the columns stay, empty, without top-k), then, for label sequences,
    /// <c>sequence_accuracy, item_error_rate, val_sequence_accuracy, val_item_error_rate</c>, then, when tensors
    /// were monitored, <c>grad_norm:NAME, weight_norm:NAME, update_ratio:NAME</c> per parameter tensor; a
    /// missing value is an empty cell. Atomic, like every file the runtime writes.
    /// </summary>
    public static void SaveCsv(this History history, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        string topK = history.TopK > 0 ? $"top_{history.TopK}_accuracy" : "top_k_accuracy";
        var text = new StringBuilder();
        text.Append("epoch,loss,accuracy,").Append(topK).Append(",val_loss,val_accuracy,val_").Append(topK).Append(",lr,grad_norm,steps,seconds,samples_per_second");
        bool sequences = HasSequenceMetrics(history);
        if (sequences)
        {
            text.Append(",sequence_accuracy,item_error_rate,val_sequence_accuracy,val_item_error_rate");
        }

        IReadOnlyList<TensorStatistics>? tensors = history.Epochs.Count > 0 ? history.Epochs[0].Tensors : null;
        foreach (TensorStatistics tensor in tensors ?? Array.Empty<TensorStatistics>())
        {
            text.Append(",grad_norm:").Append(tensor.Name).Append(",weight_norm:").Append(tensor.Name).Append(",update_ratio:").Append(tensor.Name);
        }

        text.Append('\n');
        foreach (EpochMetrics epoch in history.Epochs)
        {
            text.Append(epoch.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(epoch.TrainLoss)).Append(',')
                .Append(Number(epoch.TrainAccuracy)).Append(',')
                .Append(Number(epoch.TrainTopKAccuracy)).Append(',')
                .Append(Number(epoch.ValidationLoss)).Append(',')
                .Append(Number(epoch.ValidationAccuracy)).Append(',')
                .Append(Number(epoch.ValidationTopKAccuracy)).Append(',')
                .Append(Number(epoch.LearningRate)).Append(',')
                .Append(Number(epoch.GradientNorm)).Append(',')
                .Append(epoch.Steps.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(epoch.Duration.TotalSeconds)).Append(',')
                .Append(Number(epoch.SamplesPerSecond));
            if (sequences)
            {
                text.Append(',').Append(Number(epoch.TrainSequenceAccuracy)).Append(',').Append(Number(epoch.TrainItemErrorRate))
                    .Append(',').Append(Number(epoch.ValidationSequenceAccuracy)).Append(',').Append(Number(epoch.ValidationItemErrorRate));
            }

            if (tensors is not null)
            {
                foreach (TensorStatistics tensor in epoch.Tensors ?? Array.Empty<TensorStatistics>())
                {
                    text.Append(',').Append(Number(tensor.GradientNorm)).Append(',').Append(Number(tensor.WeightNorm)).Append(',').Append(Number(tensor.UpdateRatio));
                }
            }

            text.Append('\n');
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes the history as indented JSON; the layout is in docs/training.md.</summary>
    public static void SaveJson(this History history, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        byte[] bytes = ToJson(history, indented: true);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Reads a history written by <see cref="SaveJson"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a history; the message names the file and the entry.</exception>
    public static History LoadJson(string path)
    {
        FileChecks.RequireFile(path, "History file");

        return FromJson(File.ReadAllBytes(path), path);
    }

    /// <summary>The history as JSON bytes.</summary>
    internal static byte[] ToJson(History history, bool indented)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteString("loss_function", history.LossName);
            json.WriteNumber("top_k", history.TopK);
            json.WriteString("stop_reason", history.StopReason.ToString());
            json.WriteString("stop_message", history.StopMessage);
            WriteNullable(json, "restored_epoch", history.RestoredEpoch);
            if (history.Test is Evaluation test)
            {
                json.WriteStartObject("test");
                WriteNullable(json, "loss", test.Loss);
                WriteNullable(json, "accuracy", test.Accuracy);
                WriteNullable(json, "top_k_accuracy", test.TopKAccuracy);
                if (test.ItemErrorRate is not null)
                {
                    WriteNullable(json, "sequence_accuracy", test.SequenceAccuracy);
                    WriteNullable(json, "item_error_rate", test.ItemErrorRate);
                }

                json.WriteNumber("count", test.Count);
                WriteValues(json, "precision", test.Precision);
                WriteValues(json, "recall", test.Recall);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("test");
            }

            json.WriteStartArray("epochs");
            foreach (EpochMetrics epoch in history.Epochs)
            {
                json.WriteStartObject();
                json.WriteNumber("epoch", epoch.Epoch);
                WriteNullable(json, "loss", epoch.TrainLoss);
                WriteNullable(json, "accuracy", epoch.TrainAccuracy);
                WriteNullable(json, "top_k_accuracy", epoch.TrainTopKAccuracy);
                WriteNullable(json, "val_loss", epoch.ValidationLoss);
                WriteNullable(json, "val_accuracy", epoch.ValidationAccuracy);
                WriteNullable(json, "val_top_k_accuracy", epoch.ValidationTopKAccuracy);
                if (epoch.TrainItemErrorRate is not null)
                {
                    // Only for label sequences, so that a classifier's history reads as it always has.
                    WriteNullable(json, "sequence_accuracy", epoch.TrainSequenceAccuracy);
                    WriteNullable(json, "item_error_rate", epoch.TrainItemErrorRate);
                    WriteNullable(json, "val_sequence_accuracy", epoch.ValidationSequenceAccuracy);
                    WriteNullable(json, "val_item_error_rate", epoch.ValidationItemErrorRate);
                }

                WriteNullable(json, "lr", epoch.LearningRate);
                WriteNullable(json, "grad_norm", epoch.GradientNorm);
                json.WriteNumber("steps", epoch.Steps);
                WriteNullable(json, "seconds", epoch.Duration.TotalSeconds);
                WriteNullable(json, "samples_per_second", epoch.SamplesPerSecond);
                if (epoch.Tensors is not null)
                {
                    json.WriteStartArray("tensors");
                    foreach (TensorStatistics tensor in epoch.Tensors)
                    {
                        json.WriteStartObject();
                        json.WriteString("name", tensor.Name);
                        WriteNullable(json, "grad_norm", tensor.GradientNorm);
                        WriteNullable(json, "weight_norm", tensor.WeightNorm);
                        WriteNullable(json, "update_ratio", tensor.UpdateRatio);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads JSON bytes written by <see cref="ToJson"/>; <paramref name="source"/> names them in errors.</summary>
    internal static History FromJson(ReadOnlySpan<byte> bytes, string source)
    {
        var history = new History();
        try
        {
            var reader = new Utf8JsonReader(bytes);
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, source, "the history is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "loss_function":
                        history.LossName = reader.GetString() ?? "loss";
                        break;
                    case "top_k":
                        history.TopK = reader.GetInt32();
                        break;
                    case "stop_reason":
                        Expect(Enum.TryParse(reader.GetString(), out StopReason reason), source, $"stop_reason '{reader.GetString()}' is not one of {string.Join(", ", Enum.GetNames<StopReason>())}");
                        history.StopReason = reason;
                        break;
                    case "stop_message":
                        history.StopMessage = reader.GetString() ?? "";
                        break;
                    case "restored_epoch":
                        history.RestoredEpoch = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32();
                        break;
                    case "test":
                        history.Test = reader.TokenType == JsonTokenType.Null ? null : ReadEvaluation(ref reader, source);
                        break;
                    case "epochs":
                        Expect(reader.TokenType == JsonTokenType.StartArray, source, "epochs is not an array");
                        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        {
                            history.Add(ReadEpoch(ref reader, source));
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: the history is not valid ({exception.Message}).", exception);
        }

        return history;
    }

    private static TensorStatistics[]? ReadTensors(ref Utf8JsonReader reader, string source)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(reader.TokenType == JsonTokenType.StartArray, source, "an epoch's tensors are not an array");
        var tensors = new List<TensorStatistics>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string tensorName = string.Empty;
            double gradient = double.NaN, weight = double.NaN, ratio = double.NaN;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string property = reader.GetString()!;
                reader.Read();
                switch (property)
                {
                    case "name":
                        tensorName = reader.GetString() ?? string.Empty;
                        break;
                    case "grad_norm":
                        gradient = Double(ref reader);
                        break;
                    case "weight_norm":
                        weight = Double(ref reader);
                        break;
                    case "update_ratio":
                        ratio = Double(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            Expect(tensorName.Length > 0, source, "an epoch's tensor entry has no name");
            tensors.Add(new TensorStatistics(tensorName, gradient, weight, ratio));
        }

        Expect(reader.TokenType == JsonTokenType.EndArray, source, "an epoch's tensors are not an array of objects");
        return tensors.ToArray();
    }

    private static EpochMetrics ReadEpoch(ref Utf8JsonReader reader, string source)
    {
        var epoch = new EpochMetrics();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            epoch = name switch
            {
                "epoch" => epoch with { Epoch = reader.GetInt32() },
                "loss" => epoch with { TrainLoss = Double(ref reader) },
                "accuracy" => epoch with { TrainAccuracy = Nullable(ref reader) },
                "top_k_accuracy" => epoch with { TrainTopKAccuracy = Nullable(ref reader) },
                "val_loss" => epoch with { ValidationLoss = Nullable(ref reader) },
                "val_accuracy" => epoch with { ValidationAccuracy = Nullable(ref reader) },
                "val_top_k_accuracy" => epoch with { ValidationTopKAccuracy = Nullable(ref reader) },
                "sequence_accuracy" => epoch with { TrainSequenceAccuracy = Sequence(ref reader) },
                "item_error_rate" => epoch with { TrainItemErrorRate = Sequence(ref reader) },
                "val_sequence_accuracy" => epoch with { ValidationSequenceAccuracy = Nullable(ref reader) },
                "val_item_error_rate" => epoch with { ValidationItemErrorRate = Nullable(ref reader) },
                "lr" => epoch with { LearningRate = Double(ref reader) },
                "grad_norm" => epoch with { GradientNorm = Double(ref reader) },
                "steps" => epoch with { Steps = reader.GetInt32() },
                "seconds" => epoch with { Duration = Seconds(ref reader) },
                "samples_per_second" => epoch with { SamplesPerSecond = Double(ref reader) },
                "tensors" => epoch with { Tensors = ReadTensors(ref reader, source) },
                _ => Skip(ref reader, epoch),
            };
        }

        Expect(epoch.Epoch >= 1, source, "an epoch entry has no epoch number");
        return epoch;
    }

    private static Evaluation ReadEvaluation(ref Utf8JsonReader reader, string source)
    {
        Expect(reader.TokenType == JsonTokenType.StartObject, source, "test is not an object");
        double loss = 0;
        double? accuracy = null, topK = null, sequenceAccuracy = null, itemErrorRate = null;
        int count = 0;
        double[]? precision = null, recall = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "loss":
                    loss = Double(ref reader);
                    break;
                case "accuracy":
                    accuracy = Nullable(ref reader);
                    break;
                case "top_k_accuracy":
                    topK = Nullable(ref reader);
                    break;
                case "sequence_accuracy":
                    sequenceAccuracy = Sequence(ref reader);
                    break;
                case "item_error_rate":
                    itemErrorRate = Sequence(ref reader);
                    break;
                case "count":
                    count = reader.GetInt32();
                    break;
                case "precision":
                    precision = Values(ref reader, source, name);
                    break;
                case "recall":
                    recall = Values(ref reader, source, name);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new Evaluation(loss, accuracy, count, topK) { Precision = precision, Recall = recall, SequenceAccuracy = sequenceAccuracy, ItemErrorRate = itemErrorRate };
    }

    /// <summary>Per-class figures, NaN as null; nothing at all when there are none.</summary>
    private static void WriteValues(Utf8JsonWriter json, string name, IReadOnlyList<double>? values)
    {
        if (values is null)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (double value in values)
        {
            if (double.IsFinite(value))
            {
                json.WriteNumberValue(value);
            }
            else
            {
                json.WriteNullValue();
            }
        }

        json.WriteEndArray();
    }

    private static double[]? Values(ref Utf8JsonReader reader, string source, string name)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(reader.TokenType == JsonTokenType.StartArray, source, $"test.{name} is not an array");
        var values = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType is JsonTokenType.Number or JsonTokenType.Null, source, $"test.{name} holds something other than numbers");
            values.Add(Double(ref reader));
        }

        return values.ToArray();
    }

    private static EpochMetrics Skip(ref Utf8JsonReader reader, EpochMetrics epoch)
    {
        reader.Skip();
        return epoch;
    }

    private static double? Nullable(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble();

    // A training or test sequence figure is present for every sequence run; null there is a non-finite value
    // (an item error rate with only empty targets), read back as NaN so that the run still reads as one of sequences.
    private static double? Sequence(ref Utf8JsonReader reader) => Double(ref reader);

    /// <summary>Whether the history is of label sequences: its epochs have an item error rate.</summary>
    internal static bool HasSequenceMetrics(History history) => history.Epochs.Count > 0 && history.Epochs[0].TrainItemErrorRate is not null;

    private static double Double(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    private static TimeSpan Seconds(ref Utf8JsonReader reader)
    {
        double seconds = Double(ref reader);
        return double.IsFinite(seconds) ? TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)) : TimeSpan.Zero;
    }

    // JSON has no NaN or infinity: a non-finite value is written as null and read back as NaN.
    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double number && double.IsFinite(number))
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, int? value)
    {
        if (value is int number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Number(double? value) => value is double number ? number.ToString("R", CultureInfo.InvariantCulture) : "";

    private static void Expect(bool condition, string source, string problem)
    {
        if (!condition)
        {
            throw new InvalidDataException($"{source}: {problem}.");
        }
    }
}
