// Compares StaticNet with PyTorch and ONNX Runtime on this machine, in one run: training throughput
// against PyTorch; single-sample latency and batched inference against ONNX Runtime running the same
// networks, exported from PyTorch with StaticNet's weights; allocations per step, achieved GFLOP/s,
// scaling from one thread to all of them, and whether training gives the same parameters on one thread
// and two. For an MLP, LeNet-5, a 3-conv batch-norm CNN and the residual sample's FashionResNet on
// Fashion-MNIST. Prints one table with the figures, their ratios and the targets, and can write it as
// Markdown (--markdown FILE).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using StaticNet;
using StaticNet.Bench;
using StaticNet.Samples;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int threads = Math.Min(2, Environment.ProcessorCount), steps = 600, warmup = 50, latencyCalls = 2000;
string dataDirectory = FashionMnistData.DefaultDirectory;
string? markdown = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--data": dataDirectory = args[++i]; break;
        case "--markdown": markdown = args[++i]; break;
        case "--quick": steps = 100; latencyCalls = 500; break;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Options: --threads N (default 2), --steps N (default 600), --data DIR, --markdown FILE, --quick");
            return 2;
    }
}

const int Batch = 64, InferenceBatch = 256, LatencyWarmup = 200;

// Everything is timed in rounds, the best one counting (Measurements.Rounds): training on both sides, StaticNet's
// one-thread and all-thread rounds taking turns; inference with StaticNet's and ONNX Runtime's configurations
// taking turns.
const int Rounds = Measurements.Rounds;

// Steps of the one-thread and two-thread copies whose parameters must agree bit for bit; the
// one-thread copy's weights are then the ones inference runs with on both sides.
const int DeterminismSteps = 30;
(Dataset train, Dataset test) = FashionMnistData.Load(dataDirectory);
Normalization normalization = Normalization.Fit(train);
normalization.Apply(train);
normalization.Apply(test);

CpuTime? cpuBefore = CpuTime.Now();
Console.WriteLine("Measuring the machine's peak...");
Machine machine = Machine.Describe(threads);

var rows = new List<string[]>();
int missed = 0;
void Row(string network, string metric, string staticNet, string pyTorch, string onnxRuntime, string ratio, string target = "", bool? met = null)
{
    missed += met == false ? 1 : 0;
    rows.Add(new[] { network, metric, staticNet, pyTorch, onnxRuntime, ratio, target, met is bool m ? (m ? "yes" : "NO") : string.Empty });
}

// Each network as the table shows it, as pytorch_reference.py names it, how to create it, its training
// target against PyTorch (StaticNet's samples/s over PyTorch's), and its convolutions, if any.
var networks = new (string Name, string TorchName, Func<int, INetwork> Create, long TrainingFlops, double TrainingTarget, IReadOnlyList<ConvolutionLayer> Convolutions)[]
{
    ("MLP", "mlp", capacity => new Mlp(seed: 1, batchCapacity: capacity), Mlp.TrainingFlopsPerSample, 1.8, Array.Empty<ConvolutionLayer>()),
    ("LeNet-5", "lenet5", capacity => new LeNet5(seed: 1, batchCapacity: capacity), LeNet5.TrainingFlopsPerSample, 8, ConvolutionWork.LeNet5Layers),
    ("BatchNorm CNN", "batchnorm_cnn", capacity => new BatchNormCnn(seed: 1, batchCapacity: capacity), BatchNormCnn.TrainingFlopsPerSample, 2.5, ConvolutionWork.BatchNormCnnLayers),
    ("FashionResNet", "fashion_resnet", capacity => new FashionResNet(seed: 1, batchCapacity: capacity), FashionResNet.TrainingFlopsPerSample, 2.5, ConvolutionWork.FashionResNetLayers),
};

// The same single-sample latency compiled ahead of time: with the package's default instruction set
// (what a user's `dotnet publish` gets) and with the AVX-512 opt-in.
Console.WriteLine("Publishing and running the NativeAOT latency binaries...");
var aotBinaries = new (string Label, (string Simd, IReadOnlyDictionary<string, double> Microseconds)? Figures)[]
{
    ("default x86-64-v3", AotLatency.Measure(null, dataDirectory, latencyCalls)),
    ("x86-64-v4 opt-in", AotLatency.Measure("x86-64-v4", dataDirectory, latencyCalls)),
};
foreach ((string label, var figures) in aotBinaries)
{
    Console.WriteLine($"  NativeAOT {label}: {figures?.Simd ?? "failed"}");
}

