using System.Linq;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// A fully connected layer (PyTorch's <c>nn.Linear</c>): weight [outputs, inputs], bias [outputs]. Its parameter
/// gradients are computed once over the whole batch, in slices of its outputs that threads share: per-chunk
/// copies of a large weight matrix would each be written, then added up, for a product of only a chunk's samples.
/// </summary>
internal sealed class DenseEmitter : LayerEmitter
{
    public DenseEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private ParameterTensor Weight => Layer.Parameters[0];

    private ParameterTensor? Bias => ((DenseSpec)Spec).HasBias ? Layer.Parameters[1] : null;

    private System.Collections.Generic.IEnumerable<string> Shape => Sizes(("inputs", Layer.Input.Length), ("outputs", Layer.Output.Length));

    public override bool BatchWideParameterGradients => true;

    public override void EmitForward(SourceWriter writer) =>
        EmitCall(writer, "DenseForward", new[] { Output, Input, Tensor("weight", Weight), Tensor("bias", Bias) }, Shape);

    /// <summary>Inference with the batch normalisation after it (or none) and a ReLU (or none) folded in, writing at <paramref name="output"/>.</summary>
    public void EmitFolded(SourceWriter writer, string input, BatchNormEmitter? norm, bool relu, int output) => EmitCall(
        writer,
        "DenseInference",
        new[] { Arg("output", output), input, Tensor("weight", Weight), Tensor("bias", Bias) }.Concat(norm?.FoldedArguments ?? NoNormalization).Append(Arg("relu", relu)),
        Shape);

    public override void EmitBackwardParameters(SourceWriter writer) =>
        EmitCall(writer, "DenseBackwardParameters", new[] { Tensor("weightGradient", Weight), Tensor("biasGradient", Bias), OutputGradient, Input }, Shape);

    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        EmitCall(writer, "DenseBackwardInput", new[] { InputGradient, OutputGradient, Tensor("weight", Weight) }, Shape);
}
