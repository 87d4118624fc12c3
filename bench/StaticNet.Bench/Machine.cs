using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace StaticNet.Bench;

/// <summary>What the machine is, and the fp32 rate it reaches at best.</summary>
internal sealed record Machine(string Cpu, int Cores, double ClockGhz, string Simd, double MeasuredPeakPerCore, double MeasuredPeakAllCores)
{
    /// <summary>
    /// The clock the measured one-core peak implies at two FMA instructions per cycle (Zen 5 and Intel
    /// server cores have two 512-bit FMA units): boost clocks run well above the nominal one that
    /// /proc/cpuinfo reports, so the measurement, not the nominal clock, is the denominator of "% of peak".
    /// </summary>
    public double ImpliedClockGhz => MeasuredPeakPerCore / (2 * LanesPerVector * 2);

    public int LanesPerVector => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1;

    public static Machine Describe(int threads)
    {
        string[] cpuinfo = File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : Array.Empty<string>();
        string cpu = cpuinfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        string? mhz = cpuinfo.FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        double ghz = mhz is null ? 0 : double.Parse(mhz, System.Globalization.CultureInfo.InvariantCulture) / 1000;
        string simd = Vector512.IsHardwareAccelerated ? "AVX-512" : Avx2.IsSupported ? "AVX2" : "no AVX";
        return new Machine(cpu, Environment.ProcessorCount, ghz, simd, MeasurePeak(1), MeasurePeak(threads));
    }

    /// <summary>
    /// GFLOP/s of a loop of independent fused multiply-adds on <paramref name="threads"/> threads: the
    /// most the cores deliver to code with no memory traffic at all, the denominator of "% of peak".
    /// </summary>
    private static double MeasurePeak(int threads)
    {
        const long Iterations = 20_000_000;
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            using var start = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                FmaLoop(Iterations);
            })).ToArray();
            foreach (Thread worker in workers)
            {
                worker.Start();
            }

            start.SignalAndWait();
            long began = Stopwatch.GetTimestamp();
            foreach (Thread worker in workers)
            {
                worker.Join();
            }

            double seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
            best = Math.Max(best, threads * Iterations * 12.0 * LanesOfLoop * 2 / seconds / 1e9);
        }

        return best;
    }

    private static int LanesOfLoop => Avx512F.IsSupported ? 16 : 8;

    private static float FmaLoop(long iterations) => Avx512F.IsSupported ? FmaLoop512(iterations) : FmaLoop256(iterations);

    /// <summary>Twelve independent accumulators, enough to cover the FMA latency on two pipes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // never timed as tier-0 code
    private static float FmaLoop512(long iterations)
    {
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        Vector512<float> x = Vector512.Create(0.999999f), y = Vector512.Create(1e-7f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, x, y);
            a1 = Avx512F.FusedMultiplyAdd(a1, x, y);
            a2 = Avx512F.FusedMultiplyAdd(a2, x, y);
            a3 = Avx512F.FusedMultiplyAdd(a3, x, y);
            a4 = Avx512F.FusedMultiplyAdd(a4, x, y);
            a5 = Avx512F.FusedMultiplyAdd(a5, x, y);
            a6 = Avx512F.FusedMultiplyAdd(a6, x, y);
            a7 = Avx512F.FusedMultiplyAdd(a7, x, y);
            a8 = Avx512F.FusedMultiplyAdd(a8, x, y);
            a9 = Avx512F.FusedMultiplyAdd(a9, x, y);
            a10 = Avx512F.FusedMultiplyAdd(a10, x, y);
            a11 = Avx512F.FusedMultiplyAdd(a11, x, y);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop256(long iterations)
    {
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        Vector256<float> x = Vector256.Create(0.999999f), y = Vector256.Create(1e-7f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = MultiplyAdd(a0, x, y);
            a1 = MultiplyAdd(a1, x, y);
            a2 = MultiplyAdd(a2, x, y);
            a3 = MultiplyAdd(a3, x, y);
            a4 = MultiplyAdd(a4, x, y);
            a5 = MultiplyAdd(a5, x, y);
            a6 = MultiplyAdd(a6, x, y);
            a7 = MultiplyAdd(a7, x, y);
            a8 = MultiplyAdd(a8, x, y);
            a9 = MultiplyAdd(a9, x, y);
            a10 = MultiplyAdd(a10, x, y);
            a11 = MultiplyAdd(a11, x, y);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);

        static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
    }
}

/// <summary>
/// The CPU time of the whole machine and of this process with its finished children (Linux), to tell
/// after a run how much of the cores other processes, or the hypervisor (steal), took meanwhile: every
/// figure of both frameworks is low when they did. A load average cannot tell, since it counts the run.
/// </summary>
internal readonly record struct CpuTime(long Busy, long Steal, long Total, long Own)
{
    public static CpuTime? Now()
    {
        if (!File.Exists("/proc/stat") || !File.Exists("/proc/self/stat"))
        {
            return null;
        }

        // cpu  user nice system idle iowait irq softirq steal ...
        long[] machine = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        // pid (comm) state ... utime stime cutime cstime are fields 14 to 17; comm may hold spaces.
        string self = File.ReadAllText("/proc/self/stat");
        long[] own = self[(self.LastIndexOf(')') + 2)..].Split(' ').Skip(11).Take(4).Select(long.Parse).ToArray();
        return new CpuTime(machine[0] + machine[1] + machine[2] + machine[5] + machine[6], machine[7], machine.Sum(), own.Sum());
    }

    /// <summary>The shares of all cores' time since <paramref name="start"/> that other processes and the hypervisor took.</summary>
    public (double Others, double Steal) SharesSince(CpuTime start)
    {
        double total = Math.Max(1, Total - start.Total);
        return (Math.Max(0, (Busy - start.Busy) - (Own - start.Own)) / total, (Steal - start.Steal) / total);
    }
}

