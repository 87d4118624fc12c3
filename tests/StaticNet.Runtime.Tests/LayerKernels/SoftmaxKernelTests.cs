using System;
using StaticNet.Kernels;
using Xunit;

namespace StaticNet.Tests.LayerKernels;

/// <summary>Softmax and log-softmax: by hand, on logits too large for a naive exp, and backward against finite differences of forward.</summary>
public class SoftmaxKernelTests
{
    [Fact]
    public void SoftmaxComputesAHandWorkedCase()
    {
        // exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3, out of 6; a second sample of equal values shares evenly.
        float[] x = { 0f, MathF.Log(2), MathF.Log(3), 5f, 5f };
        var y = new float[6];
        Softmax.Forward(new[] { x[0], x[1], x[2], 5f, 5f, 5f }, y, 2, 3, log: false);
        KernelAssert.Close(new[] { 1f / 6, 1f / 3, 1f / 2, 1f / 3, 1f / 3, 1f / 3 }, y, "softmax", 1e-7, 1e-6);

        Softmax.Forward(new[] { x[0], x[1], x[2], 5f, 5f, 5f }, y, 2, 3, log: true);
        float log6 = MathF.Log(6), log3 = MathF.Log(3);
        KernelAssert.Close(new[] { -log6, MathF.Log(2) - log6, log3 - log6, -log3, -log3, -log3 }, y, "log-softmax", 1e-6, 1e-6);
    }

    [Fact]
    public void BackwardComputesAHandWorkedCase()
    {
        // Softmax y = 1/6, 1/3, 1/2 and dy = 1, 0, 0: sum(dy * y) = 1/6, dx = y * (dy - 1/6).
        float[] y = { 1f / 6, 1f / 3, 1f / 2 };
        var dx = new float[3];
        Softmax.Backward(new float[] { 1, 0, 0 }, y, dx, 1, 3, log: false);
        KernelAssert.Close(new[] { 5f / 36, -1f / 18, -1f / 12 }, dx, "softmax backward", 1e-7, 1e-6);

        // Log-softmax of the same: dx = dy - softmax * sum(dy) = 1 - 1/6, -1/3, -1/2.
        float[] logY = Array.ConvertAll(y, MathF.Log);
        Softmax.Backward(new float[] { 1, 0, 0 }, logY, dx, 1, 3, log: true);
        KernelAssert.Close(new[] { 5f / 6, -1f / 3, -1f / 2 }, dx, "log-softmax backward", 1e-7, 1e-6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LogitsFarFromZeroGiveWhatTheirDifferencesGive(bool log)
    {
        // exp(1e4) overflows a float; shifted by the largest value first, the outputs are those of 0, 1, -1.
        var large = new float[3];
        var small = new float[3];
        Softmax.Forward(new[] { 1e4f, 1e4f + 1, 1e4f - 1 }, large, 1, 3, log);
        Softmax.Forward(new[] { 0f, 1f, -1f }, small, 1, 3, log);
        KernelAssert.Close(small, large, "shifted logits", 1e-6, 1e-6);
    }

    [Theory]
    [InlineData(3, 5, false)]
    [InlineData(3, 5, true)]
    [InlineData(1, 1, false)]
    [InlineData(1, 1, true)]
    [InlineData(2, 37, false)]
    [InlineData(2, 37, true)]
    public void BackwardIsTheDerivativeOfForward(int batch, int features, bool log)
    {
        // Every output moves with every input of its sample, each by float rounding of up to log(features)
        // + 6: a step of 0.05 keeps that rounding, divided by the step, below 2e-5; Richardson's
        // extrapolation leaves a truncation error of order step^4.
        float[] x = KernelAssert.Random(batch * features, 1, -3f, 3f);
        float[] outputWeights = KernelAssert.Random(x.Length, 2);
        var y = new float[x.Length];
        Softmax.Forward(x, y, batch, features, log);
        var inputGradient = new float[x.Length];
        inputGradient.AsSpan().Fill(float.NaN);
        Softmax.Backward(outputWeights, y, inputGradient, batch, features, log);
        KernelAssert.Gradient(
            x,
            inputGradient,
            () =>
            {
                Softmax.Forward(x, y, batch, features, log);
                return KernelAssert.WeightedSum(y, outputWeights);
            },
            log ? "log-softmax" : "softmax",
            step: 0.05f);
    }

    [Fact]
    public void SpansTooShortForTheSizesAreRejectedByName()
    {
        KernelAssert.Rejects(() => Softmax.Forward(new float[9], new float[10], 2, 5, false), "x", "Softmax.Forward", "holds 9 values", "need 10");
        KernelAssert.Rejects(() => Softmax.Backward(new float[10], new float[9], new float[10], 2, 5, true), "y", "Softmax.Backward", "holds 9 values");
        Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.Forward(new float[1], new float[1], 1, 0, false));
    }
}
