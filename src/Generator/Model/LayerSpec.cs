namespace StaticNet.Generator.Model;

/// <summary>
/// One layer as declared, with defaults resolved and a name assigned. Holds no Roslyn objects, so
/// it compares by value across incremental runs.
/// </summary>
internal abstract record LayerSpec(string Name)
{
    /// <summary>The kind as users spell it in the declaration (<c>Conv2D</c>), for summaries and messages.</summary>
    public abstract string Kind { get; }

    /// <summary>Whether the layer works on [channels, height, width] inputs only.</summary>
    public virtual bool IsSpatial => false;

    /// <summary>A short description of the layer's settings for the model summary (<c>5x5, stride 1, pad 2</c>).</summary>
    public virtual string Settings => string.Empty;
}

/// <summary>A fully connected layer with PyTorch's <c>nn.Linear</c> parameter layout.</summary>
internal sealed record DenseSpec(string Name, int Units, bool HasBias) : LayerSpec(Name)
{
    public override string Kind => "Dense";

    public override string Settings => HasBias ? string.Empty : "no bias";
}

/// <summary>A square-kernel 2-D convolution with PyTorch's <c>nn.Conv2d</c> parameter layout.</summary>
internal sealed record Conv2DSpec(string Name, int Filters, int Kernel, int Stride, int Padding, bool HasBias) : LayerSpec(Name)
{
    public override string Kind => "Conv2D";

    public override bool IsSpatial => true;

    public override string Settings => System.FormattableString.Invariant(
        $"{Kernel}x{Kernel}, stride {Stride}, pad {Padding}{(HasBias ? string.Empty : ", no bias")}");
}

/// <summary>Max or average pooling over square windows.</summary>
internal sealed record Pool2DSpec(string Name, PoolKind Pooling, int Kernel, int Stride, int Padding, bool CountIncludePad) : LayerSpec(Name)
{
    public override string Kind => Pooling == PoolKind.Max ? "MaxPool2D" : "AvgPool2D";

    public override bool IsSpatial => true;

    public override string Settings => System.FormattableString.Invariant($"{Kernel}x{Kernel}, stride {Stride}, pad {Padding}");
}

internal enum PoolKind
{
    Max,
    Average,
}

/// <summary>Reshapes [channels, height, width] to a vector; costs nothing at run time.</summary>
internal sealed record FlattenSpec(string Name) : LayerSpec(Name)
{
    public override string Kind => "Flatten";
}

/// <summary>An element-wise activation.</summary>
internal sealed record ActivationSpec(string Name, ActivationKind Function) : LayerSpec(Name)
{
    public override string Kind => Function.ToString();
}

internal enum ActivationKind
{
    ReLU,
    Sigmoid,
    Tanh,
}

/// <summary>Softmax over each sample's features; only ever the last layer.</summary>
internal sealed record SoftmaxSpec(string Name) : LayerSpec(Name)
{
    public override string Kind => "Softmax";
}
