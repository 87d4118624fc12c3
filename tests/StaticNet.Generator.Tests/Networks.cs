using System.Collections.Generic;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>The declarations whose generated code is snapshotted and compiled; between them they reach every emitter path.</summary>
internal static class Networks
{
    /// <summary>Dense layers and ReLU only: the flat path.</summary>
    public const string Mlp = """
        using StaticNet;

        namespace Tests.Networks;

        /// <summary>A multilayer perceptron for 28x28 images.</summary>
        [Network]
        [Input(784)]
        [Dense(256), ReLU]
        [Dense(128), ReLU]
        [Dense(10)]
        public partial class Mlp;
        """;

    /// <summary>As in samples/Shared/LeNet5.cs: padded and unpadded 5x5 convolutions, max pooling, flatten.</summary>
    public const string LeNet5 = """
        using StaticNet;

        namespace Tests.Networks;

        /// <summary>LeNet-5 for 28x28 images.</summary>
        [Network]
        [Input(1, 28, 28)]
        [Conv2D(6, Kernel = 5, Padding = 2), ReLU, MaxPool2D(2)]
        [Conv2D(16, Kernel = 5), ReLU, MaxPool2D(2)]
        [Flatten]
        [Dense(120), ReLU]
        [Dense(84), ReLU]
        [Dense(10)]
        public partial class LeNet5;
        """;

    /// <summary>A strided, padded convolution, overlapping padded average pooling, a convolution without bias, sigmoid, tanh and softmax; in the global namespace.</summary>
    public const string StridedConvNet = """
        using StaticNet;

        /// <summary>A small network over 3x32x32 images.</summary>
        [Network]
        [Input(3, 32, 32)]
        [Conv2D(8, Kernel = 3, Stride = 2, Padding = 1), Tanh]
        [AvgPool2D(3, Stride = 2, Padding = 1)]
        [Conv2D(4, 3, Bias = false), Sigmoid]
        [Flatten]
        [Dense(5), Softmax]
        public partial class StridedConvNet;
        """;

    /// <summary>
    /// Large windows, average
    /// pooling whose divisor excludes the padding, padded max pooling, and a named dense layer without bias.
    /// </summary>
    public const string LargeWindowNet = """
        using StaticNet;

        namespace Tests.Networks;

        /// <summary>Large windows over 2x20x20 images.</summary>
        [Network]
        [Input(2, 20, 20)]
        [Conv2D(3, Kernel = 9, Padding = 4), ReLU]
        [AvgPool2D(9, Stride = 3, Padding = 4, CountIncludePad = false)]
        [MaxPool2D(3, Stride = 1, Padding = 1)]
        [Flatten]
        [Dense(4, Bias = false, Name = "head")]
        public partial class LargeWindowNet;
        """;

    /// <summary>
    /// A ResNet basic block with a 1x1 projection on its shortcut: batch normalisation (state tensors,
    /// phased training code, inference code), a residual Add whose inputs are read by two layers each,
    /// global average pooling, dropout, a frozen stem, and declared initializers.
    /// </summary>
    public const string ResidualBlockNet = """
        using StaticNet;

        namespace Tests.Networks;

        /// <summary>A stem and one residual block for 1x8x8 images.</summary>
        [Network]
        [Input(1, 8, 8)]
        [Conv2D(4, 3, Padding = 1, Frozen = true, Name = "stem"), BatchNorm2D(Frozen = true), ReLU(Name = "block_in")]
        [Conv2D(8, 3, Stride = 2, Padding = 1, Bias = false, WeightInit = Init.KaimingNormal, InitMode = FanMode.FanOut), BatchNorm2D, ReLU]
        [Conv2D(8, 3, Padding = 1, Bias = false), BatchNorm2D(WeightInit = Init.Zeros, Name = "main")]
        [Conv2D(8, 1, Stride = 2, Bias = false, From = "block_in"), BatchNorm2D(Name = "shortcut")]
        [Add("main"), ReLU]
        [GlobalAvgPool2D]
        [Dropout(0.25)]
        [Dense(10, WeightInit = Init.XavierUniform, BiasInit = Init.Zeros)]
        public partial class ResidualBlockNet;
        """;