// The JIT held to the default binary's 256-bit vectors: on a machine with AVX-512 the default's gap to
// the JIT is vector width, which a NativeAOT binary cannot choose at run time; this row shows the rest.
var jit256 = AotLatency.MeasureJit(256, dataDirectory, latencyCalls);
Console.WriteLine($"  JIT at 256 bits: {jit256?.Simd ?? "failed"}");

// Each network trained on one thread and on two from the same seed; the one-thread copy is saved, and
// PyTorch exports the same network with those weights for ONNX Runtime.
Console.WriteLine($"Training each network {DeterminismSteps} steps on 1 and 2 threads, and exporting it to ONNX through PyTorch...");
string onnxDirectory = Path.Combine(Path.GetTempPath(), "staticnet-bench-onnx");
Directory.CreateDirectory(onnxDirectory);
var differingParameters = new Dictionary<string, int?>();
foreach (var network in networks)
{
    (int? differing, INetwork trained) = ThreadDeterminism.Compare(network.Create, train, Batch, DeterminismSteps);
    differingParameters[network.Name] = differing;
    trained.Save(Path.Combine(onnxDirectory, network.TorchName + ".safetensors"));
}

IReadOnlyDictionary<string, string> onnxModels = PyTorchReference.ExportOnnx(networks.Select(n => n.TorchName).ToArray(), onnxDirectory);
int[] onnxThreads = threads > 1 ? new[] { 1, threads } : new[] { 1 };

Console.WriteLine("Running PyTorch...");
(string torchVersion, IReadOnlyDictionary<string, PyTorchFigures> torchFigures) = PyTorchReference.Run(networks.Select(n => n.TorchName).ToArray(), dataDirectory, threads, Batch, steps, Rounds, warmup, latencyCalls);

