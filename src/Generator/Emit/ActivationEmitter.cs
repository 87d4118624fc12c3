using System.Collections.Generic;
using StaticNet.Generator.Model;
using StaticNet.Kernels;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Element-wise activations. Backward reads whichever of the saved input and output the derivative is simplest
/// in (ReLU: y &gt; 0; sigmoid: y(1 - y); tanh: 1 - y^2; ELU: y + alpha below 0; the others need x).
/// </summary>
internal sealed class ActivationEmitter : LayerEmitter
{
    public ActivationEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private ActivationSpec Activation => (ActivationSpec)Spec;

    public bool IsReLU => Activation.Function == ActivationFunction.ReLU;

    /// <summary>The batch normalisation this ReLU runs inside of, forward and backward, or <see langword="null"/> when it runs apart.</summary>
    public BatchNormEmitter? FusedInto { get; set; }

    /// <summary>The convolution whose forward pass applies this ReLU in training as it stores its outputs, or <see langword="null"/>; backward still runs apart.</summary>
    public Conv2DEmitter? AppliedBy { get; set; }

    /// <summary>The max pooling whose backward pass runs this ReLU's too, masking the gradient as it routes it, or <see langword="null"/>.</summary>
    public Pool2DEmitter? MaskedBy { get; set; }

    /// <summary>The operation's name in <c>LayerPass</c>, and which saved buffers its backward reads.</summary>
    private (string Name, bool ReadsInput, bool ReadsOutput) Operation => Activation.Function switch
    {
        ActivationFunction.ReLU => ("ReLU", false, true),
        ActivationFunction.Sigmoid => ("Sigmoid", false, true),
        ActivationFunction.Tanh => ("Tanh", false, true),
        ActivationFunction.LeakyReLU => ("LeakyReLU", true, false),
        ActivationFunction.Elu => ("Elu", true, true),
        ActivationFunction.Gelu => ("Gelu", true, false),
        ActivationFunction.Silu => ("Silu", true, false),
        _ => ("Softplus", true, false),
    };

    private IEnumerable<string> Shape
    {
        get
        {
            yield return Arg("length", Layer.Output.Length);
            switch (Activation.Function)
            {
                case ActivationFunction.LeakyReLU:
                    yield return Arg("slope", Activation.Parameter);
                    break;
                case ActivationFunction.Elu:
                    yield return Arg("alpha", Activation.Parameter);
                    break;
                case ActivationFunction.Softplus:
                    yield return Arg("beta", Activation.Parameter);
                    yield return Arg("threshold", Activation.Parameter2);
                    break;
            }
        }
    }

    public override void EmitForward(SourceWriter writer) => EmitCall(writer, Operation.Name + "Forward", new[] { Output, Input }, Shape);

    /// <summary>A ReLU's inference on blocked channels.</summary>
    public void EmitBlocked(SourceWriter writer, BlockedTensor input, BlockedTensor output) => EmitCall(
        writer,
        "ReLUBlocked",
        new[] { Arg("output", output.Offset), Arg("input", input.Offset) },
        Sizes(("channels", Layer.Output.Channels), ("height", Layer.Output.Height), ("width", Layer.Output.Width), ("inputBorder", input.Border), ("outputBorder", output.Border)));

    public override void EmitBackwardInput(SourceWriter writer, int slot)
    {
        var buffers = new List<string> { InputGradient, OutputGradient };
        if (Operation.ReadsInput)
        {
            buffers.Add(Input);
        }

        if (Operation.ReadsOutput)
        {
            buffers.Add(Output);
        }

        EmitCall(writer, Operation.Name + "BackwardInput", buffers, Shape);
    }
}
