using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Concatenation along channels (or features), as <c>torch.cat(dim=1)</c>: per sample, each input's values one
/// after another, in the order declared. One copy per input each way.
/// </summary>
internal sealed class ConcatEmitter : LayerEmitter
{
    public ConcatEmitter(LayerModel layer)
        : base(layer)
    {
    }

    /// <summary>Where input <paramref name="slot"/>'s values start in each sample's output.</summary>
    private int OutputStart(int slot)
    {
        int start = 0;
        for (int i = 0; i < slot; i++)
        {
            start += Layer.Inputs[i].Shape.Length;
        }

        return start;
    }

    private System.Collections.Generic.IEnumerable<string> Shape(int slot) =>
        Sizes(("inputLength", Layer.Inputs[slot].Shape.Length), ("outputLength", Layer.Output.Length), ("offset", OutputStart(slot)));

    public override void EmitForward(SourceWriter writer)
    {
        for (int slot = 0; slot < Layer.Inputs.Count; slot++)
        {
            EmitCall(writer, "ConcatForward", new[] { Output, Arg("input", Buffer(Layer.Inputs[slot].Offset)) }, Shape(slot));
        }
    }

    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        EmitCall(writer, "ConcatBackwardInput", new[] { Arg("inputGradient", Layer.Inputs[slot].GradientOffset), OutputGradient }, Shape(slot));
}