    /// <summary>Branches joined along channels, in the order torch.cat would take them, and flat features joined after pooling.</summary>
    public const string InceptionNet = """
        using StaticNet;

        namespace Tests.Networks;

        /// <summary>An Inception-style block of three branches over a stem, for 3x8x8 images.</summary>
        [Network]
        [Input(3, 8, 8)]
        [Conv2D(6, 3, Padding = 1), ReLU(Name = "stem")]
        [Conv2D(4, 1, Name = "b1")]
        [Conv2D(5, 3, Padding = 1, From = "stem"), ReLU(Name = "b2")]
        [MaxPool2D(3, Stride = 1, Padding = 1, From = "stem"), Conv2D(3, 1, Name = "b3")]
        [Concat("b2", "b3", From = "b1", Name = "joined")]
        [GlobalAvgPool2D(Name = "gap")]
        [Flatten(From = "stem", Name = "stem_flat")]
        [Concat("gap", Name = "features")]
        [Dense(10)]
        public partial class InceptionNet;
        """;

    /// <summary>
    /// Every new element-wise activation, flat batch normalisation without affine parameters, a dilated
    /// convolution, and log-softmax; in the global namespace.
    /// </summary>
    public const string ActivationZooNet = """
        using StaticNet;

        /// <summary>One of each activation.</summary>
        [Network]
        [Input(2, 9, 9)]
        [Conv2D(3, 3, Dilation = 2, Padding = 2), LeakyReLU(0.2)]
        [Conv2D(2, 3, Dilation = 3), ELU]
        [Flatten]
        [Dense(16), GELU]
        [Dense(16), SiLU]
        [Dense(8), BatchNorm1D(Affine = false, Momentum = 0.01), Softplus(Beta = 2, Threshold = 10)]
        [Dense(4), LogSoftmax]
        public partial class ActivationZooNet;
        """;

    /// <summary>
    /// Windows given per axis, as PyTorch's tuples: a rectangular kernel with stride, padding and dilation
    /// that differ between height and width (im2col), a 1x5 kernel padded along rows only (shifted views),
    /// max pooling over 2x1 windows and average pooling over 1x3 windows of stride (1, 2).
    /// </summary>
    public const string RectangularWindowNet = """
        using StaticNet;

        namespace Tests.Networks;

        /// <summary>Rectangular windows.</summary>
        [Network]
        [Input(3, 10, 9)]
        [Conv2D(8, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, PaddingHeight = 1, DilationWidth = 2), ReLU]
        [Conv2D(4, KernelHeight = 1, KernelWidth = 5, PaddingWidth = 2), ReLU]
        [MaxPool2D(KernelHeight = 2, KernelWidth = 1)]
        [AvgPool2D(KernelHeight = 1, KernelWidth = 3, StrideWidth = 2, PaddingWidth = 1, CountIncludePad = false)]
        [Flatten]
        [Dense(3)]
        public partial class RectangularWindowNet;
        """;

    /// <summary>ResNet-18 for 3x224x224 images (<see cref="Declarations.ResNet18"/>): the network the generated-size and generator-speed targets are set on.</summary>
    public static string ResNet18 => Declarations.ResNet18;

    public static TheoryData<string> Names => new() { nameof(Mlp), nameof(LeNet5), nameof(StridedConvNet), nameof(LargeWindowNet), nameof(ResidualBlockNet), nameof(ActivationZooNet), nameof(InceptionNet), nameof(RectangularWindowNet) };

    public static string Source(string name) => name switch
    {
        nameof(Mlp) => Mlp,
        nameof(LeNet5) => LeNet5,
        nameof(StridedConvNet) => StridedConvNet,
        nameof(LargeWindowNet) => LargeWindowNet,
        nameof(ResidualBlockNet) => ResidualBlockNet,
        nameof(ActivationZooNet) => ActivationZooNet,
        nameof(InceptionNet) => InceptionNet,
        nameof(RectangularWindowNet) => RectangularWindowNet,
        _ => throw new KeyNotFoundException(name),
    };
}
