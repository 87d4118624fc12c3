using System;

namespace StaticNet;

/// <summary>
/// 2-D max pooling, as PyTorch's <c>nn.MaxPool2d</c>: the maximum of each window; padding never wins.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class MaxPool2DAttribute : LayerAttribute
{
    /// <param name="kernel">The side of the square window.</param>
    public MaxPool2DAttribute(int kernel) => Kernel = kernel;

    /// <summary>The side of the square window.</summary>
    public int Kernel { get; }

    /// <summary>The step between windows. Default (0): the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>Implicit padding on each side; at most half the kernel. Default 0.</summary>
    public int Padding { get; set; }
}

/// <summary>
/// 2-D average pooling, as PyTorch's <c>nn.AvgPool2d</c>: the mean of each window.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class AvgPool2DAttribute : LayerAttribute
{
    /// <param name="kernel">The side of the square window.</param>
    public AvgPool2DAttribute(int kernel) => Kernel = kernel;

    /// <summary>The side of the square window.</summary>
    public int Kernel { get; }

    /// <summary>The step between windows. Default (0): the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>Implicit zero padding on each side; at most half the kernel. Default 0.</summary>
    public int Padding { get; set; }

    /// <summary>
    /// Whether padded zeros count in the divisor. Default <see langword="true"/>, PyTorch's default.
    /// </summary>
    public bool CountIncludePad { get; set; } = true;
}

/// <summary>
/// The mean of each channel over all positions: [channels, height, width] to a flat [channels], as
/// PyTorch's <c>nn.AdaptiveAvgPool2d(1)</c> followed by <c>nn.Flatten()</c> (Keras's <c>GlobalAveragePooling2D</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class GlobalAvgPool2DAttribute : LayerAttribute
{
}
