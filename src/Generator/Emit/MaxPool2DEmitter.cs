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
        parameters.Add((ReadOnlySpan + " input", IsPadded ? PaddedShape + " bordered" : InputShape));
        parameters.Add(("int batchSize", string.Empty));
        using (MethodBlock(writer, $"{Spec.Name} backward: each output's gradient goes to the first largest value of its window, as in PyTorch.", MethodName + "BackwardInput", parameters))
        {
            EmitWindowBody(writer, EmitBackwardBody);
        }

        writer.Line();
    }

    private void EmitForwardBody(SourceWriter writer)
    {
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
        EmitClearGradientTarget(writer);
        writer.Line(ReadOnlySpan + " x = input;");
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
        arguments.Add((WindowSourceSlice, IsPadded ? "padded input " + PaddedShape : "input " + InputShape));
        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "BackwardInput", arguments);
    }
}
