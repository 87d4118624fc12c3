using System.Globalization;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Inverted dropout: in training each value is kept with probability <c>1 - rate</c> and scaled by
/// <c>1 / (1 - rate)</c>, or zeroed; in inference values pass through. The mask is a hash of (seed, step,
/// layer) and each value's position in the batch, so backward recomputes it instead of storing it; the layer's
/// part of the key is the stable hash of its name, worked out here.
/// </summary>
internal sealed class DropoutEmitter : LayerEmitter
{
    public DropoutEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private string[] Shape => new[]
    {
        Arg("features", Layer.Output.Length),
        Arg("rate", ((DropoutSpec)Spec).Rate),
        "layer: 0x" + StableHash.Fnv1a(Spec.Name).ToString("X16", CultureInfo.InvariantCulture) + "UL",
    };

    public override void EmitForward(SourceWriter writer) => EmitCall(writer, "DropoutForward", new[] { Output, Input }, Shape);

    public override void EmitBackwardInput(SourceWriter writer, int slot) => EmitCall(writer, "DropoutBackwardInput", new[] { InputGradient, OutputGradient }, Shape);
}
