using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// A residual connection: <c>y = x + added</c>, value by value: <c>x</c> is the layer's input (the layer
/// before it, or <c>From</c>), <c>added</c> the output of the layer it names. Backward passes the output gradient
/// unchanged to both inputs, each into the gradient buffer the planner gave that reader of the value
/// (a value read by several layers has one buffer per reader, summed before its producer's backward).
/// </summary>
internal sealed class AddEmitter : LayerEmitter
{
    public AddEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private string Shape => Layer.Output.ToBatchedString();

    private LayerInput Main => Layer.Inputs[0];

    private LayerInput Added => Layer.Inputs[1];

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward: <c>y = x + added</c>, the output of '{Main.Producer}' plus that of '{Added.Producer}'.",
            MethodName + "Forward",
            new[] { (Span + " y", Shape), (ReadOnlySpan + " x", Shape), (ReadOnlySpan + " added", Shape), ("int batchSize", string.Empty) }))
        {
            writer.Line($"int length = batchSize * {Layer.Output.Length};");
            using (writer.Block("for (int i = 0; i < length; i++)"))
            {
                writer.Line("y[i] = x[i] + added[i];");
            }
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward: the gradient of a sum reaches each term unchanged; called once per input.",
            MethodName + "BackwardInput",
            new[] { (Span + " dx", Shape), (ReadOnlySpan + " dy", Shape), ("int batchSize", string.Empty) }))
        {
            writer.Line($"dy.Slice(0, batchSize * {Layer.Output.Length}).CopyTo(dx);");
        }

        writer.Line();
    }

    public override void EmitForwardCall(SourceWriter writer) => EmitCall(
        writer,
        MethodName + "Forward",
        new[]
        {
            (OutputSlice, "output " + Shape),
            (InputSliceOf(0), $"input: output of '{Main.Producer}' {Shape}"),
            (InputSliceOf(1), $"added: output of '{Added.Producer}' {Shape}"),
            ("batchSize", string.Empty),
        });

    public override void EmitBackwardInputCall(SourceWriter writer) => EmitBackwardInputCall(writer, 0);

    public override void EmitBackwardInputCall(SourceWriter writer, int slot) => EmitCall(
        writer,
        MethodName + "BackwardInput",
        new[]
        {
            (InputGradientSliceOf(slot), $"d {(slot == 0 ? "input" : "added")}: gradient of '{Layer.Inputs[slot].Producer}' {Shape}"),
            (OutputGradientSlice, "d output " + Shape),
            ("batchSize", string.Empty),
        });
}
