using System;

namespace StaticNet;

/// <summary>
/// 2-D max pooling, as PyTorch's <c>nn.MaxPool2d</c>: the maximum of each window; padding never wins.
/// </summary>
/// <remarks>
/// Each window setting is written square (<c>MaxPool2D(2)</c>, <c>Stride = 2</c>) or per axis
/// (<c>MaxPool2D(KernelHeight = 2, KernelWidth = 1)</c>, PyTorch's <c>kernel_size=(2, 1)</c>), never both;
/// an axis a declaration leaves out takes the square value, or its default.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class MaxPool2DAttribute : LayerAttribute
{
    // The per-axis settings a declaration gives; null for an axis that takes the square value.
    private int? _kernelHeight, _kernelWidth, _strideHeight, _strideWidth, _paddingHeight, _paddingWidth;

    /// <param name="kernel">The side of the square window.</param>
    public MaxPool2DAttribute(int kernel) => Kernel = kernel;

    /// <summary>A window that is not square: give <see cref="KernelHeight"/> and <see cref="KernelWidth"/>.</summary>
    public MaxPool2DAttribute()
    {
    }

    /// <summary>The side of the square window.</summary>
    public int Kernel { get; }

    /// <summary>The window's height (rows), for a window that is not square. Default: <see cref="Kernel"/>.</summary>
    public int KernelHeight { get => _kernelHeight ?? Kernel; set => _kernelHeight = value; }

    /// <summary>The window's width (columns), for a window that is not square. Default: <see cref="Kernel"/>.</summary>
    public int KernelWidth { get => _kernelWidth ?? Kernel; set => _kernelWidth = value; }

    /// <summary>The step between windows. Default (0): the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>The step between windows down the rows. Default: <see cref="Stride"/>; 0, the kernel's height.</summary>
    public int StrideHeight { get => _strideHeight ?? Stride; set => _strideHeight = value; }

    /// <summary>The step between windows along a row. Default: <see cref="Stride"/>; 0, the kernel's width.</summary>
    public int StrideWidth { get => _strideWidth ?? Stride; set => _strideWidth = value; }

    /// <summary>Implicit padding on each side; at most half the kernel. Default 0.</summary>
    public int Padding { get; set; }

    /// <summary>Padding above and below; at most half the kernel's height. Default: <see cref="Padding"/>.</summary>
    public int PaddingHeight { get => _paddingHeight ?? Padding; set => _paddingHeight = value; }

    /// <summary>Padding left and right; at most half the kernel's width. Default: <see cref="Padding"/>.</summary>
    public int PaddingWidth { get => _paddingWidth ?? Padding; set => _paddingWidth = value; }
}

/// <summary>
/// 2-D average pooling, as PyTorch's <c>nn.AvgPool2d</c>: the mean of each window.
/// </summary>
/// <remarks>
/// Each window setting is written square or per axis, never both, as for <see cref="MaxPool2DAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class AvgPool2DAttribute : LayerAttribute
{
    // The per-axis settings a declaration gives; null for an axis that takes the square value.
    private int? _kernelHeight, _kernelWidth, _strideHeight, _strideWidth, _paddingHeight, _paddingWidth;

    /// <param name="kernel">The side of the square window.</param>
    public AvgPool2DAttribute(int kernel) => Kernel = kernel;

    /// <summary>A window that is not square: give <see cref="KernelHeight"/> and <see cref="KernelWidth"/>.</summary>
    public AvgPool2DAttribute()
    {
    }

    /// <summary>The side of the square window.</summary>
    public int Kernel { get; }

    /// <summary>The window's height (rows), for a window that is not square. Default: <see cref="Kernel"/>.</summary>
    public int KernelHeight { get => _kernelHeight ?? Kernel; set => _kernelHeight = value; }

    /// <summary>The window's width (columns), for a window that is not square. Default: <see cref="Kernel"/>.</summary>
    public int KernelWidth { get => _kernelWidth ?? Kernel; set => _kernelWidth = value; }

    /// <summary>The step between windows. Default (0): the kernel size, as in PyTorch.</summary>
    public int Stride { get; set; }

    /// <summary>The step between windows down the rows. Default: <see cref="Stride"/>; 0, the kernel's height.</summary>
    public int StrideHeight { get => _strideHeight ?? Stride; set => _strideHeight = value; }

    /// <summary>The step between windows along a row. Default: <see cref="Stride"/>; 0, the kernel's width.</summary>
    public int StrideWidth { get => _strideWidth ?? Stride; set => _strideWidth = value; }

    /// <summary>Implicit zero padding on each side; at most half the kernel. Default 0.</summary>
    public int Padding { get; set; }

    /// <summary>Padding above and below; at most half the kernel's height. Default: <see cref="Padding"/>.</summary>
    public int PaddingHeight { get => _paddingHeight ?? Padding; set => _paddingHeight = value; }

    /// <summary>Padding left and right; at most half the kernel's width. Default: <see cref="Padding"/>.</summary>
    public int PaddingWidth { get => _paddingWidth ?? Padding; set => _paddingWidth = value; }

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
