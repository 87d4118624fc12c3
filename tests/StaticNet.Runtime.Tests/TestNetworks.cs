using StaticNet;

// Small networks covering every layer kind and its awkward cases, compiled by the generator like
// any user's. Gradient checks run each of them; sizes are small so finite differences stay cheap.
namespace StaticNet.Tests.Networks;

/// <summary>Dense layers with sigmoid and tanh.</summary>
[Network]
[Input(7)]
[Dense(5), Sigmoid]
[Dense(3), Tanh]
[Dense(4)]
public partial class DenseSmoothNet;

/// <summary>Dense with ReLU, and a dense layer without bias.</summary>
[Network]
[Input(6)]
[Dense(8), ReLU]
[Dense(3, Bias = false)]
public partial class DenseReluNet;

/// <summary>Softmax as the last layer.</summary>
[Network]
[Input(5)]
[Dense(4), Softmax]
public partial class SoftmaxNet;

/// <summary>Convolution with stride 2 and padding 1, on a non-square input.</summary>
[Network]
[Input(2, 7, 8)]
[Conv2D(3, Kernel = 3, Stride = 2, Padding = 1), Tanh]
[Flatten]
[Dense(3)]
public partial class ConvStridePadNet;

/// <summary>A 4x4 kernel with stride 3 that does not tile its 9x9 input, and no bias.</summary>
[Network]
[Input(2, 9, 9)]
[Conv2D(2, Kernel = 4, Stride = 3, Bias = false), Sigmoid]
[Flatten]
[Dense(2)]
public partial class ConvUntiledNet;

/// <summary>A 9x9 kernel: larger than the unrolling limit, so its window is a loop.</summary>
[Network]
[Input(1, 10, 10)]
[Conv2D(2, Kernel = 9)]
[Flatten]
[Dense(2)]
public partial class ConvLargeKernelNet;

/// <summary>Overlapping max pooling with padding (border values never win).</summary>
[Network]
[Input(2, 6, 6)]
[MaxPool2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(3)]
public partial class MaxPoolPadNet;

/// <summary>Average pooling with padding counted in the divisor (PyTorch's default).</summary>
[Network]
[Input(2, 7, 7)]
[AvgPool2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(3)]
public partial class AvgPoolIncludePadNet;

/// <summary>Average pooling with padding left out of the divisor.</summary>
[Network]
[Input(2, 7, 7)]
[AvgPool2D(3, Stride = 2, Padding = 1, CountIncludePad = false)]
[Flatten]
[Dense(3)]
public partial class AvgPoolExcludePadNet;

/// <summary>A small LeNet: convolution, ReLU, max pooling, flatten and dense layers in one chain.</summary>
[Network]
[Input(1, 12, 12)]
[Conv2D(3, Kernel = 3, Padding = 1), ReLU, MaxPool2D(2)]
[Conv2D(4, Kernel = 3), ReLU, MaxPool2D(2)]
[Flatten]
[Dense(6), ReLU]
[Dense(3)]
public partial class SmallLeNet;

/// <summary>A network whose first layer has no parameters, so the input gradient is optional work.</summary>
[Network]
[Input(1, 4, 4)]
[MaxPool2D(2)]
[Flatten]
[Dense(2)]
public partial class PoolFirstNet;

/// <summary>A small classifier for trainer tests: 6 inputs, 4 classes.</summary>
[Network]
[Input(6)]
[Dense(16), ReLU]
[Dense(4)]
public partial class DenseReluNetFour;

/// <summary>The same first layer as <see cref="DenseReluNet"/> with a different head: initialisation streams are per tensor.</summary>
[Network]
[Input(6)]
[Dense(8), ReLU]
[Dense(5)]
public partial class DenseReluOtherHeadNet;
