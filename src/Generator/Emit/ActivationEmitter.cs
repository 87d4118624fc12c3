using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Element-wise activations, one row of formulas each: forward in terms of the input <c>x</c>, backward
/// in terms of the output gradient <c>dy</c> and whichever of the saved input <c>x</c> and output
/// <c>y</c> the derivative is simplest in (ReLU: y &gt; 0; sigmoid: y(1 - y); tanh: 1 - y^2; ELU: y + alpha
/// below 0; the others need x). Functions whose formula is long (GELU's error function, SiLU, softplus)
/// are called from <c>StaticNet.Kernels.Activations</c>, computed in double and rounded once.
/// </summary>
internal sealed class ActivationEmitter : LayerEmitter
{
    private const string ActivationKernels = "global::StaticNet.Kernels.Activations";
    private const string MathF = "global::System.MathF";

    public ActivationEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private ActivationSpec Activation => (ActivationSpec)Spec;

    private string Shape => Layer.Output.ToBatchedString();

    /// <summary>
    /// The runtime calls of the vectorised path (forward from x to y, backward from dy and y to dx), for the
    /// functions that have one; the others run their scalar loop at every SIMD level.
    /// </summary>
    private (string Forward, string Backward)? VectorCalls => Activation.Function switch
    {
        ActivationKind.ReLU => ("global::StaticNet.Kernels.VectorMath.Relu(x, y, simd);", "global::StaticNet.Kernels.VectorMath.ReluBackward(dy, y, dx, simd);"),
        ActivationKind.Sigmoid => ("global::StaticNet.Kernels.VectorMath.Sigmoid(x, y);", "global::StaticNet.Kernels.VectorMath.SigmoidBackward(dy, y, dx, simd);"),
        ActivationKind.Tanh => ("global::StaticNet.Kernels.VectorMath.Tanh(x, y);", "global::StaticNet.Kernels.VectorMath.TanhBackward(dy, y, dx, simd);"),
        _ => null,
    };

    /// <summary>The formulas of the function, and which saved buffers its backward reads.</summary>
    private (string Summary, string Forward, string Backward, bool NeedsInput, bool NeedsOutput) Formulas
    {
        get
        {
            // Literals for the code; plain numbers for the documentation comments.
            string p = Literals.Float(Activation.Parameter), q = Literals.Float(Activation.Parameter2);
            string pText = Activation.Parameter.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            string qText = Activation.Parameter2.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            return Activation.Function switch
            {
                ActivationKind.ReLU => ("<c>max(0, x)</c>", $"{MathF}.Max(x[i], 0f)", "y[i] > 0f ? dy[i] : 0f", false, true),
                ActivationKind.Sigmoid => ("<c>1 / (1 + exp(-x))</c>", $"1f / (1f + {MathF}.Exp(-x[i]))", "dy[i] * y[i] * (1f - y[i])", false, true),
                ActivationKind.Tanh => ("<c>tanh(x)</c>", $"{MathF}.Tanh(x[i])", "dy[i] * (1f - y[i] * y[i])", false, true),
                ActivationKind.LeakyReLU => ($"<c>x</c> above 0, <c>{pText} * x</c> below", $"x[i] > 0f ? x[i] : {p} * x[i]", $"x[i] > 0f ? dy[i] : {p} * dy[i]", true, false),
                ActivationKind.Elu => (
                    $"<c>x</c> above 0, <c>{pText} * (exp(x) - 1)</c> below",
                    $"x[i] > 0f ? x[i] : (float)({Literals.Double(Activation.Parameter)} * (global::System.Math.Exp(x[i]) - 1.0))",
                    $"x[i] > 0f ? dy[i] : dy[i] * (y[i] + {p})",
                    true,
                    true),
                ActivationKind.Gelu => ("<c>x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2</c>", $"{ActivationKernels}.Gelu(x[i])", $"dy[i] * {ActivationKernels}.GeluDerivative(x[i])", true, false),
                ActivationKind.Silu => ("<c>x * sigmoid(x)</c>", $"{ActivationKernels}.Silu(x[i])", $"dy[i] * {ActivationKernels}.SiluDerivative(x[i])", true, false),
                _ => (
                    $"<c>log(1 + exp({pText} * x)) / {pText}</c>, or <c>x</c> where <c>{pText} * x</c> is above {qText}",
                    $"{ActivationKernels}.Softplus(x[i], {p}, {q})",
                    $"dy[i] * {ActivationKernels}.SoftplusDerivative(x[i], {p}, {q})",
                    true,
                    false),
            };
        }
    }

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward: {Formulas.Summary} for every value.",
            MethodName + "Forward",
            new[] { (Span + " y", Shape), (ReadOnlySpan + " x", Shape), ("int batchSize", string.Empty) }))
        {
            if (VectorCalls is { } forward)
            {
                EmitVectorPath(writer, "whole vectors at a time.", w => w.Line(forward.Forward));
            }

            writer.Line($"int length = batchSize * {Layer.Output.Length};");
            using (writer.Block("for (int i = 0; i < length; i++)"))
            {
                writer.Line("y[i] = " + Formulas.Forward + ";");
            }
        }

        writer.Line();
        var parameters = new List<(string, string)> { (Span + " dx", Shape), (ReadOnlySpan + " dy", Shape) };
        if (Formulas.NeedsInput)
        {
            parameters.Add((ReadOnlySpan + " x", Shape));
        }

        if (Formulas.NeedsOutput)
        {
            parameters.Add((ReadOnlySpan + " y", Shape));
        }

        parameters.Add(("int batchSize", string.Empty));
        string savedPhrase = (Formulas.NeedsInput, Formulas.NeedsOutput) switch
        {
            (true, true) => "the saved input and output",
            (true, false) => "the saved input",
            _ => "the saved output",
        };
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward: the output gradient times the derivative, written in terms of {savedPhrase}.",
            MethodName + "BackwardInput",
            parameters))
        {
            if (VectorCalls is { } backward)
            {
                EmitVectorPath(writer, "whole vectors at a time.", w => w.Line(backward.Backward));
            }

            writer.Line($"int length = batchSize * {Layer.Output.Length};");
            using (writer.Block("for (int i = 0; i < length; i++)"))
            {
                writer.Line("dx[i] = " + Formulas.Backward + ";");
            }
        }

        writer.Line();
    }

    public override void EmitForwardCall(SourceWriter writer) =>
        EmitCall(writer, MethodName + "Forward", new[] { (OutputSlice, "output " + Shape), (InputSlice, "input " + Shape), ("batchSize", string.Empty) });

    public override void EmitBackwardInputCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (InputGradientSlice, "d input " + Shape), (OutputGradientSlice, "d output " + Shape) };
        if (Formulas.NeedsInput)
        {
            arguments.Add((InputSlice, "input " + Shape));
        }

        if (Formulas.NeedsOutput)
        {
            arguments.Add((OutputSlice, "output " + Shape));
        }

        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "BackwardInput", arguments);
    }
}
