using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Batch normalisation (PyTorch's <c>nn.BatchNorm2d</c> and <c>nn.BatchNorm1d</c>). Unlike every other
/// layer its training pass couples the samples of a batch, through the batch's statistics, so each
/// direction is written as phases that a caller can run per slice of samples, with one reduction in
/// between:
/// <list type="number">
/// <item>forward: the per-channel count, mean and sum of squared deviations of a slice (one record of
/// partial statistics per slice, in the layer's per-sample scratch space); the reduction merges the
/// records (Chan's parallel formula) into the batch's mean and 1/std, and updates the running estimates
/// with the unbiased variance; normalisation of a slice;</item>
/// <item>backward: the per-channel sums of dy and dy * x_hat of a slice (also the gradients of bias and
/// weight); the reduction adds the records up; the input gradient of a slice.</item>
/// </list>
/// RunForward and RunBackward call each phase once over the whole batch (one slice). The batch's
/// statistics and backward's totals live in the workspace's fixed region from Forward to Backward.
/// </summary>
internal sealed class BatchNormEmitter : LayerEmitter
{
    public BatchNormEmitter(LayerModel layer)
        : base(layer)
    {
    }

    public override bool UsesTrainingFlag => true;

    public override bool CouplesBatch => true;

    private BatchNormSpec Norm => (BatchNormSpec)Spec;

    private int Channels => Layer.Input.Channels;

    private int Plane => Layer.Input.Height * Layer.Input.Width;

    private int PartialLength => (2 * Channels) + 1;

    private string Shape => Layer.Input.ToBatchedString();

    private ParameterTensor? Weight => Norm.Affine ? Layer.Parameters[0] : null;

    private ParameterTensor? Bias => Norm.Affine ? Layer.Parameters[1] : null;

    private ParameterTensor RunningMean => Layer.State[0];

    private ParameterTensor RunningVar => Layer.State[1];

    private ParameterTensor BatchesTracked => Layer.State[2];

    private string StatisticsComment => $"[mean ({Channels}), 1/std ({Channels})]";

    private string PartialComment => $"[count, mean ({Channels}), squared deviations ({Channels})]";

    private string GradientPartialComment => $"[count, sum dy ({Channels}), sum dy * x_hat ({Channels})]";

    /// <summary>The batch's mean and 1/std, in the fixed region.</summary>
    private string StatisticsSlice => FixedSlice(Layer.FixedOffset, 2 * Channels);

    /// <summary>Backward's totals, in the fixed region after the statistics.</summary>
    private string TotalsSlice => FixedSlice(Layer.FixedOffset + (2 * Channels), PartialLength);

    /// <summary>
    /// The chunk's record of partial statistics. The layer's per-sample scratch holds a record per sample
    /// of capacity, and a batch never has more chunks than samples, so records are indexed by chunk.
    /// </summary>
    private string PartialSlice => $"workspace.Slice({Layer.ScratchOffset} * capacity + chunk * {PartialLength}, {PartialLength})";

    /// <summary>Every chunk's record, for the reduction.</summary>
    private string PartialsSlice => $"workspace.Slice({Layer.ScratchOffset} * capacity, chunks * {PartialLength})";

    private void EmitConstants(SourceWriter writer, System.Action<SourceWriter> body) => EmitWithConstants(
        writer,
        new[] { ("Channels", Channels), ("PlaneLength", Plane), ("PartialLength", PartialLength) },
        body);

    public override void EmitMethods(SourceWriter writer)
    {
        EmitHeader(writer);
        string valuesPerChannel = Plane == 1 ? "samples" : "samples and positions";
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward in training, phase 1 of 3 (per slice of samples): per channel, the count, mean and sum of squared deviations over the slice's {valuesPerChannel}.",
            MethodName + "ForwardStatistics",
            new[] { (Span + " partial", PartialComment), (ReadOnlySpan + " x", Shape), ("int batchSize", string.Empty) }))
        {
            EmitConstants(writer, EmitStatisticsBody);
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward in training, phase 2 of 3 (once per batch): merges the slices' statistics into the batch's mean and 1/sqrt(biased variance + eps), and moves the running estimates toward the batch's mean and unbiased variance.",
            MethodName + "ForwardReduce",
            new[]
            {
                (Span + " statistics", StatisticsComment),
                (Span + " runningMean", RunningMean.ShapeText),
                (Span + " runningVar", RunningVar.ShapeText),
                (Span + " numBatchesTracked", BatchesTracked.ShapeText),
                (ReadOnlySpan + " partials", "chunks x " + PartialComment),
                ("int chunks", "the slices the batch was split into"),
            }))
        {
            EmitConstants(writer, EmitReduceBody);
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward in inference: the running estimates as the statistics to normalise with.",
            MethodName + "InferenceStatistics",
            new[] { (Span + " statistics", StatisticsComment), (ReadOnlySpan + " runningMean", RunningMean.ShapeText), (ReadOnlySpan + " runningVar", RunningVar.ShapeText) }))
        {
            EmitConstants(writer, w =>
            {
                using (w.Block("for (int c = 0; c < Channels; c++)"))
                {
                    w.Line("statistics[c] = runningMean[c];");
                    w.Line($"statistics[Channels + c] = (float)(1.0 / global::System.Math.Sqrt(runningVar[c] + {Literals.Double(Norm.Epsilon)}));");
                }
            });
        }

        writer.Line();
        var normalize = new List<(string, string)> { (Span + " y", Shape), (ReadOnlySpan + " x", Shape), (ReadOnlySpan + " statistics", StatisticsComment) };
        if (Norm.Affine)
        {
            normalize.Add((ReadOnlySpan + " weight", Weight!.ShapeText));
            normalize.Add((ReadOnlySpan + " bias", Bias!.ShapeText));
        }

        normalize.Add(("int batchSize", string.Empty));
        string affine = Norm.Affine ? " * weight + bias" : string.Empty;
        using (MethodBlock(
            writer,
            $"{Spec.Name} forward, phase 3 of 3 (per slice of samples): <c>y = (x - mean) / std{affine}</c> per channel.",
            MethodName + "ForwardNormalize",
            normalize))
        {
            EmitConstants(writer, EmitNormalizeBody);
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward, phase 1 of 3 (per slice of samples): per channel, the sums of dy and of dy * x_hat over the slice, with x_hat = (x - mean) / std.",
            MethodName + "BackwardStatistics",
            new[] { (Span + " partial", GradientPartialComment), (ReadOnlySpan + " outputGradient", Shape), (ReadOnlySpan + " x", Shape), (ReadOnlySpan + " statistics", StatisticsComment), ("int batchSize", string.Empty) }))
        {
            EmitConstants(writer, EmitBackwardStatisticsBody);
        }

        writer.Line();
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward, phase 2 of 3 (once per batch): adds up the slices' sums.",
            MethodName + "BackwardReduce",
            new[] { (Span + " totals", GradientPartialComment), (ReadOnlySpan + " partials", "chunks x " + GradientPartialComment), ("int chunks", "the slices the batch was split into") }))
        {
            EmitConstants(writer, w =>
            {
                w.Line("totals.Clear();");
                using (w.Block("for (int k = 0; k < chunks; k++)"))
                {
                    w.Line(ReadOnlySpan + " part = partials.Slice(k * PartialLength, PartialLength);");
                    using (w.Block("for (int i = 0; i < PartialLength; i++)"))
                    {
                        w.Line("totals[i] += part[i];");
                    }
                }
            });
        }

        writer.Line();
        if (Layer.Trainable)
        {
            using (MethodBlock(
                writer,
                $"{Spec.Name} backward to the parameters, accumulated: the weight's gradient is sum(dy * x_hat), the bias's sum(dy), per channel.",
                MethodName + "BackwardParameters",
                new[] { (Span + " weightGradient", Weight!.ShapeText), (Span + " biasGradient", Bias!.ShapeText), (ReadOnlySpan + " totals", GradientPartialComment) }))
            {
                EmitConstants(writer, w =>
                {
                    using (w.Block("for (int c = 0; c < Channels; c++)"))
                    {
                        w.Line("weightGradient[c] += totals[1 + Channels + c];");
                        w.Line("biasGradient[c] += totals[1 + c];");
                    }
                });
            }

            writer.Line();
        }

        var backwardInput = new List<(string, string)>
        {
            (Span + " inputGradient", Shape),
            (ReadOnlySpan + " outputGradient", Shape),
            (ReadOnlySpan + " x", Shape),
            (ReadOnlySpan + " statistics", StatisticsComment),
            (ReadOnlySpan + " totals", GradientPartialComment),
        };
        if (Norm.Affine)
        {
            backwardInput.Add((ReadOnlySpan + " weight", Weight!.ShapeText));
        }

        backwardInput.Add(("int batchSize", string.Empty));
        string scale = Norm.Affine ? "weight / std" : "1 / std";
        using (MethodBlock(
            writer,
            $"{Spec.Name} backward to the input, phase 3 of 3 (per slice of samples): <c>dx = {scale} * (dy - mean(dy) - x_hat * mean(dy * x_hat))</c>, means over the whole batch.",
            MethodName + "BackwardInput",
            backwardInput))
        {
            EmitConstants(writer, EmitBackwardInputBody);
        }

        writer.Line();
    }

    private const string Kernel = Kernels + ".BatchNormalization";

    private string AffineArguments => Norm.Affine ? "weight, bias" : EmptySpan + ", " + EmptySpan;

    private void EmitStatisticsBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "each plane summed in vectors, the plane sums in double.", w =>
            w.Line($"{Kernel}.Statistics(x, partial, batchSize, Channels, PlaneLength, simd);"));
        writer.Line("partial[0] = batchSize * PlaneLength;");
        using (writer.Block("for (int c = 0; c < Channels; c++)"))
        {
            writer.Line("// Two passes, in double: the mean, then the squared deviations from it.");
            writer.Line("double sum = 0;");
            EmitChannelLoop(writer, () => writer.Line("sum += x[start + i];"));
            writer.Line("double mean = sum / (batchSize * PlaneLength);");
            writer.Line("double squares = 0;");
            EmitChannelLoop(writer, () =>
            {
                writer.Line("double deviation = x[start + i] - mean;");
                writer.Line("squares += deviation * deviation;");
            });
            writer.Line("partial[1 + c] = (float)mean;");
            writer.Line("partial[1 + Channels + c] = (float)squares;");
        }
    }

    private void EmitReduceBody(SourceWriter writer)
    {
        writer.Line($"const double Momentum = {Literals.Double(Norm.Momentum)}, Epsilon = {Literals.Double(Norm.Epsilon)};");
        using (writer.Block("for (int c = 0; c < Channels; c++)"))
        {
            writer.Line("double count = 0, mean = 0, squares = 0;");
            using (writer.Block("for (int k = 0; k < chunks; k++)"))
            {
                writer.Line(ReadOnlySpan + " part = partials.Slice(k * PartialLength, PartialLength);");
                writer.Line("double n = part[0];");
                using (writer.Block("if (n == 0)"))
                {
                    writer.Line("continue; // an empty slice adds nothing");
                }

                writer.Line("double delta = part[1 + c] - mean, total = count + n;");
                writer.Line("mean += delta * n / total;");
                writer.Line("squares += part[1 + Channels + c] + delta * delta * count * n / total;");
                writer.Line("count = total;");
            }

            writer.Line("statistics[c] = (float)mean;");
            writer.Line("statistics[Channels + c] = (float)(1.0 / global::System.Math.Sqrt(squares / count + Epsilon));");
            writer.Line("runningMean[c] = (float)((1 - Momentum) * runningMean[c] + Momentum * mean);");
            writer.Line("runningVar[c] = (float)((1 - Momentum) * runningVar[c] + Momentum * squares / (count - 1));");
        }

        writer.Line("numBatchesTracked[0] += 1f;");
    }

    private void EmitNormalizeBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "one multiply-add per value, with each channel's mean, scale and shift broadcast.", w =>
            w.Line($"{Kernel}.Normalize(x, y, statistics, {AffineArguments}, batchSize, Channels, PlaneLength, simd);"));
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        using (writer.Block("for (int c = 0; c < Channels; c++)"))
        {
            writer.Line(Norm.Affine
                ? "float mean = statistics[c], scale = statistics[Channels + c] * weight[c], shift = bias[c];"
                : "float mean = statistics[c], scale = statistics[Channels + c];");
            writer.Line("int start = (b * Channels + c) * PlaneLength;");
            using (writer.Block("for (int i = start; i < start + PlaneLength; i++)"))
            {
                writer.Line(Norm.Affine ? "y[i] = (x[i] - mean) * scale + shift;" : "y[i] = (x[i] - mean) * scale;");
            }
        }
    }

    private void EmitBackwardStatisticsBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "each plane's sums in vectors, added up in double.", w =>
            w.Line($"{Kernel}.BackwardStatistics(outputGradient, x, statistics, partial, batchSize, Channels, PlaneLength, simd);"));
        writer.Line("partial[0] = batchSize * PlaneLength;");
        using (writer.Block("for (int c = 0; c < Channels; c++)"))
        {
            writer.Line("float mean = statistics[c], inverseStd = statistics[Channels + c];");
            writer.Line("double sumDy = 0, sumDyXHat = 0;");
            EmitChannelLoop(writer, () =>
            {
                writer.Line("float dy = outputGradient[start + i];");
                writer.Line("sumDy += dy;");
                writer.Line("sumDyXHat += dy * ((x[start + i] - mean) * inverseStd);");
            });
            writer.Line("partial[1 + c] = (float)sumDy;");
            writer.Line("partial[1 + Channels + c] = (float)sumDyXHat;");
        }
    }

    private void EmitBackwardInputBody(SourceWriter writer)
    {
        EmitVectorPath(writer, "two multiply-adds per value.", w =>
            w.Line($"{Kernel}.BackwardInput(outputGradient, x, statistics, totals, {(Norm.Affine ? "weight" : EmptySpan)}, inputGradient, batchSize, Channels, PlaneLength, simd);"));
        writer.Line("float inverseCount = 1f / totals[0];");
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        using (writer.Block("for (int c = 0; c < Channels; c++)"))
        {
            writer.Line("float mean = statistics[c], inverseStd = statistics[Channels + c];");
            writer.Line(Norm.Affine ? "float scale = weight[c] * inverseStd;" : "float scale = inverseStd;");
            writer.Line("float meanDy = totals[1 + c] * inverseCount, meanDyXHat = totals[1 + Channels + c] * inverseCount;");
            writer.Line("int start = (b * Channels + c) * PlaneLength;");
            using (writer.Block("for (int i = start; i < start + PlaneLength; i++)"))
            {
                writer.Line("float xHat = (x[i] - mean) * inverseStd;");
                writer.Line("inputGradient[i] = scale * (outputGradient[i] - meanDy - xHat * meanDyXHat);");
            }
        }
    }

    /// <summary>Opens the loops over one channel's values in every sample of the slice; <c>start + i</c> indexes each.</summary>
    private static void EmitChannelLoop(SourceWriter writer, System.Action body)
    {
        using (writer.Block("for (int b = 0; b < batchSize; b++)"))
        {
            writer.Line("int start = (b * Channels + c) * PlaneLength;");
            using (writer.Block("for (int i = 0; i < PlaneLength; i++)"))
            {
                body();
            }
        }
    }

    /// <summary>Not used: a pass splits into stages around this layer (see the partial, reduce and finish calls).</summary>
    public override void EmitForwardCall(SourceWriter writer) => throw new System.NotSupportedException("BatchNorm runs in stages");

    public override void EmitForwardPartialCall(SourceWriter writer)
    {
        using (writer.Block("if (training)"))
        {
            EmitCall(writer, MethodName + "ForwardStatistics", new[]
            {
                (PartialSlice, "the chunk's partial statistics " + PartialComment),
                (InputSlice, "input " + Shape),
                ("batchSize", string.Empty),
            });
        }
    }

    public override void EmitForwardReduceCall(SourceWriter writer)
    {
        using (writer.Block("if (training)"))
        {
            EmitCall(writer, MethodName + "ForwardReduce", new[]
            {
                (StatisticsSlice, "the batch's " + StatisticsComment),
                (StateSlice(RunningMean), RunningMean.Name + " " + RunningMean.ShapeText),
                (StateSlice(RunningVar), RunningVar.Name + " " + RunningVar.ShapeText),
                (StateSlice(BatchesTracked), BatchesTracked.Name + " " + BatchesTracked.ShapeText),
                (PartialsSlice, "every chunk's record"),
                ("chunks", string.Empty),
            });
        }

        using (writer.Block("else"))
        {
            EmitCall(writer, MethodName + "InferenceStatistics", new[]
            {
                (StatisticsSlice, StatisticsComment),
                (StateSlice(RunningMean), RunningMean.Name + " " + RunningMean.ShapeText),
                (StateSlice(RunningVar), RunningVar.Name + " " + RunningVar.ShapeText),
            });
        }
    }

    public override void EmitForwardFinishCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)> { (OutputSlice, "output " + Shape), (InputSlice, "input " + Shape), (StatisticsSlice, StatisticsComment) };
        if (Norm.Affine)
        {
            arguments.Add((ParameterSlice(Weight!), Weight!.Name + " " + Weight.ShapeText));
            arguments.Add((ParameterSlice(Bias!), Bias!.Name + " " + Bias.ShapeText));
        }

        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "ForwardNormalize", arguments);
    }

    public override void EmitBackwardPartialCall(SourceWriter writer) => EmitCall(writer, MethodName + "BackwardStatistics", new[]
    {
        (PartialSlice, "the chunk's sums " + GradientPartialComment),
        (OutputGradientSlice, "d output " + Shape),
        (InputSlice, "input " + Shape),
        (StatisticsSlice, "the batch's " + StatisticsComment),
        ("batchSize", string.Empty),
    });

    public override void EmitBackwardReduceCall(SourceWriter writer) => EmitCall(writer, MethodName + "BackwardReduce", new[]
    {
        (TotalsSlice, "the batch's " + GradientPartialComment),
        (PartialsSlice, "every chunk's record"),
        ("chunks", string.Empty),
    });

    public override void EmitBackwardParametersCall(SourceWriter writer) => EmitCall(writer, MethodName + "BackwardParameters", new[]
    {
        (GradientSlice(Weight!), "d " + Weight!.Name),
        (GradientSlice(Bias!), "d " + Bias!.Name),
        (TotalsSlice, GradientPartialComment),
    });

    public override void EmitBackwardInputCall(SourceWriter writer)
    {
        var arguments = new List<(string, string)>
        {
            (InputGradientSlice, "d input " + Shape),
            (OutputGradientSlice, "d output " + Shape),
            (InputSlice, "input " + Shape),
            (StatisticsSlice, StatisticsComment),
            (TotalsSlice, GradientPartialComment),
        };
        if (Norm.Affine)
        {
            arguments.Add((ParameterSlice(Weight!), Weight!.Name + " " + Weight.ShapeText));
        }

        arguments.Add(("batchSize", string.Empty));
        EmitCall(writer, MethodName + "BackwardInput", arguments);
    }
}
