using StaticNet;

namespace StaticNet.Samples;

/// <summary>
/// LeNet-5 (as in samples/Shared/LeNet5.cs) that starts with the weights in lenet5.safetensors,
/// compiled into the assembly: <c>new PretrainedLeNet5()</c> is ready to predict.
/// </summary>
#if WEIGHTS_FROM_FILE
[Network]
#else
[Network(Weights = "lenet5.safetensors")]
#endif
[Input(1, 28, 28)]
[Conv2D(6, Kernel = 5, Padding = 2), ReLU, MaxPool2D(2)]
[Conv2D(16, Kernel = 5), ReLU, MaxPool2D(2)]
[Flatten]
[Dense(120), ReLU]
[Dense(84), ReLU]
[Dense(10)]
public partial class PretrainedLeNet5;
