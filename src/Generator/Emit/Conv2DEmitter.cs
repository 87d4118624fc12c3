using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Kernels;

namespace StaticNet.Generator.Emit;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's <c>nn.Conv2d</c>): weight [filters, channels, kernelHeight,
/// kernelWidth], bias [filters]. Each chunk adds its samples' parameter gradients to a buffer of its own. A
/// square window is passed as one kernel, stride, padding and dilation; any other as both axes of each.
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

    private string[] Shape
    {
        get
        {
            var sizes = new System.Collections.Generic.List<string>
            {
                Arg("channels", Layer.Input.Channels),
                Arg("height", Layer.Input.Height),
                Arg("width", Layer.Input.Width),
                Arg("filters", Conv.Filters),
            };
            sizes.AddRange(WindowArgs(Conv.IsSquare, ("kernel", Conv.Kernel), ("stride", Conv.Stride), ("padding", Conv.Padding), ("dilation", Conv.Dilation)));
            return sizes.ToArray();
        }
    }

    public override string? KernelScratchExpression(string samples)
    {
        string window = Conv.IsSquare
            ? $"{Conv.Kernel.Height}, {Conv.Stride.Height}, {Conv.Padding.Height}, {Conv.Dilation.Height}"
            : $"{Conv.Kernel.Height}, {Conv.Kernel.Width}, {Conv.Stride.Height}, {Conv.Stride.Width}, {Conv.Padding.Height}, {Conv.Padding.Width}, {Conv.Dilation.Height}, {Conv.Dilation.Width}";
        return $"global::StaticNet.Kernels.Convolution.ScratchLength({Layer.Input.Channels}, {Layer.Input.Height}, {Layer.Input.Width}, {Conv.Filters}, {window}, {samples})";
    }

    /// <summary>The ReLU that alone reads this layer's output, which training's forward pass applies as it stores its outputs, or <see langword="null"/>.</summary>
    public ActivationEmitter? ReLUAfter { get; set; }

    /// <summary>Training's forward pass: with a ReLU after it, written where the ReLU's output lies, through the ReLU (its backward still runs apart).</summary>
    public override void EmitForward(SourceWriter writer)
    {
        if (ReLUAfter is { } relu)
        {
            EmitCall(writer, "Conv2DReLUForward", new[] { Arg("output", relu.Layer.OutputOffset), Input, Tensor("weight", Weight), Tensor("bias", Bias) }, Shape);
            return;
        }

        EmitCall(writer, "Conv2DForward", new[] { Output, Input, Tensor("weight", Weight), Tensor("bias", Bias) }, Shape);
    }

    /// <summary>Inference with the batch normalisation after it (or none) and a ReLU (or none) folded in, writing at <paramref name="output"/>.</summary>
    public void EmitFolded(SourceWriter writer, string input, BatchNormEmitter? norm, bool relu, int output) => EmitCall(
        writer,
        "Conv2DInference",
        new[] { Arg("output", output), input, Tensor("weight", Weight), Tensor("bias", Bias) }.Concat(norm?.FoldedArguments ?? NoNormalization).Append(Arg("relu", relu)),
        Shape);

    /// <summary>Whether inference runs the layer in blocked channels: its filters fill whole blocks.</summary>
    public bool RunsBlocked => Conv.Filters % ChannelBlocks.Block == 0;

    /// <summary>The widest padding, which a blocked tensor it reads needs as border.</summary>
    public int Padding => System.Math.Max(Conv.Padding.Height, Conv.Padding.Width);

    /// <summary>
    /// Inference in blocked channels, reading <paramref name="input"/> (blocks, or planes with a border for its padding)
    /// and writing blocks at <paramref name="output"/>, with the batch normalisation after it (or none) and a ReLU (or none)
    /// folded in.
    /// </summary>
    public void EmitBlocked(SourceWriter writer, BlockedTensor input, BlockedTensor output, BatchNormEmitter? norm, bool relu) => EmitCall(
        writer,
        "Conv2DBlocked",
        new[] { Arg("output", output.Offset), Arg("input", input.Offset), Tensor("weight", Weight), Tensor("bias", Bias) }.Concat(norm?.FoldedArguments ?? NoNormalization).Append(Arg("relu", relu)),
        BlockedShape(input).Concat(new[] { Arg("filters", Conv.Filters), Arg("outputBorder", output.Border) })
            .Concat(WindowArgs(Conv.IsSquare, ("kernel", Conv.Kernel), ("stride", Conv.Stride), ("padding", Conv.Padding), ("dilation", Conv.Dilation))));

    private System.Collections.Generic.IEnumerable<string> BlockedShape(BlockedTensor input) => new[]
    {
        Arg("channels", Layer.Input.Channels),
        Arg("height", Layer.Input.Height),
        Arg("width", Layer.Input.Width),
        Arg("inputBlock", input.Block),
        Arg("inputBorder", input.Border),
    };

    public override void EmitBackwardParameters(SourceWriter writer) =>
        EmitCall(writer, "Conv2DBackwardParameters", new[] { Tensor("weightGradient", Weight), Tensor("biasGradient", Bias), OutputGradient, Input }, Shape);

    public override void EmitBackwardInput(SourceWriter writer, int slot) =>
        EmitCall(writer, "Conv2DBackwardInput", new[] { InputGradient, OutputGradient, Tensor("weight", Weight) }, Shape);
}
