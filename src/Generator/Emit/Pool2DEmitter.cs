using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// 2-D max or average pooling, as PyTorch's <c>nn.MaxPool2d</c> and <c>nn.AvgPool2d</c>: windows over each plane,
/// square (one kernel, stride and padding) or given per axis. A max's gradient goes to the first largest value of
/// its window, found again from the saved input.
/// </summary>
internal sealed class Pool2DEmitter : LayerEmitter
{
    public Pool2DEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private Pool2DSpec Pool => (Pool2DSpec)Spec;

    private string Kind => Pool.Pooling == PoolKind.Max ? "MaxPool2D" : "AvgPool2D";

    public bool IsMax => Pool.Pooling == PoolKind.Max;

    /// <summary>
    /// The ReLU whose output this max pooling alone reads and whose backward pass runs in this one's, or
    /// <see langword="null"/>: the gradient goes straight to the ReLU's input, masked where its output is not positive.
    /// </summary>
    public ActivationEmitter? ReLUBefore { get; set; }

    private string[] Shape
    {
        get
        {
            var sizes = new System.Collections.Generic.List<string>
            {
                Arg("channels", Layer.Input.Channels),
                Arg("height", Layer.Input.Height),
                Arg("width", Layer.Input.Width),
            };
            sizes.AddRange(WindowArgs(Pool.IsSquare, ("kernel", Pool.Kernel), ("stride", Pool.Stride), ("padding", Pool.Padding)));
            if (Pool.Pooling == PoolKind.Average)
            {
                sizes.Add(Arg("countIncludePad", Pool.CountIncludePad));
            }

            sizes.Add(Arg("outHeight", Layer.Output.Height));
            sizes.Add(Arg("outWidth", Layer.Output.Width));
            return sizes.ToArray();
        }
    }

    public override void EmitForward(SourceWriter writer) => EmitCall(writer, Kind + "Forward", new[] { Output, Input }, Shape);

    /// <summary>Whether inference can run the layer on blocked channels: a max without padding, whose windows all lie in the input.</summary>
    public bool RunsBlocked => Pool.Pooling == PoolKind.Max && Pool.Padding.Height == 0 && Pool.Padding.Width == 0;

    /// <summary>Inference on blocked channels, block to block.</summary>
    public void EmitBlocked(SourceWriter writer, BlockedTensor input, BlockedTensor output)
    {
        var sizes = new System.Collections.Generic.List<string>
        {
            Arg("channels", Layer.Input.Channels),
            Arg("height", Layer.Input.Height),
            Arg("width", Layer.Input.Width),
            Arg("inputBorder", input.Border),
            Arg("outputBorder", output.Border),
        };
        sizes.AddRange(WindowArgs(Pool.Kernel.IsSquare && Pool.Stride.IsSquare, ("kernel", Pool.Kernel), ("stride", Pool.Stride)));
        sizes.Add(Arg("outHeight", Layer.Output.Height));
        sizes.Add(Arg("outWidth", Layer.Output.Width));
        EmitCall(writer, "MaxPool2DBlocked", new[] { Arg("output", output.Offset), Arg("input", input.Offset) }, sizes);
    }

    public override void EmitBackwardInput(SourceWriter writer, int slot)
    {
        if (ReLUBefore is { } relu)
        {
            EmitCall(writer, "MaxPool2DReLUBackwardInput", new[] { Arg("inputGradient", relu.Layer.InputGradientOffset), OutputGradient, Input }, Shape);
            return;
        }

        EmitCall(writer, Kind + "BackwardInput", IsMax ? new[] { InputGradient, OutputGradient, Input } : new[] { InputGradient, OutputGradient }, Shape);
    }
}
