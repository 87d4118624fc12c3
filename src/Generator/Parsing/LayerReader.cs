using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Turns one layer attribute's constructor and named arguments into a <see cref="LayerSpec"/>.
/// The name is left empty when the declaration gives none; <see cref="NetworkParser"/> assigns defaults.
/// </summary>
internal static class LayerReader
{
    /// <summary>The attribute classes StaticNet reads as layers, by metadata name, with their default name prefixes.</summary>
    private static readonly Dictionary<string, string> DefaultPrefixes = new()
    {
        ["StaticNet.DenseAttribute"] = "fc",
        ["StaticNet.Conv2DAttribute"] = "conv",
        ["StaticNet.MaxPool2DAttribute"] = "pool",
        ["StaticNet.AvgPool2DAttribute"] = "pool",
        ["StaticNet.FlattenAttribute"] = "flatten",
        ["StaticNet.ReLUAttribute"] = "relu",
        ["StaticNet.SigmoidAttribute"] = "sigmoid",
        ["StaticNet.TanhAttribute"] = "tanh",
        ["StaticNet.SoftmaxAttribute"] = "softmax",
        ["StaticNet.BatchNorm2DAttribute"] = "bn",
        ["StaticNet.BatchNorm1DAttribute"] = "bn",
        ["StaticNet.DropoutAttribute"] = "dropout",
        ["StaticNet.AddAttribute"] = "add",
        ["StaticNet.GlobalAvgPool2DAttribute"] = "gap",
        ["StaticNet.LeakyReLUAttribute"] = "leaky_relu",
        ["StaticNet.ELUAttribute"] = "elu",
        ["StaticNet.GELUAttribute"] = "gelu",
        ["StaticNet.SiLUAttribute"] = "silu",
        ["StaticNet.SoftplusAttribute"] = "softplus",
        ["StaticNet.LogSoftmaxAttribute"] = "log_softmax",
    };

    public static bool IsLayerAttribute(string metadataName) => DefaultPrefixes.ContainsKey(metadataName);

    /// <summary>The metadata names of every layer attribute.</summary>
    public static IEnumerable<string> MetadataNames => DefaultPrefixes.Keys;

    /// <summary>The prefix of unnamed layers of this kind: <c>conv</c> gives <c>conv1</c>, <c>conv2</c>, ...</summary>
    public static string DefaultPrefix(string metadataName) => DefaultPrefixes[metadataName];

