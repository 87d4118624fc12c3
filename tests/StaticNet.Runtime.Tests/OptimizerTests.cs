using System;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Each optimizer against a reference written in double precision from PyTorch's documented update
/// rule, over several steps with varying gradients (so momentum and moment estimates matter), on a
/// buffer whose length is not a multiple of any vector width (so the scalar tail runs too).
/// </summary>
public class OptimizerTests
{
    private const int Length = 37;
    private const int Steps = 5;

    [Theory]
    [InlineData(0.1, 0.0, 0.0, 0.0, false)]
    [InlineData(0.05, 0.9, 0.0, 0.0, false)]
    [InlineData(0.05, 0.9, 0.3, 0.01, false)]
    [InlineData(0.05, 0.8, 0.0, 0.02, true)]
    public void SgdFollowsPyTorchsRule(double lr, double momentum, double dampening, double weightDecay, bool nesterov)
    {
        var optimizer = new Sgd(lr, momentum, dampening, weightDecay, nesterov);
        double[] p = Initial(), buffer = new double[Length];
        float[] parameters = ToFloat(p);
        for (int step = 0; step < Steps; step++)
        {
            float[] gradients = Gradients(step);
            optimizer.Step(parameters, gradients);
            for (int i = 0; i < Length; i++)
            {
                double d = gradients[i] + (weightDecay * p[i]);
                if (momentum != 0)
                {
                    buffer[i] = step == 0 ? d : (momentum * buffer[i]) + ((1 - dampening) * d);
                    d = nesterov ? d + (momentum * buffer[i]) : buffer[i];
                }

                p[i] -= lr * d;
            }
        }

        AssertClose(p, parameters);
    }

    [Theory]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, 0.0)]
    [InlineData(0.01, 0.8, 0.99, 1e-6, 0.05)]
    public void AdamFollowsPyTorchsRule(double lr, double beta1, double beta2, double epsilon, double weightDecay)
    {
        var optimizer = new Adam(lr, beta1, beta2, epsilon, weightDecay);
        double[] p = Initial(), m = new double[Length], v = new double[Length];
        float[] parameters = ToFloat(p);
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = Gradients(step);
            optimizer.Step(parameters, gradients);
            for (int i = 0; i < Length; i++)
            {
                double g = gradients[i] + (weightDecay * p[i]);
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                double mHat = m[i] / (1 - Math.Pow(beta1, step));
                double denominator = (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(beta2, step))) + epsilon;
                p[i] -= lr * mHat / denominator;
            }
        }

        Assert.Equal(Steps, optimizer.StepCount);
        AssertClose(p, parameters);
    }

    [Fact]
    public void AnOptimizerRejectsBuffersOfAnotherLength()
    {
        var optimizer = new Adam();
        optimizer.Step(new float[4], new float[4]);
        var exception = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[5], new float[5]));
        Assert.Contains("was stepping 4 parameters and is now given 5", exception.Message);
        Assert.Throws<ArgumentException>(() => new Sgd(0.1).Step(new float[4], new float[3]));
    }

    [Fact]
    public void HyperparametersAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-1));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, momentum: 0, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: double.NaN));
    }

    private static double[] Initial()
    {
        var random = new RandomStream(11);
        var values = new double[Length];
        for (int i = 0; i < Length; i++)
        {
            values[i] = (float)((random.NextSingle() * 2) - 1);
        }

        return values;
    }

    private static float[] Gradients(int step)
    {
        var random = new RandomStream(100 + step);
        var values = new float[Length];
        for (int i = 0; i < Length; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }

        return values;
    }

    private static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (int i = 0; i < Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + (1e-5 * Math.Abs(expected[i])), $"parameter {i}: expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }
}
