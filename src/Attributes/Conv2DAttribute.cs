using System;

namespace StaticNet;

/// <summary>
/// A 2-D convolution (cross-correlation, as in PyTorch's <c>nn.Conv2d</c>) over an input of shape
/// [channels, height, width]: weight of shape [filters, channels, kernelHeight, kernelWidth], bias of shape
/// [filters]. Output size per spatial dimension: <c>(size + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1</c>,
/// with each setting's value along that dimension.
/// </summary>
/// <remarks>
/// Each window setting is written square, the same along height and width (<c>Kernel = 3</c>, PyTorch's
/// <c>kernel_size=3</c>), or per axis (<c>KernelHeight = 3, KernelWidth = 2</c>, PyTorch's
/// <c>kernel_size=(3, 2)</c>), never both. An axis a declaration leaves out takes the square value, or its
/// default: <c>StrideHeight = 2</c> alone strides 2 down the rows and 1 along them.
/// </remarks>
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

    // The per-axis settings a declaration gives; null for an axis that takes the square value.
    private int? _kernelHeight, _kernelWidth, _strideHeight, _strideWidth, _paddingHeight, _paddingWidth, _dilationHeight, _dilationWidth;

    /// <summary>The side of the square kernel. Required, unless <see cref="KernelHeight"/> and <see cref="KernelWidth"/> are given.</summary>
    public int Kernel { get; set; }

    /// <summary>The kernel's height (rows), for a kernel that is not square. Default: <see cref="Kernel"/>.</summary>
    public int KernelHeight { get => _kernelHeight ?? Kernel; set => _kernelHeight = value; }

    /// <summary>The kernel's width (columns), for a kernel that is not square. Default: <see cref="Kernel"/>.</summary>
    public int KernelWidth { get => _kernelWidth ?? Kernel; set => _kernelWidth = value; }

    /// <summary>The step between kernel positions, down the rows and along them. Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>The step between kernel positions down the rows. Default: <see cref="Stride"/>.</summary>
    public int StrideHeight { get => _strideHeight ?? Stride; set => _strideHeight = value; }

    /// <summary>The step between kernel positions along a row. Default: <see cref="Stride"/>.</summary>
    public int StrideWidth { get => _strideWidth ?? Stride; set => _strideWidth = value; }

    /// <summary>Zeros added on each side of the input. Default 0.</summary>
    public int Padding { get; set; }

    /// <summary>Rows of zeros added above and below the input. Default: <see cref="Padding"/>.</summary>
    public int PaddingHeight { get => _paddingHeight ?? Padding; set => _paddingHeight = value; }

    /// <summary>Columns of zeros added left and right of the input. Default: <see cref="Padding"/>.</summary>
    public int PaddingWidth { get => _paddingWidth ?? Padding; set => _paddingWidth = value; }

    /// <summary>
    /// The spacing between kernel taps (PyTorch's <c>dilation</c>): a 3x3 kernel with dilation 2 reads
    /// a 5x5 window, every other value. Default 1.
    /// </summary>
    public int Dilation { get; set; } = 1;

    /// <summary>The spacing between kernel taps down the rows. Default: <see cref="Dilation"/>.</summary>
    public int DilationHeight { get => _dilationHeight ?? Dilation; set => _dilationHeight = value; }

    /// <summary>The spacing between kernel taps along a row. Default: <see cref="Dilation"/>.</summary>
    public int DilationWidth { get => _dilationWidth ?? Dilation; set => _dilationWidth = value; }

    /// <summary>Whether the layer adds a learned bias per output channel. Default <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The fan the Kaiming initializers use. Default <see cref="FanMode.FanIn"/>.</summary>
    public FanMode InitMode { get; set; }

    /// <summary>The activation after this layer, which sets the gain of Kaiming and Xavier initializers.</summary>
    public Nonlinearity InitNonlinearity { get; set; }

    /// <summary>The negative slope for <see cref="Nonlinearity.LeakyReLU"/> gain (PyTorch's <c>a</c>). Default 0.</summary>
    public double InitSlope { get; set; }
}
