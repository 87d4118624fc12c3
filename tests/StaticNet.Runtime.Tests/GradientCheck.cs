using System;
using System.Collections.Generic;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Compares a network's analytic gradients with finite differences of a scalar function of its
/// outputs, in the network's own float32 arithmetic.
/// </summary>
/// <remarks>
/// Tolerance, and why: the objective is summed in double, but each forward pass rounds in float32.
/// Measured on the smooth test networks, central differences with a step of 1e-2 differ from the
/// analytic gradients by at most 2e-5 (float32 rounding of the objective, divided by the step, plus a
/// truncation error of h^2/6 times the third derivative). A gradient passes when
/// |analytic - numeric| &lt;= 1e-4 + 1e-3 * max(|analytic|, |numeric|): five times the largest error
/// seen, and tight enough to fail a gradient that is 1% off
/// (<see cref="GradientCheckTests.CheckerCatchesAOnePercentError"/> proves it).
/// <para>
/// ReLU and max pooling are piecewise linear, and in float32 no step is both small enough never to
/// cross a kink and large enough to rise above rounding noise. For networks built from them, a
/// coordinate whose central difference disagrees is retried with steps of 1e-3 and 1e-4 (rounding
/// noise grows as the step shrinks: up to 5e-5 and 5e-4, so the absolute tolerance is 5e-4 and
/// 5e-3 there, with 1e-2 relative for the curvature of the loss), centrally and on each side alone.
/// On a side where no kink was crossed, a piecewise-linear function's one-sided difference is exact,
/// so a right gradient matches one of them and a wrong one matches none. Each fallback is thus still
/// a check; they are counted, and at most 20% of coordinates may need one (the ReLU LeNet, whose
/// first convolution moves hundreds of pre-activations at once, needs about 11%), so a check cannot
/// quietly degenerate into fallbacks everywhere.
/// </para>
/// <para>
/// Batch normalisation makes the objective strongly curved in the weights before it: with a batch of 3,
/// each weight moves the batch's mean and variance, and the truncation error of a central difference
/// with a step of 1e-2 (h^2/6 times the third derivative) reached 1.5% there, while a step of 2e-3 agreed
/// with the analytic gradients everywhere. So a coordinate whose central difference disagrees is
/// retried with Richardson's extrapolation, (4 D(h/2) - D(h)) / 3, which cancels the h^2 term: its
/// error is O(h^4) and its rounding noise at most three times that of one difference (measured on the
/// batch-normalised networks: every retried coordinate then agrees within 1e-3 relative plus 3e-8), so it
/// is held to the same tolerance as the central difference, 1e-4 + 1e-3 relative, which still fails a
/// gradient 1% off. This retry counts as a fallback too (BatchNorm1DNet, the most curved, needs it for
/// 8 of its 81 coordinates).
/// </para>
/// </remarks>
internal static class GradientCheck
{
    public const float Step = 1e-2f;
    public const double AbsoluteTolerance = 1e-4;
    public const double RelativeTolerance = 1e-3;
    public const double RichardsonAbsoluteTolerance = 1e-4;

    /// <summary>The smaller steps of the kink fallback, each with the absolute tolerance its rounding noise needs.</summary>
    private static readonly (float Step, double Absolute)[] KinkSteps = { (1e-3f, 5e-4), (1e-4f, 5e-3) };

    private const double KinkRelativeTolerance = 1e-2;

    /// <summary>A scalar function of a batch's outputs and its gradient with respect to them.</summary>
    public delegate double Objective(ReadOnlySpan<float> outputs, Span<float> outputGradient, int batchSize);

    /// <summary>The objective <c>sum(weights * outputs)</c>, whose gradient is <c>weights</c>: it exercises every output with a different weight.</summary>
    public static Objective WeightedSum(int length, int seed)
    {
        float[] weights = Random(length, seed, -1f, 1f);
        return (outputs, gradient, batchSize) =>
        {
            double sum = 0;
            for (int i = 0; i < outputs.Length; i++)
            {
                sum += (double)weights[i] * outputs[i];
                if (!gradient.IsEmpty)
                {
                    gradient[i] = weights[i];
                }
            }

            return sum;
        };
    }

    /// <summary>An objective through a loss: the loss of the outputs against fixed targets.</summary>
    public static Objective ThroughLoss(ILoss loss, int[]? labels, float[]? targets) => (outputs, gradient, batchSize) =>
    {
        BatchTargets batchTargets = labels is not null ? new BatchTargets(labels.AsSpan(0, batchSize)) : new BatchTargets(targets.AsSpan(0, outputs.Length));
        return loss.Compute(outputs, batchTargets, gradient, batchSize);
    };

