using System;
using System.ComponentModel;
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

    // The job in progress, valid while Gate is held.
    private static Action<int, int>? s_work;
    private static int s_chunks;
    private static int s_nextChunk;
    private static int s_activeHelpers;
    private static Exception? s_error;

    // Set by the last helper to leave a job. It spins a while before sleeping, like the workers'
    // signals: on an idle machine the wait is short, on a busy one the caller must not burn the
    // time slice a descheduled helper needs.
    private static readonly ManualResetEventSlim HelpersDone = CreateHelpersDone();

    /// <summary>The most threads a batch can run on: one per processor.</summary>
    public static int MaxThreads { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Calls <paramref name="work"/>(chunk, thread) for every chunk in [0, <paramref name="chunks"/>),
    /// on up to <paramref name="threads"/> threads; thread indexes are below that. When another batch is
    /// already running (two networks training at once), this one runs on the calling thread alone.
    /// </summary>
    public static void Run(int chunks, int threads, Action<int, int> work)
    {
        int helpers = Math.Min(Math.Min(threads, chunks), MaxThreads) - 1;
        if (helpers <= 0 || !Monitor.TryEnter(Gate))
        {
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                work(chunk, 0);
            }

            return;
        }

        try
        {
            EnsureWorkers(helpers);
            s_work = work;
            s_chunks = chunks;
            s_nextChunk = 0;
            s_error = null;
            HelpersDone.Reset();
            Volatile.Write(ref s_activeHelpers, helpers);
            for (int i = 0; i < helpers; i++)
            {
                s_workers[i].Signal.Set();
            }

            Execute(0);

            // Every chunk is taken; wait for the helpers to finish theirs and leave the job.
            HelpersDone.Wait();

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

    private static ManualResetEventSlim CreateHelpersDone()
    {
        var helpersDone = new ManualResetEventSlim(false, spinCount: 2000);

        // The event creates its lock object the first time a wait has to block, which would make some
        // training step, chosen by thread timing, allocate 24 bytes. A wait that times out creates it now.
        helpersDone.Wait(1);
        return helpersDone;
    }

    /// <summary>Takes chunks until none is left.</summary>
    private static void Execute(int thread)
    {
        Action<int, int> work = s_work!;
        while (true)
        {
            int chunk = Interlocked.Increment(ref s_nextChunk) - 1;
            if (chunk >= s_chunks)
            {
                return;
            }

            try
            {
                work(chunk, thread);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref s_error, exception, null);
            }
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
            // Spin a while before sleeping: the next batch usually follows within a millisecond.
            Signal = new ManualResetEventSlim(false, spinCount: 2000);
            var thread = new Thread(() => Loop(index)) { IsBackground = true, Name = "StaticNet batch worker " + index };
            thread.Start();
        }

        public ManualResetEventSlim Signal { get; }

        private void Loop(int index)
        {
            while (true)
            {
                Signal.Wait();
                Signal.Reset();
                Execute(index);
                if (Interlocked.Decrement(ref s_activeHelpers) == 0)
                {
                    HelpersDone.Set();
                }
            }
        }
    }
}
