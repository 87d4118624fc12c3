using StaticNet;

namespace StaticNet.Bench;

/// <summary>
/// The comparison's third network: three 3x3 convolutions without bias, each followed by batch
/// normalisation and ReLU, max pooling after the first two, global average pooling and one dense
/// layer; the same as <c>batchnorm_cnn</c> in bench/pytorch_reference.py.
/// </summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D, ReLU, MaxPool2D(2)]
[Conv2D(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D, ReLU, MaxPool2D(2)]
[Conv2D(64, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D, ReLU]
[GlobalAvgPool2D]
[Dense(10)]
public partial class BatchNormCnn;
