using StaticNet;

namespace StaticNet.Onnx.Tests;

// Small networks that between them hold every layer kind, with settings away from their defaults
// wherever a kind has settings, so that an attribute the export drops or mistranslates changes the output.

/// <summary>Strided, padded, dilated convolutions (one without bias), LeakyReLU and ELU with their own slopes, padded max pooling, average pooling without the padding in its divisor, tanh and softmax.</summary>
[Network]
[Input(3, 11, 11)]
[Conv2D(4, 3, Stride = 2, Padding = 2, Dilation = 2), LeakyReLU(0.3)]
[Conv2D(5, 2, Bias = false), ELU(0.7)]
[MaxPool2D(3, Stride = 1, Padding = 1)]
[AvgPool2D(3, Stride = 2, Padding = 1, CountIncludePad = false)]
[Flatten]
[Dense(6), Tanh]
[Dense(3), Softmax]
public partial class WindowNet;

/// <summary>
/// Windows given per axis: a 3x2 kernel with stride (2, 1), padding (1, 0) and dilation (1, 2); a 1x5 kernel padded
/// (0, 2) without bias; max pooling over 2x1 windows; average pooling over 1x3 windows of stride (1, 2) padded (0, 1).
/// </summary>
[Network]
[Input(3, 10, 9)]
[Conv2D(4, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, PaddingHeight = 1, DilationWidth = 2), ReLU]
[Conv2D(3, KernelHeight = 1, KernelWidth = 5, PaddingWidth = 2, Bias = false), Tanh]
[MaxPool2D(KernelHeight = 2, KernelWidth = 1)]
[AvgPool2D(KernelHeight = 1, KernelWidth = 3, StrideWidth = 2, PaddingWidth = 1, CountIncludePad = false)]
[Flatten]
[Dense(3)]
public partial class RectangularWindowNet;

/// <summary>Average pooling with the padding in its divisor, sigmoid, global average pooling and log-softmax.</summary>
[Network]
[Input(2, 8, 8)]
[AvgPool2D(3, Stride = 2, Padding = 1)]
[Conv2D(3, 3, Padding = 1), Sigmoid]
[GlobalAvgPool2D]
[Dense(4), LogSoftmax]
public partial class PoolNet;

/// <summary>Batch normalisation over images and vectors, with and without affine parameters and with their own epsilons; SiLU, GELU and dropout.</summary>
[Network]
[Input(3, 6, 6)]
[Conv2D(4, 3, Padding = 1), BatchNorm2D(Epsilon = 1e-3, Momentum = 0.3), ReLU]
[Conv2D(4, 3, Padding = 1), BatchNorm2D(Affine = false), SiLU]
[Flatten]
[Dense(8), BatchNorm1D(Epsilon = 0.01), GELU]
[Dense(8), BatchNorm1D(Affine = false), Dropout(0.4)]
[Dense(3)]
public partial class NormNet;

/// <summary>Softplus with its own beta and threshold, straight on the input (whose values pass the threshold) and after dense layers.</summary>
[Network]
[Input(6)]
[Softplus(Beta = 2, Threshold = 3)]
[Dense(5), Softplus]
[Dense(4), Softplus(Beta = 0.5, Threshold = 1)]
public partial class SoftplusNet;

/// <summary>Two residual additions, one of them over a branch that reads an earlier layer (<c>From</c>), and softmax over an image.</summary>
[Network]
[Input(2, 6, 6)]
[Conv2D(3, 3, Padding = 1, Name = "stem"), ReLU(Name = "act")]
[Conv2D(3, 3, Padding = 1)]
[Add("act", Name = "sum")]
[Conv2D(3, 1, From = "stem")]
[Add("sum")]
[Softmax]
public partial class BranchNet;

/// <summary>A layer named like the graph's output, which the exported graph must keep apart from it.</summary>
[Network]
[Input(4)]
[Dense(3, Name = "output"), ReLU]
[Dense(2)]
public partial class OutputNameNet;

/// <summary>Branches joined along channels (the stem read three times), then flat features joined after pooling: ONNX Concat on axis 1, for images and vectors.</summary>
[Network]
[Input(3, 6, 6)]
[Conv2D(4, 3, Padding = 1), ReLU(Name = "stem")]
[Conv2D(2, 1, Name = "left")]
[Conv2D(3, 3, Padding = 1, From = "stem"), Tanh(Name = "right")]
[Concat("right", "stem", From = "left", Name = "joined")]
[GlobalAvgPool2D(Name = "pooled")]
[Flatten(From = "left")]
[Concat("pooled")]
[Dense(3)]
public partial class ConcatNet;
