using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Model;
using StaticNet.Kernels;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Turns one layer attribute's constructor and named arguments into a <see cref="LayerSpec"/>.
/// The name is left empty when the declaration gives none; <see cref="NetworkParser"/> assigns defaults.
/// </summary>
internal static class LayerReader
{
    /// <summary>The attribute classes StaticNet reads as layers, by metadata name, with their default name prefixes (src/Common/DefaultLayerNames.cs).</summary>
    private static readonly Dictionary<string, (Type Class, string Prefix)> LayerClasses = new[]
    {
        typeof(DenseAttribute),
        typeof(Conv2DAttribute),
        typeof(MaxPool2DAttribute),
        typeof(AvgPool2DAttribute),
        typeof(FlattenAttribute),
        typeof(ReLUAttribute),
        typeof(SigmoidAttribute),
        typeof(TanhAttribute),
        typeof(SoftmaxAttribute),
        typeof(BatchNorm2DAttribute),
        typeof(BatchNorm1DAttribute),
        typeof(DropoutAttribute),
        typeof(AddAttribute),
        typeof(ConcatAttribute),
        typeof(GlobalAvgPool2DAttribute),
        typeof(LeakyReLUAttribute),
        typeof(ELUAttribute),
        typeof(GELUAttribute),
        typeof(SiLUAttribute),
        typeof(SoftplusAttribute),
        typeof(LogSoftmaxAttribute),
    }.ToDictionary(type => type.FullName, type => (type, Prefix(type)));

    public static bool IsLayerAttribute(string metadataName) => LayerClasses.ContainsKey(metadataName);

    /// <summary>The metadata names of every layer attribute.</summary>
    public static IEnumerable<string> MetadataNames => LayerClasses.Keys;

    /// <summary>The prefix of unnamed layers of this kind: <c>conv</c> gives <c>conv1</c>, <c>conv2</c>, ...</summary>
    public static string DefaultPrefix(string metadataName) => LayerClasses[metadataName].Prefix;

    /// <summary>
    /// Reads the attribute, or returns <see langword="null"/> when its arguments are not constants
    /// of the expected types (the compiler reports those errors itself).
    /// </summary>
    public static LayerSpec? Read(string metadataName, AttributeData attribute)
    {
        if (AttributeInstance.Create(LayerClasses[metadataName].Class, attribute) is not LayerAttribute layer)
        {
            return null;
        }

        string name = layer.Name ?? string.Empty;
        LayerSpec spec = layer switch
        {
            DenseAttribute dense => new DenseSpec(name, dense.Units, dense.Bias)
            {
                WeightInit = WeightInit(dense),
                BiasInit = BiasInit(dense),
                Fan = new FanSpec(dense.InitMode, dense.InitNonlinearity, dense.InitSlope),
                IsFrozen = dense.Frozen,
            },
            Conv2DAttribute conv => new Conv2DSpec(name, conv.Filters, new Axes(conv.KernelHeight, conv.KernelWidth), new Axes(conv.StrideHeight, conv.StrideWidth), new Axes(conv.PaddingHeight, conv.PaddingWidth), conv.Bias)
            {
                Dilation = new Axes(conv.DilationHeight, conv.DilationWidth),
                WeightInit = WeightInit(conv),
                BiasInit = BiasInit(conv),
                Fan = new FanSpec(conv.InitMode, conv.InitNonlinearity, conv.InitSlope),
                IsFrozen = conv.Frozen,
            },
            MaxPool2DAttribute pool => Pool(name, PoolKind.Max, new Axes(pool.KernelHeight, pool.KernelWidth), new Axes(pool.StrideHeight, pool.StrideWidth), new Axes(pool.PaddingHeight, pool.PaddingWidth), countIncludePad: true),
            AvgPool2DAttribute pool => Pool(name, PoolKind.Average, new Axes(pool.KernelHeight, pool.KernelWidth), new Axes(pool.StrideHeight, pool.StrideWidth), new Axes(pool.PaddingHeight, pool.PaddingWidth), pool.CountIncludePad),
            GlobalAvgPool2DAttribute => new GlobalAvgPool2DSpec(name),
            BatchNorm2DAttribute norm => BatchNorm(name, isImage: true, norm, norm.Momentum, norm.Epsilon, norm.Affine),
            BatchNorm1DAttribute norm => BatchNorm(name, isImage: false, norm, norm.Momentum, norm.Epsilon, norm.Affine),
            DropoutAttribute dropout => new DropoutSpec(name, dropout.Rate),
            AddAttribute add => new AddSpec(name, add.Layer ?? string.Empty),
            ConcatAttribute concat => new ConcatSpec(name, (concat.Layers ?? new string[0]).Select(layer => layer ?? string.Empty).ToEquatableArray()),
            FlattenAttribute => new FlattenSpec(name),
            ReLUAttribute => new ActivationSpec(name, ActivationFunction.ReLU),
            SigmoidAttribute => new ActivationSpec(name, ActivationFunction.Sigmoid),
            TanhAttribute => new ActivationSpec(name, ActivationFunction.Tanh),
            LeakyReLUAttribute leaky => new ActivationSpec(name, ActivationFunction.LeakyReLU, leaky.Slope),
            ELUAttribute elu => new ActivationSpec(name, ActivationFunction.Elu, elu.Alpha),
            GELUAttribute => new ActivationSpec(name, ActivationFunction.Gelu),
            SiLUAttribute => new ActivationSpec(name, ActivationFunction.Silu),
            SoftplusAttribute softplus => new ActivationSpec(name, ActivationFunction.Softplus, softplus.Beta, softplus.Threshold),
            SoftmaxAttribute => new SoftmaxSpec(name),
            LogSoftmaxAttribute => new SoftmaxSpec(name, Log: true),
            _ => throw new InvalidOperationException($"{layer.GetType().FullName} is in the table of layer attributes but has no reading."),
        };

        return spec with { From = layer.From ?? string.Empty };
    }

    /// <summary>
    /// The names of the named arguments the declaration gives, so that a setting whose effect depends
    /// on others can be reported when it has none, rather than silently ignored.
    /// </summary>
    public static IReadOnlyCollection<string> ExplicitSettings(AttributeData attribute)
    {
        var names = new HashSet<string>();
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            names.Add(argument.Key);
        }

        return names;
    }

    private static InitSpec WeightInit(LearnedLayerAttribute layer) => new(layer.WeightInit, layer.WeightInitValue);

    private static InitSpec BiasInit(LearnedLayerAttribute layer) => new(layer.BiasInit, layer.BiasInitValue);

    private static BatchNormSpec BatchNorm(string name, bool isImage, LearnedLayerAttribute layer, double momentum, double epsilon, bool affine) => new(name, isImage, momentum, epsilon, affine)
    {
        WeightInit = WeightInit(layer),
        BiasInit = BiasInit(layer),
        IsFrozen = layer.Frozen,
    };

    // PyTorch's default: a stride of 0 (unset) means windows that do not overlap, on each axis.
    private static Pool2DSpec Pool(string name, PoolKind kind, Axes kernel, Axes stride, Axes padding, bool countIncludePad) =>
        new(name, kind, kernel, new Axes(stride.Height == 0 ? kernel.Height : stride.Height, stride.Width == 0 ? kernel.Width : stride.Width), padding, countIncludePad);

    // The attribute as a declaration spells it: the class name without "Attribute".
    private static string Prefix(Type attribute) =>
        DefaultLayerNames.Prefix(attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length))
        ?? throw new InvalidOperationException($"{attribute.Name} has no default name prefix in DefaultLayerNames.");
}
