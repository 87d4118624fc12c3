using System;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// For every layer kind, the gradients Backward computes (of the input and of every parameter) match
/// central finite differences of Forward, at every SIMD level: the generated scalar code and the
/// vectorised kernels at 128, 256 and 512 bits. Batches of 3 check that samples do not mix (and, split into
/// chunks of one sample, that chunk gradients add up).
/// </summary>
public class GradientCheckTests
{
    private const int Batch = 3;

    private static readonly string[] NetworkNames =
    {
        nameof(DenseSmoothNet),
        nameof(DenseReluNet),
        nameof(SoftmaxNet),
        nameof(ConvStridePadNet),
        nameof(ConvUntiledNet),
        nameof(ConvLargeKernelNet),
        nameof(MaxPoolPadNet),
        nameof(AvgPoolIncludePadNet),
        nameof(AvgPoolExcludePadNet),
        nameof(SmallLeNet),
        nameof(PoolFirstNet),
        nameof(ReLUPoolNet),
        nameof(BatchNorm2DNet),
        nameof(BatchNorm1DNet),
        nameof(BatchNormNotAffineNet),
        nameof(DropoutNet),
        nameof(ResidualNet),
        nameof(ProjectionResidualNet),
        nameof(ConcatNet),
        nameof(SharedValueNet),
        nameof(FlattenBranchNet),
        nameof(DilatedConvNet),
        nameof(RectangularConvNet),
        nameof(AsymmetricStrideConvNet),
        nameof(RectangularPoolNet),
        nameof(SmoothActivationsNet),
        nameof(KinkedActivationsNet),
        nameof(LogSoftmaxNet),
        nameof(FrozenBackboneNet),
    };

    public static TheoryData<string, SimdLevel> Networks()
    {
        var data = new TheoryData<string, SimdLevel>();
        foreach (string name in NetworkNames)
        {
            foreach (SimdLevel level in new[] { SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 })
            {
                data.Add(name, level);
            }
        }

        return data;
    }

    /// <summary>The networks built only from piecewise-linear layers (ReLU, max pooling, and linear ones).</summary>
    private static bool IsPiecewiseLinear(string name) =>
        name is nameof(DenseReluNet) or nameof(MaxPoolPadNet) or nameof(SmallLeNet) or nameof(PoolFirstNet) or nameof(ReLUPoolNet) or nameof(KinkedActivationsNet) or nameof(RectangularPoolNet);

    internal static INetwork Create(string name, SimdLevel level)
    {
        INetwork network = Create(name);
        network.Simd = level;
        return network;
    }

