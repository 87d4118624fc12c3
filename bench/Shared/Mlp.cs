using StaticNet;

namespace StaticNet.Bench;

/// <summary>The MLP of the comparison: 784-256-128-10 with ReLU, as in bench/pytorch_reference.py.</summary>
[Network]
[Input(784)]
[Dense(256), ReLU]
[Dense(128), ReLU]
[Dense(10)]
public partial class Mlp;
