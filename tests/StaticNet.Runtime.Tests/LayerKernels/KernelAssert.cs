using System;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// What the layer kernel tests share: the SIMD levels compared with the scalar reference, comparisons
/// within float tolerances, and a finite-difference check of a backward kernel against its forward.
/// </summary>
internal static class KernelAssert
{
    /// <summary>
    /// The vector levels, each compared with <see cref="SimdLevel.Scalar"/>. All three run on any x64 or
    /// Arm64 machine (a width the hardware lacks is emulated with narrower vectors), as in
    /// <see cref="ParallelAndSimdTests"/>, so every path is checked whatever the machine.
    /// </summary>
    public static readonly SimdLevel[] VectorLevels = { SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 };

    /// <summary>The scalar reference and every vector level, for hand-worked cases every level must compute exactly.</summary>
    public static readonly SimdLevel[] AllLevels = { SimdLevel.Scalar, SimdLevel.Vector128, SimdLevel.Vector256, SimdLevel.Vector512 };

    /// <summary>
    /// Float sums in another order differ by a few units in the last place of the largest partial sum:
    /// with values of magnitude 1 and at most a few thousand terms, well below 1e-4 absolute. A wrong
    /// index or a missing term is off by the size of a term, about 0.1 to 1.
    /// </summary>
    public const double SummationAbsolute = 1e-4, SummationRelative = 1e-4;

    /// <summary>Asserts |expected - actual| &lt;= absolute + relative * |expected| for every value, naming the first that is not.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double absolute = SummationAbsolute, double relative = SummationRelative)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values expected, {actual.Length} found.");
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)expected[i] - actual[i]);
            if (!(error <= absolute + (relative * Math.Abs(expected[i]))))
            {
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (off by {error:G3}).");
            }
        }
    }

    /// <summary>Asserts the values are bit for bit those expected.</summary>
    public static void Identical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values expected, {actual.Length} found.");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}.");
            }
        }
    }

    /// <summary><c>sum of weights[i] * values[i]</c> in double: the objective whose gradient with respect to the values is the weights.</summary>
    public static double WeightedSum(ReadOnlySpan<float> values, ReadOnlySpan<float> weights)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += (double)weights[i] * values[i];
        }

        return sum;
    }

    /// <summary>
    /// Compares <paramref name="analytic"/>[i] with the derivative of <paramref name="objective"/> with respect
    /// to <paramref name="values"/>[i], for every i: a central difference over the float values actually
    /// stepped to, improved by Richardson's extrapolation <c>(4 D(h/2) - D(h)) / 3</c>, which cancels the
    /// h^2 error term (for a linear kernel both are exact but for rounding). Tolerance: 1e-4 plus 1e-3
    /// relative by default, as in <see cref="GradientCheck"/>; a gradient 1% off fails.
    /// </summary>
    public static void Gradient(float[] values, ReadOnlySpan<float> analytic, Func<double> objective, string what, float step, double absolute = 1e-4, double relative = 1e-3)
    {
        Assert.True(values.Length == analytic.Length, $"{what}: {values.Length} values but {analytic.Length} gradients.");
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            double Difference(float h)
            {
                float plus = original + h, minus = original - h;
                values[i] = plus;
                double up = objective();
                values[i] = minus;
                double down = objective();
                values[i] = original;
                return (up - down) / ((double)plus - minus);
            }

            double whole = Difference(step), half = Difference(step / 2);
            double numeric = ((4 * half) - whole) / 3;
            double error = Math.Abs(analytic[i] - numeric);
            if (!(error <= absolute + (relative * Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric)))))
            {
                Assert.Fail($"{what}[{i}]: analytic {analytic[i]:G6}, finite differences {numeric:G6}.");
            }
        }
    }

    /// <summary>Values uniform in [low, high), reproducible from <paramref name="seed"/>.</summary>
    public static float[] Random(int length, int seed, float low = -1f, float high = 1f) => GradientCheck.Random(length, seed, low, high);

    /// <summary>
    /// Distinct values at least <paramref name="spacing"/> apart, in a random order: data whose maxima a
    /// step smaller than half the spacing cannot change, so finite differences of a max never cross a kink.
    /// </summary>
    public static float[] Separated(int length, int seed, float spacing)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (i - (length / 2)) * spacing;
        }

        var random = new Random(seed);
        for (int i = length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }

        return values;
    }

    /// <summary>Asserts that <paramref name="action"/> throws an ArgumentException naming <paramref name="argument"/> and containing every one of <paramref name="fragments"/>.</summary>
    public static void Rejects(Action action, string argument, params string[] fragments)
    {
        ArgumentException exception = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(argument, exception.ParamName);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, exception.Message);
        }
    }
}
