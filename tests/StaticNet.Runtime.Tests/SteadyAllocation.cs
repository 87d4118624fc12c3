using System;
using System.Linq;

namespace StaticNet.Tests;

/// <summary>
/// Bytes that warm code allocates on this thread, measured in several windows so that the runtime's
/// own one-off allocations do not count as the code's.
/// </summary>
/// <remarks>
/// While a test runs, the runtime may do work of its own on the test's thread at a moment set by
/// timing: on a loaded machine tiered compilation installs optimized code, or moves a running loop
/// onto it, in the middle of a measured run. CI once counted 1,080 bytes in twenty training steps
/// that allocate nothing in every other run. Code that allocates on every call, or on every few
/// calls, allocates in every window of twenty; so the fewest bytes over several windows is zero only
/// if the code itself allocates nothing, and the test can still fail.
/// </remarks>
internal static class SteadyAllocation
{
    /// <summary>
    /// Calls <paramref name="work"/> once to warm it (a first call may allocate what later calls reuse),
    /// then returns the fewest bytes allocated on this thread in any of <paramref name="windows"/> runs of
    /// <paramref name="calls"/> calls; it stops at the first window that allocates nothing.
    /// </summary>
    public static long Fewest(Action work, int calls = 20, int windows = 5)
    {
        work();
        long fewest = long.MaxValue;
        for (int window = 0; window < windows && fewest > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int call = 0; call < calls; call++)
            {
                work();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}

/// <summary>
/// Bytes allocated on the training thread between one batch's end and the next's, in every epoch from
/// the second, leaving out each epoch's first batch (which may allocate per-epoch things). As with
/// <see cref="SteadyAllocation"/>, a loop that allocates per step allocates in every epoch, so
/// <see cref="FewestInAnEpoch"/> is zero only if the loop allocates nothing per step.
/// </summary>
internal sealed class EpochAllocationMeter : ITrainingCallback
{
    // Preallocated so that recording allocates nothing while measuring.
    private readonly long[,] _perBatch;
    private readonly int[] _measured;
    private long _last;

    public EpochAllocationMeter(int epochs, int batchesPerEpoch)
    {
        _perBatch = new long[epochs + 1, batchesPerEpoch + 1];
        _measured = new int[epochs + 1];
    }

    /// <summary>How many batches were measured, over all epochs from the second.</summary>
    public int Measured => _measured.Sum();

    /// <summary>The fewest bytes any epoch from the second allocated.</summary>
    public long FewestInAnEpoch => Enumerable.Range(2, _measured.Length - 2).Min(EpochBytes);

    public string PerBatch => string.Join("; ", Enumerable.Range(2, _measured.Length - 2).Select(
        epoch => $"epoch {epoch}: " + string.Join(", ", Enumerable.Range(2, _measured[epoch]).Select(batch => $"batch {batch}: {_perBatch[epoch, batch]}"))));

    public void BatchCompleted(TrainingContext context, in BatchMetrics batch)
    {
        long now = GC.GetAllocatedBytesForCurrentThread();
        if (batch.Epoch >= 2 && batch.Batch >= 2)
        {
            _perBatch[batch.Epoch, batch.Batch] = now - _last;
            _measured[batch.Epoch]++;
        }

        _last = GC.GetAllocatedBytesForCurrentThread();
    }

    private long EpochBytes(int epoch)
    {
        long bytes = 0;
        for (int batch = 2; batch < _perBatch.GetLength(1); batch++)
        {
            bytes += _perBatch[epoch, batch];
        }

        return bytes;
    }
}
