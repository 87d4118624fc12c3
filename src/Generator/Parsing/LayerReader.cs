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
    };

    public static bool IsLayerAttribute(string metadataName) => DefaultPrefixes.ContainsKey(metadataName);

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
        return metadataName switch
        {
            "StaticNet.DenseAttribute" => new DenseSpec(name, arguments.Positional(0), arguments.Named("Bias", true)),
            "StaticNet.Conv2DAttribute" => new Conv2DSpec(
                name,
                Filters: arguments.Positional(0),
                Kernel: arguments.PositionalOrNamed(1, "Kernel", 0),
                Stride: arguments.Named("Stride", 1),
                Padding: arguments.Named("Padding", 0),
                HasBias: arguments.Named("Bias", true)),
            "StaticNet.MaxPool2DAttribute" => ReadPool(name, PoolKind.Max, arguments),
            "StaticNet.AvgPool2DAttribute" => ReadPool(name, PoolKind.Average, arguments),
            "StaticNet.FlattenAttribute" => new FlattenSpec(name),
            "StaticNet.ReLUAttribute" => new ActivationSpec(name, ActivationKind.ReLU),
            "StaticNet.SigmoidAttribute" => new ActivationSpec(name, ActivationKind.Sigmoid),
            "StaticNet.TanhAttribute" => new ActivationSpec(name, ActivationKind.Tanh),
            "StaticNet.SoftmaxAttribute" => new SoftmaxSpec(name),
            _ => null,
        };
    }

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
