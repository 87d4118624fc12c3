using StaticNet;

namespace StaticNet.Samples;

/// <summary>
/// A small ResNet for 28x28 images, 77,290 parameters: a convolution stem, one identity residual block
/// at 14x14, one block that halves the resolution and doubles the channels with a 1x1 projection on its
/// shortcut, global average pooling and a linear classifier. Batch normalisation follows every
/// convolution, as in He et al.'s basic block. samples/ResidualFashionMnist/reference.py is the same
/// network in PyTorch, with the same state_dict names.
/// </summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(32, 3, Padding = 1, Bias = false), BatchNorm2D, ReLU, MaxPool2D(2, Name = "stem")]
[Conv2D(32, 3, Padding = 1, Bias = false), BatchNorm2D, ReLU]
[Conv2D(32, 3, Padding = 1, Bias = false), BatchNorm2D(Name = "block1_main")]
[Add("stem"), ReLU(Name = "block1")]
[Conv2D(64, 3, Stride = 2, Padding = 1, Bias = false), BatchNorm2D, ReLU]
[Conv2D(64, 3, Padding = 1, Bias = false), BatchNorm2D(Name = "block2_main")]
[Conv2D(64, 1, Stride = 2, Bias = false, From = "block1"), BatchNorm2D(Name = "block2_shortcut")]
[Add("block2_main"), ReLU]
[GlobalAvgPool2D]
[Dense(10)]
public partial class FashionResNet;
