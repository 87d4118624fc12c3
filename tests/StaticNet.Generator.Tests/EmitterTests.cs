using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Each layer emitter's calls, one small network per layer kind: which LayerPass operation each direction runs,
/// with which buffers and literal sizes, under which condition. The workspace offsets are worked out by hand from
/// the planner's rule (the input, then its gradient, then each layer's output and output gradient in turn, then
/// any space of the layer's own). The whole-network snapshots cover how the calls are put together.
/// </summary>
public sealed class EmitterTests
{
    [Fact]
    public void Conv2D_calls_its_three_operations_with_its_window_and_tensors()
    {
        // input (2, 6, 6) = 72 at 0, its gradient at 72; conv output (3, 3, 3) = 27 at 144, gradient at 171.
        Emitted emitted = Emit("[Network, Input(2, 6, 6), Conv2D(3, 3, Stride = 2, Padding = 1)] public partial class Net;");

        const string Shape = "channels: 2, height: 6, width: 6, filters: 3, kernel: 3, stride: 2, padding: 1, dilation: 1";
        Assert.Equal(new[] { $"p.Conv2DForward(output: 144, input: 0, weight: 0, bias: 54, {Shape});" }, emitted.Forward);
        Assert.Equal(
            new[]
            {
                "if (p.Trains(0))",
                $"p.Conv2DBackwardParameters(weightGradient: 0, biasGradient: 54, outputGradient: 171, input: 0, {Shape});",
                "if (p.InputGradient)",
                $"p.Conv2DBackwardInput(inputGradient: 72, outputGradient: 171, weight: 0, {Shape});",
            },
            emitted.Backward);
        Assert.Contains("Convolution.ScratchLength(2, 6, 6, 3, 3, 2, 1, 1, samples)", emitted.Source);
        Assert.Contains("ChunkGradientRanges = new global::StaticNet.ParameterRange[] { new(0, 57) }", emitted.Source);
    }

    [Fact]
    public void Conv2D_with_a_rectangular_window_passes_each_setting_per_axis()
    {
        // input (2, 7, 5) = 70 at 0, its gradient at 70. Kernel (3, 2), stride (2, 1), padding (1, 0), dilation (1, 2):
        // height (7 + 2 - 3) / 2 + 1 = 4, width (5 - 3) / 1 + 1 = 3; output (3, 4, 3) = 36 at 140, gradient at 176.
        // Weight (3, 2, 3, 2) = 36 values, then the bias.
        Emitted emitted = Emit("[Network, Input(2, 7, 5), Conv2D(3, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, PaddingHeight = 1, DilationWidth = 2)] public partial class Net;");

        const string Shape = "channels: 2, height: 7, width: 5, filters: 3, kernelHeight: 3, kernelWidth: 2, strideHeight: 2, strideWidth: 1, paddingHeight: 1, paddingWidth: 0, dilationHeight: 1, dilationWidth: 2";
        Assert.Equal(new[] { $"p.Conv2DForward(output: 140, input: 0, weight: 0, bias: 36, {Shape});" }, emitted.Forward);
        Assert.Equal(
            new[]
            {
                "if (p.Trains(0))",
                $"p.Conv2DBackwardParameters(weightGradient: 0, biasGradient: 36, outputGradient: 176, input: 0, {Shape});",
                "if (p.InputGradient)",
                $"p.Conv2DBackwardInput(inputGradient: 70, outputGradient: 176, weight: 0, {Shape});",
            },
            emitted.Backward);
        Assert.Contains("Convolution.ScratchLength(2, 7, 5, 3, 3, 2, 2, 1, 1, 0, 1, 2, samples)", emitted.Source);
        Assert.Contains("new(\"conv1.weight\", new int[] { 3, 2, 3, 2 }, 0, 36)", emitted.Source);
        Assert.Contains("{ KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, StrideWidth = 1, PaddingHeight = 1, PaddingWidth = 0, DilationHeight = 1, DilationWidth = 2 }", emitted.Source);
    }

    [Fact]
    public void Conv2D_with_one_setting_per_axis_passes_the_whole_window_per_axis()
    {
        // Only the stride differs between the axes; the kernel's call has no mixed form, so every setting goes per axis.
        Emitted emitted = Emit("[Network, Input(1, 6, 6), Conv2D(2, 3, StrideWidth = 2)] public partial class Net;");

        Assert.Contains("kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 2, paddingHeight: 0, paddingWidth: 0, dilationHeight: 1, dilationWidth: 1);", emitted.Forward.Single());
        Assert.Contains("{ Kernel = 3, StrideHeight = 1, StrideWidth = 2, Padding = 0, Dilation = 1 }", emitted.Source);
    }

