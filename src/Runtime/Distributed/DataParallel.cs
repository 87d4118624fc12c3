using System;

namespace StaticNet;

/// <summary>
/// Data-parallel training across processes, on Open MPI, as PyTorch's DistributedDataParallel does it:
/// one process per rank (<c>mpirun -np 4 dotnet train.dll</c>, or across machines with a hostfile), every
/// global batch split into one contiguous shard per rank, the gradients summed across ranks over the
/// network's flat gradient buffer, and the same optimizer step on every rank. Give it to
/// <see cref="Trainer{TNetwork}.DataParallel"/>; the trainer then also broadcasts rank 0's parameters at
/// the start, compares the ranks' parameters every <see cref="CheckEvery"/> steps, keeps batch
/// normalisation's running estimates those of rank 0 (DDP's <c>broadcast_buffers</c>), and runs callbacks
/// and writes checkpoints on rank 0 only.
/// </summary>
/// <remarks>
/// A rank that dies ends the job: Open MPI's default error handler makes <c>mpirun</c> stop every other
/// rank and name the one that failed. Checkpoints are written atomically by rank 0, so the last one stays
/// loadable, and a run resumes from it with any number of ranks: the global batches, and so the results,
/// do not depend on how many ranks share them (up to float rounding of the sums).
/// </remarks>
public sealed class DataParallel : IDisposable
{
    private readonly Mpi.Api _mpi;
    private readonly double[] _fingerprint = new double[2];
    private bool _disposed;

    private DataParallel(Mpi.Api mpi)
    {
        _mpi = mpi;
        Rank = mpi.Rank();
        Size = mpi.Size();
    }

    /// <summary>Whether this process was started by Open MPI's <c>mpirun</c> (it sets <c>OMPI_COMM_WORLD_SIZE</c>).</summary>
    public static bool IsLaunchedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>This process's rank, from 0 to <see cref="Size"/> - 1.</summary>
    public int Rank { get; }

    /// <summary>The number of processes training together.</summary>
    public int Size { get; }

    /// <summary>Whether this is rank 0, the one that writes files and runs callbacks.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>Steps between two comparisons of every rank's parameters (0: never); 100 by default.</summary>
    public int CheckEvery { get; set; } = 100;

    /// <summary>Joins the job <c>mpirun</c> started (MPI_Init); once per process.</summary>
    /// <exception cref="DllNotFoundException">Open MPI is not installed; the message says how to install it.</exception>
    public static DataParallel Initialize()
    {
        Mpi.Api mpi = Mpi.Calls;
        mpi.Init();
        return new DataParallel(mpi);
    }

    /// <summary>
    /// This rank's part of the global batch of <paramref name="count"/> samples from <paramref name="start"/>:
    /// contiguous, disjoint, together the whole batch, sizes differing by one at most.
    /// </summary>
    public (int Start, int Count) Shard(int start, int count) => Shard(start, count, Rank, Size);

    /// <summary>Rank <paramref name="rank"/>'s shard of <paramref name="size"/>, as <see cref="Shard(int, int)"/> gives it.</summary>
    internal static (int Start, int Count) Shard(int start, int count, int rank, int size)
    {
        int first = (int)((long)count * rank / size), end = (int)((long)count * (rank + 1) / size);
        return (start + first, end - first);
    }

    /// <summary>Replaces <paramref name="values"/> on every rank with their sum over the ranks.</summary>
    public void AllReduceSum(Span<float> values) => _mpi.AllReduceSum(values);

    /// <summary>Replaces <paramref name="values"/> on every rank with their sum over the ranks.</summary>
    public void AllReduceSum(Span<double> values) => _mpi.AllReduceSum(values);

    /// <summary>Gives every rank <paramref name="root"/>'s <paramref name="values"/>.</summary>
    public void Broadcast(Span<float> values, int root = 0) => _mpi.Broadcast(values, root);

    /// <summary>
    /// Whether every rank holds the same <paramref name="values"/>, the same answer on every rank: compares
    /// a fingerprint (the sum and a position-weighted sum, in double) of each rank's values with rank 0's.
    /// Allocates nothing.
    /// </summary>
    public bool AllSame(ReadOnlySpan<float> values)
    {
        double sum = 0, weighted = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            weighted += values[i] * (double)((i % 1021) + 1);
        }

        // Rank 0's fingerprint to every rank; then how many ranks differ from it, summed over the ranks.
        Span<double> fingerprint = _fingerprint;
        fingerprint[0] = sum;
        fingerprint[1] = weighted;
        BroadcastDoubles(fingerprint);
        fingerprint[0] = fingerprint[0] != sum || fingerprint[1] != weighted ? 1 : 0;
        _mpi.AllReduceSum(fingerprint.Slice(0, 1));
        return fingerprint[0] == 0;
    }

    /// <summary>Leaves the job (MPI_Finalize).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _mpi.FinalizeMpi();
        }
    }

    private void BroadcastDoubles(Span<double> values)
    {
        // Two doubles as four floats' worth of bytes: MPI_Bcast moves bits, whatever their type.
        Span<float> asFloats = System.Runtime.InteropServices.MemoryMarshal.Cast<double, float>(values);
        _mpi.Broadcast(asFloats, 0);
    }
}
