using StaticNet.Kernels;
namespace StaticNet.Generator.Model;

/// <summary>
/// One layer as declared, with defaults resolved and a name assigned. Holds no Roslyn objects, so
/// it compares by value across incremental runs.
/// </summary>
internal abstract record LayerSpec(string Name)
{
    /// <summary>The kind as users spell it in the declaration (<c>Conv2D</c>), for summaries and messages.</summary>
    public abstract string Kind { get; }

    /// <summary>The layer whose output this one takes (<c>From</c>); empty for the layer before it.</summary>
    public string From { get; init; } = string.Empty;

    /// <summary>Whether the layer works on [channels, height, width] inputs only.</summary>
    public virtual bool IsSpatial => false;

    /// <summary>Whether the layer works on flat inputs only.</summary>
    public virtual bool NeedsFlatInput => false;

    /// <summary>Whether the declaration freezes the layer's parameters.</summary>
    public virtual bool Frozen => false;

    /// <summary>A short description of the layer's settings for the model summary (<c>5x5, stride 1, pad 2</c>).</summary>
    public virtual string Settings => string.Empty;

    /// <summary>The names of earlier layers whose outputs this layer reads besides its input (the shortcut of an <c>Add</c>, the other inputs of a <c>Concat</c>).</summary>
    public virtual EquatableArray<string> References => EquatableArray<string>.Empty;
}

/// <summary>How one parameter tensor is initialised, as declared: the initializer and, for Constant, its value.</summary>
internal sealed record InitSpec(Init Kind, double Value)
{
    public static readonly InitSpec Default = new(Init.Default, 0);
}

/// <summary>The settings of fan-scaled initializers that a Dense or Conv2D declares for its weight.</summary>
internal sealed record FanSpec(FanMode Mode, Nonlinearity Nonlinearity, double Slope)
{
    public static readonly FanSpec Default = new(FanMode.FanIn, Nonlinearity.Default, 0);
}

/// <summary>A fully connected layer with PyTorch's <c>nn.Linear</c> parameter layout.</summary>
internal sealed record DenseSpec(string Name, int Units, bool HasBias) : LayerSpec(Name)
{
    public override string Kind => "Dense";

    public override bool NeedsFlatInput => true;

    public InitSpec WeightInit { get; init; } = InitSpec.Default;

    public InitSpec BiasInit { get; init; } = InitSpec.Default;

    public FanSpec Fan { get; init; } = FanSpec.Default;

    public bool IsFrozen { get; init; }

    public override bool Frozen => IsFrozen;

    public override string Settings => Join(HasBias ? string.Empty : "no bias", IsFrozen ? "frozen" : string.Empty);

    internal static string Join(params string[] parts) => string.Join(", ", System.Linq.Enumerable.Where(parts, p => p.Length > 0));
}

/// <summary>
/// A 2-D convolution with PyTorch's <c>nn.Conv2d</c> parameter layout, its window given per axis (a square
/// declaration has the same value on both).
/// </summary>
internal sealed record Conv2DSpec(string Name, int Filters, Axes Kernel, Axes Stride, Axes Padding, bool HasBias) : LayerSpec(Name)
{
    public override string Kind => "Conv2D";

    public override bool IsSpatial => true;

    public Axes Dilation { get; init; } = Axes.Square(1);

    /// <summary>Whether every window setting is the same along height and width, which the square forms of the kernels take.</summary>
    public bool IsSquare => Kernel.IsSquare && Stride.IsSquare && Padding.IsSquare && Dilation.IsSquare;

    /// <summary>The rows of the input region one output reads: <c>DilationHeight * (KernelHeight - 1) + 1</c>.</summary>
    public long SpanHeight => ((long)Dilation.Height * (Kernel.Height - 1)) + 1;

    /// <summary>The columns of the input region one output reads: <c>DilationWidth * (KernelWidth - 1) + 1</c>.</summary>
    public long SpanWidth => ((long)Dilation.Width * (Kernel.Width - 1)) + 1;

    public InitSpec WeightInit { get; init; } = InitSpec.Default;

    public InitSpec BiasInit { get; init; } = InitSpec.Default;

    public FanSpec Fan { get; init; } = FanSpec.Default;

    public bool IsFrozen { get; init; }

    public override bool Frozen => IsFrozen;

    /// <summary><c>5x5, stride 1, pad 2</c>; per axis where the axes differ: <c>3x2, stride (2, 1), pad (1, 0), dilation (1, 2)</c>.</summary>
    public override string Settings => DenseSpec.Join(
        System.FormattableString.Invariant($"{Kernel.Window}, stride {Stride}, pad {Padding}"),
        Dilation == Axes.Square(1) ? string.Empty : System.FormattableString.Invariant($"dilation {Dilation}"),
        HasBias ? string.Empty : "no bias",
        IsFrozen ? "frozen" : string.Empty);
}

