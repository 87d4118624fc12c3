using System;
using System.ComponentModel;

namespace StaticNet.Kernels;

/// <summary>
/// Joining tensors along channels (<c>torch.cat(..., dim=1)</c>) one part at a time: channels are the
/// outermost axis of a sample in NCHW, so each sample's part is one contiguous block of its output,
/// <c>offset</c> values in. Backward hands the part its block of the output gradient.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Concatenation
{
    private const string ForwardName = "Concatenation.Forward";
    private const string BackwardName = "Concatenation.Backward";

    /// <summary>Copies each sample's <paramref name="partLength"/> values of <paramref name="part"/> into its <paramref name="outputLength"/> values of <paramref name="output"/>, from <paramref name="offset"/> on.</summary>
    public static void Forward(ReadOnlySpan<float> part, Span<float> output, int batchSize, int partLength, int outputLength, int offset)
    {
        Check(part.Length, output.Length, batchSize, partLength, outputLength, offset, ForwardName, nameof(part), nameof(output));
        for (int b = 0; b < batchSize; b++)
        {
            part.Slice(b * partLength, partLength).CopyTo(output.Slice((b * outputLength) + offset, partLength));
        }
    }

    /// <summary>Copies each sample's block of <paramref name="outputGradient"/> that <see cref="Forward"/> wrote the part to into <paramref name="partGradient"/>. Overwrites.</summary>
    public static void Backward(ReadOnlySpan<float> outputGradient, Span<float> partGradient, int batchSize, int partLength, int outputLength, int offset)
    {
        Check(partGradient.Length, outputGradient.Length, batchSize, partLength, outputLength, offset, BackwardName, nameof(partGradient), nameof(outputGradient));
        for (int b = 0; b < batchSize; b++)
        {
            outputGradient.Slice((b * outputLength) + offset, partLength).CopyTo(partGradient.Slice(b * partLength, partLength));
        }
    }

    /// <summary>Throws unless the part fits in a sample's output and both spans hold the batch.</summary>
    private static void Check(int partSpan, int outputSpan, int batchSize, int partLength, int outputLength, int offset, string kernel, string partName, string outputName)
    {
        KernelChecks.SizeAtLeast(batchSize, 0, nameof(batchSize), kernel);
        KernelChecks.SizeAtLeast(partLength, 1, nameof(partLength), kernel);
        KernelChecks.SizeAtLeast(offset, 0, nameof(offset), kernel);
        if ((long)offset + partLength > outputLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"{kernel}: a part of {partLength} values from {offset} on runs past a sample's {outputLength} output values.");
        }

        KernelChecks.AtLeast(partSpan, (long)batchSize * partLength, partName, kernel);
        KernelChecks.AtLeast(outputSpan, (long)batchSize * outputLength, outputName, kernel);
    }
}
