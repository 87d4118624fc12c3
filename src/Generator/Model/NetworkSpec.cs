namespace StaticNet.Generator.Model;

/// <summary>
/// A network declaration as parsed: where the class lives, its input and its layers in order.
/// Shapes are not resolved yet; see <see cref="NetworkModel"/>.
/// </summary>
internal sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    Shape Input,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>Whether <c>[Network(Output = NetworkOutput.Sequence)]</c> declares the output a sequence of steps.</summary>
    public bool SequenceOutput { get; init; }
}
