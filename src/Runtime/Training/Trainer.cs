using System;
using System.Diagnostics;

namespace StaticNet;

/// <summary>
/// Trains a generated network: epochs of mini-batches drawn in a new random order each epoch (from
/// <see cref="Seed"/>, so a seed reproduces the run), one optimizer step per batch, and an evaluation
/// of the validation set after each epoch. A training step allocates nothing: every buffer is
/// allocated once, before the first epoch.
/// </summary>
/// <typeparam name="TNetwork">The generated network class.</typeparam>
/// <example>
/// <code>
/// var history = new Trainer&lt;LeNet5&gt;(net, new Adam(1e-3), Losses.SoftmaxCrossEntropy)
///     { BatchSize = 64, Epochs = 10, Validation = test }
///     .Fit(train);
/// </code>
/// </example>
public sealed class Trainer<TNetwork>
    where TNetwork : INetwork
{
    private float[] _outputs = Array.Empty<float>();
    private float[] _outputGradient = Array.Empty<float>();

    /// <summary>Creates a trainer for <paramref name="network"/>.</summary>
    public Trainer(TNetwork network, IOptimizer optimizer, ILoss loss)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
    }

    /// <summary>The network being trained.</summary>
    public TNetwork Network { get; }

    /// <summary>The optimizer that applies each batch's gradients.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The loss minimised.</summary>
    public ILoss Loss { get; }

    /// <summary>Samples per training batch, at most the network's <see cref="INetwork.BatchCapacity"/>. Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Passes over the training set. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Evaluated after every epoch when set.</summary>
    public Dataset? Validation { get; set; }

    /// <summary>Seeds the order of samples in every epoch.</summary>
    public int Seed { get; set; }

    /// <summary>Whether each epoch visits the samples in a new random order. Default <see langword="true"/>.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Called after each epoch with its metrics, for progress output.</summary>
    public Action<EpochMetrics>? EpochCompleted { get; set; }

    /// <summary>Trains for <see cref="Epochs"/> epochs on <paramref name="train"/> and returns the per-epoch metrics.</summary>
    public History Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (BatchSize < 1 || BatchSize > Network.BatchCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"The batch size must be from 1 to the network's batch capacity, {Network.BatchCapacity}; create the network with batchCapacity: {BatchSize} for larger batches.");
        }

        if (Epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "The number of epochs must be at least 0.");
        }

        CheckCompatible(train, nameof(train));
        if (Validation is not null)
        {
            CheckCompatible(Validation, nameof(Validation));
        }

        int inputLength = Network.InputLength, outputLength = Network.OutputLength, batchSize = BatchSize;
        var order = new int[train.Count];
        var batchInput = new float[batchSize * inputLength];
        var batchLabels = new int[batchSize];
        var batchTargets = new float[batchSize * Math.Max(train.TargetLength, 1)];
        EnsureOutputBuffers(batchSize * outputLength);

        var history = new History();
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            if (Shuffle)
            {
                new RandomStream(Seed, (ulong)epoch).Shuffle(order.AsSpan());
            }

            long started = Stopwatch.GetTimestamp();
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < train.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, train.Count - start);
                Gather(train, order.AsSpan(start, count), batchInput, batchLabels, batchTargets);
                BatchTargets targets = train.Labels is not null
                    ? new BatchTargets(batchLabels.AsSpan(0, count))
                    : new BatchTargets(batchTargets.AsSpan(0, count * train.TargetLength));
                float loss = TrainStep(batchInput.AsSpan(0, count * inputLength), targets, count);
                if (!float.IsFinite(loss))
                {
                    throw new ArithmeticException($"The loss became {loss} at epoch {epoch}, batch {(start / batchSize) + 1}; lower the learning rate or check the data.");
                }

                lossSum += (double)loss * count;
                if (train.Labels is not null)
                {
                    correct += CountCorrect(_outputs.AsSpan(0, count * outputLength), batchLabels.AsSpan(0, count), outputLength);
                }
            }

            TimeSpan duration = Stopwatch.GetElapsedTime(started);
            Evaluation? validation = Validation is null ? null : Evaluate(Validation);
            var metrics = new EpochMetrics(
                epoch,
                lossSum / train.Count,
                train.Labels is null ? null : (double)correct / train.Count,
                validation?.Loss,
                validation?.Accuracy,
                Optimizer.LearningRate,
                duration,
                train.Count / Math.Max(duration.TotalSeconds, 1e-9));
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics);
        }

        return history;
    }

    /// <summary>
    /// One optimizer step on one batch: forward, loss, zeroed gradients, backward, update. Returns the
    /// batch's mean loss. The outputs of the forward pass stay readable in <see cref="LastOutputs"/>.
    /// </summary>
    public float TrainStep(ReadOnlySpan<float> input, BatchTargets targets, int batchSize)
    {
        EnsureOutputBuffers(batchSize * Network.OutputLength);
        Span<float> outputs = _outputs.AsSpan(0, batchSize * Network.OutputLength);
        Span<float> outputGradient = _outputGradient.AsSpan(0, outputs.Length);
        Network.Forward(input, outputs, batchSize);
        float loss = Loss.Compute(outputs, targets, outputGradient, batchSize);
        Network.ZeroGradients();
        Network.Backward(outputGradient, Span<float>.Empty, batchSize);
        Optimizer.Step(Network.Parameters, Network.Gradients);
        return loss;
    }

    /// <summary>The outputs of the last <see cref="TrainStep"/>, sample after sample.</summary>
    public ReadOnlySpan<float> LastOutputs => _outputs;

    /// <summary>The mean loss and (for class labels) the accuracy of the network on <paramref name="data"/>, in inference mode.</summary>
    public Evaluation Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckCompatible(data, nameof(data));
        int capacity = Network.BatchCapacity, inputLength = Network.InputLength, outputLength = Network.OutputLength;
        var outputs = new float[capacity * outputLength];
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += capacity)
        {
            int count = Math.Min(capacity, data.Count - start);
            Span<float> batchOutputs = outputs.AsSpan(0, count * outputLength);
            Network.Predict(data.Features.AsSpan(start * inputLength, count * inputLength), batchOutputs, count);
            BatchTargets targets = data.Labels is not null
                ? new BatchTargets(data.Labels.AsSpan(start, count))
                : new BatchTargets(data.Targets.AsSpan(start * data.TargetLength, count * data.TargetLength));
            lossSum += (double)Loss.Compute(batchOutputs, targets, Span<float>.Empty, count) * count;
            if (data.Labels is not null)
            {
                correct += CountCorrect(batchOutputs, data.Labels.AsSpan(start, count), outputLength);
            }
        }

        return new Evaluation(lossSum / data.Count, data.Labels is null ? null : (double)correct / data.Count, data.Count);
    }

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

    /// <summary>The index of the largest value, the first one on ties.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private void EnsureOutputBuffers(int length)
    {
        if (_outputs.Length < length)
        {
            _outputs = new float[length];
            _outputGradient = new float[length];
        }
    }

    private static void Gather(Dataset data, ReadOnlySpan<int> indices, float[] input, int[] labels, float[] targets)
    {
        int length = data.SampleLength;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            data.Features.AsSpan(index * length, length).CopyTo(input.AsSpan(i * length, length));
            if (data.Labels is not null)
            {
                labels[i] = data.Labels[index];
            }
            else
            {
                data.Targets.AsSpan(index * data.TargetLength, data.TargetLength).CopyTo(targets.AsSpan(i * data.TargetLength, data.TargetLength));
            }
        }
    }

    private void CheckCompatible(Dataset data, string argument)
    {
        if (data.SampleLength != Network.InputLength)
        {
            throw new ArgumentException($"{argument} ({data.Source}): samples have {data.SampleLength} values (shape [{string.Join(", ", data.SampleShape)}]), but network {Network.Name} takes {Network.InputLength}.", argument);
        }

        if (Loss.UsesLabels)
        {
            if (data.Labels is null)
            {
                throw new ArgumentException($"{argument} ({data.Source}): the {Loss.Name} loss needs class labels, but the dataset has target values.", argument);
            }

            if (data.ClassCount > Network.OutputLength)
            {
                throw new ArgumentException($"{argument} ({data.Source}): {data.ClassCount} classes, but network {Network.Name} has only {Network.OutputLength} outputs.", argument);
            }
        }
        else if (data.Labels is not null || data.TargetLength != Network.OutputLength)
        {
            throw new ArgumentException($"{argument} ({data.Source}): the {Loss.Name} loss needs {Network.OutputLength} target values per sample (one per output), but the dataset has {(data.Labels is not null ? "class labels" : data.TargetLength + " values")}.", argument);
        }
    }
}
