using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args.Length > 0 && args[0] == "--profile")
{
    // The batch-norm CNN's training step, layer by layer, at the SIMD level this machine runs by default.
    StaticNet.Kernels.Bench.TrainingStepProfile.Run(StaticNet.SimdLevels.Best);
    return;
}

// In process: BenchmarkDotNet 0.14 does not know the net10.0 moniker, and in-process runs need no separate build.
IConfig config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(StaticNet.Kernels.Bench.LeNet5Layers).Assembly).Run(args, config);
