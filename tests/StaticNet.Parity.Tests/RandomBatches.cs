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

    /// <summary>
    /// <paramref name="count"/> batches of <paramref name="size"/> samples for <paramref name="network"/>:
    /// inputs from <paramref name="input"/>, a class label per sample below the output length, and
    /// target values uniform in [-1, 1); seeded from <paramref name="name"/>, so every run sends the same data.
    /// </summary>
    public static IReadOnlyList<Batch> Make(string name, INetwork network, int size, int count, Func<Random, float> input)
    {
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

            var targets = new float[size * network.OutputLength];
            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = (float)((random.NextDouble() * 2) - 1);
            }

            batches[k] = new Batch(size, inputs, labels, targets);
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

    /// <summary>FNV-1a of the name: the same on every machine and run (string.GetHashCode is randomised per process).</summary>
    private static int StableHash(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