    internal static INetwork Create(string name) => name switch
    {
        nameof(DenseSmoothNet) => new DenseSmoothNet(seed: 1, batchCapacity: Batch),
        nameof(DenseReluNet) => new DenseReluNet(seed: 1, batchCapacity: Batch),
        nameof(SoftmaxNet) => new SoftmaxNet(seed: 1, batchCapacity: Batch),
        nameof(ConvStridePadNet) => new ConvStridePadNet(seed: 1, batchCapacity: Batch),
        nameof(ConvUntiledNet) => new ConvUntiledNet(seed: 1, batchCapacity: Batch),
        nameof(ConvLargeKernelNet) => new ConvLargeKernelNet(seed: 1, batchCapacity: Batch),
        nameof(MaxPoolPadNet) => new MaxPoolPadNet(seed: 1, batchCapacity: Batch),
        nameof(AvgPoolIncludePadNet) => new AvgPoolIncludePadNet(seed: 1, batchCapacity: Batch),
        nameof(AvgPoolExcludePadNet) => new AvgPoolExcludePadNet(seed: 1, batchCapacity: Batch),
        nameof(SmallLeNet) => new SmallLeNet(seed: 1, batchCapacity: Batch),
        nameof(PoolFirstNet) => new PoolFirstNet(seed: 1, batchCapacity: Batch),
        nameof(ReLUPoolNet) => new ReLUPoolNet(seed: 1, batchCapacity: Batch),
        nameof(BatchNorm2DNet) => new BatchNorm2DNet(seed: 1, batchCapacity: Batch),
        nameof(BatchNorm1DNet) => new BatchNorm1DNet(seed: 1, batchCapacity: Batch),
        nameof(BatchNormNotAffineNet) => new BatchNormNotAffineNet(seed: 1, batchCapacity: Batch),
        nameof(DropoutNet) => new DropoutNet(seed: 1, batchCapacity: Batch),
        nameof(ResidualNet) => new ResidualNet(seed: 1, batchCapacity: Batch),
        nameof(ProjectionResidualNet) => new ProjectionResidualNet(seed: 1, batchCapacity: Batch),
        nameof(ConcatNet) => new ConcatNet(seed: 1, batchCapacity: Batch),
        nameof(SharedValueNet) => new SharedValueNet(seed: 1, batchCapacity: Batch),
        nameof(FlattenBranchNet) => new FlattenBranchNet(seed: 1, batchCapacity: Batch),
        nameof(DilatedConvNet) => new DilatedConvNet(seed: 1, batchCapacity: Batch),
        nameof(RectangularConvNet) => new RectangularConvNet(seed: 1, batchCapacity: Batch),
        nameof(AsymmetricStrideConvNet) => new AsymmetricStrideConvNet(seed: 1, batchCapacity: Batch),
        nameof(RectangularPoolNet) => new RectangularPoolNet(seed: 1, batchCapacity: Batch),
        nameof(SmoothActivationsNet) => new SmoothActivationsNet(seed: 1, batchCapacity: Batch),
        nameof(KinkedActivationsNet) => new KinkedActivationsNet(seed: 1, batchCapacity: Batch),
        nameof(LogSoftmaxNet) => new LogSoftmaxNet(seed: 1, batchCapacity: Batch),
        nameof(FrozenBackboneNet) => new FrozenBackboneNet(seed: 1, batchCapacity: Batch),
        _ => throw new ArgumentException(name),
    };

    /// <summary>What runs before each Forward of a check: dropout's step goes back to 0, so every pass draws the mask the analytic gradient used.</summary>
    internal static Action? BeforeForward(INetwork network) => network is DropoutNet dropout ? () => dropout.Step = 0 : null;