    /// <summary>The result of a check: every mismatch, how many coordinates were compared, and how many needed a fallback (Richardson's extrapolation, or the kink fallback).</summary>
    public sealed record Result(List<string> Mismatches, int Compared, int KinkFallbacks)
    {
        public void AssertPassed(string what)
        {
            Assert.True(Compared > 0, $"{what}: no coordinate was compared.");
            Assert.True(Mismatches.Count == 0, $"{what}: {Mismatches.Count} of {Compared} gradients differ from finite differences:\n" + string.Join("\n", Mismatches));
            Assert.True(KinkFallbacks <= Compared / 5, $"{what}: {KinkFallbacks} of {Compared} coordinates needed a fallback (Richardson or kink); at most 20% may.");
        }
    }

    /// <summary>
    /// Checks the gradients of <paramref name="objective"/> with respect to every input value and every
    /// parameter of <paramref name="network"/> on a random batch. <paramref name="corrupt"/> lets a test
    /// tamper with the analytic gradients to prove the check can fail.
    /// </summary>
    /// <param name="piecewiseLinear">Whether the network is built from piecewise-linear layers (ReLU, max pooling), which allows the kink fallback.</param>
    /// <param name="beforeForward">Runs before every Forward: a network with dropout resets its step here, so that every pass draws the same mask.</param>
    public static Result Check(INetwork network, int batchSize, Objective objective, bool piecewiseLinear, int seed = 7, Action<float[], float[]>? corrupt = null, Action? beforeForward = null)
    {
        float[] input = Random(batchSize * network.InputLength, seed + 1, -1f, 1f);
        var output = new float[batchSize * network.OutputLength];
        var outputGradient = new float[output.Length];
        var inputGradient = new float[input.Length];

        beforeForward?.Invoke();
        network.Forward(input, output, batchSize);
        objective(output, outputGradient, batchSize);
        network.ZeroGradients();
        network.Backward(outputGradient, inputGradient, batchSize);
        float[] parameterGradient = network.Gradients.ToArray();
        corrupt?.Invoke(inputGradient, parameterGradient);

        var mismatches = new List<string>();
        int compared = 0, fallbacks = 0;

        // Perturbs one value (an input or a parameter) and compares finite differences with its analytic gradient.
        void Compare(string name, int index, float analytic, Func<float> get, Action<float> set)
        {
            float original = get();
            double Shifted(float step)
            {
                set(original + step);
                double value = Evaluate();
                set(original);
                return value;
            }

            bool Matches(double numeric, double absolute, double relative) =>
                Math.Abs(analytic - numeric) <= absolute + (relative * Math.Max(Math.Abs(analytic), Math.Abs(numeric)));

            compared++;
            double central = (Shifted(Step) - Shifted(-Step)) / (2 * Step);
            if (Matches(central, AbsoluteTolerance, RelativeTolerance))
            {
                return;
            }

            double half = (Shifted(Step / 2) - Shifted(-Step / 2)) / Step;
            if (Matches(((4 * half) - central) / 3, RichardsonAbsoluteTolerance, RelativeTolerance))
            {
                fallbacks++;
                return;
            }

            if (piecewiseLinear)
            {
                double center = Evaluate();
                foreach ((float step, double absolute) in KinkSteps)
                {
                    double plus = Shifted(step), minus = Shifted(-step);
                    if (Matches((plus - minus) / (2 * step), absolute, KinkRelativeTolerance)
                        || Matches((plus - center) / step, absolute, KinkRelativeTolerance)
                        || Matches((center - minus) / step, absolute, KinkRelativeTolerance))
                    {
                        fallbacks++;
                        return;
                    }
                }
            }

            mismatches.Add($"  {name}[{index}]: analytic {analytic:G6}, numeric {central:G6}");
        }

        for (int i = 0; i < input.Length; i++)
        {
            Compare("input", i, inputGradient[i], () => input[i], value => input[i] = value);
        }

        // State tensors (running estimates) are not parameters: Forward in training does not read them.
        // Frozen parameters get no gradient at all, which is checked exactly.
        foreach (TensorInfo tensor in network.Tensors)
        {
            if (tensor.Kind != TensorKind.Parameter)
            {
                continue;
            }

            for (int j = 0; j < tensor.Length; j++)
            {
                int index = tensor.Offset + j;
                if (!IsTrainable(network, index))
                {
                    if (parameterGradient[index] != 0f)
                    {
                        mismatches.Add($"  {tensor.Name}[{j}]: frozen, but its gradient is {parameterGradient[index]:G6}");
                    }

                    continue;
                }

                Compare(tensor.Name, j, parameterGradient[index], () => network.Parameters[index], value => network.Parameters[index] = value);
            }
        }

        return new Result(mismatches, compared, fallbacks);

        double Evaluate()
        {
            beforeForward?.Invoke();
            network.Forward(input, output, batchSize);
            return objective(output, Span<float>.Empty, batchSize);
        }
    }

    private static bool IsTrainable(INetwork network, int index)
    {
        foreach (ParameterRange range in network.TrainableRanges)
        {
            if (index >= range.Offset && index < range.End)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Values uniform in [low, high), reproducible from <paramref name="seed"/>.</summary>
    public static float[] Random(int length, int seed, float low, float high)
    {
        var random = new RandomStream(seed, 99);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }
}
