using System;
using System.Collections.Generic;

namespace StaticNet.Parity;

/// <summary>Seeded random batches for parity cases: inputs from a chosen distribution, labels and target values.</summary>
public static class RandomBatches
{
    /// <summary>Values uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Func<Random, float> Uniform(double low, double high) => random => (float)(low + (random.NextDouble() * (high - low)));

    /// <summary>Whole numbers from <paramref name="low"/> to <paramref name="high"/>: many ties, for max pooling.</summary>
    public static Func<Random, float> Integers(int low, int high) => random => random.Next(low, high + 1);

    /// <summary>Whole numbers 0 and 1: binary targets.</summary>
    public static Func<Random, float> Binary => random => random.Next(2);

    /// <summary>
    /// <paramref name="count"/> batches of <paramref name="size"/> samples for <paramref name="network"/>:
    /// inputs from <paramref name="input"/>, a class label per sample below the output length, and
    /// target values from <paramref name="targets"/> (uniform in [-1, 1) by default); seeded from
    /// <paramref name="name"/>, so every run sends the same data. With <paramref name="triplets"/> the
    /// labels make whole triplets (anchor, positive, negative) for the triplet margin loss: samples 3k and
    /// 3k + 1 share a class, sample 3k + 2 has another.
    /// </summary>
    public static IReadOnlyList<Batch> Make(string name, INetwork network, int size, int count, Func<Random, float> input, Func<Random, float>? targets = null, bool triplets = false)
    {
        targets ??= Uniform(-1, 1);
        var random = new Random(StableHash(name));
        var batches = new Batch[count];
        for (int k = 0; k < count; k++)
        {
            var inputs = new float[size * network.InputLength];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = input(random);
            }

            var labels = new int[size];
            for (int i = 0; i < size; i++)
            {
                labels[i] = random.Next(network.OutputLength);
            }

            var values = new float[size * network.OutputLength];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = targets(random);
            }

            if (triplets)
            {
                for (int i = 0; i + 2 < size; i += 3)
                {
                    labels[i + 1] = labels[i];
                    labels[i + 2] = (labels[i] + 1 + random.Next(network.OutputLength - 1)) % network.OutputLength;
                }
            }

            batches[k] = new Batch(size, inputs, labels, values);
        }

        return batches;
    }

    /// <summary>A <see cref="ParityCase.Prepare"/> that sets every parameter uniform in [<paramref name="low"/>, <paramref name="high"/>), from <paramref name="seed"/>.</summary>
    public static Action<INetwork> RandomParameters(double low, double high, int seed) => network =>
    {
        var random = new Random(seed);
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)(low + (random.NextDouble() * (high - low)));
        }
    };

    /// <summary>
    /// A <see cref="ParityCase.Prepare"/> that sets the tensors (parameters or state) whose names match
    /// each pattern (a regular expression) uniform in its range, from <paramref name="seed"/>: for example
    /// batch norm's weight and bias, which start as 1 and 0, or its running estimates.
    /// </summary>
    public static Action<INetwork> RandomTensors(int seed, params (string Pattern, double Low, double High)[] ranges) => network =>
    {
        var random = new Random(seed);
        foreach (TensorInfo tensor in network.Tensors)
        {
            foreach ((string pattern, double low, double high) in ranges)
            {
                if (System.Text.RegularExpressions.Regex.IsMatch(tensor.Name, pattern))
                {
                    var values = new float[tensor.Length];
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = (float)(low + (random.NextDouble() * (high - low)));
                    }

                    network.WriteTensor(tensor.Name, values);
                    break;
                }
            }
        }
    };

    /// <summary>
    /// A dropout probe's training output for a batch of ones: the multipliers of its mask (0 or
    /// 1 / (1 - rate)) for the step the probe is set to.
    /// </summary>
    public static float[] ForwardOnes(INetwork probe, int batchSize)
    {
        var ones = new float[batchSize * probe.InputLength];
        Array.Fill(ones, 1f);
        var output = new float[batchSize * probe.OutputLength];
        probe.Forward(ones, output, batchSize);
        return output;
    }

    /// <summary>FNV-1a of the name: the same on every machine and run (string.GetHashCode is randomised per process).</summary>
    public static int StableHash(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
