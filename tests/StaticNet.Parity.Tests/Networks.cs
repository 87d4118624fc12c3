using StaticNet;

// The networks the parity cases run, compiled by the generator like any user's. Each has a
// hand-written PyTorch twin of the same name in python/reference.py (NETWORKS); the two must agree
// on layer names (the state_dict names) and shapes, which PyTorch's load_state_dict(strict=True)
// checks. Sizes are small and odd so that every index and border matters.
namespace StaticNet.Parity.Networks;

// ---- Dense ----------------------------------------------------------------------------------

/// <summary>Dense layers with bias.</summary>
[Network]
[Input(7)]
[Dense(5), ReLU]
[Dense(4)]
public partial class DenseNet;

/// <summary>Dense layers without bias.</summary>
[Network]
[Input(6)]
[Dense(8, Bias = false), ReLU]
[Dense(3, Bias = false)]
public partial class DenseNoBiasNet;

// ---- Activations, each between two dense layers ----------------------------------------------

/// <summary>ReLU.</summary>
[Network]
[Input(6)]
[Dense(9), ReLU]
[Dense(4)]
public partial class ReluNet;

/// <summary>Sigmoid.</summary>
[Network]
[Input(6)]
[Dense(9), Sigmoid]
[Dense(4)]
public partial class SigmoidNet;

/// <summary>Tanh.</summary>
[Network]
[Input(6)]
[Dense(9), Tanh]
[Dense(4)]
public partial class TanhNet;

/// <summary>Softmax as the last layer (nn.Softmax(dim=1)).</summary>
[Network]
[Input(6)]
[Dense(5), Softmax]
public partial class SoftmaxNet;

// ---- Conv2D ---------------------------------------------------------------------------------

/// <summary>A plain 3x3 convolution, stride 1, no padding.</summary>
[Network]
[Input(2, 6, 6)]
[Conv2D(3, Kernel = 3), ReLU]
[Flatten]
[Dense(4)]
public partial class ConvNet;

/// <summary>Stride 2 with padding 1 on a non-square input whose width does not tile.</summary>
[Network]
[Input(2, 7, 8)]
[Conv2D(3, Kernel = 3, Stride = 2, Padding = 1), Tanh]
[Flatten]
[Dense(3)]
public partial class ConvStridePadNet;

/// <summary>A 5x5 kernel, stride 2, padding 2, three input channels.</summary>
[Network]
[Input(3, 11, 10)]
[Conv2D(4, Kernel = 5, Stride = 2, Padding = 2), Sigmoid]
[Flatten]
[Dense(3)]
public partial class ConvStride2Pad2Net;

/// <summary>A 4x4 kernel with stride 3 that does not tile its 9x9 input, and no bias.</summary>
[Network]
[Input(2, 9, 9)]
[Conv2D(2, Kernel = 4, Stride = 3, Bias = false), Sigmoid]
[Flatten]
[Dense(2)]
public partial class ConvUntiledNoBiasNet;

/// <summary>A 9x9 kernel (above the unrolling limit, so its window is a loop) with padding 1.</summary>
[Network]
[Input(2, 12, 11)]
[Conv2D(3, Kernel = 9, Padding = 1)]
[Flatten]
[Dense(3)]
public partial class ConvLargeKernelNet;

/// <summary>A 9x9 kernel with stride 2, padding 3 and no bias.</summary>
[Network]
[Input(1, 20, 20)]
[Conv2D(2, Kernel = 9, Stride = 2, Padding = 3, Bias = false), ReLU]
[Flatten]
[Dense(3)]
public partial class ConvLargeKernelStrideNet;

// ---- MaxPool2D ------------------------------------------------------------------------------

/// <summary>2x2 max pooling, stride 2.</summary>
[Network]
[Input(2, 6, 6)]
[MaxPool2D(2)]
[Flatten]
[Dense(3)]
public partial class MaxPoolNet;

/// <summary>Overlapping 3x3 windows, stride 2, padding 1, on a non-square input.</summary>
[Network]
[Input(2, 6, 7)]
[MaxPool2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(3)]
public partial class MaxPoolPadNet;

/// <summary>3x3 windows that do not tile a 7x8 input: the last rows and columns are dropped.</summary>
[Network]
[Input(2, 7, 8)]
[MaxPool2D(3)]
[Flatten]
[Dense(3)]
public partial class MaxPoolUntiledNet;

