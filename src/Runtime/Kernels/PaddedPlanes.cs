using System;
using System.Runtime.CompilerServices;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// Copies planes into and out of bordered buffers. Convolution and pooling read a bordered copy of
/// their input so that no window ever needs a bounds check; their input gradient is the interior of
/// a bordered gradient.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PaddedPlanes
{
    /// <summary>
    /// Copies <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/> into the
    /// middle of planes bordered by <paramref name="border"/>: <paramref name="paddingHeight"/> rows above and
    /// below, <paramref name="paddingWidth"/> columns left and right.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pad(ReadOnlySpan<float> source, Span<float> destination, int planes, int height, int width, int paddingHeight, int paddingWidth, float border)
    {
        int paddedWidth = width + (2 * paddingWidth);
        int paddedPlane = (height + (2 * paddingHeight)) * paddedWidth;
        destination = destination.Slice(0, planes * paddedPlane);
        destination.Fill(border);
        for (int p = 0; p < planes; p++)
        {
            for (int y = 0; y < height; y++)
            {
                RowCopy.Copy(source.Slice(((p * height) + y) * width, width), destination.Slice((p * paddedPlane) + ((y + paddingHeight) * paddedWidth) + paddingWidth, width));
            }
        }
    }

    /// <summary>
    /// Copies the interior of bordered planes back to planes without the border: the inverse of
    /// <see cref="Pad(ReadOnlySpan{float}, Span{float}, int, int, int, int, int, float)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Crop(ReadOnlySpan<float> source, Span<float> destination, int planes, int height, int width, int paddingHeight, int paddingWidth)
    {
        int paddedWidth = width + (2 * paddingWidth);
        int paddedPlane = (height + (2 * paddingHeight)) * paddedWidth;
        for (int p = 0; p < planes; p++)
        {
            for (int y = 0; y < height; y++)
            {
                RowCopy.Copy(source.Slice((p * paddedPlane) + ((y + paddingHeight) * paddedWidth) + paddingWidth, width), destination.Slice(((p * height) + y) * width, width));
            }
        }
    }
}
