using System;
using System.Threading;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The runner's contract, which the bit-for-bit thread tests rely on without checking directly: every
/// chunk runs exactly once per job, on a thread index below the job's thread count, and Run returns only
/// when all of them have finished. Jobs follow each other with changing chunk and thread counts, as a
/// network's passes, its parameter slices and an optimizer step do, so that a helper waking late for one
/// job meets the next.
/// </summary>
[Collection(nameof(ParallelAndSimdTests))]
public class BatchRunnerTests
{
    [Fact]
    public void EveryChunkRunsOnceOnAThreadOfItsJobAndIsFinishedWhenRunReturns()
    {
        var runs = new int[16];
        int wrongThread = 0;
        for (int job = 0; job < 20_000; job++)
        {
            int chunks = 1 + (job % runs.Length);
            int threads = 1 + (job % 3);
            Array.Clear(runs);
            BatchRunner.Run(chunks, threads, (chunk, thread) =>
            {
                if (thread >= threads)
                {
                    Interlocked.Increment(ref wrongThread);
                }

                // Some chunks take long enough for helpers to be caught mid-chunk.
                if (chunk % 5 == 0)
                {
                    Thread.SpinWait(200);
                }

                Interlocked.Increment(ref runs[chunk]);
            });

            for (int chunk = 0; chunk < runs.Length; chunk++)
            {
                int expected = chunk < chunks ? 1 : 0, ran = Volatile.Read(ref runs[chunk]);
                if (ran != expected)
                {
                    Assert.Fail($"job {job} ({chunks} chunks, {threads} threads): chunk {chunk} had run {ran} times when Run returned, expected {expected}");
                }
            }
        }

        Assert.Equal(0, wrongThread);
    }

    [Fact]
    public void AChunksExceptionReachesTheCallerOnceNoChunkIsRunning()
    {
        // Another test may hold the runner, in which case this job runs on the calling thread alone and
        // stops at the exception; either way nothing may still be running when it reaches the caller.
        int running = 0;
        var error = Assert.Throws<InvalidOperationException>(() => BatchRunner.Run(4, BatchRunner.MaxThreads, (chunk, _) =>
        {
            Interlocked.Increment(ref running);
            try
            {
                if (chunk == 2)
                {
                    throw new InvalidOperationException("chunk 2 failed");
                }

                Thread.SpinWait(20_000);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }));

        Assert.Equal("chunk 2 failed", error.Message);
        Assert.Equal(0, Volatile.Read(ref running));

        // The runner is usable again.
        int ran = 0;
        BatchRunner.Run(4, BatchRunner.MaxThreads, (_, _) => Interlocked.Increment(ref ran));
        Assert.Equal(4, ran);
    }

    [Fact]
    public void ChunkCountsBeyondTheRunnersRangeAreRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BatchRunner.Run(70_000, 2, (_, _) => { }));
        Assert.Equal("chunks", error.ParamName);
    }

    [Fact]
    public void TheRunnerCountsTheThreadsThatRanChunks()
    {
        BatchRunner.Run(3, 1, (_, _) => { });
        Assert.Equal(1, BatchRunner.LastRunThreads);

        // Every chunk waits until two threads have started one, so both must have run chunks.
        int started = 0;
        BatchRunner.Run(2, 2, (_, _) =>
        {
            Interlocked.Increment(ref started);
            SpinWait.SpinUntil(() => Volatile.Read(ref started) >= 2, TimeSpan.FromSeconds(10));
        });
        Assert.Equal(2, BatchRunner.LastRunThreads);
    }
}