/// <summary>3x3 windows with stride 1: every input is in up to nine windows.</summary>
[Network]
[Input(1, 7, 7)]
[MaxPool2D(3, Stride = 1)]
[Flatten]
[Dense(3)]
public partial class MaxPoolOverlapNet;

/// <summary>A 9x9 window (above the unrolling limit), stride 2, padding 4.</summary>
[Network]
[Input(2, 11, 11)]
[MaxPool2D(9, Stride = 2, Padding = 4)]
[Flatten]
[Dense(3)]
public partial class MaxPoolLargeNet;

// ---- AvgPool2D ------------------------------------------------------------------------------

/// <summary>2x2 average pooling, stride 2.</summary>
[Network]
[Input(2, 6, 6)]
[AvgPool2D(2)]
[Flatten]
[Dense(3)]
public partial class AvgPoolNet;

/// <summary>Overlapping 3x3 windows, stride 2, padding 1, padding counted in the divisor (PyTorch's default).</summary>
[Network]
[Input(2, 7, 6)]
[AvgPool2D(3, Stride = 2, Padding = 1)]
[Flatten]
[Dense(3)]
public partial class AvgPoolPadNet;

/// <summary>As <see cref="AvgPoolPadNet"/>, with padding left out of the divisor.</summary>
[Network]
[Input(2, 7, 6)]
[AvgPool2D(3, Stride = 2, Padding = 1, CountIncludePad = false)]
[Flatten]
[Dense(3)]
public partial class AvgPoolExcludePadNet;

/// <summary>3x3 windows that do not tile a 7x8 input.</summary>
[Network]
[Input(2, 7, 8)]
[AvgPool2D(3)]
[Flatten]
[Dense(3)]
public partial class AvgPoolUntiledNet;

/// <summary>3x3 windows with stride 1.</summary>
[Network]
[Input(1, 7, 7)]
[AvgPool2D(3, Stride = 1)]
[Flatten]
[Dense(3)]
public partial class AvgPoolOverlapNet;

/// <summary>A 9x9 window (above the unrolling limit), stride 2, padding 4, padding counted.</summary>
[Network]
[Input(2, 11, 11)]
[AvgPool2D(9, Stride = 2, Padding = 4)]
[Flatten]
[Dense(3)]
public partial class AvgPoolLargeNet;

/// <summary>A 9x9 window, stride 2, padding 4, padding left out of the divisor.</summary>
[Network]
[Input(2, 11, 11)]
[AvgPool2D(9, Stride = 2, Padding = 4, CountIncludePad = false)]
[Flatten]
[Dense(3)]
public partial class AvgPoolLargeExcludePadNet;

// ---- Batch normalisation -------------------------------------------------------------------

// A bias just before a batch norm has a gradient of exactly 0 (the normalisation subtracts it again), so
// what both sides compute for it is rounding noise, which Adam divides by its own size: the layers before
// a batch norm have no bias here, as in ResNets.

