using System;
using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's <c>nn.Conv2d</c>): weight [filters, channels,
/// kernel, kernel], bias [filters]. Each output value is its bias plus the weighted sum of one window
/// in every input channel.
/// </summary>
internal sealed class Conv2DEmitter : WindowEmitter
{
    /// <summary>The index of output (b, co, oy, ox) in the (B, OutChannels, OutHeight, OutWidth) output.</summary>
    private const string OutputIndex = "((b * OutChannels + co) * OutHeight + oy) * OutWidth + ox";

    public Conv2DEmitter(LayerModel layer)
        : base(layer, ((Conv2DSpec)layer.Spec).Kernel, ((Conv2DSpec)layer.Spec).Stride, ((Conv2DSpec)layer.Spec).Padding, ((Conv2DSpec)layer.Spec).Dilation)
    {
    }

    private ParameterTensor Weight => Layer.Parameters[0];

    private ParameterTensor? Bias => ((Conv2DSpec)Spec).HasBias ? Layer.Parameters[1] : null;

    private string InputShape => Layer.Input.ToBatchedString();

    private string OutputShape => Layer.Output.ToBatchedString();

    private const string ScratchComment = "the thread's scratch";

    /// <summary>The convolution's shape as the runtime's kernels take it, after the samples and before the SIMD level.</summary>
    private string KernelShape => $"batchSize, Channels, Height, Width, OutChannels, Kernel, Stride, Padding, {Dilation}";

    /// <summary>
    /// Stride-1 convolutions read shifted views of the padded input, with no copy; strided ones copy
    /// each window into columns (im2col). Both end in one matrix product.
    /// </summary>
    private string Algorithm => Stride == 1 && Padding <= Dilation * (Kernel - 1)
        ? "shifted views of the padded input (an implicit im2col: no copy), one matrix product"
        : "im2col of each sample (stride " + Stride + "), then one matrix product";

