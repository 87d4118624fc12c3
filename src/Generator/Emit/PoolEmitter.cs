using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>What max and average pooling share: windows over each plane on its own, and the forward call.</summary>
internal abstract class PoolEmitter : WindowEmitter
{
    protected PoolEmitter(LayerModel layer)
        : base(layer, ((Pool2DSpec)layer.Spec).Kernel, ((Pool2DSpec)layer.Spec).Stride, ((Pool2DSpec)layer.Spec).Padding)
    {
    }

    /// <summary>The value of the border around padded planes.</summary>
    protected abstract string BorderValue { get; }

    protected string InputShape => Layer.Input.ToBatchedString();

    protected string OutputShape => Layer.Output.ToBatchedString();

    /// <summary>The output index of window (p, oy, ox), with p running over every plane of the batch.</summary>
    protected const string OutputIndex = "(p * OutHeight + oy) * OutWidth + ox";

    protected List<(string, string)> ForwardParameters()
    {
        var parameters = new List<(string, string)> { (Span + " output", OutputShape), (ReadOnlySpan + " input", InputShape) };
        AddPaddedParameter(parameters, "padded");
        parameters.Add(("int batchSize", string.Empty));
        return parameters;
    }

    /// <summary>Opens the loops over every plane of the batch and every window; <c>i</c> indexes the window's first value.</summary>
    protected static void EmitWindowLoops(SourceWriter writer, System.Action body)
    {
        using (writer.Block("for (int p = 0; p < batchSize * Channels; p++)"))
        using (writer.Block("for (int oy = 0; oy < OutHeight; oy++)"))
        using (writer.Block("for (int ox = 0; ox < OutWidth; ox++)"))
        {
            writer.Line("int i = p * PlaneLength + oy * Stride * RowLength + ox * Stride;");
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

        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "Forward", arguments);
    }
}
