using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>What a layer computes, as its attribute is spelled in a declaration.</summary>
public enum LayerKind
{
    /// <summary><c>[Dense]</c>: a fully connected layer, <c>y = x W^T + b</c>.</summary>
    Dense,

    /// <summary><c>[Conv2D]</c>: a 2-D convolution.</summary>
    Conv2D,

    /// <summary><c>[MaxPool2D]</c>: the largest value of each window.</summary>
    MaxPool2D,

    /// <summary><c>[AvgPool2D]</c>: the mean of each window.</summary>
    AvgPool2D,

    /// <summary><c>[GlobalAvgPool2D]</c>: each channel's mean over its plane; the output is flat.</summary>
    GlobalAvgPool2D,

    /// <summary><c>[BatchNorm1D]</c>: batch normalisation per feature of a flat input.</summary>
    BatchNorm1D,

    /// <summary><c>[BatchNorm2D]</c>: batch normalisation per channel of an image.</summary>
    BatchNorm2D,

    /// <summary><c>[Dropout]</c>: inverted dropout in training, the identity in inference.</summary>
    Dropout,

    /// <summary><c>[Add]</c>: the input plus the output of an earlier layer (a residual connection).</summary>
    Add,

    /// <summary><c>[Flatten]</c>: [channels, height, width] as one vector.</summary>
    Flatten,

    /// <summary><c>[ReLU]</c>: <c>max(0, x)</c>.</summary>
    ReLU,

    /// <summary><c>[Sigmoid]</c>: <c>1 / (1 + exp(-x))</c>.</summary>
    Sigmoid,

    /// <summary><c>[Tanh]</c>: <c>tanh(x)</c>.</summary>
    Tanh,

    /// <summary><c>[LeakyReLU]</c>: <c>x</c> above 0, <see cref="LayerInfo.Slope"/> times <c>x</c> below.</summary>
    LeakyReLU,

    /// <summary><c>[ELU]</c>: <c>x</c> above 0, <see cref="LayerInfo.Alpha"/> times <c>exp(x) - 1</c> below.</summary>
    ELU,

    /// <summary><c>[GELU]</c>, exact form: <c>x * (1 + erf(x / sqrt(2))) / 2</c>.</summary>
    GELU,

    /// <summary><c>[SiLU]</c>: <c>x * sigmoid(x)</c>.</summary>
    SiLU,

    /// <summary>
    /// <c>[Softplus]</c>: <c>log(1 + exp(beta * x)) / beta</c>, or <c>x</c> where <c>beta * x</c> is above
    /// the threshold (<see cref="LayerInfo.Beta"/>, <see cref="LayerInfo.Threshold"/>).
    /// </summary>
    Softplus,

    /// <summary><c>[Softmax]</c> over each sample's values.</summary>
    Softmax,

    /// <summary><c>[LogSoftmax]</c> over each sample's values.</summary>
    LogSoftmax,

    /// <summary><c>[Concat]</c>: the input and the outputs of earlier layers joined along channels (or features), in that order.</summary>
    Concat,
}

/// <summary>
/// One row of a network's layer table (<see cref="INetwork.LayerTable"/>): what the layer computes,
/// what it reads, the shapes on both sides, its settings, and its tensors by <c>state_dict</c> name.
/// Code that needs the graph rather than the generated code reads it: the ONNX exporter, tools that
/// draw or check a network. Settings a kind does not have keep their defaults.
/// </summary>
public sealed class LayerInfo
{
    private readonly string[] _inputs;
    private readonly int[] _inputShape;
    private readonly int[] _outputShape;
    private readonly string[] _tensors;

    /// <summary>Describes a layer; generated code creates these.</summary>
    /// <param name="kind">What the layer computes.</param>
    /// <param name="name">The layer's name, the prefix of its <c>state_dict</c> entries.</param>
    /// <param name="inputs">The names of the layers whose outputs it reads, <see cref="NetworkInput"/> for the network's input.</param>
    /// <param name="inputShape">The shape of one sample of its (first) input, without the batch dimension.</param>
    /// <param name="outputShape">The shape of one sample of its output, without the batch dimension.</param>
    /// <param name="tensors">Its parameter and state tensors by <c>state_dict</c> name, as in <see cref="INetwork.Tensors"/>.</param>
    public LayerInfo(LayerKind kind, string name, string[] inputs, int[] inputShape, int[] outputShape, string[] tensors)
    {
        Kind = kind;
        Name = name;
        _inputs = inputs;
        _inputShape = inputShape;
        _outputShape = outputShape;
        _tensors = tensors;
    }

    /// <summary>The name <see cref="Inputs"/> gives the network's input.</summary>
    public const string NetworkInput = "input";

    /// <summary>What the layer computes.</summary>
    public LayerKind Kind { get; }

    /// <summary>The layer's name, the prefix of its <c>state_dict</c> entries.</summary>
    public string Name { get; }

    /// <summary>
    /// The layers whose outputs this one reads, by name (<see cref="NetworkInput"/> for the network's
    /// input): the layer before it, or the one its <c>From</c> names; an <see cref="LayerKind.Add"/> has
    /// a second, the layer it adds, and a <see cref="LayerKind.Concat"/> one more per layer it joins, in order.
    /// </summary>
    public IReadOnlyList<string> Inputs => _inputs;

    /// <summary>The shape of one sample of the first input: <c>[channels, height, width]</c> or <c>[features]</c>.</summary>
    public IReadOnlyList<int> InputShape => _inputShape;