    [Fact]
    public void Conv2D_without_bias_passes_no_bias_tensor()
    {
        Emitted emitted = Emit("[Network, Input(1, 4, 4), Conv2D(2, 3, Bias = false, Dilation = 1)] public partial class Net;");

        Assert.StartsWith("p.Conv2DForward(output: 32, input: 0, weight: 0, bias: -1,", emitted.Forward.Single());
        Assert.Contains("p.Conv2DBackwardParameters(weightGradient: 0, biasGradient: -1,", emitted.Backward[1]);
    }

    [Fact]
    public void Dense_computes_its_parameter_gradients_over_the_whole_batch()
    {
        // input 5 at 0, gradient at 5; fc1 output 3 at 10, gradient at 13.
        Emitted emitted = Emit("[Network, Input(5), Dense(3)] public partial class Net;");

        Assert.Equal(new[] { "p.DenseForward(output: 10, input: 0, weight: 0, bias: 15, inputs: 5, outputs: 3);" }, emitted.Forward);
        Assert.Equal(new[] { "if (p.InputGradient)", "p.DenseBackwardInput(inputGradient: 5, outputGradient: 13, weight: 0, inputs: 5, outputs: 3);" }, emitted.Backward);
        Assert.Equal(
            new[] { "if (p.Trains(0))", "p.DenseBackwardParameters(weightGradient: 0, biasGradient: 15, outputGradient: 13, input: 0, inputs: 5, outputs: 3);" },
            emitted.Method("RunBackwardParameters"));
        Assert.Contains("BatchWideGradients = true,", emitted.Source);
    }

    [Theory]
    [InlineData("MaxPool2D(2)", "p.MaxPool2DForward(output: 144, input: 0, channels: 2, height: 6, width: 6, kernel: 2, stride: 2, padding: 0, outHeight: 3, outWidth: 3);", "p.MaxPool2DBackwardInput(inputGradient: 72, outputGradient: 162, input: 0,")]
    [InlineData("AvgPool2D(3, Stride = 3, Padding = 1, CountIncludePad = false)", "p.AvgPool2DForward(output: 144, input: 0, channels: 2, height: 6, width: 6, kernel: 3, stride: 3, padding: 1, countIncludePad: false, outHeight: 2, outWidth: 2);", "p.AvgPool2DBackwardInput(inputGradient: 72, outputGradient: 152, channels: 2,")]
    [InlineData("MaxPool2D(KernelHeight = 2, KernelWidth = 3, StrideWidth = 1)", "p.MaxPool2DForward(output: 144, input: 0, channels: 2, height: 6, width: 6, kernelHeight: 2, kernelWidth: 3, strideHeight: 2, strideWidth: 1, paddingHeight: 0, paddingWidth: 0, outHeight: 3, outWidth: 4);", "p.MaxPool2DBackwardInput(inputGradient: 72, outputGradient: 168, input: 0, channels: 2, height: 6, width: 6, kernelHeight: 2, kernelWidth: 3,")]
    [InlineData("AvgPool2D(KernelHeight = 3, KernelWidth = 1, PaddingHeight = 1, CountIncludePad = false)", "p.AvgPool2DForward(output: 144, input: 0, channels: 2, height: 6, width: 6, kernelHeight: 3, kernelWidth: 1, strideHeight: 3, strideWidth: 1, paddingHeight: 1, paddingWidth: 0, countIncludePad: false, outHeight: 2, outWidth: 6);", "p.AvgPool2DBackwardInput(inputGradient: 72, outputGradient: 168, channels: 2,")]
    public void Pooling_passes_its_window_and_output_size(string layer, string forward, string backward)
    {
        // input (2, 6, 6) = 72 at 0, its gradient at 72; the pooled output at 144, its gradient after it.
        Emitted emitted = Emit($"[Network, Input(2, 6, 6), {layer}] public partial class Net;");

        Assert.Equal(new[] { forward }, emitted.Forward);
        Assert.StartsWith(backward, emitted.Backward.Last());
    }

    [Fact]
    public void GlobalAvgPool2D_passes_channels_and_plane()
    {
        Emitted emitted = Emit("[Network, Input(3, 2, 5), GlobalAvgPool2D] public partial class Net;");

        Assert.Equal(new[] { "p.GlobalAvgPool2DForward(output: 60, input: 0, channels: 3, plane: 10);" }, emitted.Forward);
        Assert.Equal(new[] { "if (p.InputGradient)", "p.GlobalAvgPool2DBackwardInput(inputGradient: 30, outputGradient: 63, channels: 3, plane: 10);" }, emitted.Backward);
    }

