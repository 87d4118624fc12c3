using System;

namespace StaticNet.Bench;

/// <summary>
/// Whether training gives the same parameters, bit for bit, on one thread and on two: two copies of a
/// network from the same seed take the same Adam steps on the same batches, one with <c>Threads = 1</c>
/// and one with <c>Threads = 2</c>.
/// </summary>
internal static class ThreadDeterminism
{
    /// <summary>
    /// The outcome after <paramref name="steps"/> steps: how many parameters differ in any bit (of
    /// <c>ParameterCount</c>), and the one-thread copy, trained, for what else needs trained weights.
    /// Null differences when the network cannot run on two threads here.
    /// </summary>
    public static (int? Differing, INetwork OneThread) Compare(Func<int, INetwork> create, Dataset train, int batch, int steps)
    {
        INetwork one = create(batch), two = create(batch);
        one.Threads = 1;
        new Measurements.TrainingRun(one, train, batch, warmup: 0, warmupSeconds: 0).Train(steps);
        if (two.MaxThreads < 2)
        {
            return (null, one);
        }

        two.Threads = 2;
        new Measurements.TrainingRun(two, train, batch, warmup: 0, warmupSeconds: 0).Train(steps);
        ReadOnlySpan<float> a = one.Parameters, b = two.Parameters;
        int differing = 0;
        for (int i = 0; i < a.Length; i++)
        {
            differing += BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]) ? 1 : 0;
        }

        return (differing, one);
    }
}
