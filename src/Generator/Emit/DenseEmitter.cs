using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>Dense (fully connected): <c>y = x W^T + b</c>, with W of shape [outputs, inputs] as in PyTorch's <c>nn.Linear</c>.</summary>
internal sealed class DenseEmitter : LayerEmitter
{
    public DenseEmitter(LayerModel layer)
        : base(layer)
    {
    }

    private DenseSpec Dense => (DenseSpec)Spec;

    private ParameterTensor Weight => Layer.Parameters[0];

    private ParameterTensor? Bias => Dense.HasBias ? Layer.Parameters[1] : null;

    /// <summary>Writes a method body after the layer's sizes, declared as local constants.</summary>
    private void EmitBody(SourceWriter writer, System.Action<SourceWriter> body) =>
        EmitWithConstants(writer, new[] { ("Inputs", Layer.Input.Length), ("Outputs", Layer.Output.Length) }, body);

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        string input = Layer.Input.ToBatchedString(), output = Layer.Output.ToBatchedString();

        var forward = new List<(string, string)> { (Span + " output", output), (ReadOnlySpan + " input", input), (ReadOnlySpan + " weight", Weight.ShapeText) };
        if (Bias is not null)
        {
            forward.Add((ReadOnlySpan + " bias", Bias.ShapeText));
        }

        forward.Add(("int batchSize", string.Empty));
        using (MethodBlock(writer, $"{Spec.Name} forward: <c>output = input W^T{(Bias is null ? string.Empty : " + b")}</c>.", MethodName + "Forward", forward))
        {
            EmitBody(writer, EmitForwardBody);
        }

        writer.Line();
        var backwardInput = new List<(string, string)>
        {
            (Span + " inputGradient", input),
            (ReadOnlySpan + " outputGradient", output),
            (ReadOnlySpan + " weight", Weight.ShapeText),
            ("int batchSize", string.Empty),
        };
        using (MethodBlock(writer, $"{Spec.Name} backward to the input: <c>inputGradient = outputGradient W</c>.", MethodName + "BackwardInput", backwardInput))
        {
            EmitBody(writer, EmitBackwardInputBody);
        }