    /// <summary>
    /// Reads the attribute, or returns <see langword="null"/> when its arguments are not constants
    /// of the expected types (the compiler reports those errors itself).
    /// </summary>
    public static LayerSpec? Read(string metadataName, AttributeData attribute)
    {
        var arguments = new Arguments(attribute);
        if (!arguments.IsReadable)
        {
            return null;
        }

        string name = arguments.Named("Name", string.Empty);
        LayerSpec? layer = metadataName switch
        {
            "StaticNet.DenseAttribute" => new DenseSpec(name, arguments.Positional(0), arguments.Named("Bias", true))
            {
                WeightInit = ReadInit(arguments, "Weight"),
                BiasInit = ReadInit(arguments, "Bias"),
                Fan = ReadFan(arguments),
                IsFrozen = arguments.Named("Frozen", false),
            },
            "StaticNet.Conv2DAttribute" => new Conv2DSpec(
                name,
                Filters: arguments.Positional(0),
                Kernel: arguments.PositionalOrNamed(1, "Kernel", 0),
                Stride: arguments.Named("Stride", 1),
                Padding: arguments.Named("Padding", 0),
                HasBias: arguments.Named("Bias", true))
            {
                Dilation = arguments.Named("Dilation", 1),
                WeightInit = ReadInit(arguments, "Weight"),
                BiasInit = ReadInit(arguments, "Bias"),
                Fan = ReadFan(arguments),
                IsFrozen = arguments.Named("Frozen", false),
            },
            "StaticNet.MaxPool2DAttribute" => ReadPool(name, PoolKind.Max, arguments),
            "StaticNet.AvgPool2DAttribute" => ReadPool(name, PoolKind.Average, arguments),
            "StaticNet.GlobalAvgPool2DAttribute" => new GlobalAvgPool2DSpec(name),
            "StaticNet.BatchNorm2DAttribute" => ReadBatchNorm(name, isImage: true, arguments),
            "StaticNet.BatchNorm1DAttribute" => ReadBatchNorm(name, isImage: false, arguments),
            "StaticNet.DropoutAttribute" => new DropoutSpec(name, arguments.PositionalDouble(0, 0.5)),
            "StaticNet.AddAttribute" => new AddSpec(name, arguments.PositionalString(0)),
            "StaticNet.FlattenAttribute" => new FlattenSpec(name),
            "StaticNet.ReLUAttribute" => new ActivationSpec(name, ActivationKind.ReLU),
            "StaticNet.SigmoidAttribute" => new ActivationSpec(name, ActivationKind.Sigmoid),
            "StaticNet.TanhAttribute" => new ActivationSpec(name, ActivationKind.Tanh),
            "StaticNet.LeakyReLUAttribute" => new ActivationSpec(name, ActivationKind.LeakyReLU, arguments.PositionalDouble(0, 0.01)),
            "StaticNet.ELUAttribute" => new ActivationSpec(name, ActivationKind.Elu, arguments.PositionalDouble(0, 1.0)),
            "StaticNet.GELUAttribute" => new ActivationSpec(name, ActivationKind.Gelu),
            "StaticNet.SiLUAttribute" => new ActivationSpec(name, ActivationKind.Silu),
            "StaticNet.SoftplusAttribute" => new ActivationSpec(name, ActivationKind.Softplus, arguments.Named("Beta", 1.0), arguments.Named("Threshold", 20.0)),
            "StaticNet.SoftmaxAttribute" => new SoftmaxSpec(name),
            "StaticNet.LogSoftmaxAttribute" => new SoftmaxSpec(name, Log: true),
            _ => null,
        };

        return layer is null ? null : layer with { From = arguments.Named("From", string.Empty) };
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

    private static InitSpec ReadInit(Arguments arguments, string tensor) =>
        new((InitKind)arguments.Named(tensor + "Init", 0), arguments.Named(tensor + "InitValue", 0.0));

    private static FanSpec ReadFan(Arguments arguments) => new(
        (FanMode)arguments.Named("InitMode", 0),
        (NonlinearityKind)arguments.Named("InitNonlinearity", 0),
        arguments.Named("InitSlope", 0.0));

    private static BatchNormSpec ReadBatchNorm(string name, bool isImage, Arguments arguments) => new(
        name,
        isImage,
        arguments.Named("Momentum", 0.1),
        arguments.Named("Epsilon", 1e-5),
        arguments.Named("Affine", true))
    {
        WeightInit = ReadInit(arguments, "Weight"),
        BiasInit = ReadInit(arguments, "Bias"),
        IsFrozen = arguments.Named("Frozen", false),
    };

    private static Pool2DSpec ReadPool(string name, PoolKind kind, Arguments arguments)
    {
        int kernel = arguments.Positional(0);

        // PyTorch's default: a stride of 0 (unset) means windows that do not overlap.
        int stride = arguments.Named("Stride", 0);
        return new Pool2DSpec(
            name,
            kind,
            kernel,
            stride == 0 ? kernel : stride,
            arguments.Named("Padding", 0),
            arguments.Named("CountIncludePad", true));
    }

    /// <summary>Typed access to an attribute's constant arguments.</summary>
    private readonly struct Arguments
    {
        private readonly AttributeData _attribute;

        public Arguments(AttributeData attribute)
        {
            _attribute = attribute;
            bool readable = attribute.AttributeConstructor is not null;
            foreach (TypedConstant argument in attribute.ConstructorArguments)
            {
                readable &= argument.Kind != TypedConstantKind.Error;
            }

            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                readable &= argument.Value.Kind != TypedConstantKind.Error;
            }

            IsReadable = readable;
        }

        public bool IsReadable { get; }

        public int Positional(int index) =>
            index < _attribute.ConstructorArguments.Length && _attribute.ConstructorArguments[index].Value is int value ? value : 0;

        public double PositionalDouble(int index, double fallback) =>
            index < _attribute.ConstructorArguments.Length && _attribute.ConstructorArguments[index].Value is double value ? value : fallback;

        public string PositionalString(int index) =>
            index < _attribute.ConstructorArguments.Length && _attribute.ConstructorArguments[index].Value is string value ? value : string.Empty;

        public int PositionalOrNamed(int index, string name, int fallback) =>
            index < _attribute.ConstructorArguments.Length ? Positional(index) : Named(name, fallback);

        public T Named<T>(string name, T fallback)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in _attribute.NamedArguments)
            {
                if (argument.Key == name && argument.Value.Value is T value)
                {
                    return value;
                }
            }

            return fallback;
        }
    }
}
