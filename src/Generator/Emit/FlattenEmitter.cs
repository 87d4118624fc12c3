using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Flatten: [channels, height, width] read as one vector in NCHW order. The workspace already holds
/// each sample contiguously in that order, so the layer shares its input's buffers and emits no code.
/// </summary>
internal sealed class FlattenEmitter : LayerEmitter
{
    public FlattenEmitter(LayerModel layer)
        : base(layer)
    {
    }

    public override bool EmitsCode => false;

    public override void EmitMethods(SourceWriter writer)
    {
    }

    public override void EmitForwardCall(SourceWriter writer) =>
        writer.Line($"// {Description}: the same buffer, read as a vector; nothing to compute.");

    public override void EmitBackwardInputCall(SourceWriter writer) =>
        writer.Line($"// {Spec.Name}: the gradient shares the buffer too; nothing to compute.");
}
