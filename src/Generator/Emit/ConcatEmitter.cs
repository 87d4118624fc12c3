using System.Collections.Generic;
using System.Globalization;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Joins values along channels (<c>torch.cat(..., dim=1)</c>): per sample, the layer's input, then
/// each named layer's output, one after another, since channels are the outermost axis of a sample in
/// NCHW. Backward hands each input its block of the output gradient, into the gradient buffer the
/// planner gave that reader of the value.
/// </summary>
internal sealed class ConcatEmitter : LayerEmitter
{
    public ConcatEmitter(LayerModel layer)
        : base(layer)
    {
    }

    /// <summary>Where input <paramref name="slot"/> starts in one sample of the output.</summary>
    private int OffsetOf(int slot)
    {
        int offset = 0;
        for (int k = 0; k < slot; k++)
        {
            offset += Layer.Inputs[k].Shape.Length;
        }

        return offset;
    }

    /// <summary>Where input <paramref name="slot"/> starts in sample <c>b</c> of the output, as an expression.</summary>
    private string OutputStart(int slot) => OffsetOf(slot) == 0
        ? $"b * {Layer.Output.Length}"
        : $"(b * {Layer.Output.Length}) + {OffsetOf(slot)}";

    private static string ParameterName(int slot) => slot == 0 ? "x" : "joined" + slot.ToString(CultureInfo.InvariantCulture);

    private string Describe(int slot) => $"output of '{Layer.Inputs[slot].Producer}' {Layer.Inputs[slot].Shape.ToBatchedString()}";

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        var parameters = new List<(string, string)> { (Span + " y", Layer.Output.ToBatchedString()) };
        for (int slot = 0; slot < Layer.Inputs.Count; slot++)
        {
            parameters.Add((ReadOnlySpan + " " + ParameterName(slot), Describe(slot)));
        }

        parameters.Add(("int batchSize", string.Empty));
        using (MethodBlock(writer, $"{Spec.Name} forward: per sample, each input's values one after another, in the order declared.", MethodName + "Forward", parameters))
        {
            using (writer.Block("for (int b = 0; b < batchSize; b++)"))
            {
                for (int slot = 0; slot < Layer.Inputs.Count; slot++)
                {
                    int length = Layer.Inputs[slot].Shape.Length;
                    writer.Line($"{ParameterName(slot)}.Slice(b * {length}, {length}).CopyTo(y.Slice({OutputStart(slot)}, {length}));");
                }
            }
        }

        for (int slot = 0; slot < Layer.Inputs.Count; slot++)
        {
            int length = Layer.Inputs[slot].Shape.Length;
            writer.Line();
            using (MethodBlock(
                writer,
                $"{Spec.Name} backward for input {slot} ('{Layer.Inputs[slot].Producer}'): its block of each sample's output gradient.",
                MethodName + "BackwardInput" + slot.ToString(CultureInfo.InvariantCulture),
                new[] { (Span + " dx", Layer.Inputs[slot].Shape.ToBatchedString()), (ReadOnlySpan + " dy", Layer.Output.ToBatchedString()), ("int batchSize", string.Empty) }))
            {
                using (writer.Block("for (int b = 0; b < batchSize; b++)"))
                {
                    writer.Line($"dy.Slice({OutputStart(slot)}, {length}).CopyTo(dx.Slice(b * {length}, {length}));");
                }
            }
        }

        writer.Line();
    }

    public override void EmitForwardCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (OutputSlice, "output " + Layer.Output.ToBatchedString()) };
        for (int slot = 0; slot < Layer.Inputs.Count; slot++)
        {
            arguments.Add((InputSliceOf(slot), ParameterName(slot) + ": " + Describe(slot)));
        }

        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "Forward", arguments);
    }

    public override void EmitBackwardInputCall(SourceWriter writer) => EmitBackwardInputCall(writer, 0);

    public override void EmitBackwardInputCall(SourceWriter writer, int slot) => EmitCall(
        writer,
        MethodName + "BackwardInput" + slot.ToString(CultureInfo.InvariantCulture),
        new[]
        {
            (InputGradientSliceOf(slot), $"d {ParameterName(slot)}: gradient of '{Layer.Inputs[slot].Producer}' {Layer.Inputs[slot].Shape.ToBatchedString()}"),
            (OutputGradientSlice, "d output " + Layer.Output.ToBatchedString()),
            ("batchSize", string.Empty),
        });
}
