using System.Linq;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's <c>nn.Conv2d</c>): weight [filters, channels, kernel,
/// kernel], bias [filters]. Each chunk adds its samples' parameter gradients to a buffer of its own.
/// </summary>
internal sealed class Conv2DEmitter : LayerEmitter
{
    public Conv2DEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private Conv2DSpec Conv => (Conv2DSpec)Spec;

    private ParameterTensor Weight => Layer.Parameters[0];

    private ParameterTensor? Bias => Conv.HasBias ? Layer.Parameters[1] : null;

    private string[] Shape => new[]
    {
        Arg("channels", Layer.Input.Channels),
        Arg("height", Layer.Input.Height),
        Arg("width", Layer.Input.Width),
        Arg("filters", Conv.Filters),
        Arg("kernel", Conv.Kernel),
        Arg("stride", Conv.Stride),
        Arg("padding", Conv.Padding),
        Arg("dilation", Conv.Dilation),
    };

    public override string? KernelScratchExpression(string samples) =>
        $"global::StaticNet.Kernels.Convolution.ScratchLength({Layer.Input.Channels}, {Layer.Input.Height}, {Layer.Input.Width}, {Conv.Filters}, {Conv.Kernel}, {Conv.Stride}, {Conv.Padding}, {Conv.Dilation}, {samples})";

    public override void EmitForward(SourceWriter writer) =>
        EmitCall(writer, "Conv2DForward", new[] { Output, Input, Tensor("weight", Weight), Tensor("bias", Bias) }, Shape);

    /// <summary>Inference with the batch normalisation after it (or none) and a ReLU (or none) folded in, writing at <paramref name="output"/>.</summary>
    public void EmitFolded(SourceWriter writer, string input, BatchNormEmitter? norm, bool relu, int output) => EmitCall(
        writer,
        "Conv2DInference",
        new[] { Arg("output", output), input, Tensor("weight", Weight), Tensor("bias", Bias) }.Concat(norm?.FoldedArguments ?? NoNormalization).Append(Arg("relu", relu)),
        Shape);

    public override void EmitBackwardParameters(SourceWriter writer) =>
        EmitCall(writer, "Conv2DBackwardParameters", new[] { Tensor("weightGradient", Weight), Tensor("biasGradient", Bias), OutputGradient, Input }, Shape);

    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        EmitCall(writer, "Conv2DBackwardInput", new[] { InputGradient, OutputGradient, Tensor("weight", Weight) }, Shape);
}
