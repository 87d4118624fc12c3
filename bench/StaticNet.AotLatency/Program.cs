// Single-sample latency of the comparison bench's networks, measured exactly as the bench measures
// them under the JIT (Measurements.LatencyMicroseconds, in its rounds), on one thread, so that code generation is
// compared alone, but compiled ahead of time. Prints the SIMD line, then one "latency NAME
// MICROSECONDS" line per network, for the bench to read.
using System;
using System.Globalization;
using StaticNet;
using StaticNet.Bench;
using StaticNet.Samples;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string dataDirectory = args.Length > 0 ? args[0] : FashionMnistData.DefaultDirectory;
int calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;

(Dataset train, Dataset test) = FashionMnistData.Load(dataDirectory);
Normalization normalization = Normalization.Fit(train);
normalization.Apply(test);

Console.WriteLine(SimdLevels.Describe());
foreach ((string name, INetwork network) in new (string, INetwork)[]
{
    ("MLP", new Mlp(seed: 1, batchCapacity: 1)),
    ("LeNet-5", new LeNet5(seed: 1, batchCapacity: 1)),
    ("BatchNorm CNN", new BatchNormCnn(seed: 1, batchCapacity: 1)),
    ("FashionResNet", new FashionResNet(seed: 1, batchCapacity: 1)),
})
{
    network.Threads = 1;
    double latency = Measurements.LatencyMicroseconds(new[] { Measurements.LatencySide.Predict(network, test) }, calls, Measurements.Rounds, warmup: 200)[0];
    Console.WriteLine($"latency {name.Replace(' ', '_')} {latency.ToString("R", CultureInfo.InvariantCulture)}");
}
