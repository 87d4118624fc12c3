using System;

namespace StaticNet;

// Evaluation in inference mode, and the counting of right answers.
public sealed partial class Trainer<TNetwork>
{
    /// <summary>
    /// The mean loss (with <see cref="LossReduction.Sum"/>, the summed loss per sample), the accuracy, (with <see cref="TopK"/>) the top-k accuracy, and each class's precision
    /// and recall of the network on <paramref name="data"/>, in inference mode; for label sequences, the mean
    /// loss, the exact-match sequence accuracy and the item error rate, the sequences read as
    /// <see cref="DecodingBeamWidth"/> says.
    /// </summary>
    public Evaluation Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckCompatible(data, nameof(data));
        if (DecodingBeamWidth < 0)
        {
            throw new InvalidOperationException($"DecodingBeamWidth is {DecodingBeamWidth}; it must be 0 (greedy decoding) or a beam of at least 1.");
        }

        int capacity = Network.BatchCapacity, inputLength = Network.InputLength, outputLength = Network.OutputLength;
        if (_evaluationOutputs.Length < capacity * outputLength)
        {
            _evaluationOutputs = new float[capacity * outputLength];
        }

        if (data.HasSequences)
        {
            return EvaluateSequences(data, (CtcLoss)Loss);
        }

        double lossSum = 0;
        long correct = 0, topKCorrect = 0;
        int classes = data.Labels is not null ? Math.Max(data.ClassCount, outputLength) : 0;
        var predictedAs = new long[classes];
        var ofClass = new long[classes];
        var rightAs = new long[classes];
        for (int start = 0; start < data.Count; start += capacity)
        {
            int count = Math.Min(capacity, data.Count - start);
            Span<float> batchOutputs = _evaluationOutputs.AsSpan(0, count * outputLength);
            Network.Predict(data.Features.AsSpan(start * inputLength, count * inputLength), batchOutputs, count);
            BatchTargets targets = data.Labels is not null
                ? new BatchTargets(data.Labels.AsSpan(start, count))
                : new BatchTargets(data.Targets.AsSpan(start * data.TargetLength, count * data.TargetLength));
            lossSum += SampleTotal(Loss.Reduction, Loss.Compute(batchOutputs, targets, Span<float>.Empty, count), count);
            if (data.Labels is not null)
            {
                correct += CountCorrect(batchOutputs, data.Labels.AsSpan(start, count), outputLength);
                for (int b = 0; b < count; b++)
                {
                    int label = data.Labels[start + b], predicted = Predictions.ArgMax(batchOutputs.Slice(b * outputLength, outputLength));
                    ofClass[label]++;
                    predictedAs[predicted]++;
                    rightAs[predicted] += predicted == label ? 1 : 0;
                }

                topKCorrect += TopK > 0 ? CountTopK(batchOutputs, data.Labels.AsSpan(start, count), outputLength, TopK) : 0;
            }
        }

        bool labels = data.Labels is not null;
        var precision = new double[classes];
        var recall = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            precision[c] = predictedAs[c] == 0 ? double.NaN : (double)rightAs[c] / predictedAs[c];
            recall[c] = ofClass[c] == 0 ? double.NaN : (double)rightAs[c] / ofClass[c];
        }

        return new Evaluation(
            lossSum / data.Count,
            labels ? (double)correct / data.Count : null,
            data.Count,
            labels && TopK > 0 ? (double)topKCorrect / data.Count : null)
        {
            Precision = labels ? precision : null,
            Recall = labels ? recall : null,
        };
    }

    /// <summary>The confusion matrix of the network on <paramref name="data"/>, in inference mode.</summary>
    public ConfusionMatrix ConfusionMatrix(Dataset data) => StaticNet.ConfusionMatrix.Compute(Network, data);

    /// <summary>The number of samples whose largest output (the first, on ties) is their label.</summary>
    internal static long CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int outputLength)
    {
        long correct = 0;
        for (int b = 0; b < labels.Length; b++)
        {
            if (ArgMax(outputs.Slice(b * outputLength, outputLength)) == labels[b])
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>
    /// The number of samples whose label is among their <paramref name="k"/> largest outputs: fewer than
    /// <paramref name="k"/> outputs beat the label's (ties go to the lower index, as for the top-1 accuracy).
    /// </summary>
    internal static long CountTopK(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int outputLength, int k)
    {
        long correct = 0;
        for (int b = 0; b < labels.Length; b++)
        {
            ReadOnlySpan<float> row = outputs.Slice(b * outputLength, outputLength);
            int label = labels[b];
            float value = row[label];
            int ahead = 0;
            for (int c = 0; c < row.Length; c++)
            {
                if (Predictions.Beats(row[c], value) || (row[c] == value && c < label))
                {
                    ahead++;
                }
            }

            if (ahead < k)
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>The index of the largest value, the first one on ties (<see cref="Predictions.ArgMax(ReadOnlySpan{float})"/>).</summary>
    public static int ArgMax(ReadOnlySpan<float> values) => Predictions.ArgMax(values);
}