    [Theory]
    [MemberData(nameof(Networks))]
    public void LayerGradientsMatchFiniteDifferences(string name, SimdLevel level)
    {
        INetwork network = Create(name, level);
        GradientCheck.Check(network, Batch, GradientCheck.WeightedSum(Batch * network.OutputLength, seed: 3), IsPiecewiseLinear(name), beforeForward: BeforeForward(network)).AssertPassed($"{name} at {level}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void GradientsThroughSoftmaxCrossEntropyMatchFiniteDifferences(string name, SimdLevel level)
    {
        INetwork network = Create(name, level);
        int[] labels = { 0, network.OutputLength - 1, 1 % network.OutputLength };
        GradientCheck.Check(network, Batch, GradientCheck.ThroughLoss(Losses.SoftmaxCrossEntropy, labels, null), IsPiecewiseLinear(name), beforeForward: BeforeForward(network)).AssertPassed($"{name} at {level}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void GradientsThroughMeanSquaredErrorMatchFiniteDifferences(string name, SimdLevel level)
    {
        INetwork network = Create(name, level);
        float[] targets = GradientCheck.Random(Batch * network.OutputLength, seed: 5, -1f, 1f);
        GradientCheck.Check(network, Batch, GradientCheck.ThroughLoss(Losses.MeanSquaredError, null, targets), IsPiecewiseLinear(name), beforeForward: BeforeForward(network)).AssertPassed($"{name} at {level}");
    }

    /// <summary>The losses of the catalog, each with targets it takes, on a network whose outputs suit it.</summary>
    public static TheoryData<string> CatalogLosses => new() { "bce", "l1", "huber", "smooth_l1", "nll", "label_smoothing", "triplet" };

    [Theory]
    [MemberData(nameof(CatalogLosses))]
    public void GradientsThroughTheCatalogLossesMatchFiniteDifferences(string loss)
    {
        INetwork network = loss == "nll" ? new LogSoftmaxNet(seed: 1, batchCapacity: Batch) : new DenseSmoothNet(seed: 1, batchCapacity: Batch);
        float[] values = GradientCheck.Random(Batch * network.OutputLength, seed: 5, -1f, 1f);
        float[] probabilities = GradientCheck.Random(Batch * network.OutputLength, seed: 5, 0f, 1f);
        int[] labels = { 0, network.OutputLength - 1, 1 };
        GradientCheck.Objective objective = loss switch
        {
            "bce" => GradientCheck.ThroughLoss(Losses.BinaryCrossEntropyWithLogits, null, probabilities),
            "l1" => GradientCheck.ThroughLoss(Losses.L1, null, values),
            "huber" => GradientCheck.ThroughLoss(new HuberLoss(0.5), null, values),
            "smooth_l1" => GradientCheck.ThroughLoss(new SmoothL1Loss(0.5), null, values),
            "nll" => GradientCheck.ThroughLoss(Losses.NegativeLogLikelihood, labels, null),
            "label_smoothing" => GradientCheck.ThroughLoss(new SoftmaxCrossEntropyLoss(0.1), labels, null),
            _ => GradientCheck.ThroughLoss(new TripletMarginLoss(margin: 5), new[] { 2, 2, 0 }, null),
        };

        // L1, Huber and smooth L1 have kinks where an output meets its target (or the threshold), as ReLU does at 0.
        bool kinked = loss is "l1" or "huber" or "smooth_l1";
        GradientCheck.Check(network, Batch, objective, kinked).AssertPassed(loss);
    }

    [Fact]
    public void CheckerCatchesAOnePercentError()
    {
        // The check is only worth something if it fails on a wrong gradient: scale one weight's
        // gradient by 1.01 and one input's by 1.01 (the largest of each, so the error is well above
        // the absolute tolerance), and expect both to be reported.
        var network = new DenseSmoothNet(seed: 1, batchCapacity: Batch);
        GradientCheck.Result result = GradientCheck.Check(
            network,
            Batch,
            GradientCheck.WeightedSum(Batch * DenseSmoothNet.OutputLength, seed: 3),
            piecewiseLinear: false,
            corrupt: (input, parameters) =>
            {
                int largestInput = IndexOfLargest(input), largestParameter = IndexOfLargest(parameters);
                input[largestInput] *= 1.01f;
                parameters[largestParameter] *= 1.01f;
            });
        Assert.Equal(2, result.Mismatches.Count);
    }

    [Fact]
    public void InputGradientIsOptional()
    {
        // Skipping the input gradient must not change the parameter gradients.
        var network = new PoolFirstNet(seed: 2, batchCapacity: Batch);
        float[] input = GradientCheck.Random(Batch * PoolFirstNet.InputLength, 4, -1f, 1f);
        var output = new float[Batch * PoolFirstNet.OutputLength];
        float[] outputGradient = GradientCheck.Random(output.Length, 6, -1f, 1f);

        network.Forward(input, output, Batch);
        network.ZeroGradients();
        network.Backward(outputGradient, new float[input.Length], Batch);
        float[] withInputGradient = network.Gradients.ToArray();

        network.Forward(input, output, Batch);
        network.ZeroGradients();
        network.Backward(outputGradient, Span<float>.Empty, Batch);
        Assert.Equal(withInputGradient, network.Gradients.ToArray());
    }

    [Fact]
    public void BackwardAccumulatesUntilZeroed()
    {
        var network = new SmallLeNet(seed: 2, batchCapacity: Batch);
        float[] input = GradientCheck.Random(Batch * SmallLeNet.InputLength, 4, -1f, 1f);
        var output = new float[Batch * SmallLeNet.OutputLength];
        float[] outputGradient = GradientCheck.Random(output.Length, 6, -1f, 1f);

        network.Forward(input, output, Batch);
        network.ZeroGradients();
        network.Backward(outputGradient, Span<float>.Empty, Batch);
        float[] once = network.Gradients.ToArray();
        network.Backward(outputGradient, Span<float>.Empty, Batch);
        float[] twice = network.Gradients.ToArray();
        Assert.Contains(once, g => g != 0f);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i], 1e-5f);
        }
    }

    private static int IndexOfLargest(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (Math.Abs(values[i]) > Math.Abs(values[best]))
            {
                best = i;
            }
        }

        return best;
    }
}