foreach ((string name, string torchName, Func<int, INetwork> create, long trainingFlops, double trainingTarget, IReadOnlyList<ConvolutionLayer> convolutions) in networks)
{
    PyTorchFigures torch = torchFigures[torchName];
    Console.WriteLine($"Running StaticNet {name}...");
    INetwork network = create(Batch);
    network.Threads = Math.Min(threads, network.MaxThreads);
    INetwork single = create(Batch);
    single.Threads = 1;
    var allThreadsRun = new Measurements.TrainingRun(network, train, Batch, warmup);
    var oneThreadRun = new Measurements.TrainingRun(single, train, Batch, warmup);
    var allThreadsRounds = new double[Rounds];
    var oneThreadRounds = new double[Rounds];
    for (int round = 0; round < Rounds; round++)
    {
        allThreadsRounds[round] = allThreadsRun.Round(steps / Rounds);
        oneThreadRounds[round] = oneThreadRun.Round(steps / Rounds);
    }

    double samplesPerSecond = allThreadsRounds.Max(), oneThread = oneThreadRounds.Max();
    Console.WriteLine($"  training rounds, samples/s: {network.Threads} threads {string.Join(", ", allThreadsRounds.Select(F0))}; 1 thread {string.Join(", ", oneThreadRounds.Select(F0))}");

    // Inference on both sides with the weights the ONNX model was exported with.
    string weights = Path.Combine(onnxDirectory, torchName + ".safetensors");
    INetwork Loaded(int capacity, int threadCount)
    {
        INetwork loaded = create(capacity);
        loaded.Load(weights);
        loaded.Threads = Math.Min(threadCount, loaded.MaxThreads);
        return loaded;
    }

    INetwork oneThreadNetwork = Loaded(1, 1), inference = Loaded(InferenceBatch, threads);
    double bytesPerStep = allThreadsRun.BytesPerStep;
    Console.WriteLine($"Running StaticNet and ONNX Runtime {name} inference...");
    using var ort = new OnnxRuntimePeer(name, onnxModels[torchName], oneThreadNetwork, inference, test, onnxThreads);

    // One sample's Predict shares its larger convolutions among its network's threads: timed, as ONNX Runtime is,
    // on one thread and on the bench's count, the better counting. The NativeAOT rows compare code generation
    // alone, on one thread. Every configuration of both sides takes turns, round by round.
    var latencySides = new List<Measurements.LatencySide> { Measurements.LatencySide.Predict(oneThreadNetwork, test) };
    INetwork allThreadsNetwork = Loaded(1, threads);
    if (allThreadsNetwork.Threads > 1)
    {
        latencySides.Add(Measurements.LatencySide.Predict(allThreadsNetwork, test));
    }

    latencySides.AddRange(ort.Latency);
    double[] latencies = Measurements.LatencyMicroseconds(latencySides, latencyCalls, Rounds, LatencyWarmup);
    int staticNetSides = latencySides.Count - ort.Threads.Count;
    double oneThreadLatency = latencies[0];
    (double latency, int latencyThreads) = staticNetSides > 1 && latencies[1] < oneThreadLatency ? (latencies[1], allThreadsNetwork.Threads) : (oneThreadLatency, 1);
    float[] outputs = new float[test.Count * inference.OutputLength];
    var throughputPasses = new List<Action> { () => inference.Predict(test.Features, outputs, test.Count) };
    throughputPasses.AddRange(ort.Throughput);
    double[] rates = Measurements.Throughput(throughputPasses, test.Count, Rounds);
    double inferenceRate = rates[0];
    OnnxRuntimeFigures ortFigures = ort.Figures(latencies[staticNetSides..], rates[1..]);
    Console.WriteLine($"  StaticNet: {string.Join(", ", latencies[..staticNetSides].Select(F1))} us, {F0(inferenceRate)} samples/s; ONNX Runtime: {ortFigures.Measured}");

    double gflops = trainingFlops * samplesPerSecond / 1e9;
    double trainingRatio = samplesPerSecond / torch.TrainingSamplesPerSecond, scaling = samplesPerSecond / oneThread;
    double latencyRatio = ortFigures.LatencyMicroseconds / latency, inferenceRatio = inferenceRate / ortFigures.InferenceSamplesPerSecond;
    Row(name, "training, samples/s", F0(samplesPerSecond), F0(torch.TrainingSamplesPerSecond), "-", Ratio(trainingRatio) + " PyTorch", $">= {trainingTarget:0.#}x PyTorch", trainingRatio >= trainingTarget);
    Row(name, "single-sample latency, median us", $"{F1(latency)} ({Threads(latencyThreads)})", F1(torch.LatencyMicroseconds), $"{F1(ortFigures.LatencyMicroseconds)} ({Threads(ortFigures.LatencyThreads)})", Ratio(latencyRatio) + " ORT", "> 1x ORT", latencyRatio > 1);
    foreach ((string label, var figures) in aotBinaries)
    {
        if (figures?.Microseconds.TryGetValue(name.Replace(' ', '_'), out double aot) == true)
        {
            // The target holds for the default, what a user gets without choosing anything.
            bool isDefault = label.StartsWith("default", StringComparison.Ordinal);
            Row(name, $"single-sample latency, NativeAOT {label}, median us (1 thread)", F1(aot), "-", "-", Ratio(aot / oneThreadLatency) + " the JIT's", isDefault ? "<= 1.15x the JIT's" : string.Empty, isDefault ? aot <= 1.15 * oneThreadLatency : null);
            if (isDefault && jit256?.Microseconds.TryGetValue(name.Replace(' ', '_'), out double narrow) == true)
            {
                Row(name, "single-sample latency, JIT at 256 bits, median us (1 thread)", F1(narrow), "-", "-", Ratio(aot / narrow) + $" for NativeAOT {label}", "<= 1.15x", aot <= 1.15 * narrow);
            }
        }
    }

    Row(name, $"batched inference ({InferenceBatch} a batch), samples/s", F0(inferenceRate), F0(torch.InferenceSamplesPerSecond), $"{F0(ortFigures.InferenceSamplesPerSecond)} ({Threads(ortFigures.InferenceThreads)})", Ratio(inferenceRatio) + " ORT", "> 1x ORT", inferenceRatio > 1);
    Row(name, "bytes allocated per training step", F0(bytesPerStep), "-", "-", string.Empty, "0", bytesPerStep == 0);
    Row(name, $"training GFLOP/s ({threads} threads)", $"{gflops:F1} ({100 * gflops / machine.MeasuredPeakAllCores:F0}% of peak)", "-", "-", string.Empty);
    Row(name, $"training, 1 -> {network.Threads} threads", Ratio(scaling), "-", "-", string.Empty, network.Threads > 1 ? ">= 1.7x" : string.Empty, network.Threads > 1 ? scaling >= 1.7 : null);
    int? differing = differingParameters[name];
    Row(name, $"parameters after {DeterminismSteps} steps, 1 vs 2 threads", differing switch { null => "not run (1 core)", 0 => "bit-identical", int d => $"{d:N0} of {network.ParameterCount:N0} differ" }, "-", "-", string.Empty, "bit-identical", differing is null ? null : differing == 0);
    if (convolutions.Count > 0)
    {
        (double convFlops, double convSeconds) = ConvolutionWork.Measure(convolutions, create(Batch).Parameters, Batch, SimdLevels.Best);
        double convGflops = convFlops / convSeconds / 1e9;
        Row(name, "convolution layers GFLOP/s (1 thread)", $"{convGflops:F1} ({100 * convGflops / machine.MeasuredPeakPerCore:F0}% of peak)", "-", "-", string.Empty, ">= 50% of 1-core peak", convGflops >= 0.5 * machine.MeasuredPeakPerCore);
    }
}