    [Fact]
    public void BatchNorm2D_splits_each_pass_into_stages_around_its_reduction()
    {
        // input (2, 3, 3) = 18 at 0, gradient at 18; bn output at 36, gradient at 54, its records (2 * 2 + 1 = 5
        // per sample of capacity) at 72. Fixed region: statistics (4) at 0, totals (5) at 4. Parameters: weight 0,
        // bias 2; state: running_mean 0, running_var 2, num_batches_tracked 4.
        Emitted emitted = Emit("[Network, Input(2, 3, 3), BatchNorm2D(Momentum = 0.2, Epsilon = 0.001)] public partial class Net;");

        Assert.Equal(
            new[]
            {
                "switch (stage)",
                "case 0:",
                "p.BatchNormStatistics(records: 72, input: 0, channels: 2, plane: 9);",
                "return;",
                "case 1:",
                "p.BatchNormNormalize(output: 36, input: 0, statistics: 0, weight: 0, bias: 2, channels: 2, plane: 9);",
                "return;",
            },
            emitted.Forward);
        Assert.Equal(
            new[] { "p.BatchNormReduce(statistics: 0, records: 72, runningMean: 0, runningVar: 2, batchesTracked: 4, channels: 2, momentum: 0.2, epsilon: 0.001);" },
            emitted.Method("ReduceForward"));
        Assert.Equal(
            new[]
            {
                "switch (stage)",
                "case 0:",
                "p.BatchNormBackwardSums(records: 72, outputGradient: 54, input: 0, statistics: 0, channels: 2, plane: 9);",
                "return;",
                "case 1:",
                "if (p.InputGradient)",
                "p.BatchNormBackwardInput(inputGradient: 18, outputGradient: 54, input: 0, statistics: 0, totals: 4, weight: 0, channels: 2, plane: 9);",
                "return;",
            },
            emitted.Backward);
        Assert.Equal(
            new[] { "p.BatchNormReduceBackward(totals: 4, records: 72, weightGradient: 0, biasGradient: 2, trainable: 0, channels: 2);" },
            emitted.Method("ReduceBackward"));
        Assert.Contains("Stages = 2,", emitted.Source);
    }

    [Fact]
    public void A_ReLU_that_alone_reads_a_batch_normalisation_runs_inside_it_forward_and_backward()
    {
        // As above, then relu1's output at 77 (after bn1's records, 72 to 77), its gradient at 95. bn1's own output
        // (36) is never written: the normalisation stores the ReLU's output; backward's sums write bn1's gradient (54).
        Emitted emitted = Emit("[Network, Input(2, 3, 3), BatchNorm2D, ReLU] public partial class Net;");

        Assert.Equal(
            new[]
            {
                "switch (stage)",
                "case 0:",
                "p.BatchNormStatistics(records: 72, input: 0, channels: 2, plane: 9);",
                "return;",
                "case 1:",
                "p.BatchNormNormalizeReLU(output: 77, input: 0, statistics: 0, weight: 0, bias: 2, channels: 2, plane: 9);",
                "return;",
            },
            emitted.Forward);
        Assert.Equal(
            new[]
            {
                "switch (stage)",
                "case 0:",
                "p.BatchNormReLUBackwardSums(records: 72, outputGradient: 54, reluGradient: 95, reluOutput: 77, input: 0, statistics: 0, channels: 2, plane: 9);",
                "return;",
                "case 1:",
                "if (p.InputGradient)",
                "p.BatchNormBackwardInput(inputGradient: 18, outputGradient: 54, input: 0, statistics: 0, totals: 4, weight: 0, channels: 2, plane: 9);",
                "return;",
            },
            emitted.Backward);
    }

    [Fact]
    public void A_ReLU_that_alone_reads_a_convolution_is_applied_by_its_forward_pass_and_masks_apart_backward()
    {
        // As in the first test, then relu1's output (27) at 198, its gradient at 225. conv1's own output (144) is never
        // written in training: the product stores the ReLU's output; backward reads it to mask conv1's gradient (171).
        Emitted emitted = Emit("[Network, Input(2, 6, 6), Conv2D(3, 3, Stride = 2, Padding = 1), ReLU] public partial class Net;");

        const string Shape = "channels: 2, height: 6, width: 6, filters: 3, kernel: 3, stride: 2, padding: 1, dilation: 1";
        Assert.Equal(new[] { $"p.Conv2DReLUForward(output: 198, input: 0, weight: 0, bias: 54, {Shape});" }, emitted.Forward);
        Assert.Contains("// relu1: ReLU, (B, 3, 3, 3) -> (B, 3, 3, 3), applied by conv1", emitted.Source, StringComparison.Ordinal);
        Assert.Equal("p.ReLUBackwardInput(inputGradient: 171, outputGradient: 225, output: 198, length: 27);", emitted.Backward[0]);
        Assert.Contains($"p.Conv2DBackwardParameters(weightGradient: 0, biasGradient: 54, outputGradient: 171, input: 0, {Shape});", emitted.Backward);
    }

