using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>
/// Dropout's mask, threshold and scale against the definition (value j of sample s kept when
/// <see cref="DropoutMask.Bits"/>(key, s * features + j) is at least round(rate * 2^24)), slices of a
/// batch, and backward against finite differences of forward.
/// </summary>
public class DropoutKernelTests
{
    private const ulong Key = 0x0123456789ABCDEFUL;

    [Theory]
    [InlineData(0.5, 1, 5)]
    [InlineData(0.3, 7, 37)]
    [InlineData(0.9, 7, 16)]
    public void EachValueIsKeptAndScaledOrZeroedAsItsBitsSay(double rate, int batch, int features)
    {
        float[] x = KernelAssert.Random(batch * features, 1);
        var y = new float[x.Length];
        Dropout.Forward(x, y, Key, 0, batch, features, rate);
        uint threshold = (uint)Math.Round(rate * 16777216);
        float scale = (float)(1 / (1 - rate));
        for (int i = 0; i < x.Length; i++)
        {
            float expected = DropoutMask.Bits(Key, i) >= threshold ? x[i] * scale : 0f;
            Assert.True(expected == y[i], $"value {i}: expected {expected:R}, got {y[i]:R}");
        }
    }

    [Fact]
    public void RateZeroKeepsEveryValueUnchanged()
    {
        float[] x = KernelAssert.Random(7 * 13, 2);
        var y = new float[x.Length];
        Dropout.Forward(x, y, Key, 0, 7, 13, 0.0);
        Assert.Equal(x, y);
    }

    [Fact]
    public void AboutTheRateOfValuesIsDropped()
    {
        // 70,000 values: one standard deviation of the kept fraction is 0.0017, so 0.01 is six.
        float[] x = new float[7 * 10_000];
        x.AsSpan().Fill(1f);
        var y = new float[x.Length];
        Dropout.Forward(x, y, Key, 0, 7, 10_000, 0.3);
        int kept = 0;
        foreach (float value in y)
        {
            kept += value != 0f ? 1 : 0;
        }

        Assert.InRange(kept / (double)y.Length, 0.69, 0.71);
    }

    [Fact]
    public void ASliceOfTheBatchDrawsWhatTheWholeBatchDrawsForItsSamples()
    {
        const int Batch = 7, Features = 11;
        float[] x = KernelAssert.Random(Batch * Features, 3);
        var whole = new float[x.Length];
        Dropout.Forward(x, whole, Key, 0, Batch, Features, 0.4);
        var slice = new float[4 * Features];
        Dropout.Forward(x.AsSpan(3 * Features), slice, Key, 3, 4, Features, 0.4);
        Assert.Equal(whole.AsSpan(3 * Features).ToArray(), slice);

        // Another key is another mask.
        var other = new float[x.Length];
        Dropout.Forward(x, other, Key + 1, 0, Batch, Features, 0.4);
        Assert.NotEqual(whole, other);
    }

    [Fact]
    public void BackwardIsTheDerivativeOfForward()
    {
        const int Batch = 3, Features = 9, First = 2;
        float[] x = KernelAssert.Random(Batch * Features, 4);
        float[] outputWeights = KernelAssert.Random(x.Length, 5);
        var y = new float[x.Length];
        var inputGradient = new float[x.Length];
        inputGradient.AsSpan().Fill(float.NaN);
        Dropout.Backward(outputWeights, inputGradient, Key, First, Batch, Features, 0.5);
        KernelAssert.Gradient(
            x,
            inputGradient,
            () =>
            {
                Dropout.Forward(x, y, Key, First, Batch, Features, 0.5);
                return KernelAssert.WeightedSum(y, outputWeights);
            },
            "dropout",
            step: 0.25f);
    }

    [Fact]
    public void RatesAndSpansThatCannotBeUsedAreRejectedByName()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Forward(new float[4], new float[4], Key, 0, 1, 4, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Forward(new float[4], new float[4], Key, 0, 1, 4, -0.1));
        KernelAssert.Rejects(() => Dropout.Forward(new float[7], new float[8], Key, 0, 2, 4, 0.5), "x", "Dropout.Forward", "holds 7 values", "need 8");
        KernelAssert.Rejects(() => Dropout.Backward(new float[8], new float[7], Key, 0, 2, 4, 0.5), "inputGradient", "Dropout.Backward", "holds 7 values", "need 8");
    }
}
