using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Batch normalisation (PyTorch's <c>nn.BatchNorm2d</c> and <c>nn.BatchNorm1d</c>). Unlike every other layer its
/// training pass couples the samples of a batch through the batch's statistics, so each direction runs in three
/// steps: per chunk, its partial sums (a record per chunk in the layer's per-sample scratch, which has room for
/// one per sample); once per batch, their reduction; per chunk, the rest. The batch's statistics
/// [mean, 1/std] and backward's totals [count, sum dy, sum dy * x_hat] live in the workspace's fixed region.
/// </summary>
internal sealed class BatchNormEmitter : LayerEmitter
{
    public BatchNormEmitter(LayerModel layer)
        : base(layer)
    {
    }

    public override bool CouplesBatch => true;

    /// <summary>
    /// The ReLU that alone reads this layer's output and runs inside it, or <see langword="null"/>: forward then
    /// writes the ReLU's output directly, and backward's sums mask the ReLU's gradient and write it as this layer's.
    /// </summary>
    public ActivationEmitter? FusedReLU { get; set; }

    private BatchNormSpec Norm => (BatchNormSpec)Spec;

    private ParameterTensor? Weight => Norm.Affine ? Layer.Parameters[0] : null;

    private ParameterTensor? Bias => Norm.Affine ? Layer.Parameters[1] : null;

    private string Records => Arg("records", Layer.ScratchOffset);

    private string Statistics => Arg("statistics", Layer.FixedOffset);

    private string Totals => Arg("totals", Layer.FixedOffset + (2 * Layer.Input.Channels));

    private IEnumerable<string> Shape => Sizes(("channels", Layer.Input.Channels), ("plane", Layer.Input.Height * Layer.Input.Width));

    /// <summary>Not used: a pass splits into stages around this layer (see the partial, reduce and finish calls).</summary>
    public override void EmitForward(SourceWriter writer) => throw new System.NotSupportedException("BatchNorm runs in stages");

    public override void EmitForwardPartial(SourceWriter writer) => EmitCall(writer, "BatchNormStatistics", new[] { Records, Input }, Shape);

    public override void EmitForwardReduce(SourceWriter writer) => EmitCall(
        writer,
        "BatchNormReduce",
        new[] { Statistics, Records, Tensor("runningMean", Layer.State[0]), Tensor("runningVar", Layer.State[1]), Tensor("batchesTracked", Layer.State[2]) },
        new[] { Arg("channels", Layer.Input.Channels), Arg("momentum", Norm.Momentum), Arg("epsilon", Norm.Epsilon) });

    public override void EmitForwardFinish(SourceWriter writer) => EmitCall(
        writer,
        FusedReLU is null ? "BatchNormNormalize" : "BatchNormNormalizeReLU",
        new[] { Arg("output", (FusedReLU?.Layer ?? Layer).OutputOffset), Input, Statistics, Tensor("weight", Weight), Tensor("bias", Bias) },
        Shape);

    /// <summary>Inference alone (no convolution or dense layer before it to fold into): the running estimates, in one pass, with the ReLU after it when <paramref name="relu"/>.</summary>
    public void EmitInference(SourceWriter writer, string input, bool relu, int output) => EmitCall(
        writer,
        "BatchNormInference",
        new[] { Arg("output", output), input, Tensor("weight", Weight), Tensor("bias", Bias), Tensor("runningMean", Layer.State[0]), Tensor("runningVar", Layer.State[1]) },
        new[] { Arg("epsilon", Norm.Epsilon), Arg("relu", relu), Arg("channels", Layer.Input.Channels), Arg("plane", Layer.Input.Height * Layer.Input.Width) });

    /// <summary>The batch normalisation's arguments to a convolution or dense layer it is folded into.</summary>
    public IEnumerable<string> FoldedArguments => new[]
    {
        Tensor("normWeight", Weight),
        Tensor("normBias", Bias),
        Tensor("runningMean", Layer.State[0]),
        Tensor("runningVar", Layer.State[1]),
        Arg("epsilon", Norm.Epsilon),
    };

    public override void EmitBackwardPartial(SourceWriter writer)
    {
        if (FusedReLU is null)
        {
            EmitCall(writer, "BatchNormBackwardSums", new[] { Records, OutputGradient, Input, Statistics }, Shape);
            return;
        }

        LayerModel relu = FusedReLU.Layer;
        EmitCall(writer, "BatchNormReLUBackwardSums", new[] { Records, OutputGradient, Arg("reluGradient", relu.OutputGradientOffset), Arg("reluOutput", relu.OutputOffset), Input, Statistics }, Shape);
    }

    public override void EmitBackwardReduce(SourceWriter writer) => EmitCall(
        writer,
        "BatchNormReduceBackward",
        new[] { Totals, Records, Tensor("weightGradient", Layer.Trainable ? Weight : null), Tensor("biasGradient", Layer.Trainable ? Bias : null) },
        new[] { Arg("trainable", Layer.TrainableIndex), Arg("channels", Layer.Input.Channels) });

    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        EmitCall(writer, "BatchNormBackwardInput", new[] { InputGradient, OutputGradient, Input, Statistics, Totals, Tensor("weight", Weight) }, Shape);
}