    public override string? KernelScratchExpression(string samples) =>
        $"{Kernels}.Convolution.ScratchLength({Layer.Input.Channels}, {Layer.Input.Height}, {Layer.Input.Width}, {Layer.Output.Channels}, {Kernel}, {Stride}, {Padding}, {Dilation}, {samples})";


    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);

        var forward = new List<(string, string)> { (Span + " output", OutputShape), (ReadOnlySpan + " input", InputShape) };
        AddPaddedParameter(forward, "padded");
        forward.Add((ReadOnlySpan + " weight", Weight.ShapeText));
        if (Bias is not null)
        {
            forward.Add((ReadOnlySpan + " bias", Bias.ShapeText));
        }

        forward.Add((Span + " scratch", ScratchComment));
        forward.Add(("int batchSize", string.Empty));
        string biasPhrase = Bias is null ? string.Empty : "its channel's bias plus ";
        using (MethodBlock(writer, $"{Spec.Name} forward: each output is {biasPhrase}the weighted sum of one {Kernel}x{Kernel} window{(Dilation == 1 ? string.Empty : " dilated by " + Dilation)} in every input channel.", MethodName + "Forward", forward))
        {
            EmitWindowBody(writer, EmitForwardBody);
        }

        writer.Line();
        var backwardInput = new List<(string, string)> { (Span + " inputGradient", InputShape) };
        AddPaddedParameter(backwardInput, "paddedGradient");
        backwardInput.Add((ReadOnlySpan + " outputGradient", OutputShape));
        backwardInput.Add((ReadOnlySpan + " weight", Weight.ShapeText));
        backwardInput.Add((Span + " scratch", ScratchComment));
        backwardInput.Add(("int batchSize", string.Empty));
        using (MethodBlock(writer, $"{Spec.Name} backward to the input: each output's gradient flows back, through the weights, to every value of its window.", MethodName + "BackwardInput", backwardInput))
        {
            EmitWindowBody(writer, EmitBackwardInputBody);
        }

        writer.Line();
        // A layer frozen in its declaration never computes its parameter gradients.
        if (Layer.Trainable)
        {
            var backwardParameters = new List<(string, string)> { (Span + " weightGradient", Weight.ShapeText) };
            if (Bias is not null)
            {
                backwardParameters.Add((Span + " biasGradient", Bias.ShapeText));
            }

            backwardParameters.Add((ReadOnlySpan + " outputGradient", OutputShape));
            backwardParameters.Add((ReadOnlySpan + " input", InputShape));
            if (IsPadded)
            {
                backwardParameters.Add((ReadOnlySpan + " padded", PaddedShape + ", written by the scalar forward"));
            }

            backwardParameters.Add((Span + " scratch", ScratchComment));
            backwardParameters.Add(("int batchSize", string.Empty));
            string biasGradientPhrase = Bias is null ? string.Empty : "; each bias, the sum of its channel's output gradient";
            using (MethodBlock(writer, $"{Spec.Name} backward to the parameters, accumulated: each weight gathers output gradient times the input value it multiplied{biasGradientPhrase}.", MethodName + "BackwardParameters", backwardParameters))
            {
                EmitWindowBody(writer, EmitBackwardParametersBody);
            }

            writer.Line();
        }
    }

    private void EmitForwardBody(SourceWriter writer)
    {
        EmitVectorPath(writer, Algorithm + ".", w =>
            w.Line($"{Kernels}.Convolution.Forward(input, output, weight, {(Bias is null ? EmptySpan : "bias")}, scratch, {KernelShape}, simd);"));
        EmitPad(writer, "0f");
        writer.Line(ReadOnlySpan + " x = " + (IsPadded ? "padded;" : "input;"));
        EmitOutputLoops(writer, () =>
        {
            writer.Line(Bias is null ? "float sum = 0f;" : "float sum = bias[co];");
            EmitChannelLoop(writer, () => EmitTaps(writer, (k, o) => $"sum += weight[w{k}] * x[i{o}];"));
            writer.Line($"output[{OutputIndex}] = sum;");
        });
    }

    private void EmitBackwardInputBody(SourceWriter writer)
    {
        EmitVectorPath(writer, Algorithm + ", with the kernel flipped.", w =>
            w.Line($"{Kernels}.Convolution.BackwardInput(outputGradient, weight, inputGradient, scratch, {KernelShape}, simd);"));
        EmitClearGradientTarget(writer);
        EmitOutputLoops(writer, () =>
        {
            writer.Line($"float g = outputGradient[{OutputIndex}];");
            EmitChannelLoop(writer, () => EmitTaps(writer, (k, o) => $"dx[i{o}] += weight[w{k}] * g;"));
        });
        EmitCrop(writer);
    }

    private void EmitBackwardParametersBody(SourceWriter writer)
    {
        EmitVectorPath(writer, Algorithm + " over the chunk's samples at once.", w =>
            w.Line($"{Kernels}.Convolution.BackwardParameters(input, outputGradient, weightGradient, {(Bias is null ? "global::System.Span<float>.Empty" : "biasGradient")}, scratch, {KernelShape}, simd);"));
        writer.Line(ReadOnlySpan + " x = " + (IsPadded ? "padded;" : "input;"));
        EmitOutputLoops(writer, () =>
        {
            writer.Line($"float g = outputGradient[{OutputIndex}];");
            if (Bias is not null)
            {
                writer.Line("biasGradient[co] += g;");
            }

            EmitChannelLoop(writer, () => EmitTaps(writer, (k, o) => $"weightGradient[w{k}] += g * x[i{o}];"));
        });
    }

    /// <summary>Opens the loops over samples, output channels and output positions.</summary>
    private static void EmitOutputLoops(SourceWriter writer, Action body)
    {
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        using (writer.Block("for (int co = 0; co < OutChannels; co++)"))
        using (writer.Block("for (int oy = 0; oy < OutHeight; oy++)"))
        using (writer.Block("for (int ox = 0; ox < OutWidth; ox++)"))
        {
            body();
        }
    }

    /// <summary>Opens the loop over input channels; <c>w</c> and <c>i</c> index the window's first weight and first source value.</summary>
    private static void EmitChannelLoop(SourceWriter writer, Action body)
    {
        using (writer.Block("for (int ci = 0; ci < Channels; ci++)"))
        {
            writer.Line("int w = (co * Channels + ci) * Window;");
            writer.Line("int i = (b * Channels + ci) * PlaneLength + oy * Stride * RowLength + ox * Stride;");
            body();
        }
    }

    public override void EmitForwardCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (OutputSlice, "output " + OutputShape), (InputSlice, "input " + InputShape) };
        if (IsPadded)
        {
            arguments.Add((PaddedInputSlice, "padded input " + PaddedShape));
        }

        arguments.Add((ParameterSlice(Weight), Weight.Name + " " + Weight.ShapeText));
        if (Bias is not null)
        {
            arguments.Add((ParameterSlice(Bias), Bias.Name + " " + Bias.ShapeText));
        }

        arguments.Add(("scratch", string.Empty));
        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "Forward", arguments);
    }

    public override void EmitBackwardParametersCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (GradientSlice(Weight), "d " + Weight.Name) };
        if (Bias is not null)
        {
            arguments.Add((GradientSlice(Bias), "d " + Bias.Name));
        }

        arguments.Add((OutputGradientSlice, "d output " + OutputShape));
        arguments.Add((InputSlice, "input " + InputShape));
        if (IsPadded)
        {
            arguments.Add((PaddedInputSlice, "padded input " + PaddedShape));
        }

        arguments.Add(("scratch", string.Empty));
        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "BackwardParameters", arguments);
    }

    public override void EmitBackwardInputCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (InputGradientSlice, "d input " + InputShape) };
        if (IsPadded)
        {
            arguments.Add((PaddedGradientSlice, "d padded input " + PaddedShape));
        }

        arguments.Add((OutputGradientSlice, "d output " + OutputShape));
        arguments.Add((ParameterSlice(Weight), Weight.Name + " " + Weight.ShapeText));
        arguments.Add(("scratch", string.Empty));
        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "BackwardInput", arguments);
    }
}