string header = $"StaticNet vs PyTorch {torchVersion} and ONNX Runtime {OnnxRuntimePeer.Version}, {DateTime.UtcNow:yyyy-MM-dd}, {machine.Cpu} ({machine.Cores} cores, {machine.Simd}), {threads} threads, batch {Batch}, Adam, the best of {Rounds} rounds of {steps / Rounds} steps after a warm-up of {warmup} steps and at least {Measurements.WarmupSeconds:F0} s";
string peak = $"fp32 peak: measured {machine.MeasuredPeakPerCore:F0} GFLOP/s on one core, {machine.MeasuredPeakAllCores:F0} on {threads} threads (12 independent FMA chains per thread), " +
    $"which is 2 FMA x {machine.LanesPerVector} lanes x 2 FLOP per cycle at {machine.ImpliedClockGhz:F2} GHz ({machine.ClockGhz:F2} GHz nominal)";
string peers = $"ratio: how many times as fast as the peer StaticNet is (training: samples/s over PyTorch's; latency: ONNX Runtime's time over StaticNet's; batched inference: samples/s over ONNX Runtime's). " +
    $"ONNX Runtime runs each network exported by PyTorch (opset 13) with StaticNet's weights, with its default graph optimisations (ORT_ENABLE_ALL), at the better of {string.Join(" and ", onnxThreads)} intra-op threads for each figure (in brackets), as StaticNet's single-sample latency is, " +
    $"after matching StaticNet's Predict on {OnnxRuntimePeer.CheckedImages} test images within {OnnxRuntimePeer.Absolute:G} + {OnnxRuntimePeer.Relative:G} relative";
string[] columns = { "network", "metric", "StaticNet", "PyTorch", "ONNX Runtime", "ratio", "target", "met" };
string load = "other processes' share of the cores unknown on this system";
if (cpuBefore is CpuTime before && CpuTime.Now() is CpuTime after)
{
    (double others, double steal) = after.SharesSince(before);
    load = $"other processes took {100 * others:F1}% of the cores' time during the run, the hypervisor {100 * steal:F1}%";
    if (others + steal > 0.05)
    {
        load += ": WARNING, the figures are unreliable, rerun on an idle machine";
    }
}

// A virtual machine's cores can share physical cores with other guests: the FMA loop then speeds up
// less than the thread count, and so does everything else.
double peakScaling = machine.MeasuredPeakAllCores / machine.MeasuredPeakPerCore;
if (threads > 1 && peakScaling < 0.85 * threads)
{
    load += $"; WARNING, the FMA loop ran only {peakScaling:F1}x as fast on {threads} threads as on one: the cores were not all free, so the 1 -> {threads} thread figures are unreliable";
}

Console.WriteLine();
Console.WriteLine(header);
Console.WriteLine(peak);
Console.WriteLine(peers);
Console.WriteLine(load);
Console.WriteLine(Table.Text(columns, rows));
string verdict = missed == 0 ? "Every target met." : $"{missed} target{(missed == 1 ? "" : "s")} missed.";
Console.WriteLine(verdict);
if (markdown is not null)
{
    File.WriteAllText(markdown, header + "\n\n" + peak + "; " + load + "\n\n" + peers + ".\n\n" + Table.Markdown(columns, rows) + "\n" + verdict + "\n");
    Console.WriteLine($"Wrote {markdown}");
}

return 0;

static string F0(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
static string Threads(int count) => count == 1 ? "1 thread" : $"{count} threads";
static string Ratio(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + "x"; // two decimals: with one, a 1.66 that misses 1.7 would show as 1.7x

/// <summary>Plain-text and Markdown tables.</summary>
internal static class Table
{
    public static string Text(string[] columns, List<string[]> rows)
    {
        var widths = new int[columns.Length];
        foreach (string[] row in new List<string[]>(rows) { columns })
        {
            for (int c = 0; c < columns.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var text = new StringBuilder();
        foreach (string[] row in new List<string[]> { columns }.Concat(rows))
        {
            for (int c = 0; c < columns.Length; c++)
            {
                text.Append(c is 2 or 3 or 4 or 5 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c])).Append("  ");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    public static string Markdown(string[] columns, List<string[]> rows)
    {
        var text = new StringBuilder("| " + string.Join(" | ", columns) + " |\n|" + string.Concat(Enumerable.Repeat("---|", columns.Length)) + "\n");
        foreach (string[] row in rows)
        {
            text.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        }

        return text.ToString();
    }
}
