using System;

namespace StaticNet;

/// <summary>
/// A fully connected layer, <c>y = x W^T + b</c>, like PyTorch's <c>nn.Linear</c>: weight of shape
/// [units, inputs], bias of shape [units]. Its input must be flat (add <see cref="FlattenAttribute"/> after
/// spatial layers).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class DenseAttribute : LearnedLayerAttribute
{
    /// <param name="units">The number of outputs.</param>
    public DenseAttribute(int units) => Units = units;

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

    /// <summary>Whether the layer adds a learned bias. Default <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The fan the Kaiming initializers use. Default <see cref="FanMode.FanIn"/>.</summary>
    public FanMode InitMode { get; set; }

    /// <summary>The activation after this layer, which sets the gain of Kaiming and Xavier initializers.</summary>
    public Nonlinearity InitNonlinearity { get; set; }

    /// <summary>The negative slope for <see cref="Nonlinearity.LeakyReLU"/> gain (PyTorch's <c>a</c>). Default 0.</summary>
    public double InitSlope { get; set; }
}
