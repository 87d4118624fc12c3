using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// 2-D max pooling, as PyTorch's <c>nn.MaxPool2d</c>: each output is the largest value of its window;
/// padding is minus infinity, so it never wins. Backward sends each output's gradient to the first
/// largest value of its window, recomputed from the saved input rather than stored as indices.
/// </summary>
internal sealed class MaxPool2DEmitter : PoolEmitter
{
    public MaxPool2DEmitter(LayerModel layer)
        : base(layer)
    {
    }

    protected override string BorderValue => "float.NegativeInfinity";

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(writer, $"{Spec.Name} forward: the largest value of each {Kernel}x{Kernel} window.", MethodName + "Forward", ForwardParameters()))
        {
            EmitWindowBody(writer, EmitForwardBody);
        }

        writer.Line();
        var parameters = new List<(string, string)> { (Span + " inputGradient", InputShape) };
        AddPaddedParameter(parameters, "paddedGradient");
        parameters.Add((ReadOnlySpan + " outputGradient", OutputShape));
        parameters.Add((ReadOnlySpan + " input", InputShape));
        if (IsPadded)
        {
            parameters.Add((ReadOnlySpan + " padded", PaddedShape + ", written by the scalar forward"));
        }

        parameters.Add(("int batchSize", string.Empty));
        using (MethodBlock(writer, $"{Spec.Name} backward: each output's gradient goes to the first largest value of its window, as in PyTorch.", MethodName + "BackwardInput", parameters))
        {
            EmitWindowBody(writer, EmitBackwardBody);
        }

        writer.Line();
    }

    private void EmitForwardBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "windows clamped to each plane, so no bordered copy is needed.", w =>
            w.Line($"{Kernels}.Pooling.MaxForward(input, output, batchSize * Channels, Height, Width, Kernel, Stride, Padding, OutHeight, OutWidth);"));
        EmitPad(writer, BorderValue);
        writer.Line(ReadOnlySpan + " x = " + (IsPadded ? "padded;" : "input;"));
        EmitWindowLoops(writer, () =>
        {
            writer.Line("float max = float.NegativeInfinity;");
            EmitTaps(writer, (_, o) => $"max = x[i{o}] > max ? x[i{o}] : max;");
            writer.Line($"output[{OutputIndex}] = max;");
        });
    }

    private void EmitBackwardBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "windows clamped to each plane, the first largest value of each recomputed from the input.", w =>
            w.Line($"{Kernels}.Pooling.MaxBackward(input, outputGradient, inputGradient, batchSize * Channels, Height, Width, Kernel, Stride, Padding, OutHeight, OutWidth);"));
        EmitClearGradientTarget(writer);
        writer.Line(ReadOnlySpan + " x = " + (IsPadded ? "padded;" : "input;"));
        EmitWindowLoops(writer, () =>
        {
            writer.Line("int best = i;");
            writer.Line("float max = float.NegativeInfinity;");
            EmitTaps(writer, (_, o) => $"if (x[i{o}] > max) {{ max = x[i{o}]; best = i{o}; }}");
            writer.Line($"dx[best] += outputGradient[{OutputIndex}];");
        });
        EmitCrop(writer);
    }

    public override void EmitBackwardInputCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (InputGradientSlice, "d input " + InputShape) };
        if (IsPadded)
        {
            arguments.Add((PaddedGradientSlice, "d padded input " + PaddedShape));
        }

        arguments.Add((OutputGradientSlice, "d output " + OutputShape));
        arguments.Add((InputSlice, "input " + InputShape));
        if (IsPadded)
        {
            arguments.Add((PaddedInputSlice, "padded input " + PaddedShape));
        }

        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "BackwardInput", arguments);
    }
}
