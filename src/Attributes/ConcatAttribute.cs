using System;

namespace StaticNet;

/// <summary>
/// Joins outputs along the channel axis, as <c>torch.cat(..., dim=1)</c>: this layer's input (the output
/// of the layer before it, or of <see cref="LayerAttribute.From"/>) first, then the output of each
/// earlier layer named in <see cref="Layers"/>, in order. Image outputs must share height and width,
/// and their channels add up; flat outputs join their features.
/// </summary>
/// <example>
/// An Inception-style block: three branches from one stem, joined as <c>torch.cat([b1, b2, b3], 1)</c>.
/// <code>
/// [Conv2D(16, 3, Padding = 1), ReLU(Name = "stem")]
/// [Conv2D(8, 1), ReLU(Name = "b1")]
/// [Conv2D(8, 3, Padding = 1, From = "stem"), ReLU(Name = "b2")]
/// [MaxPool2D(3, Stride = 1, Padding = 1, From = "stem"), Conv2D(8, 1), ReLU(Name = "b3")]
/// [Concat("b2", "b3", From = "b1")]                                            // 24 channels
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class ConcatAttribute : LayerAttribute
{
    /// <param name="layers">The names of the earlier layers whose outputs follow this layer's input, in order.</param>
    public ConcatAttribute(params string[] layers) => Layers = layers;

    /// <summary>The names of the earlier layers whose outputs follow this layer's input, in order.</summary>
    public string[] Layers { get; }
}
