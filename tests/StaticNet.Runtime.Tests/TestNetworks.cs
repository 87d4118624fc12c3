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

/// <summary>
/// ReLUs whose backward passes run inside the max pooling after them: one on the network's input (its gradient
/// optional work) under overlapping windows padded at the border, one after a convolution under 2x1 windows.
/// </summary>
[Network]
[Input(2, 7, 7)]
[ReLU, MaxPool2D(3, Stride = 2, Padding = 1)]
[Conv2D(3, Kernel = 2), ReLU, MaxPool2D(KernelHeight = 2, KernelWidth = 1)]
[Flatten]
[Dense(3)]
public partial class ReLUPoolNet;

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

/// <summary>Batch normalisation of image channels, after a padded convolution.</summary>
[Network]
[Input(2, 5, 5)]
[Conv2D(3, Kernel = 3, Padding = 1), BatchNorm2D, Tanh]
[Flatten]
[Dense(3)]
public partial class BatchNorm2DNet;

/// <summary>Batch normalisation of flat features, with its own momentum and epsilon.</summary>
[Network]
[Input(6)]
[Dense(5), BatchNorm1D(Momentum = 0.3, Epsilon = 1e-3), Sigmoid]
[Dense(3)]
public partial class BatchNorm1DNet;

/// <summary>Batch normalisation without weight and bias, straight on the input.</summary>
[Network]
[Input(2, 4, 4)]
[BatchNorm2D(Affine = false)]
[Flatten]
[Dense(2)]
public partial class BatchNormNotAffineNet;

/// <summary>Dropout between dense layers: with the step fixed, its mask is too.</summary>
[Network]
[Input(8)]
[Dense(10), Dropout(0.3), Tanh]
[Dense(3), Dropout(0.5, Name = "head_dropout")]
public partial class DropoutNet;

/// <summary>An identity residual block: the block's input is added to its output.</summary>
[Network]
[Input(2, 6, 6)]
[Conv2D(3, Kernel = 3, Padding = 1), Tanh(Name = "block_in")]
[Conv2D(3, Kernel = 3, Padding = 1), Tanh]
[Conv2D(3, Kernel = 3, Padding = 1, Name = "main")]
[Add("block_in"), Tanh]
[Flatten]
[Dense(3)]
public partial class ResidualNet;

