using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// 2-D average pooling, as PyTorch's <c>nn.AvgPool2d</c>: each output is the mean of its window.
/// With <c>CountIncludePad</c> (PyTorch's default) the divisor is always the window size; without it,
/// only the window's values inside the input count.
/// </summary>
internal sealed class AvgPool2DEmitter : PoolEmitter
{
    public AvgPool2DEmitter(LayerModel layer)
        : base(layer)
    {
    }

    protected override string BorderValue => "0f";

    /// <summary>Whether the divisor varies by position: only when padding is excluded from the count.</summary>
    private bool VariableDivisor => IsPadded && !CountIncludePad;

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(writer, $"{Spec.Name} forward: the mean of each {Kernel}x{Kernel} window.", MethodName + "Forward", ForwardParameters()))
        {
            EmitWindowBody(writer, EmitForwardBody);
        }

        writer.Line();
        var parameters = new List<(string, string)> { (Span + " inputGradient", InputShape) };
        AddPaddedParameter(parameters, "paddedGradient");
        parameters.Add((ReadOnlySpan + " outputGradient", OutputShape));
        parameters.Add(("int batchSize", string.Empty));
        using (MethodBlock(writer, $"{Spec.Name} backward: each output's gradient, divided as in the forward mean, goes to every value of its window.", MethodName + "BackwardInput", parameters))
        {
            EmitWindowBody(writer, EmitBackwardBody);
        }

        writer.Line();
    }

    private bool CountIncludePad => ((Pool2DSpec)Spec).CountIncludePad;

    private void EmitForwardBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "windows clamped to each plane, so no bordered copy is needed.", w =>
            w.Line($"{Kernels}.Pooling.AverageForward(input, output, batchSize * Channels, Height, Width, Kernel, Stride, Padding, countIncludePad: {(CountIncludePad ? "true" : "false")}, OutHeight, OutWidth);"));
        EmitPad(writer, BorderValue);
        writer.Line(ReadOnlySpan + " x = " + (IsPadded ? "padded;" : "input;"));
        EmitWindowLoops(writer, () =>
        {
            EmitScale(writer);
            writer.Line("float sum = 0f;");
            EmitTaps(writer, (_, o) => $"sum += x[i{o}];");
            writer.Line($"output[{OutputIndex}] = sum * scale;");
        });
    }

    private void EmitBackwardBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "windows clamped to each plane, each output's gradient spread evenly over its window.", w =>
            w.Line($"{Kernels}.Pooling.AverageBackward(outputGradient, inputGradient, batchSize * Channels, Height, Width, Kernel, Stride, Padding, countIncludePad: {(CountIncludePad ? "true" : "false")}, OutHeight, OutWidth);"));
        EmitClearGradientTarget(writer);
        EmitWindowLoops(writer, () =>
        {
            EmitScale(writer);
            writer.Line($"float g = outputGradient[{OutputIndex}] * scale;");
            EmitTaps(writer, (_, o) => $"dx[i{o}] += g;");
        });
        EmitCrop(writer);
    }

    private void EmitScale(SourceWriter writer)
    {
        if (VariableDivisor)
        {
            writer.Line("// Count only the window's rows and columns inside the input, not those in the border.");
            writer.Line($"int rows = global::System.Math.Min(oy * Stride + {Kernel}, {Padding} + Height) - global::System.Math.Max(oy * Stride, {Padding});");
            writer.Line($"int columns = global::System.Math.Min(ox * Stride + {Kernel}, {Padding} + Width) - global::System.Math.Max(ox * Stride, {Padding});");
            writer.Line("float scale = 1f / (rows * columns);");
        }
        else
        {
            writer.Line($"const float scale = 1f / {Kernel * Kernel};");
        }
    }

    public override void EmitBackwardInputCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (InputGradientSlice, "d input " + InputShape) };
        if (IsPadded)
        {
            arguments.Add((PaddedGradientSlice, "d padded input " + PaddedShape));
        }

        arguments.Add((OutputGradientSlice, "d output " + OutputShape));
        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "BackwardInput", arguments);
    }
}
