using System;

namespace StaticNet;

/// <summary>
/// A 2-D convolution (cross-correlation, as in PyTorch's <c>nn.Conv2d</c>) over an input of shape
/// [channels, height, width]: weight of shape [filters, channels, kernel, kernel], bias of shape [filters].
/// Output size per spatial dimension: <c>(size + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class Conv2DAttribute : LearnedLayerAttribute
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

    /// <summary>
    /// The spacing between kernel taps (PyTorch's <c>dilation</c>): a 3x3 kernel with dilation 2 reads
    /// a 5x5 window, every other value. Default 1.
    /// </summary>
    public int Dilation { get; set; } = 1;

    /// <summary>Whether the layer adds a learned bias per output channel. Default <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The fan the Kaiming initializers use. Default <see cref="FanMode.FanIn"/>.</summary>
    public FanMode InitMode { get; set; }

    /// <summary>The activation after this layer, which sets the gain of Kaiming and Xavier initializers.</summary>
    public Nonlinearity InitNonlinearity { get; set; }

    /// <summary>The negative slope for <see cref="Nonlinearity.LeakyReLU"/> gain (PyTorch's <c>a</c>). Default 0.</summary>
    public double InitSlope { get; set; }
}