/// <summary>
/// A ResNet basic block that halves the resolution and doubles the channels, with a 1x1 projection
/// on the shortcut, batch normalisation throughout, and global average pooling.
/// </summary>
[Network]
[Input(2, 6, 6)]
[Conv2D(3, Kernel = 3, Padding = 1), BatchNorm2D, Tanh(Name = "block_in")]
[Conv2D(6, Kernel = 3, Stride = 2, Padding = 1, Bias = false), BatchNorm2D, Tanh]
[Conv2D(6, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D(Name = "main")]
[Conv2D(6, 1, Stride = 2, Bias = false, From = "block_in"), BatchNorm2D(Name = "shortcut")]
[Add("main"), Tanh]
[GlobalAvgPool2D]
[Dense(3)]
public partial class ProjectionResidualNet;

/// <summary>
/// Two branches and their stem joined along channels (the stem read three times), then flat features
/// joined to the pooled ones; smooth layers only, so finite differences hold everywhere.
/// </summary>
[Network]
[Input(2, 4, 5)]
[Conv2D(3, Kernel = 3, Padding = 1), Tanh(Name = "stem")]
[Conv2D(2, 1, Name = "left")]
[Conv2D(3, Kernel = 3, Padding = 1, From = "stem"), Sigmoid(Name = "right")]
[Concat("right", "stem", From = "left", Name = "joined")]
[Conv2D(2, 1), Tanh]
[GlobalAvgPool2D(Name = "pooled")]
[Flatten(From = "left")]
[Concat("pooled")]
[Dense(3)]
public partial class ConcatNet;

/// <summary>A flattened value read by two layers (the next one and an Add), and an Add of a value to itself.</summary>
[Network]
[Input(1, 4, 4)]
[Conv2D(2, Kernel = 3, Padding = 1), Tanh, Flatten(Name = "flat")]
[Dense(5), Tanh]
[Dense(32), Add("flat"), Tanh(Name = "t")]
[Add("t")]
[Dense(3)]
public partial class SharedValueNet;

/// <summary>Dilated convolutions: a 3x3 kernel spread over 5x5 (unrolled), and a 9x9 one over 17x17 (a loop).</summary>
[Network]
[Input(1, 17, 18)]
[Conv2D(2, Kernel = 3, Dilation = 2, Padding = 2), Tanh]
[Conv2D(1, Kernel = 9, Dilation = 2, Bias = false), Sigmoid]
[Flatten]
[Dense(2)]
public partial class DilatedConvNet;

/// <summary>
/// Rectangular convolutions: a 3x2 kernel with stride (2, 1), padding (1, 0) and dilation (1, 2) (im2col), then a 1x3
/// kernel dilated by (2, 1) and padded (0, 1), which the shifted views take.
/// </summary>
[Network]
[Input(2, 9, 7)]
[Conv2D(3, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, PaddingHeight = 1, DilationWidth = 2), Tanh]
[Conv2D(2, KernelHeight = 1, KernelWidth = 3, PaddingWidth = 1, DilationHeight = 2), Sigmoid]
[Flatten]
[Dense(3)]
public partial class RectangularConvNet;

/// <summary>Strides that differ between the axes: (1, 2) with a 2x3 kernel dilated by (2, 1), then (2, 1) with a square kernel.</summary>
[Network]
[Input(1, 8, 9)]
[Conv2D(2, KernelHeight = 2, KernelWidth = 3, StrideWidth = 2, PaddingWidth = 1, DilationHeight = 2, Bias = false), Tanh]
[Conv2D(2, 3, StrideHeight = 2), Sigmoid]
[Flatten]
[Dense(3)]
public partial class AsymmetricStrideConvNet;

/// <summary>Pooling over rectangular windows: 3x2 max pooling padded above and below, 1x3 mean of stride (1, 2) padded left and right.</summary>
[Network]
[Input(2, 6, 7)]
[MaxPool2D(KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, PaddingHeight = 1)]
[AvgPool2D(KernelHeight = 1, KernelWidth = 3, StrideWidth = 2, PaddingWidth = 1)]
[Flatten]
[Dense(3)]
public partial class RectangularPoolNet;

/// <summary>The smooth activations: GELU, SiLU and softplus.</summary>
[Network]
[Input(6)]
[Dense(6), GELU]
[Dense(6), SiLU]
[Dense(6), Softplus(Beta = 2)]
[Dense(3)]
public partial class SmoothActivationsNet;

/// <summary>The activations with a kink at 0: leaky ReLU and ELU with alpha other than 1.</summary>
[Network]
[Input(6)]
[Dense(8), LeakyReLU(0.1)]
[Dense(8), ELU(0.7)]
[Dense(3)]
public partial class KinkedActivationsNet;

/// <summary>Log-softmax as the last layer.</summary>
[Network]
[Input(5)]
[Dense(4), LogSoftmax]
public partial class LogSoftmaxNet;

/// <summary>A frozen convolution and batch normalisation under a trainable head: the backbone computes no gradients.</summary>
[Network]
[Input(1, 5, 5)]
[Conv2D(2, 3, Frozen = true, Name = "backbone"), BatchNorm2D(Frozen = true), Tanh]
[Flatten]
[Dense(3, Name = "head")]
public partial class FrozenBackboneNet;

/// <summary>Every initializer, on layers the initializer tests read.</summary>
[Network]
[Input(64)]
[Dense(128, WeightInit = Init.KaimingUniform, BiasInit = Init.Zeros), ReLU]
[Dense(128, WeightInit = Init.KaimingNormal, InitMode = FanMode.FanOut, BiasInit = Init.Ones), ReLU]
[Dense(96, WeightInit = Init.KaimingNormal, InitNonlinearity = Nonlinearity.LeakyReLU, InitSlope = 0.2, BiasInit = Init.Constant, BiasInitValue = 0.5), LeakyReLU(0.2)]
[Dense(80, WeightInit = Init.XavierUniform), Tanh]
[Dense(72, WeightInit = Init.XavierNormal, InitNonlinearity = Nonlinearity.Tanh), Tanh]
[Dense(64, WeightInit = Init.LeCunNormal)]
[Dense(48, WeightInit = Init.Constant, WeightInitValue = -0.25)]
[Dense(40, WeightInit = Init.Ones, Bias = false)]
[BatchNorm1D(WeightInit = Init.Constant, WeightInitValue = 0.5, BiasInit = Init.Ones)]
public partial class InitializerNet;

/// <summary>Batch normalisation alone, so that its output can be compared with a reference.</summary>
[Network]
[Input(2, 3, 3)]
[BatchNorm2D(Momentum = 0.2, Epsilon = 1e-3)]
public partial class BatchNormOnlyNet;

/// <summary>Dropout alone, wide enough to count its drops.</summary>
[Network]
[Input(1000)]
[Dropout(0.3)]
public partial class DropoutOnlyNet;

/// <summary>
/// A value read first by a convolution and then by a Flatten (From), whose shared gradient buffer is
/// then the extra one that backward adds into the value's own.
/// </summary>
[Network]
[Input(1, 3, 3)]
[Conv2D(2, 1), Tanh(Name = "t")]
[Conv2D(2, 1), Tanh, Flatten(Name = "branch")]
[Flatten(From = "t", Name = "skip")]
[Add("branch")]
[Dense(3)]
public partial class FlattenBranchNet;

/// <summary>Sigmoid as the last layer: probabilities per output, for the check against losses on logits.</summary>
[Network]
[Input(4)]
[Dense(2), Sigmoid]
public partial class SigmoidOutputNet;

/// <summary>
/// A sequence model's shape for the CTC loss: a convolution over a 1 x 8 strip whose [4, 1, 8] output is
/// 4 classes (the blank and 3 labels) at each of 8 steps, class-major.
/// </summary>
[Network]
[Input(2, 1, 8)]
[Conv2D(4, Kernel = 3, Padding = 1)]
public partial class CtcConvNet;

/// <summary>
/// Layers that inference runs in blocked channels, each kind in turn: a first convolution on padded planes, max
/// pooling, a strided convolution and a 1x1 shortcut read from one blocked tensor with different paddings, a join
/// with its ReLU, a dilated rectangular window, a ReLU alone, global average pooling; no batch normalisation, so that
/// training's forward computes the same function.
/// </summary>
[Network]
[Input(3, 12, 10)]
[Conv2D(16, Kernel = 3, Padding = 1), ReLU, MaxPool2D(2, Name = "pool1")]
[Conv2D(32, Kernel = 3, Stride = 2, Padding = 1), ReLU]
[Conv2D(32, Kernel = 3, Padding = 1, Name = "main")]
[Conv2D(32, Kernel = 1, Stride = 2, From = "pool1"), Add("main"), ReLU]
[Conv2D(16, KernelHeight = 3, KernelWidth = 2, PaddingHeight = 2, PaddingWidth = 1, DilationHeight = 2)]
[ReLU]
[GlobalAvgPool2D]
[Dense(5)]
public partial class BlockedChannelsNet;

/// <summary>
/// Two blocked convolutions large enough for one sample's Predict to share their tiles among threads, on a 9x9 plane
/// whose 81 positions leave the last tile part-filled: the first on planes runs the direct tiles (14 tiles of 144
/// steps for each block of filters), the second on blocks Winograd's (25 tiles in 5 groups, 5,760 tile steps).
/// </summary>
[Network]
[Input(16, 9, 9)]
[Conv2D(32, Kernel = 3, Padding = 1), ReLU]
[Conv2D(32, Kernel = 3, Padding = 1), BatchNorm2D, ReLU]
[GlobalAvgPool2D]
[Dense(3)]
public partial class BlockedSharedNet;

/// <summary>
/// A dense layer whose weights (300 x 260, 78,000) one sample's Predict shares out among its threads by outputs, the last
/// part ending at 260, past the last multiple of 8; a batch normalisation with running estimates folded into it; and a
/// small dense layer that stays on the calling thread.
/// </summary>
[Network]
[Input(300)]
[Dense(260), BatchNorm1D, ReLU]
[Dense(10)]
public partial class WideDenseNet;

/// <summary>
/// The edges of blocked runs: a blocked tensor read through a dropout (identity at rate 0, so that training's forward
/// computes the same function) by a blocked convolution and by one on planes; a join on planes of a planes tensor and
/// a blocked one; planes padded for the blocked convolution after the join; and a blocked network output.
/// </summary>
[Network]
[Input(3, 8, 8)]
[Conv2D(16, Kernel = 3, Padding = 1), ReLU, Dropout(0.0, Name = "drop")]
[Conv2D(16, Kernel = 3, Padding = 1, Name = "left")]
[Conv2D(8, Kernel = 1, From = "drop", Name = "narrow")]
[Concat("left")]
[Conv2D(16, Kernel = 3, Padding = 1)]
public partial class BlockedEdgesNet;

/// <summary>A blocked convolution whose output a layer on planes reads: copied out of blocks for the flatten.</summary>
[Network]
[Input(2, 6, 6)]
[Conv2D(16, Kernel = 3), ReLU, MaxPool2D(2)]
[Flatten]
[Dense(3)]
public partial class BlockedToPlanesNet;
