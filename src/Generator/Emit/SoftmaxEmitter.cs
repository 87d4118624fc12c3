using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>Softmax or log-softmax over each sample's values, stable for any logits; only ever the last layer. Backward reads the saved output.</summary>
internal sealed class SoftmaxEmitter : LayerEmitter
{
    public SoftmaxEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private string Kind => ((SoftmaxSpec)Spec).Log ? "LogSoftmax" : "Softmax";

    private System.Collections.Generic.IEnumerable<string> Shape => Sizes(("features", Layer.Output.Length));

    public override void EmitForward(SourceWriter writer) => EmitCall(writer, Kind + "Forward", new[] { Output, Input }, Shape);

    public override void EmitBackwardInput(SourceWriter writer, int slot) => EmitCall(writer, Kind + "BackwardInput", new[] { InputGradient, OutputGradient, Output }, Shape);
}
