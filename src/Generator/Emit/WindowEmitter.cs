using System;
using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// What convolution and pooling share: a square window sliding over [channels, height, width]
/// planes, with padding handled by a zero- (or minus-infinity-) bordered copy of the input so that
/// window reads never need bounds checks, and windows of up to <see cref="MaxUnrolledKernel"/> taps
/// a side written out tap by tap.
/// </summary>
internal abstract class WindowEmitter : LayerEmitter
{
    /// <summary>Windows up to this side are fully unrolled; larger ones loop over their rows and columns.</summary>
    public const int MaxUnrolledKernel = 8;

    protected WindowEmitter(LayerModel layer, int kernel, int stride, int padding, int dilation = 1)
        : base(layer)
    {
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
    }

    protected int Kernel { get; }

    /// <summary>The spacing between taps: tap (ky, kx) reads source row <c>ky * Dilation</c>, column <c>kx * Dilation</c>.</summary>
    protected int Dilation { get; }

    protected int Stride { get; }

    protected int Padding { get; }

    protected bool IsPadded => Padding > 0;

    /// <summary>The height and width of the planes windows read from: the input's, plus the border.</summary>
    protected int SourceHeight => Layer.Input.Height + (2 * Padding);

    protected int SourceWidth => Layer.Input.Width + (2 * Padding);

    protected int SourcePlane => SourceHeight * SourceWidth;

    /// <summary>The shape of the padded copy, for comments.</summary>
    protected string PaddedShape => $"(B, {Layer.Input.Channels}, {SourceHeight}, {SourceWidth})";

    /// <summary>The batch's zero-bordered copy of the input, written by forward and read by backward.</summary>
    protected string PaddedInputSlice => WorkspaceSlice(Layer.ScratchOffset, Layer.Input.Channels * SourcePlane);

    /// <summary>The gradient of the padded copy, cropped into the input gradient at the end of backward.</summary>
    protected string PaddedGradientSlice => WorkspaceSlice(Layer.ScratchOffset + (Layer.Input.Channels * SourcePlane), Layer.Input.Channels * SourcePlane);

    /// <summary>The input as the scalar windows see it: the padded copy when there is padding.</summary>
    protected string WindowSourceSlice => IsPadded ? PaddedInputSlice : InputSlice;

    /// <summary>Writes a window method's body after the sizes it uses, declared as local constants.</summary>
    protected void EmitWindowBody(SourceWriter writer, Action<SourceWriter> body) => EmitWithConstants(
        writer,
        new[]
        {
            ("Channels", Layer.Input.Channels),
            ("Height", Layer.Input.Height),
            ("Width", Layer.Input.Width),
            ("OutChannels", Layer.Output.Channels),
            ("OutHeight", Layer.Output.Height),
            ("OutWidth", Layer.Output.Width),
            ("Kernel", Kernel),
            ("Stride", Stride),
            ("Padding", Padding),
            ("RowLength", SourceWidth),
            ("PlaneLength", SourcePlane),
            ("Window", Kernel * Kernel),
            ("InputLength", Layer.Input.Length),
            ("OutputLength", Layer.Output.Length),
            ("ColumnRows", Layer.Input.Channels * Kernel * Kernel),
            ("Positions", Layer.Output.Height * Layer.Output.Width),
        },
        body);

    /// <summary>Copies the input into the bordered buffer, so windows over the edge read the border value.</summary>
    protected void EmitPad(SourceWriter writer, string fill)
    {
        if (IsPadded)
        {
            writer.Line($"// Copy each input plane into the middle of a plane bordered by {Padding} x {fill}, so every window below reads in bounds.");
            writer.Line($"global::StaticNet.Kernels.PaddedPlanes.Pad(input, padded, batchSize * Channels, Height, Width, {Padding}, {fill});");
        }
    }

    /// <summary>Clears the buffer backward accumulates window gradients into: the padded gradient, or the input gradient itself.</summary>
    protected void EmitClearGradientTarget(SourceWriter writer)
    {
        writer.Line(IsPadded
            ? "paddedGradient.Slice(0, batchSize * Channels * PlaneLength).Clear();"
            : "inputGradient.Slice(0, batchSize * Channels * Height * Width).Clear();");
        writer.Line(Span + " dx = " + (IsPadded ? "paddedGradient;" : "inputGradient;"));
    }

    /// <summary>Crops the padded gradient back to the input's shape: the border's gradient belongs to no input value.</summary>
    protected void EmitCrop(SourceWriter writer)
    {
        if (IsPadded)
        {
            writer.Line("// The border is not part of the input: keep the gradient of the interior only.");
            writer.Line($"global::StaticNet.Kernels.PaddedPlanes.Crop(paddedGradient, inputGradient, batchSize * Channels, Height, Width, {Padding});");
        }
    }

    /// <summary>
    /// Writes one statement per window tap. <paramref name="statement"/> receives the suffix to add to
    /// a weight index (<c> + 3</c>) and to a source index (<c> + 65</c>), empty for the first tap.
    /// </summary>
    protected void EmitTaps(SourceWriter writer, Func<string, string, string> statement)
    {
        if (Kernel <= MaxUnrolledKernel)
        {
            writer.Line(Dilation == 1
                ? $"// The {Kernel}x{Kernel} window, unrolled: tap (ky, kx) reads source row ky, column kx."
                : $"// The {Kernel}x{Kernel} window dilated by {Dilation}, unrolled: tap (ky, kx) reads source row {Dilation} * ky, column {Dilation} * kx.");
            for (int ky = 0; ky < Kernel; ky++)
            {
                for (int kx = 0; kx < Kernel; kx++)
                {
                    writer.Line(statement(Suffix((ky * Kernel) + kx), Suffix((ky * Dilation * SourceWidth) + (kx * Dilation))));
                }
            }

            return;
        }

        using (writer.Block($"for (int ky = 0; ky < {Kernel}; ky++)"))
        {
            using (writer.Block($"for (int kx = 0; kx < {Kernel}; kx++)"))
            {
                writer.Line(statement(
                    $" + ky * {Kernel} + kx",
                    Dilation == 1 ? " + ky * RowLength + kx" : $" + ky * {Dilation} * RowLength + kx * {Dilation}"));
            }
        }
    }

    private static string Suffix(int offset) => offset == 0 ? string.Empty : " + " + offset;

    /// <summary>A method signature's parameter for the padded copy, present only when the layer pads.</summary>
    protected void AddPaddedParameter(List<(string, string)> parameters, string name)
    {
        if (IsPadded)
        {
            parameters.Add((Span + " " + name, PaddedShape));
        }
    }
}
