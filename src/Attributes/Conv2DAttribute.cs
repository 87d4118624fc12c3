using System;

namespace StaticNet;

/// <summary>
/// A 2-D convolution (cross-correlation, as in PyTorch's <c>nn.Conv2d</c>) over an input of shape
/// [channels, height, width]: weight of shape [filters, channels, kernel, kernel], bias of shape [filters].
/// Output size per spatial dimension: <c>(size + 2 * Padding - Kernel) / Stride + 1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <param name="filters">The number of output channels.</param>
    public Conv2DAttribute(int filters) => Filters = filters;

    /// <param name="filters">The number of output channels.</param>
    /// <param name="kernel">The side of the square kernel.</param>
    public Conv2DAttribute(int filters, int kernel)
    {
        Filters = filters;
        Kernel = kernel;
    }

    /// <summary>The number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The side of the square kernel. Required.</summary>
    public int Kernel { get; set; }

    /// <summary>The step between kernel positions. Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zeros added on each side of the input. Default 0.</summary>
    public int Padding { get; set; }

    /// <summary>Whether the layer adds a learned bias per output channel. Default <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;
}
