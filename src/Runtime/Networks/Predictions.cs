using System;

namespace StaticNet;

/// <summary>
/// Probabilities, classes and the top k for a batch of outputs, as PyTorch users take them from logits
/// (<c>softmax(dim=1)</c>, <c>argmax(dim=1)</c>, <c>topk(k, dim=1)</c>). Every method writes into buffers
/// the caller passes and allocates nothing. Outputs are read row by row, <c>classes</c> values a sample.
/// The largest of equal values is the one of lower index; NaN is never larger than a number.
/// </summary>
public static class Predictions
{
    /// <summary>
    /// <c>probabilities = softmax(logits)</c> per sample, computed as <c>exp(x - max) / sum</c> so that no
    /// logit overflows. <paramref name="probabilities"/> may be <paramref name="logits"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or are not whole samples of <paramref name="classes"/>.</exception>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int classes)
    {
        int rows = Rows(logits.Length, classes, nameof(logits));
        if (probabilities.Length != logits.Length)
        {
            throw new ArgumentException($"probabilities holds {probabilities.Length} values, but the {rows} samples of logits need {logits.Length}.", nameof(probabilities));
        }

        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> x = logits.Slice(row * classes, classes);
            Span<float> p = probabilities.Slice(row * classes, classes);
            float max = x[ArgMax(x)];
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                float e = MathF.Exp(x[c] - max);
                p[c] = e;
                sum += e;
            }

            float scale = (float)(1 / sum);
            for (int c = 0; c < classes; c++)
            {
                p[c] *= scale;
            }
        }
    }

    /// <summary>The index of the largest of <paramref name="values"/>: the first of equal ones; NaN only when every value is.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (Beats(values[i], values[best]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Each sample's class: the index of its largest output (<see cref="ArgMax(ReadOnlySpan{float})"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="predicted"/> does not hold one value per sample of <paramref name="outputs"/>.</exception>
    public static void ArgMax(ReadOnlySpan<float> outputs, Span<int> predicted, int classes)
    {
        int rows = Rows(outputs.Length, classes, nameof(outputs));
        if (predicted.Length != rows)
        {
            throw new ArgumentException($"predicted holds {predicted.Length} values, but outputs has {rows} samples of {classes}.", nameof(predicted));
        }

        for (int row = 0; row < rows; row++)
        {
            predicted[row] = ArgMax(outputs.Slice(row * classes, classes));
        }
    }

    /// <summary>
    /// Each sample's <paramref name="k"/> largest outputs, largest first, as <c>torch.topk(k, dim=1)</c>
    /// (equal values in the order of their indices): their indices in <paramref name="indices"/> and, unless
    /// it is empty, their values in <paramref name="values"/>, <paramref name="k"/> per sample.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not from 1 to <paramref name="classes"/>.</exception>
    /// <exception cref="ArgumentException">A buffer does not hold <paramref name="k"/> values per sample.</exception>
    public static void TopK(ReadOnlySpan<float> outputs, int classes, int k, Span<int> indices, Span<float> values)
    {
        int rows = Rows(outputs.Length, classes, nameof(outputs));
        if (k < 1 || k > classes)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be from 1 to the {classes} classes.");
        }

        if (indices.Length != rows * k)
        {
            throw new ArgumentException($"indices holds {indices.Length} values, but {rows} samples need {k} each, {rows * k}.", nameof(indices));
        }

        if (!values.IsEmpty && values.Length != rows * k)
        {
            throw new ArgumentException($"values holds {values.Length} values, but {rows} samples need {k} each, {rows * k}; pass an empty span for none.", nameof(values));
        }

        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> x = outputs.Slice(row * classes, classes);
            Span<int> chosen = indices.Slice(row * k, k);
            for (int j = 0; j < k; j++)
            {
                // The largest output not chosen yet: k passes, with nothing to allocate.
                int best = -1;
                for (int c = 0; c < classes; c++)
                {
                    if (chosen.Slice(0, j).IndexOf(c) < 0 && (best < 0 || Beats(x[c], x[best])))
                    {
                        best = c;
                    }
                }

                chosen[j] = best;
                if (!values.IsEmpty)
                {
                    values[(row * k) + j] = x[best];
                }
            }
        }
    }

    /// <summary>
    /// Predicts <paramref name="count"/> samples and writes each one's class probabilities: the softmax of
    /// its logits, or the outputs themselves when the network's last layer is a softmax (the exponential of
    /// a log-softmax's). Sigmoid outputs are probabilities already and are left as they are.
    /// </summary>
    public static void PredictProbabilities(this INetwork network, ReadOnlySpan<float> inputs, Span<float> probabilities, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Predict(inputs, probabilities, count);
        switch (network.OutputActivation)
        {
            case OutputActivation.None:
                Softmax(probabilities, probabilities, network.OutputLength);
                break;
            case OutputActivation.LogSoftmax:
                for (int i = 0; i < probabilities.Length; i++)
                {
                    probabilities[i] = MathF.Exp(probabilities[i]);
                }

                break;
        }
    }

    /// <summary>Predicts <paramref name="count"/> samples into <paramref name="outputs"/> and writes each one's class, the index of its largest output.</summary>
    public static void PredictClasses(this INetwork network, ReadOnlySpan<float> inputs, Span<float> outputs, Span<int> predicted, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Predict(inputs, outputs, count);
        ArgMax(outputs, predicted, network.OutputLength);
    }

    /// <summary>Whether <paramref name="candidate"/> is larger than <paramref name="best"/>: a number is larger than NaN.</summary>
    internal static bool Beats(float candidate, float best) => candidate > best || (float.IsNaN(best) && !float.IsNaN(candidate));

    private static int Rows(int length, int classes, string argument)
    {
        if (classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "A sample has at least one class.");
        }

        return length % classes == 0
            ? length / classes
            : throw new ArgumentException($"{argument} holds {length} values, which is not a whole number of samples of {classes}.", argument);
    }
}
