using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// What inference folds into the layer before it: batch normalisation by its running estimates as one multiply-add
/// per channel, and a ReLU, against values worked out by hand, and every SIMD level against the scalar reference.
/// </summary>
public sealed class ChannelAffineKernelTests
{
    [Fact]
    public void Batch_normalisation_and_relu_match_a_hand_worked_case()
    {
        // Two channels of three values, eps 1. Channel 0: mean 1, variance 3 so std 2, weight 4, bias -1:
        // (x - 1) / 2 * 4 - 1 = 2x - 3. Channel 1: mean -2, variance 0 so std 1, weight 1, bias 0.5: x + 2.5.
        float[] values = { 0f, 1f, 2.5f, -3f, -2f, 0.25f };
        var affine = new ChannelAffine(new[] { 1f, -2f }, new[] { 3f, 0f }, new[] { 4f, 1f }, new[] { -1f, 0.5f }, 1.0, relu: false);

        affine.Apply(values, 2, 3, SimdLevel.Scalar);

        Assert.Equal(new[] { -3f, -1f, 2f, -0.5f, 0.5f, 2.75f }, values);
    }

    [Fact]
    public void Relu_alone_keeps_positive_values_and_copies_to_another_buffer()
    {
        float[] source = { -1f, 0f, 2f, -0.5f };
        var destination = new float[4];
        var relu = new ChannelAffine(default, default, default, default, 0, relu: true);

        relu.Apply(source, destination, 1, 4, SimdLevel.Scalar);

        Assert.Equal(new[] { 0f, 0f, 2f, 0f }, destination);
        Assert.Equal(new[] { -1f, 0f, 2f, -0.5f }, source);
    }

    [Theory]
    [InlineData(3, 49, true, true)]
    [InlineData(16, 1, true, false)]
    [InlineData(5, 37, false, true)]
    public void Every_level_rounds_as_the_scalar_reference(int channels, int plane, bool affineWeights, bool relu)
    {
        var random = new Random(channels * plane);
        float[] Values(int count, float low, float high)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = low + ((high - low) * random.NextSingle());
            }

            return values;
        }

        float[] input = Values(channels * plane, -3f, 3f), mean = Values(channels, -1f, 1f), variance = Values(channels, 0.1f, 2f);
        float[] weight = affineWeights ? Values(channels, 0.5f, 2f) : Array.Empty<float>(), bias = affineWeights ? Values(channels, -1f, 1f) : Array.Empty<float>();
        var affine = new ChannelAffine(mean, variance, weight, bias, 1e-5, relu);
        var expected = new float[input.Length];
        affine.Apply(input, expected, channels, plane, SimdLevel.Scalar);
        foreach (SimdLevel level in KernelAssert.VectorLevels)
        {
            if (level > SimdLevels.Best)
            {
                continue;
            }

            var actual = new float[input.Length];
            affine.Apply(input, actual, channels, plane, level);
            KernelAssert.Identical(expected, actual, $"ChannelAffine at {level}");
        }
    }

    [Fact]
    public void Channel_count_that_differs_from_the_normalisation_is_refused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new ChannelAffine(new[] { 0f, 0f }, new[] { 1f, 1f }, default, default, 1e-5, relu: false).Apply(new float[6], 3, 2, SimdLevel.Scalar));
        Assert.Contains("2 channels, but the values have 3", error.Message);
    }
}