    /// <summary>The shape of one sample of the output: <c>[channels, height, width]</c> or <c>[features]</c>.</summary>
    public IReadOnlyList<int> OutputShape => _outputShape;

    /// <summary>The layer's parameter and state tensors by <c>state_dict</c> name (<c>conv1.weight</c>, <c>bn1.running_mean</c>).</summary>
    public IReadOnlyList<string> Tensors => _tensors;

    /// <summary>Whether the declaration freezes the layer's parameters: backward never computes their gradients, and <c>Unfreeze</c> cannot change that.</summary>
    public bool Frozen { get; init; }

    // A window's settings per axis, height then width. The square properties (Kernel, Stride, Padding,
    // Dilation) set both axes, and read the value the axes share, or 0 where they differ.

    /// <summary>
    /// The side of a square window, a convolution's kernel or a pooling window; 0 when the window's height
    /// and width differ (read <see cref="KernelHeight"/> and <see cref="KernelWidth"/>) and for other kinds.
    /// Setting it sets both.
    /// </summary>
    public int Kernel { get => Square(KernelHeight, KernelWidth); init => (KernelHeight, KernelWidth) = (value, value); }

    /// <summary>The window's height: rows of a convolution's kernel or a pooling window; 0 for other kinds.</summary>
    public int KernelHeight { get; init; }

    /// <summary>The window's width: columns of a convolution's kernel or a pooling window; 0 for other kinds.</summary>
    public int KernelWidth { get; init; }

    /// <summary>
    /// The step between windows of a convolution or pooling layer when it is the same down and across; 0 when
    /// it differs (read <see cref="StrideHeight"/> and <see cref="StrideWidth"/>) and for other kinds. Setting it sets both.
    /// </summary>
    public int Stride { get => Square(StrideHeight, StrideWidth); init => (StrideHeight, StrideWidth) = (value, value); }

    /// <summary>The step between windows down the rows; 0 for other kinds.</summary>
    public int StrideHeight { get; init; }

    /// <summary>The step between windows along a row; 0 for other kinds.</summary>
    public int StrideWidth { get; init; }

    /// <summary>
    /// The zeros (or, for max pooling, the values that never win) added on each side of a convolution's or
    /// pooling layer's input, when it is the same on all four sides; 0 when the rows and the columns are padded
    /// differently (read <see cref="PaddingHeight"/> and <see cref="PaddingWidth"/>). Setting it sets both.
    /// </summary>
    public int Padding { get => Square(PaddingHeight, PaddingWidth); init => (PaddingHeight, PaddingWidth) = (value, value); }

    /// <summary>The rows added above and below the input of a convolution or pooling layer.</summary>
    public int PaddingHeight { get; init; }

    /// <summary>The columns added left and right of the input of a convolution or pooling layer.</summary>
    public int PaddingWidth { get; init; }

    /// <summary>
    /// The spacing of a convolution's kernel taps when it is the same down and across: 1 for a dense kernel;
    /// 0 when it differs (read <see cref="DilationHeight"/> and <see cref="DilationWidth"/>) and for other
    /// kinds. Setting it sets both.
    /// </summary>
    public int Dilation { get => Square(DilationHeight, DilationWidth); init => (DilationHeight, DilationWidth) = (value, value); }

    /// <summary>The spacing of a convolution's kernel taps down the rows; 0 for other kinds.</summary>
    public int DilationHeight { get; init; }

    /// <summary>The spacing of a convolution's kernel taps along a row; 0 for other kinds.</summary>
    public int DilationWidth { get; init; }

    /// <summary>Whether average pooling divides by the whole window, padding included (PyTorch's <c>count_include_pad</c>), rather than by the input values in it.</summary>
    public bool CountIncludePad { get; init; }

    /// <summary>Batch normalisation's epsilon, added to the variance.</summary>
    public double Epsilon { get; init; }

    /// <summary>Batch normalisation's momentum, the weight of a new batch in the running estimates.</summary>
    public double Momentum { get; init; }

    /// <summary>Whether batch normalisation has a learned scale and shift (<c>weight</c>, <c>bias</c>).</summary>
    public bool Affine { get; init; }

    /// <summary>LeakyReLU's slope below zero.</summary>
    public double Slope { get; init; }

    /// <summary>ELU's alpha: the value it tends to, negated, far below zero.</summary>
    public double Alpha { get; init; }

    /// <summary>Softplus's beta, the sharpness of the bend.</summary>
    public double Beta { get; init; }

    /// <summary>Softplus's threshold: above it, <c>beta * x</c> gives <c>x</c> unchanged.</summary>
    public double Threshold { get; init; }

    /// <summary>Dropout's rate: the share of values zeroed in training.</summary>
    public double Rate { get; init; }

    /// <summary>The tensor of this layer with the given role (<c>weight</c>, <c>running_var</c>), or <see langword="null"/> when it has none.</summary>
    public string? FindTensor(string role)
    {
        foreach (string tensor in _tensors)
        {
            if (tensor.Length == Name.Length + 1 + role.Length && tensor.StartsWith(Name, StringComparison.Ordinal) && tensor[Name.Length] == '.' && tensor.EndsWith(role, StringComparison.Ordinal))
            {
                return tensor;
            }
        }

        return null;
    }

    /// <summary>The value both axes share, or 0 where they differ.</summary>
    private static int Square(int height, int width) => height == width ? height : 0;

    /// <inheritdoc/>
    public override string ToString() =>
        Name + " " + Kind + " (" + string.Join(" + ", _inputs) + ") [" + string.Join(", ", _inputShape) + "] -> [" + string.Join(", ", _outputShape) + "]";
}
