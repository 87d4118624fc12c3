using System;

namespace StaticNet;

/// <summary>
/// A residual connection: adds the output of the earlier layer named <see cref="Layer"/> to this
/// layer's input (the output of the layer before it, or of <see cref="LayerAttribute.From"/>). Both
/// must have the same shape; a shortcut that changes shape takes a 1x1 <see cref="Conv2DAttribute"/>
/// (with <c>From</c>) to match.
/// </summary>
/// <example>
/// A ResNet basic block whose shortcut halves the resolution and doubles the channels:
/// <code>
/// [Conv2D(32, 3, Padding = 1), BatchNorm2D, ReLU(Name = "block_in")]
/// [Conv2D(64, 3, Stride = 2, Padding = 1), BatchNorm2D, ReLU]
/// [Conv2D(64, 3, Padding = 1), BatchNorm2D(Name = "main")]
/// [Conv2D(64, 1, Stride = 2, Bias = false, From = "block_in"), BatchNorm2D]   // the projection shortcut
/// [Add("main"), ReLU]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class AddAttribute : LayerAttribute
{
    /// <param name="layer">The name of the earlier layer whose output is added.</param>
    public AddAttribute(string layer) => Layer = layer;

    /// <summary>The name of the earlier layer whose output is added.</summary>
    public string Layer { get; }
}
