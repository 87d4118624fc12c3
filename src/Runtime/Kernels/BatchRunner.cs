using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace StaticNet.Kernels;

/// <summary>
/// Runs the chunks of a batch on a process-wide set of worker threads: the caller works too, the
/// others take chunks as they free up, and <see cref="Run"/> returns when every chunk is done. Which
/// thread runs which chunk varies, so a chunk must write only its own samples' buffers, its own
/// gradient buffer and the scratch of the thread index it is given; combining chunks in a fixed order
/// afterwards keeps results independent of timing. Allocates nothing.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchRunner
{
    private static readonly object Gate = new();
    private static Worker[] s_workers = Array.Empty<Worker>();

    // The job in progress: its work, the threads it may use, how many of its chunks have finished, and its
    // first exception. They are written before the job is published in s_claims and stay valid until
    // every chunk has finished.
    private static Action<int, int>? s_work;
    private static int s_threads;
    private static int s_completed;
    private static Exception? s_error;

    // The job's number (bits 32 to 63), its chunk count (16 to 31) and the next chunk to take (0 to 15),
    // in one word that threads claim chunks from by compare-exchange. A helper that wakes after its job
    // ended reads the next job's number or a finished job's "no chunk left", and never runs one job's
    // chunk with another job's work.
    private static long s_claims;

    // One bit per thread index that ran a chunk of the current job (indexes from 63 share the last bit),
    // and the number of such threads in the last job that finished: how tests tell a parallel run from a
    // serial one, which gives the same results.
    private static long s_threadsRan;
    private static int s_lastRunThreads;
    private static long s_parallelRuns;

    // Set when the last chunk of a job finishes.
    private static readonly ManualResetEventSlim ChunksDone = CreateChunksDone();

    // How long a thread spins, watching for what it waits on, before it sleeps: longer than the gaps
    // between a training step's jobs, so that a helper is awake when the next one comes, and short enough
    // not to burn a core that other work needs. Timed rather than counted: with the spin counts of .NET's
    // waits, some processes (one run in eight, here) had the helper asleep at every job, waking too late
    // to take a chunk, and two threads ran no faster than one.
    private static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(200);

    /// <summary>How many distinct threads ran chunks of the last batch that finished, 1 when it ran serially.</summary>
    internal static int LastRunThreads => Volatile.Read(ref s_lastRunThreads);

    /// <summary>
    /// For tests that compare thread counts: a thread that has run a chunk waits (up to a second) until every
    /// thread of the batch has taken one before it takes another, so that a batch really runs on several
    /// threads even on a machine so busy that one thread would otherwise run every chunk. Results never
    /// depend on it.
    /// </summary>
    internal static bool WaitForHelpers { get; set; }

    /// <summary>How many batches so far had their chunks run by more than one thread.</summary>
    internal static long ParallelRuns => Interlocked.Read(ref s_parallelRuns);

    /// <summary>The most threads a batch can run on: one per processor.</summary>
    public static int MaxThreads { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Calls <paramref name="work"/>(chunk, thread) for every chunk in [0, <paramref name="chunks"/>),
    /// on up to <paramref name="threads"/> threads; thread indexes are below that. When another batch is
    /// already running (two networks training at once), this one runs on the calling thread alone.
    /// </summary>
    public static void Run(int chunks, int threads, Action<int, int> work)
    {
        if ((uint)chunks > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks, $"A batch runs 0 to {ushort.MaxValue} chunks.");
        }

        int helpers = Math.Min(Math.Min(threads, chunks), MaxThreads) - 1;
        if (helpers <= 0 || !Monitor.TryEnter(Gate))
        {
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                work(chunk, 0);
            }

            Volatile.Write(ref s_lastRunThreads, chunks > 0 ? 1 : 0);
            return;
        }

        try
        {
            EnsureWorkers(helpers);
            s_work = work;
            s_threads = helpers + 1;
            s_completed = 0;
            s_error = null;
            s_threadsRan = 0;
            long job = (s_claims >>> 32) + 1;
            Volatile.Write(ref s_claims, (job << 32) | ((long)chunks << 16));
            for (int i = 0; i < helpers; i++)
            {
                s_workers[i].Signal.Set();
            }

            Execute(0);

            // Every chunk is taken. Wait for the ones helpers are still running, and only those: a helper
            // that has not woken up yet (its core busy with other work) owes this job nothing.
            SpinUntil(static chunks => Volatile.Read(ref s_completed) >= chunks, chunks);
            while (Volatile.Read(ref s_completed) < chunks)
            {
                ChunksDone.Wait();
                ChunksDone.Reset();
            }

            int ran = BitOperations.PopCount((ulong)Volatile.Read(ref s_threadsRan));
            Volatile.Write(ref s_lastRunThreads, ran);
            if (ran > 1)
            {
                Interlocked.Increment(ref s_parallelRuns);
            }

            if (s_error is not null)
            {
                ExceptionDispatchInfo.Capture(s_error).Throw();
            }
        }
        finally
        {
            s_work = null;
            Monitor.Exit(Gate);
        }
    }

    private static ManualResetEventSlim CreateChunksDone()
    {
        var chunksDone = new ManualResetEventSlim(false, spinCount: 1);

        // The event creates its lock object the first time a wait has to block, which would make some
        // training step, chosen by thread timing, allocate 24 bytes. A wait that times out creates it now.
        chunksDone.Wait(1);
        return chunksDone;
    }

    /// <summary>Spins for at most <see cref="SpinTime"/> until <paramref name="done"/> is true; returns whether it is.</summary>
    private static bool SpinUntil<TState>(Func<TState, bool> done, TState state)
    {
        long began = Stopwatch.GetTimestamp();
        while (!done(state))
        {
            if (Stopwatch.GetElapsedTime(began) > SpinTime)
            {
                return false;
            }

            Thread.SpinWait(4);
        }

        return true;
    }

    /// <summary>Takes chunks of the current job until none is left.</summary>
    private static void Execute(int thread)
    {
        while (true)
        {
            long claims = Volatile.Read(ref s_claims);
            int chunks = (int)((claims >>> 16) & 0xFFFF), chunk = (int)(claims & 0xFFFF);
            if (chunk >= chunks)
            {
                return;
            }

            // Read before claiming: while a chunk is unclaimed its job has not ended, so these are its own.
            // A helper signalled for an earlier job with more threads wakes to find its index too high.
            if (thread >= s_threads)
            {
                return;
            }

            Action<int, int> work = s_work!;
            if (Interlocked.CompareExchange(ref s_claims, claims + 1, claims) != claims)
            {
                continue;
            }

            Interlocked.Or(ref s_threadsRan, 1L << Math.Min(thread, 63));
            try
            {
                work(chunk, thread);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref s_error, exception, null);
            }

            if (Interlocked.Increment(ref s_completed) == chunks)
            {
                ChunksDone.Set();
            }

            if (WaitForHelpers)
            {
                WaitForEveryThread(claims);
            }
        }
    }

    /// <summary>Until every thread of the job has taken a chunk, or no chunk is left, or a second has passed.</summary>
    private static void WaitForEveryThread(long claimed)
    {
        long began = Stopwatch.GetTimestamp();
        while (BitOperations.PopCount((ulong)Volatile.Read(ref s_threadsRan)) < Volatile.Read(ref s_threads) && Stopwatch.GetElapsedTime(began) < TimeSpan.FromSeconds(1))
        {
            long claims = Volatile.Read(ref s_claims);
            if ((claims >>> 32) != (claimed >>> 32) || (claims & 0xFFFF) >= ((claims >>> 16) & 0xFFFF))
            {
                return;
            }

            Thread.SpinWait(16);
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (s_workers.Length >= count)
        {
            return;
        }

        var workers = new Worker[count];
        Array.Copy(s_workers, workers, s_workers.Length);
        for (int i = s_workers.Length; i < count; i++)
        {
            workers[i] = new Worker(i + 1);
        }

        s_workers = workers;
    }

    private sealed class Worker
    {
        public Worker(int index)
        {
            Signal = new ManualResetEventSlim(false, spinCount: 1);
            var thread = new Thread(() => Loop(index)) { IsBackground = true, Name = "StaticNet batch worker " + index };
            thread.Start();
        }

        public ManualResetEventSlim Signal { get; }

        private void Loop(int index)
        {
            while (true)
            {
                // The next job usually follows within microseconds: spin first, then sleep.
                if (!SpinUntil(static signal => signal.IsSet, Signal))
                {
                    Signal.Wait();
                }

                Signal.Reset();
                Execute(index);
            }
        }
    }
}
