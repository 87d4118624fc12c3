using StaticNet;

namespace StaticNet.Samples;

/// <summary>
/// LeNet-5 as PyTorch tutorials write it for 28x28 images: two convolutions with ReLU and max
/// pooling, then three dense layers ending on 10 logits (softmax is fused into the loss).
/// </summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(6, Kernel = 5, Padding = 2), ReLU, MaxPool2D(2)]
[Conv2D(16, Kernel = 5), ReLU, MaxPool2D(2)]
[Flatten]
[Dense(120), ReLU]
[Dense(84), ReLU]
[Dense(10)]
public partial class LeNet5;