/// <summary>BatchNorm2D with PyTorch's defaults after a padded convolution, on a non-square 5x4 plane.</summary>
[Network]
[Input(2, 5, 4)]
[Conv2D(3, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D, ReLU]
[Flatten]
[Dense(4)]
public partial class BatchNorm2DNet;

/// <summary>BatchNorm2D with a momentum and an epsilon large enough to change every value.</summary>
[Network]
[Input(2, 5, 4)]
[Conv2D(3, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D(Momentum = 0.35, Epsilon = 0.05), Tanh]
[Flatten]
[Dense(4)]
public partial class BatchNorm2DMomentumNet;

/// <summary>BatchNorm2D without weight and bias (PyTorch's affine=False): only running estimates.</summary>
[Network]
[Input(2, 5, 4)]
[Conv2D(3, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D(Affine = false), ReLU]
[Flatten]
[Dense(4)]
public partial class BatchNorm2DNoAffineNet;

/// <summary>BatchNorm1D with PyTorch's defaults between two dense layers.</summary>
[Network]
[Input(6)]
[Dense(8, Bias = false), BatchNorm1D, Tanh]
[Dense(4)]
public partial class BatchNorm1DNet;

/// <summary>BatchNorm1D with a non-default momentum and epsilon.</summary>
[Network]
[Input(6)]
[Dense(8, Bias = false), BatchNorm1D(Momentum = 0.25, Epsilon = 0.1), Sigmoid]
[Dense(4)]
public partial class BatchNorm1DMomentumNet;

/// <summary>BatchNorm1D without weight and bias.</summary>
[Network]
[Input(6)]
[Dense(8, Bias = false), BatchNorm1D(Affine = false), ReLU]
[Dense(4)]
public partial class BatchNorm1DNoAffineNet;

/// <summary>BatchNorm1D straight on the input, so a case chooses the values it normalises (far from zero).</summary>
[Network]
[Input(5)]
[BatchNorm1D(Momentum = 0.2)]
[Dense(3)]
public partial class BatchNorm1DInputNet;

// ---- Residual connections -------------------------------------------------------------------

/// <summary>An identity shortcut: tanh's output "stem" is read by fc2 and by the Add, so its gradient is a sum of two.</summary>
[Network]
[Input(6)]
[Dense(8), Tanh(Name = "stem")]
[Dense(8), ReLU]
[Dense(8)]
[Add("stem"), Tanh]
[Dense(4)]
public partial class ResidualDenseNet;

/// <summary>
/// One value, "stem", read by three layers (fc2, fc3 through From, and the last Add), and one, "branch",
/// that is itself joined by an Add: gradients from three readers must be summed.
/// </summary>
[Network]
[Input(6)]
[Dense(7), Tanh(Name = "stem")]
[Dense(7), ReLU(Name = "branch")]
[Dense(7, From = "stem"), Sigmoid]
[Add("branch")]
[Add("stem")]
[Dense(3)]
public partial class ResidualFanOutNet;

/// <summary>
/// A ResNet basic block that halves the resolution (7x6 to 4x3) and doubles the channels, with a 1x1
/// stride-2 projection and batch norm on the shortcut, then global average pooling, as in docs/layers.md.
/// </summary>
[Network]
[Input(2, 7, 6)]
[Conv2D(3, 3, Padding = 1, Bias = false), BatchNorm2D, ReLU(Name = "block_in")]
[Conv2D(6, 3, Stride = 2, Padding = 1, Bias = false), BatchNorm2D, ReLU]
[Conv2D(6, 3, Padding = 1, Bias = false), BatchNorm2D(Name = "main")]
[Conv2D(6, 1, Stride = 2, Bias = false, From = "block_in"), BatchNorm2D]
[Add("main"), ReLU]
[GlobalAvgPool2D]
[Dense(4)]
public partial class ResNetBlockNet;

/// <summary>
/// Branches joined along channels as torch.cat([b1, b2, b3, stem], 1) would join them, the stem read by
/// four layers, and flat features joined after pooling: each input's gradient is its block of the
/// output gradient, summed with its other readers'.
/// </summary>
[Network]
[Input(2, 5, 6)]
[Conv2D(3, 3, Padding = 1, Name = "stem"), Tanh(Name = "stem_act")]
[Conv2D(2, 1, Name = "b1")]
[Conv2D(4, 3, Padding = 1, From = "stem_act", Name = "b2"), ReLU(Name = "b2_act")]
[MaxPool2D(3, Stride = 1, Padding = 1, From = "stem_act"), Conv2D(2, 1, Name = "b3")]
[Concat("b2_act", "b3", "stem_act", From = "b1", Name = "joined")]
[Conv2D(3, 1, Name = "mix"), Sigmoid]
[GlobalAvgPool2D(Name = "gap")]
[Flatten(From = "b1", Name = "b1_flat")]
[Concat("gap", Name = "features")]
[Dense(4, Name = "fc")]
public partial class ConcatBranchesNet;

/// <summary>
/// Convolutions wide enough for training's blocked kernels: the second's 16 input channels and 32 filters fill
/// blocks, so its forward pass and input gradient run by Winograd's transforms (8x8 outputs) and its weight
/// gradient on blocked tiles; the first's 16 filters run its weight gradient blocked.
/// </summary>
[Network]
[Input(2, 8, 8)]
[Conv2D(16, Kernel = 3, Padding = 1), ReLU]
[Conv2D(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm2D, ReLU]
[GlobalAvgPool2D]
[Dense(4)]
public partial class WideConvNet;

// ---- Global average pooling and dilated convolutions ----------------------------------------

/// <summary>GlobalAvgPool2D over a 3x5 plane after a convolution.</summary>
[Network]
[Input(3, 5, 7)]
[Conv2D(4, Kernel = 3), Tanh]
[GlobalAvgPool2D]
[Dense(3)]
public partial class GlobalAvgPoolNet;

/// <summary>A 3x3 kernel with dilation 2 (a 5x5 window), stride 2 and padding 2, on an 11x10 input.</summary>
[Network]
[Input(2, 11, 10)]
[Conv2D(3, Kernel = 3, Stride = 2, Padding = 2, Dilation = 2), Tanh]
[Flatten]
[Dense(3)]
public partial class ConvDilatedNet;

/// <summary>A 2x2 kernel with dilation 3, stride 3 that does not tile, padding 1 and no bias.</summary>
[Network]
[Input(2, 9, 10)]
[Conv2D(3, Kernel = 2, Stride = 3, Padding = 1, Dilation = 3, Bias = false), ReLU]
[Flatten]
[Dense(3)]
public partial class ConvDilatedUntiledNet;

// ---- Windows given per axis, as PyTorch's tuples ------------------------------------------------

/// <summary>A 3x2 kernel with stride (2, 1), padding (1, 0) and dilation (1, 2): im2col.</summary>
[Network]
[Input(2, 9, 8)]
[Conv2D(3, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, PaddingHeight = 1, DilationWidth = 2), Tanh]
[Flatten]
[Dense(3)]
public partial class ConvRectangularNet;

/// <summary>The same 3x2 kernel at stride 1, padding (1, 0) and dilation (1, 2): the shifted views.</summary>
[Network]
[Input(2, 7, 9)]
[Conv2D(3, KernelHeight = 3, KernelWidth = 2, PaddingHeight = 1, DilationWidth = 2), Sigmoid]
[Flatten]
[Dense(3)]
public partial class ConvRectangularShiftedNet;

/// <summary>A 1x5 kernel padded (0, 2): 'same' output size, rows only.</summary>
[Network]
[Input(2, 6, 9)]
[Conv2D(3, KernelHeight = 1, KernelWidth = 5, PaddingWidth = 2), ReLU]
[Flatten]
[Dense(3)]
public partial class ConvRowKernelNet;

/// <summary>A 5x1 kernel with stride (2, 1) and padding (2, 0).</summary>
[Network]
[Input(2, 8, 5)]
[Conv2D(2, KernelHeight = 5, KernelWidth = 1, StrideHeight = 2, PaddingHeight = 2), Tanh]
[Flatten]
[Dense(3)]
public partial class ConvColumnKernelNet;

/// <summary>A 3x2 kernel with stride (1, 2), padding (0, 2), dilation (2, 1) and no bias.</summary>
[Network]
[Input(1, 10, 9)]
[Conv2D(2, KernelHeight = 3, KernelWidth = 2, StrideWidth = 2, PaddingWidth = 2, DilationHeight = 2, Bias = false), Tanh]
[Flatten]
[Dense(3)]
public partial class ConvAsymmetricStrideNet;

/// <summary>Max pooling over 3x2 windows with stride (3, 1) and padding (1, 0).</summary>
[Network]
[Input(2, 6, 7)]
[MaxPool2D(KernelHeight = 3, KernelWidth = 2, StrideWidth = 1, PaddingHeight = 1)]
[Flatten]
[Dense(3)]
public partial class MaxPoolRectangularNet;

/// <summary>Average pooling over 1x3 windows with stride (1, 2) and padding (0, 1), the padding left out of the divisor.</summary>
[Network]
[Input(2, 7, 6)]
[AvgPool2D(KernelHeight = 1, KernelWidth = 3, StrideWidth = 2, PaddingWidth = 1, CountIncludePad = false)]
[Flatten]
[Dense(3)]
public partial class AvgPoolRectangularExcludePadNet;

/// <summary>Average pooling over 2x3 windows, padded by one on every side, the padding counted in the divisor.</summary>
[Network]
[Input(2, 6, 7)]
[AvgPool2D(KernelHeight = 2, KernelWidth = 3, Padding = 1)]
[Flatten]
[Dense(3)]
public partial class AvgPoolRectangularNet;

// ---- Activations of the layer catalog: each on the input (which a case chooses) and again after a dense layer

/// <summary>LeakyReLU with slope 0.2.</summary>
[Network]
[Input(8)]
[LeakyReLU(0.2)]
[Dense(9), LeakyReLU(0.2)]
[Dense(4)]
public partial class LeakyReluNet;

/// <summary>ELU with alpha 0.7.</summary>
[Network]
[Input(8)]
[ELU(0.7)]
[Dense(9), ELU(0.7)]
[Dense(4)]
public partial class EluNet;

/// <summary>GELU, the erf form.</summary>
[Network]
[Input(8)]
[GELU]
[Dense(9), GELU]
[Dense(4)]
public partial class GeluNet;

/// <summary>SiLU.</summary>
[Network]
[Input(8)]
[SiLU]
[Dense(9), SiLU]
[Dense(4)]
public partial class SiluNet;

/// <summary>Softplus with PyTorch's defaults (beta 1, threshold 20).</summary>
[Network]
[Input(8)]
[Softplus]
[Dense(9), Softplus]
[Dense(4)]
public partial class SoftplusNet;

/// <summary>Softplus with beta 2 and threshold 5: linear where 2x > 5.</summary>
[Network]
[Input(8)]
[Softplus(Beta = 2, Threshold = 5)]
[Dense(9), Softplus(Beta = 2, Threshold = 5)]
[Dense(4)]
public partial class SoftplusBetaNet;

/// <summary>LogSoftmax on chosen logits, for the negative log-likelihood.</summary>
[Network]
[Input(10)]
[LogSoftmax]
public partial class LogSoftmaxNet;

/// <summary>LogSoftmax after a dense layer.</summary>
[Network]
[Input(6)]
[Dense(5), LogSoftmax]
public partial class LogSoftmaxDenseNet;

// ---- Dropout --------------------------------------------------------------------------------

/// <summary>
/// Dropout on the input (rate 0.2) and after a hidden layer (rate 0.5). In training the masks are
/// StaticNet's own; the fixture reads them with <see cref="DropoutProbe8"/> and <see cref="DropoutProbe9"/>
/// and python/reference.py applies them (see docs/parity.md).
/// </summary>
[Network]
[Input(8)]
[Dropout(0.2)]
[Dense(9), ReLU, Dropout(0.5)]
[Dense(4)]
public partial class DropoutNet;

/// <summary>
/// DropoutNet's first dropout alone: same name, rate and width, so with the same seed and step it draws
/// the same mask (a function of seed, step, layer name and position), which a forward pass of ones shows.
/// </summary>
[Network]
[Input(8)]
[Dropout(0.2, Name = "dropout1")]
public partial class DropoutProbe8;

/// <summary>DropoutNet's second dropout alone (see <see cref="DropoutProbe8"/>).</summary>
[Network]
[Input(9)]
[Dropout(0.5, Name = "dropout2")]
public partial class DropoutProbe9;

/// <summary>Dropout with rate 0: the identity in training too, so no mask is needed.</summary>
[Network]
[Input(6)]
[Dense(9), ReLU, Dropout(0)]
[Dense(4)]
public partial class DropoutRateZeroNet;

/// <summary>Small embeddings (4 values) for the triplet margin loss.</summary>
[Network]
[Input(6)]
[Dense(5), Tanh]
[Dense(4)]
public partial class EmbeddingNet;

// ---- Losses and optimizers ------------------------------------------------------------------

/// <summary>Flatten alone: the output is the input, so a loss sees exactly the logits a case chooses.</summary>
[Network]
[Input(1, 1, 10)]
[Flatten]
public partial class IdentityNet;

/// <summary>Every trainable layer kind in one small chain, for the optimizer cases.</summary>
[Network]
[Input(1, 10, 10)]
[Conv2D(3, Kernel = 3, Padding = 1), ReLU, MaxPool2D(2)]
[Conv2D(4, Kernel = 3, Bias = false), Tanh, AvgPool2D(3)]
[Flatten]
[Dense(6), Sigmoid]
[Dense(5)]
public partial class SmallConvNet;

/// <summary>The negative control: its PyTorch twin uses tanh instead of sigmoid on purpose.</summary>
[Network]
[Input(6)]
[Dense(9), Sigmoid]
[Dense(4)]
public partial class ControlNet;

// ---- Whole networks (LeNet5 comes from samples/Shared) --------------------------------------

/// <summary>The multilayer perceptron 784-256-128-10.</summary>
[Network]
[Input(784)]
[Dense(256), ReLU]
[Dense(128), ReLU]
[Dense(10)]
public partial class Mlp;