        writer.Line();
        // A layer frozen in its declaration never computes its parameter gradients.
        if (Layer.Trainable)
        {
            var backwardParameters = new List<(string, string)> { (Span + " weightGradient", Weight.ShapeText) };
            if (Bias is not null)
            {
                backwardParameters.Add((Span + " biasGradient", Bias.ShapeText));
            }

            backwardParameters.Add((ReadOnlySpan + " outputGradient", output));
            backwardParameters.Add((ReadOnlySpan + " input", input));
            backwardParameters.Add(("int batchSize", string.Empty));
            backwardParameters.Add(("int firstOutput", "the rows of weightGradient (and values of biasGradient) to compute:"));
            backwardParameters.Add(("int outputCount", "[firstOutput, firstOutput + outputCount)"));
            string biasPhrase = Bias is null ? string.Empty : ", <c>biasGradient += sum over the batch of outputGradient</c>";
            using (MethodBlock(writer, $"{Spec.Name} backward to the parameters, accumulated, for a run of outputs: <c>weightGradient += outputGradient^T input</c>{biasPhrase}.", MethodName + "BackwardParameters", backwardParameters))
            {
                EmitBody(writer, EmitBackwardParametersBody);
            }

            writer.Line();
        }
    }

    private void EmitForwardBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "the batch's inputs times the weight rows, dot product by dot product, plus the bias.", w =>
            w.Line($"{Kernels}.Gemm.MultiplyTransposed(input, weight, output, batchSize, Outputs, Inputs, {(Bias is null ? EmptySpan : "bias")}, accumulate: false, simd);"));
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        {
            writer.Line(ReadOnlySpan + " x = input.Slice(b * Inputs, Inputs);");
            writer.Line(Span + " y = output.Slice(b * Outputs, Outputs);");
            using (writer.Block("for (int o = 0; o < Outputs; o++)"))
            {
                writer.Line(ReadOnlySpan + " w = weight.Slice(o * Inputs, Inputs);");
                writer.Line(Bias is null ? "float sum = 0f;" : "float sum = bias[o];");
                using (writer.Block("for (int i = 0; i < Inputs; i++)"))
                {
                    writer.Line("sum += w[i] * x[i];");
                }

                writer.Line("y[o] = sum;");
            }
        }
    }

    private static void EmitBackwardInputBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "inputGradient (B x Inputs) = outputGradient (B x Outputs) times weight (Outputs x Inputs).", w =>
            w.Line($"{Kernels}.Gemm.Multiply(outputGradient, Outputs, 1, weight, inputGradient, batchSize, Inputs, Outputs, {EmptySpan}, accumulate: false, simd);"));
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        {
            writer.Line(Span + " dx = inputGradient.Slice(b * Inputs, Inputs);");
            writer.Line(ReadOnlySpan + " dy = outputGradient.Slice(b * Outputs, Outputs);");
            writer.Line("dx.Clear();");
            using (writer.Block("for (int o = 0; o < Outputs; o++)"))
            {
                writer.Line("float g = dy[o];");
                writer.Line(ReadOnlySpan + " w = weight.Slice(o * Inputs, Inputs);");
                using (writer.Block("for (int i = 0; i < Inputs; i++)"))
                {
                    writer.Line("dx[i] += g * w[i];");
                }
            }
        }
    }

    private void EmitBackwardParametersBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "weightGradient rows (outputCount x Inputs) += outputGradient's columns transposed (read through its strides) times input.", w =>
        {
            w.Line($"{Kernels}.Gemm.Multiply(outputGradient.Slice(firstOutput), 1, Outputs, input, weightGradient.Slice(firstOutput * Inputs, outputCount * Inputs), outputCount, Inputs, batchSize, {EmptySpan}, accumulate: true, simd);");
            if (Bias is not null)
            {
                w.Line($"{Kernels}.VectorMath.AddColumnSums(outputGradient.Slice(firstOutput), biasGradient.Slice(firstOutput, outputCount), batchSize, outputCount, Outputs, simd);");
            }
        });
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        {
            writer.Line(ReadOnlySpan + " x = input.Slice(b * Inputs, Inputs);");
            writer.Line(ReadOnlySpan + " dy = outputGradient.Slice(b * Outputs, Outputs);");
            using (writer.Block("for (int o = firstOutput; o < firstOutput + outputCount; o++)"))
            {
                writer.Line("float g = dy[o];");
                if (Bias is not null)
                {
                    writer.Line("biasGradient[o] += g;");
                }

                writer.Line(Span + " dw = weightGradient.Slice(o * Inputs, Inputs);");
                using (writer.Block("for (int i = 0; i < Inputs; i++)"))
                {
                    writer.Line("dw[i] += g * x[i];");
                }
            }
        }
    }

    public override void EmitForwardCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)>
        {
            (OutputSlice, "output " + Layer.Output.ToBatchedString()),
            (InputSlice, "input " + Layer.Input.ToBatchedString()),
            (ParameterSlice(Weight), Weight.Name + " " + Weight.ShapeText),
        };
        if (Bias is not null)
        {
            arguments.Add((ParameterSlice(Bias), Bias.Name + " " + Bias.ShapeText));
        }

        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "Forward", arguments);
    }

    /// <summary>
    /// The weight gradient is computed once over the whole batch, its output rows shared out among the
    /// threads, rather than per chunk: per-chunk copies of a large weight matrix would each be written,
    /// then added up, for a product of only a chunk's samples.
    /// </summary>
    public override bool BatchWideParameterGradients => true;

    /// <summary>Called where <c>firstOutput</c> and <c>outputCount</c> name the slice's outputs (see NetworkEmitter).</summary>
    public override void EmitBackwardParametersCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (GradientSlice(Weight), "d " + Weight.Name) };
        if (Bias is not null)
        {
            arguments.Add((GradientSlice(Bias), "d " + Bias.Name));
        }

        arguments.Add((OutputGradientSlice, "d output " + Layer.Output.ToBatchedString()));
        arguments.Add((InputSlice, "input " + Layer.Input.ToBatchedString()));
        arguments.Add(("batchSize", string.Empty));
        arguments.Add(("firstOutput", string.Empty));
        arguments.Add(("outputCount", string.Empty));
        EmitCall(writer, MethodName + "BackwardParameters", arguments);
    }

    public override void EmitBackwardInputCall(SourceWriter writer) => EmitCall(
        writer,
        MethodName + "BackwardInput",
        new[]
        {
            (InputGradientSlice, "d input " + Layer.Input.ToBatchedString()),
            (OutputGradientSlice, "d output " + Layer.Output.ToBatchedString()),
            (ParameterSlice(Weight), Weight.Name + " " + Weight.ShapeText),
            ("batchSize", string.Empty),
        });
}