/// <summary>Max or average pooling over windows given per axis (a square declaration has the same value on both).</summary>
internal sealed record Pool2DSpec(string Name, PoolKind Pooling, Axes Kernel, Axes Stride, Axes Padding, bool CountIncludePad) : LayerSpec(Name)
{
    public override string Kind => Pooling == PoolKind.Max ? "MaxPool2D" : "AvgPool2D";

    public override bool IsSpatial => true;

    /// <summary>Whether every window setting is the same along height and width, which the square forms of the kernels take.</summary>
    public bool IsSquare => Kernel.IsSquare && Stride.IsSquare && Padding.IsSquare;

    public override string Settings => System.FormattableString.Invariant($"{Kernel.Window}, stride {Stride}, pad {Padding}");
}

internal enum PoolKind
{
    Max,
    Average,
}

/// <summary>The mean of each channel over all its positions; the output is flat.</summary>
internal sealed record GlobalAvgPool2DSpec(string Name) : LayerSpec(Name)
{
    public override string Kind => "GlobalAvgPool2D";

    public override bool IsSpatial => true;
}

/// <summary>Batch normalisation: per channel of an image (2-D) or per feature of a vector (1-D).</summary>
internal sealed record BatchNormSpec(string Name, bool IsImage, double Momentum, double Epsilon, bool Affine) : LayerSpec(Name)
{
    public override string Kind => IsImage ? "BatchNorm2D" : "BatchNorm1D";

    public override bool IsSpatial => IsImage;

    public override bool NeedsFlatInput => !IsImage;

    public InitSpec WeightInit { get; init; } = InitSpec.Default;

    public InitSpec BiasInit { get; init; } = InitSpec.Default;

    public bool IsFrozen { get; init; }

    public override bool Frozen => IsFrozen;

    public override string Settings => DenseSpec.Join(
        System.FormattableString.Invariant($"momentum {Momentum:R}, eps {Epsilon:R}"),
        Affine ? string.Empty : "not affine",
        IsFrozen ? "frozen" : string.Empty);
}

/// <summary>Inverted dropout in training, the identity in inference.</summary>
internal sealed record DropoutSpec(string Name, double Rate) : LayerSpec(Name)
{
    public override string Kind => "Dropout";

    public override string Settings => System.FormattableString.Invariant($"rate {Rate:R}");
}

/// <summary>A residual connection: the input plus the output of the named earlier layer.</summary>
internal sealed record AddSpec(string Name, string Layer) : LayerSpec(Name)
{
    public override string Kind => "Add";

    public override EquatableArray<string> References => new[] { Layer }.ToEquatableArray();

    public override string Settings => "+ " + Layer;
}

/// <summary>The input and the outputs of the named earlier layers, joined along channels (or features) in that order.</summary>
internal sealed record ConcatSpec(string Name, EquatableArray<string> Layers) : LayerSpec(Name)
{
    public override string Kind => "Concat";

    public override EquatableArray<string> References => Layers;

    public override string Settings => "with " + string.Join(", ", Layers);
}

/// <summary>Reshapes [channels, height, width] to a vector; costs nothing at run time.</summary>
internal sealed record FlattenSpec(string Name) : LayerSpec(Name)
{
    public override string Kind => "Flatten";
}

/// <summary>An element-wise activation, with up to two settings (LeakyReLU's slope, ELU's alpha, Softplus's beta and threshold).</summary>
internal sealed record ActivationSpec(string Name, ActivationFunction Function, double Parameter = 0, double Parameter2 = 0) : LayerSpec(Name)
{
    public override string Kind => Function switch
    {
        ActivationFunction.LeakyReLU => "LeakyReLU",
        ActivationFunction.Elu => "ELU",
        ActivationFunction.Gelu => "GELU",
        ActivationFunction.Silu => "SiLU",
        _ => Function.ToString(),
    };

    public override string Settings => Function switch
    {
        ActivationFunction.LeakyReLU => System.FormattableString.Invariant($"slope {Parameter:R}"),
        ActivationFunction.Elu => System.FormattableString.Invariant($"alpha {Parameter:R}"),
        ActivationFunction.Softplus => System.FormattableString.Invariant($"beta {Parameter:R}, threshold {Parameter2:R}"),
        _ => string.Empty,
    };
}

/// <summary>Softmax (or log-softmax) over each sample's features; only ever the last layer.</summary>
internal sealed record SoftmaxSpec(string Name, bool Log = false) : LayerSpec(Name)
{
    public override string Kind => Log ? "LogSoftmax" : "Softmax";
}

