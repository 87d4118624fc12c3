using StaticNet;

namespace StaticNet.Samples;

/// <summary>
/// The network pre-trained on the first five Fashion-MNIST classes (T-shirt/top, trouser, pullover,
/// dress, coat): a convolutional backbone (conv1 to features) and a 5-way head.
/// </summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(16, 3, Padding = 1, Bias = false, Name = "conv1"), BatchNorm2D(Name = "bn1"), ReLU, MaxPool2D(2)]
[Conv2D(32, 3, Padding = 1, Bias = false, Name = "conv2"), BatchNorm2D(Name = "bn2"), ReLU, MaxPool2D(2)]
[Flatten]
[Dense(64, Name = "features"), ReLU]
[Dense(5, Name = "head")]
public partial class PretrainNet;

/// <summary>
/// The same network with its convolutional backbone (conv1 to bn2) frozen in the declaration, and a
/// new head for the other five classes (sandal, shirt, sneaker, bag, ankle boot). Its tensors have the
/// pre-trained network's names, so they load from its file by name; its Backward computes gradients for
/// the features layer and the head only, and skips the backbone's backward entirely.
/// </summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(16, 3, Padding = 1, Bias = false, Name = "conv1", Frozen = true), BatchNorm2D(Name = "bn1", Frozen = true), ReLU, MaxPool2D(2)]
[Conv2D(32, 3, Padding = 1, Bias = false, Name = "conv2", Frozen = true), BatchNorm2D(Name = "bn2", Frozen = true), ReLU, MaxPool2D(2)]
[Flatten]
[Dense(64, Name = "features"), ReLU]
[Dense(5, Name = "head")]
public partial class FineTuneNet;
