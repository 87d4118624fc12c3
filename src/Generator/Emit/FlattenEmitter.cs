using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>Reshapes [channels, height, width] to a vector: the planner gives it its input's buffer, so there is nothing to run.</summary>
internal sealed class FlattenEmitter : LayerEmitter
{
    public FlattenEmitter(LayerModel layer)
        : base(layer)
    {
    }

    public override bool EmitsCode => false;

    public override void EmitForward(SourceWriter writer) =>
        writer.Line($"// {Description}: the same buffer, read as a vector; nothing to compute.");

    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        writer.Line($"// {Spec.Name}: the gradient shares the buffer too; nothing to compute.");
}