    [Theory]
    [InlineData("Conv2D(3, 3), ReLU, Add(\"conv1\")")] // conv1's output is read by the Add too
    [InlineData("Conv2D(3, 3), Sigmoid")]             // not a ReLU
    [InlineData("Conv2D(3, 3), BatchNorm2D, ReLU")]   // the ReLU reads the batch normalisation
    public void A_convolution_runs_apart_from_an_activation_it_cannot_apply(string layers)
    {
        Emitted emitted = Emit($"[Network, Input(3, 6, 6), {layers}, Flatten, Dense(2)] public partial class Net;");

        Assert.Contains(emitted.Forward, statement => statement.StartsWith("p.Conv2DForward(", StringComparison.Ordinal));
        Assert.DoesNotContain("Conv2DReLUForward", emitted.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BatchNorm1D, ReLU, Add(\"bn1\")", "ReLU")] // bn1's output is read by the Add too
    [InlineData("BatchNorm1D, Sigmoid", "Sigmoid")] // not a ReLU
    public void A_batch_normalisation_runs_apart_from_an_activation_it_cannot_hold(string layers, string activation)
    {
        Emitted emitted = Emit($"[Network, Input(4), {layers}, Dense(2)] public partial class Net;");

        Assert.Contains(emitted.Forward, statement => statement.StartsWith("p.BatchNormNormalize(", StringComparison.Ordinal));
        Assert.Contains(emitted.Forward, statement => statement.StartsWith($"p.{activation}Forward(", StringComparison.Ordinal));
        Assert.Contains(emitted.Backward, statement => statement.StartsWith($"p.{activation}BackwardInput(", StringComparison.Ordinal));
        Assert.Contains(emitted.Backward, statement => statement.StartsWith("p.BatchNormBackwardSums(", StringComparison.Ordinal));
        Assert.DoesNotContain("ReLUBackwardSums", emitted.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("NormalizeReLU", emitted.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Frozen_BatchNorm_computes_no_parameter_gradients_and_is_marked_in_the_layer_table()
    {
        Emitted emitted = Emit("[Network, Input(2, 3, 3), Conv2D(2, 1), BatchNorm2D(Frozen = true)] public partial class Net;");

        Assert.Contains("weightGradient: -1, biasGradient: -1, trainable: -1,", emitted.Method("ReduceBackward").Single());
        Assert.Contains("\"bn1\", new string[] { \"conv1\" }", emitted.Source);
        Assert.Contains("{ Epsilon = 1E-05, Momentum = 0.1, Affine = true, Frozen = true }", emitted.Source);
    }

    [Theory]
    [InlineData("ReLU", "p.ReLUForward(output: 8, input: 0, length: 4);", "p.ReLUBackwardInput(inputGradient: 4, outputGradient: 12, output: 8, length: 4);")]
    [InlineData("Sigmoid", "p.SigmoidForward(output: 8, input: 0, length: 4);", "p.SigmoidBackwardInput(inputGradient: 4, outputGradient: 12, output: 8, length: 4);")]
    [InlineData("Tanh", "p.TanhForward(output: 8, input: 0, length: 4);", "p.TanhBackwardInput(inputGradient: 4, outputGradient: 12, output: 8, length: 4);")]
    [InlineData("LeakyReLU(0.25)", "p.LeakyReLUForward(output: 8, input: 0, length: 4, slope: 0.25);", "p.LeakyReLUBackwardInput(inputGradient: 4, outputGradient: 12, input: 0, length: 4, slope: 0.25);")]
    [InlineData("ELU(0.5)", "p.EluForward(output: 8, input: 0, length: 4, alpha: 0.5);", "p.EluBackwardInput(inputGradient: 4, outputGradient: 12, input: 0, output: 8, length: 4, alpha: 0.5);")]
    [InlineData("GELU", "p.GeluForward(output: 8, input: 0, length: 4);", "p.GeluBackwardInput(inputGradient: 4, outputGradient: 12, input: 0, length: 4);")]
    [InlineData("SiLU", "p.SiluForward(output: 8, input: 0, length: 4);", "p.SiluBackwardInput(inputGradient: 4, outputGradient: 12, input: 0, length: 4);")]
    [InlineData("Softplus(Beta = 2, Threshold = 10)", "p.SoftplusForward(output: 8, input: 0, length: 4, beta: 2.0, threshold: 10.0);", "p.SoftplusBackwardInput(inputGradient: 4, outputGradient: 12, input: 0, length: 4, beta: 2.0, threshold: 10.0);")]
    [InlineData("Softmax", "p.SoftmaxForward(output: 8, input: 0, features: 4);", "p.SoftmaxBackwardInput(inputGradient: 4, outputGradient: 12, output: 8, features: 4);")]
    [InlineData("LogSoftmax", "p.LogSoftmaxForward(output: 8, input: 0, features: 4);", "p.LogSoftmaxBackwardInput(inputGradient: 4, outputGradient: 12, output: 8, features: 4);")]
    public void Element_wise_layers_read_what_their_derivative_needs(string layer, string forward, string backward)
    {
        Emitted emitted = Emit($"[Network, Input(4), {layer}] public partial class Net;");

        Assert.Equal(new[] { forward }, emitted.Forward);
        Assert.Equal(new[] { "if (p.InputGradient)", backward }, emitted.Backward);
    }

    [Fact]
    public void Dropout_keys_its_mask_with_the_runtimes_hash_of_its_name()
    {
        Emitted emitted = Emit("[Network, Input(4), Dropout(0.25, Name = \"drop\")] public partial class Net;");
        string key = "0x" + StableHash.Fnv1a("drop").ToString("X16", System.Globalization.CultureInfo.InvariantCulture) + "UL";

        Assert.Equal(new[] { $"p.DropoutForward(output: 8, input: 0, features: 4, rate: 0.25, layer: {key});" }, emitted.Forward);
        Assert.Equal(new[] { "if (p.InputGradient)", $"p.DropoutBackwardInput(inputGradient: 4, outputGradient: 12, features: 4, rate: 0.25, layer: {key});" }, emitted.Backward);
    }

    [Fact]
    public void Add_reads_two_values_and_sums_the_gradients_of_a_value_read_twice()
    {
        // input 3 at 0 (gradient 3); fc1 output at 6 (gradient 9), read by relu1 and by sum, so sum writes its
        // gradient of it apart, at 12, added into 9 before fc1's backward; relu1 at 15 (18); sum at 21 (24).
        Emitted emitted = Emit("[Network, Input(3), Dense(3), ReLU, Add(\"fc1\", Name = \"sum\")] public partial class Net;");

        Assert.Contains("p.AddForward(output: 21, input: 15, added: 6, length: 3);", emitted.Forward);
        Assert.Contains("p.AddBackwardInput(inputGradient: 18, outputGradient: 24, length: 3);", emitted.Backward);
        Assert.Contains("p.AddBackwardInput(inputGradient: 12, outputGradient: 24, length: 3);", emitted.Backward);
        Assert.Contains("p.AddGradient(target: 9, source: 12, length: 3);", emitted.Backward);
    }

    [Fact]
    public void Concat_copies_each_input_to_its_place_in_the_output()
    {
        // input (1, 2, 2) = 4 at 0 (gradient 4); a (2, 2, 2) = 8 at 8 (gradient 16, and cat's own gradient of it at
        // 24); b (3, 2, 2) = 12 at 32 (44); cat (5, 2, 2) = 20 at 56 (76).
        Emitted emitted = Emit("[Network, Input(1, 2, 2), Conv2D(2, 1, Name = \"a\"), Conv2D(3, 1, Name = \"b\"), Concat(\"a\", Name = \"cat\")] public partial class Net;");

        Assert.Contains("p.ConcatForward(output: 56, input: 32, inputLength: 12, outputLength: 20, offset: 0);", emitted.Forward);
        Assert.Contains("p.ConcatForward(output: 56, input: 8, inputLength: 8, outputLength: 20, offset: 12);", emitted.Forward);
        Assert.Contains("p.ConcatBackwardInput(inputGradient: 44, outputGradient: 76, inputLength: 12, outputLength: 20, offset: 0);", emitted.Backward);
        Assert.Contains("p.ConcatBackwardInput(inputGradient: 24, outputGradient: 76, inputLength: 8, outputLength: 20, offset: 12);", emitted.Backward);
    }

    [Fact]
    public void Inference_folds_batch_normalisation_and_relu_into_the_convolution_before_them()
    {
        // input (1, 4, 4) = 16 at 0 (gradient 16); conv1 (2, 4, 4) = 32 at 32 (64); bn1 at 96 (128), its records
        // (2 * 2 + 1 = 5) at 160; relu1 at 165 (197); fc1 at 229. Parameters: conv1.weight 0, conv1.bias 18, bn1.weight 20, bn1.bias 22;
        // state: bn1.running_mean 0, running_var 2.
        Emitted emitted = Emit("[Network, Input(1, 4, 4), Conv2D(2, 3, Padding = 1), BatchNorm2D(Epsilon = 0.001), ReLU, Flatten, Dense(3)] public partial class Net;");

        Assert.Equal(
            new[]
            {
                "p.Conv2DInference(output: 165, input: 0, weight: 0, bias: 18, normWeight: 20, normBias: 22, runningMean: 0, runningVar: 2, epsilon: 0.001, relu: true, "
                    + "channels: 1, height: 4, width: 4, filters: 2, kernel: 3, stride: 1, padding: 1, dilation: 1);",
                "p.DenseForward(output: 229, input: 165, weight: 24, bias: 120, inputs: 32, outputs: 3);",
            },
            emitted.Method("RunInference"));
    }

    [Fact]
    public void Inference_folds_nothing_into_a_layer_whose_output_is_read_twice_and_skips_dropout()
    {
        // fc1's output (at 8) is read by relu1 and by the Add, so the ReLU stays apart; the dropout's readers read its input.
        Emitted emitted = Emit("[Network, Input(4), Dense(4), ReLU, Dropout(0.5), Add(\"fc1\"), Dense(2)] public partial class Net;");
        string[] inference = emitted.Method("RunInference");

        Assert.Equal("p.DenseForward(output: 8, input: 0, weight: 0, bias: 16, inputs: 4, outputs: 4);", inference[0]);
        Assert.StartsWith("p.ReLUForward(output: 20, input: 8,", inference[1]);
        Assert.StartsWith("p.AddForward(output: 36, input: 20, added: 8,", inference[2]);
        Assert.DoesNotContain(inference, statement => statement.Contains("Dropout", StringComparison.Ordinal));
        Assert.Contains(emitted.Forward, statement => statement.StartsWith("p.DropoutForward(", StringComparison.Ordinal));
    }

    [Fact]
    public void Inference_passes_blocks_between_convolutions_whose_filters_fill_blocks_and_gives_planes_back_at_the_edge()
    {
        // Training layout: input (1, 4, 4) = 16 at 0 (gradient 16); conv1 (16, 4, 4) = 256 at 32 (288); relu1 at 544
        // (800); conv2 at 1056 (1312); pool1 (16, 2, 2) = 64 at 1568 (1632); flatten1 reads pool1's buffer; fc1 at
        // 1696 (1698): 1700 floats. Parameters: conv1.weight 0, conv1.bias 144, conv2.weight 160, conv2.bias 2464, fc1 2480.
        // After it, in the order they are written: the input with conv1's border of 1, (1, 6, 6) = 36 at 1700; relu1's
        // blocks with conv2's border, 16 * 6 * 6 = 576 at 1736; conv2's blocks, read by the pooling alone, 256 at 2312;
        // pool1's blocks at 2568, copied out to pool1's planes for the dense layer.
        Emitted emitted = Emit("[Network, Input(1, 4, 4), Conv2D(16, 3, Padding = 1), ReLU, Conv2D(16, 3, Padding = 1), MaxPool2D(2), Flatten, Dense(2)] public partial class Net;");

        const string Window = "kernel: 3, stride: 1, padding: 1, dilation: 1";
        const string NoNorm = "normWeight: -1, normBias: -1, runningMean: -1, runningVar: -1, epsilon: 0.0";
        Assert.Equal(
            new[]
            {
                "p.PadPlanes(output: 1700, input: 0, channels: 1, height: 4, width: 4, border: 1);",
                $"p.Conv2DBlocked(output: 1736, input: 1700, weight: 0, bias: 144, {NoNorm}, relu: true, channels: 1, height: 4, width: 4, inputBlock: 1, inputBorder: 1, filters: 16, outputBorder: 1, {Window});",
                $"p.Conv2DBlocked(output: 2312, input: 1736, weight: 160, bias: 2464, {NoNorm}, relu: false, channels: 16, height: 4, width: 4, inputBlock: 16, inputBorder: 1, filters: 16, outputBorder: 0, {Window});",
                "p.MaxPool2DBlocked(output: 2568, input: 2312, channels: 16, height: 4, width: 4, inputBorder: 0, outputBorder: 0, kernel: 2, stride: 2, outHeight: 2, outWidth: 2);",
                "p.BlocksToPlanes(output: 1568, input: 2568, channels: 16, height: 2, width: 2, inputBorder: 0);",
                "p.DenseForward(output: 1696, input: 1568, weight: 2480, bias: 2608, inputs: 64, outputs: 2);",
            },
            emitted.Method("RunInference"));
        Assert.Contains("public const int WorkspaceLengthPerSample = 2632;", emitted.Source);
    }

    [Fact]
    public void Inference_keeps_on_planes_a_convolution_whose_filters_do_not_fill_a_block_and_copies_blocks_out_for_it()
    {
        // conv1 (16 filters) runs blocked; conv2 (8) reads planes, so conv1's output is copied out to them.
        // Training layout: input (1, 3, 3) = 9 at 0 (9); conv1 (16, 3, 3) = 144 at 18 (162); conv2 (8, 3, 3) at 306.
        Emitted emitted = Emit("[Network, Input(1, 3, 3), Conv2D(16, 1), Conv2D(8, 1)] public partial class Net;");
        string[] inference = emitted.Method("RunInference");

        Assert.Equal(3, inference.Length);
        Assert.StartsWith("p.Conv2DBlocked(output: 450, input: 0,", inference[0]);
        Assert.Equal("p.BlocksToPlanes(output: 18, input: 450, channels: 16, height: 3, width: 3, inputBorder: 0);", inference[1]);
        Assert.StartsWith("p.Conv2DForward(output: 306, input: 18,", inference[2]);
    }

    [Fact]
    public void Inference_gives_a_blocked_tensors_place_to_a_later_one_of_its_length_only()
    {
        // Four 3x3 convolutions that pad by 1 on (16, 4, 4). Training ends at 2 * 256 + 4 * 512 = 2560 (conv4's
        // output at 2048). The input's bordered copy, 16 * 6 * 6 = 576, goes first at 2560; conv1's blocks, with
        // conv2's border, also 576, at 3136. Once conv1 has read the copy, conv2 writes its place, and once conv2
        // has read conv1's blocks, conv3 writes theirs. conv4's blocks, borderless (256), may take neither place,
        // each of a different length, and get their own at 3712.
        Emitted emitted = Emit("[Network, Input(16, 4, 4), Conv2D(16, 3, Padding = 1), Conv2D(16, 3, Padding = 1), Conv2D(16, 3, Padding = 1), Conv2D(16, 3, Padding = 1)] public partial class Net;");
        string[] inference = emitted.Method("RunInference");

        Assert.StartsWith("p.PadPlanes(output: 2560, input: 0,", inference[0]);
        Assert.StartsWith("p.Conv2DBlocked(output: 3136, input: 2560,", inference[1]);
        Assert.StartsWith("p.Conv2DBlocked(output: 2560, input: 3136,", inference[2]);
        Assert.StartsWith("p.Conv2DBlocked(output: 3136, input: 2560,", inference[3]);
        Assert.StartsWith("p.Conv2DBlocked(output: 3712, input: 3136,", inference[4]);
        Assert.Equal("p.BlocksToPlanes(output: 2048, input: 3712, channels: 16, height: 4, width: 4, inputBorder: 0);", inference[5]);
        Assert.Contains("public const int WorkspaceLengthPerSample = 3968;", emitted.Source);
    }

    [Fact]
    public void Inference_joins_blocked_branches_with_the_relu_after_them_and_averages_blocks_to_a_vector()
    {
        // relu1's blocks are read by conv2 (border 1) and by the join; the join takes the ReLU after it, and the
        // global average pooling reads the joined blocks into its plain output.
        Emitted emitted = Emit("[Network, Input(16, 4, 4), Conv2D(16, 3, Padding = 1), ReLU, Conv2D(16, 3, Padding = 1), Add(\"relu1\"), ReLU, GlobalAvgPool2D, Dense(2)] public partial class Net;");
        string[] inference = emitted.Method("RunInference");

        Assert.Equal(6, inference.Length);
        Assert.StartsWith("p.PadPlanes(", inference[0]);
        Assert.Contains("relu: true, channels: 16, height: 4, width: 4, inputBlock: 1, inputBorder: 1, filters: 16, outputBorder: 1,", inference[1]);
        Assert.Contains("relu: false, channels: 16, height: 4, width: 4, inputBlock: 16, inputBorder: 1, filters: 16, outputBorder: 0,", inference[2]);
        Assert.Matches(@"^p\.AddBlocked\(output: \d+, input: \d+, added: \d+, channels: 16, height: 4, width: 4, inputBorder: 0, addedBorder: 1, outputBorder: 0, relu: true\);$", inference[3]);
        Assert.StartsWith("p.GlobalAvgPool2DBlocked(", inference[4]);
        Assert.StartsWith("p.DenseForward(", inference[5]);
    }

    [Fact]
    public void Inference_converts_at_each_edge_of_a_blocked_run_and_reads_past_a_dropout()
    {
        // relu1's blocks are read through the dropout by the blocked "left" and by "narrow" on planes, which gets them
        // copied out; the join on planes gets "left" copied out; the join's planes get a bordered copy for the last
        // convolution, whose blocks, the network's output, are copied out to planes at the end. The input is padded
        // once: the skipped dropout writes nothing to pad.
        Emitted emitted = Emit("[Network, Input(3, 8, 8), Conv2D(16, 3, Padding = 1), ReLU, Dropout(0.0, Name = \"drop\"), Conv2D(16, 3, Padding = 1, Name = \"left\"), "
            + "Conv2D(8, 1, From = \"drop\", Name = \"narrow\"), Concat(\"left\"), Conv2D(16, 3, Padding = 1)] public partial class Net;");
        string[] calls = emitted.Method("RunInference").Select(statement => statement.Substring(0, statement.IndexOf('(', StringComparison.Ordinal))).ToArray();

        Assert.Equal(
            new[]
            {
                "p.PadPlanes", "p.Conv2DBlocked", "p.BlocksToPlanes", "p.Conv2DBlocked", "p.BlocksToPlanes", "p.Conv2DForward", "p.ConcatForward",
                "p.ConcatForward", "p.PadPlanes", "p.Conv2DBlocked", "p.BlocksToPlanes",
            },
            calls);
    }

    [Fact]
    public void Inference_places_the_bordered_input_as_written_first_whatever_dropout_follows()
    {
        // The input's bordered copy (16 * 10 * 10) and conv1's blocks with conv2's border have one length. The copy is
        // written before conv1 and read by it, so conv1 may not write its blocks over it; a dropout later in the
        // network must not change when the copy counts as written.
        Emitted emitted = Emit("[Network, Input(16, 8, 8), Conv2D(16, 3, Padding = 1), Conv2D(16, 3, Padding = 1), Dropout(0.5), Conv2D(16, 3, Padding = 1)] public partial class Net;");
        string[] inference = emitted.Method("RunInference");

        string padded = Regex.Match(inference[0], @"^p\.PadPlanes\(output: (\d+), input: 0,").Groups[1].Value;
        Match conv1 = Regex.Match(inference[1], @"^p\.Conv2DBlocked\(output: (\d+), input: (\d+),");
        Assert.True(padded.Length > 0 && conv1.Success, string.Join("\n", inference));
        Assert.Equal(padded, conv1.Groups[2].Value);
        Assert.NotEqual(padded, conv1.Groups[1].Value);
    }

    [Fact]
    public void Flatten_runs_nothing()
    {
        Emitted emitted = Emit("[Network, Input(2, 2, 2), Flatten, Dense(2)] public partial class Net;");

        Assert.Equal(new[] { "p.DenseForward(output: 16, input: 0, weight: 0, bias: 16, inputs: 8, outputs: 2);" }, emitted.Forward);
    }

    private static Emitted Emit(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using StaticNet;\n" + declaration);
        Assert.True(run.Diagnostics.IsEmpty, GeneratorRun.Describe(run.Diagnostics));
        Assert.True(run.OutputDiagnostics.IsEmpty, "Compiler diagnostics with the generated code:\n" + GeneratorRun.Describe(run.OutputDiagnostics));
        return new Emitted(run.Source!);
    }

    /// <summary>The statements of a generated network's methods, each call on one line, comments and braces left out.</summary>
    private sealed class Emitted
    {
        public Emitted(string source) => Source = source;

        public string Source { get; }

        public string[] Forward => Method("RunForward");

        public string[] Backward => Method("RunBackward");

        public string[] Method(string name)
        {
            Match start = Regex.Match(Source, @"protected override void " + name + @"\(.*\n(\s*)\{\n");
            Assert.True(start.Success, $"No method {name} in:\n{Source}");
            string indent = start.Groups[1].Value;
            int end = Source.IndexOf("\n" + indent + "}\n", start.Index + start.Length - 1, StringComparison.Ordinal);
            string body = Source.Substring(start.Index + start.Length, end - start.Index - start.Length);
            var statements = new List<string>();
            foreach (string raw in body.Split('\n'))
            {
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal) || line is "{" or "}")
                {
                    continue;
                }

                // A call's sizes on a second line belong to the call.
                if (statements.Count > 0 && statements[^1].EndsWith(",", StringComparison.Ordinal))
                {
                    statements[^1] += " " + line;
                }
                else
                {
                    statements.Add(line);
                }
            }

            return statements.ToArray();
        }
    }
}
