using System.Linq;
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

    [Theory]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, 0.0)]
    [InlineData(0.01, 0.8, 0.99, 1e-6, 0.05)]
    public void AmsGradDividesByTheLargestSecondMomentSeen(double lr, double beta1, double beta2, double epsilon, double weightDecay)
    {
        var optimizer = new Adam(lr, beta1, beta2, epsilon, weightDecay, amsgrad: true);
        double[] p = Initial(), m = new double[Length], v = new double[Length], vmax = new double[Length];
        float[] parameters = ToFloat(p);
        for (int step = 1; step <= Steps; step++)
        {
            // Shrinking gradients make v fall, so the maximum differs from v.
            float[] gradients = Scaled(Gradients(step), 1.0 / step);
            optimizer.Step(parameters, gradients);
            for (int i = 0; i < Length; i++)
            {
                double g = gradients[i] + (weightDecay * p[i]);
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                vmax[i] = Math.Max(vmax[i], v[i]);
                double denominator = (Math.Sqrt(vmax[i]) / Math.Sqrt(1 - Math.Pow(beta2, step))) + epsilon;
                p[i] -= lr / (1 - Math.Pow(beta1, step)) * m[i] / denominator;
            }
        }

        AssertClose(p, parameters);
    }

    [Theory]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, 0.01, false)]
    [InlineData(0.02, 0.8, 0.99, 1e-6, 0.1, false)]
    [InlineData(0.02, 0.8, 0.99, 1e-6, 0.1, true)]
    public void AdamWDecaysTheWeightsApartFromTheGradient(double lr, double beta1, double beta2, double epsilon, double weightDecay, bool amsgrad)
    {
        var optimizer = new AdamW(lr, beta1, beta2, epsilon, weightDecay, amsgrad);
        double[] p = Initial(), m = new double[Length], v = new double[Length], vmax = new double[Length];
        float[] parameters = ToFloat(p);
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = Scaled(Gradients(step), 1.0 / step);
            optimizer.Step(parameters, gradients);
            for (int i = 0; i < Length; i++)
            {
                p[i] *= 1 - (lr * weightDecay);
                double g = gradients[i];
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                vmax[i] = Math.Max(vmax[i], v[i]);
                double second = amsgrad ? vmax[i] : v[i];
                double denominator = (Math.Sqrt(second) / Math.Sqrt(1 - Math.Pow(beta2, step))) + epsilon;
                p[i] -= lr / (1 - Math.Pow(beta1, step)) * m[i] / denominator;
            }
        }

        AssertClose(p, parameters);
    }

    [Theory]
    [InlineData(0.01, 0.99, 1e-8, 0.0, 0.0, false)]
    [InlineData(0.01, 0.9, 1e-6, 0.02, 0.0, false)]
    [InlineData(0.005, 0.9, 1e-6, 0.0, 0.8, false)]
    [InlineData(0.005, 0.95, 1e-6, 0.01, 0.0, true)]
    [InlineData(0.005, 0.95, 1e-6, 0.01, 0.7, true)]
    public void RmsPropFollowsPyTorchsRule(double lr, double alpha, double epsilon, double weightDecay, double momentum, bool centered)
    {
        var optimizer = new RmsProp(lr, alpha, epsilon, weightDecay, momentum, centered);
        double[] p = Initial(), square = new double[Length], average = new double[Length], buffer = new double[Length];
        float[] parameters = ToFloat(p);
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = Gradients(step);
            optimizer.Step(parameters, gradients);
            for (int i = 0; i < Length; i++)
            {
                double g = gradients[i] + (weightDecay * p[i]);
                square[i] = (alpha * square[i]) + ((1 - alpha) * g * g);
                double denominator;
                if (centered)
                {
                    average[i] = (alpha * average[i]) + ((1 - alpha) * g);
                    denominator = Math.Sqrt(square[i] - (average[i] * average[i])) + epsilon;
                }
                else
                {
                    denominator = Math.Sqrt(square[i]) + epsilon;
                }

                if (momentum > 0)
                {
                    buffer[i] = (momentum * buffer[i]) + (g / denominator);
                    p[i] -= lr * buffer[i];
                }
                else
                {
                    p[i] -= lr * g / denominator;
                }
            }
        }

        AssertClose(p, parameters);
    }

    [Theory]
    [InlineData(0.01, 0.0, 0.0, 0.0, 1e-10)]
    [InlineData(0.05, 0.1, 0.02, 0.1, 1e-8)]
    public void AdaGradFollowsPyTorchsRule(double lr, double lrDecay, double weightDecay, double initialAccumulator, double epsilon)
    {
        var optimizer = new AdaGrad(lr, lrDecay, weightDecay, initialAccumulator, epsilon);
        double[] p = Initial(), sum = new double[Length];
        Array.Fill(sum, initialAccumulator);
        float[] parameters = ToFloat(p);
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = Gradients(step);
            optimizer.Step(parameters, gradients);
            double clr = lr / (1 + ((step - 1) * lrDecay));
            for (int i = 0; i < Length; i++)
            {
                double g = gradients[i] + (weightDecay * p[i]);
                sum[i] += g * g;
                p[i] -= clr * g / (Math.Sqrt(sum[i]) + epsilon);
            }
        }

        AssertClose(p, parameters);
    }

    [Theory]
    [InlineData(2e-3, 0.9, 0.999, 1e-8, 0.0, 4e-3, false)]
    [InlineData(0.01, 0.85, 0.99, 1e-6, 0.05, 4e-3, false)]
    [InlineData(0.01, 0.85, 0.99, 1e-6, 0.05, 0.01, true)]
    public void NadamFollowsTheDocumentedRule(double lr, double beta1, double beta2, double epsilon, double weightDecay, double momentumDecay, bool decoupled)
    {
        var optimizer = new Nadam(lr, beta1, beta2, epsilon, weightDecay, momentumDecay, decoupled);
        double[] p = Initial(), m = new double[Length], v = new double[Length];
        float[] parameters = ToFloat(p);
        double muProduct = 1;
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = Gradients(step);
            optimizer.Step(parameters, gradients);
            double mu = beta1 * (1 - (0.5 * Math.Pow(0.96, step * momentumDecay)));
            double muNext = beta1 * (1 - (0.5 * Math.Pow(0.96, (step + 1) * momentumDecay)));
            muProduct *= mu;
            for (int i = 0; i < Length; i++)
            {
                double g = gradients[i];
                if (decoupled)
                {
                    p[i] *= 1 - (lr * weightDecay);
                }
                else
                {
                    g += weightDecay * p[i];
                }

                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                double denominator = Math.Sqrt(v[i] / (1 - Math.Pow(beta2, step))) + epsilon;
                p[i] -= lr * (1 - mu) / (1 - muProduct) * g / denominator;
                p[i] -= lr * muNext / (1 - (muProduct * muNext)) * m[i] / denominator;
            }
        }

        AssertClose(p, parameters);
    }

    [Theory]
    [InlineData(1e-4, 0.9, 0.99, 0.0)]
    [InlineData(3e-3, 0.95, 0.98, 0.5)]
    public void LionFollowsThePapersRule(double lr, double beta1, double beta2, double weightDecay)
    {
        var optimizer = new Lion(lr, beta1, beta2, weightDecay);
        double[] p = Initial(), m = new double[Length];
        float[] parameters = ToFloat(p);
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = Gradients(step);
            optimizer.Step(parameters, gradients);
            for (int i = 0; i < Length; i++)
            {
                p[i] *= 1 - (lr * weightDecay);
                p[i] -= lr * Math.Sign((beta1 * m[i]) + ((1 - beta1) * gradients[i]));
                m[i] = (beta2 * m[i]) + ((1 - beta2) * gradients[i]);
            }
        }

        AssertClose(p, parameters);
    }

    public static TheoryData<string> AllOptimizers => new() { "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "Lion" };

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void ParametersOutsideTheTrainableRangesAreUntouched(string name)
    {
        // Steps 1-3 update only [5, 12) and [20, 30); steps 4-5 update everything. As for a PyTorch parameter
        // whose gradient was None, the others keep their values, get no weight decay, and their own
        // step count starts when they are first updated: after five steps they equal a fresh optimizer's
        // two steps, and the ranges equal five steps of an optimizer that never skipped anything.
        IOptimizer ranged = Create(name), full = Create(name), late = Create(name);
        float[] parameters = ToFloat(Initial()), everyStep = ToFloat(Initial()), twoSteps = ToFloat(Initial());
        ParameterRange[] ranges = { new(5, 7), new(20, 10) };
        for (int step = 1; step <= Steps; step++)
        {
            float[] gradients = Gradients(step);
            if (step <= 3)
            {
                float[] before = (float[])parameters.Clone();
                ranged.Step(parameters, gradients, ranges);
                for (int i = 0; i < Length; i++)
                {
                    bool inside = (i >= 5 && i < 12) || (i >= 20 && i < 30);
                    Assert.True(inside || parameters[i] == before[i], $"{name}: parameter {i} outside the ranges changed at step {step}");
                }
            }
            else
            {
                ranged.Step(parameters, gradients);
                late.Step(twoSteps, gradients);
            }

            full.Step(everyStep, gradients);
        }

        for (int i = 0; i < Length; i++)
        {
            bool inside = (i >= 5 && i < 12) || (i >= 20 && i < 30);
            Assert.Equal(inside ? everyStep[i] : twoSteps[i], parameters[i]);
        }

        OptimizerState state = ranged.ExportState();
        Assert.Equal(new[] { 0, 5, 12, 20, 30 }, Array.ConvertAll(state.Segments.ToArray(), s => s.Offset));
        Assert.Equal(new long[] { 2, 5, 2, 5, 2 }, Array.ConvertAll(state.Segments.ToArray(), s => s.Step));
    }

    [Theory]
    [MemberData(nameof(AllOptimizers))]
    public void ExportedStateContinuesExactlyInAFreshOptimizer(string name)
    {
        IOptimizer original = Create(name), copy = Create(name);
        float[] parameters = ToFloat(Initial());
        for (int step = 1; step <= 3; step++)
        {
            original.Step(parameters, Gradients(step), new ParameterRange[] { new(0, 20) });
        }

        copy.ImportState(original.ExportState());
        float[] copied = (float[])parameters.Clone();
        for (int step = 4; step <= 6; step++)
        {
            original.Step(parameters, Gradients(step));
            copy.Step(copied, Gradients(step));
        }

        Assert.Equal(parameters, copied);
        Assert.Equal(original.StepCount, copy.StepCount);
    }

    [Fact]
    public void StateTravelsThroughAFileAndTheWrongFileIsRefused()
    {
        using var directory = new TempDirectory();
        string path = directory.File("adam.optimizer.safetensors");
        var adam = new Adam(0.01, amsgrad: true);
        float[] parameters = ToFloat(Initial());
        adam.Step(parameters, Gradients(1));
        adam.Step(parameters, Gradients(2), new ParameterRange[] { new(3, 4) });
        adam.SaveState(path);

        var loaded = new Adam(0.5, amsgrad: true);
        loaded.LoadState(path);
        Assert.Equal(0.01, loaded.LearningRate);
        float[] copy = (float[])parameters.Clone();
        adam.Step(parameters, Gradients(3));
        loaded.Step(copy, Gradients(3));
        Assert.Equal(parameters, copy);

        var sgd = new Sgd(0.1, momentum: 0.9);
        var wrongKind = Assert.Throws<System.IO.InvalidDataException>(() => sgd.LoadState(path));
        Assert.Contains(path, wrongKind.Message);
        Assert.Contains("The state is Adam's, but this optimizer is SGD", wrongKind.Message);

        var plainAdam = new Adam();
        Assert.Contains("'max_exp_avg_sq' buffer this optimizer does not keep", Assert.Throws<System.IO.InvalidDataException>(() => plainAdam.LoadState(path)).Message);

        var stepped = new Adam(amsgrad: true);
        stepped.Step(new float[5], new float[5]);
        float[] before = stepped.ExportState().Buffers[0].Value;
        Assert.Contains($"is for {Length} parameters, but this optimizer steps 5", Assert.Throws<System.IO.InvalidDataException>(() => stepped.LoadState(path)).Message);
        Assert.Equal(before, stepped.ExportState().Buffers[0].Value);

        byte[] bytes = System.IO.File.ReadAllBytes(path);
        System.IO.File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 8).ToArray());
        Assert.Contains(path, Assert.Throws<System.IO.InvalidDataException>(() => new Adam(amsgrad: true).LoadState(path)).Message);

        new Networks.DenseReluNet(seed: 1).Save(path);
        Assert.Contains("no 'optimizer.name' metadata", Assert.Throws<System.IO.InvalidDataException>(() => new Adam().LoadState(path)).Message);
    }

    [Fact]
    public void RangesMustBeOrderedAndInside()
    {
        var optimizer = new Sgd(0.1);
        var parameters = new float[10];
        Assert.Contains("ranges[1] is [3, 5)", Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, new float[10], new ParameterRange[] { new(2, 3), new(3, 2) })).Message);
        Assert.Contains("inside the 10 parameters", Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, new float[10], new ParameterRange[] { new(8, 3) })).Message);
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

    private static IOptimizer Create(string name) => name switch
    {
        "SGD" => new Sgd(0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true),
        "Adam" => new Adam(0.01, weightDecay: 0.01, amsgrad: true),
        "AdamW" => new AdamW(0.01),
        "RMSprop" => new RmsProp(0.01, momentum: 0.5, centered: true, weightDecay: 0.01),
        "Adagrad" => new AdaGrad(0.05, learningRateDecay: 0.1, weightDecay: 0.01),
        "NAdam" => new Nadam(0.01, weightDecay: 0.01),
        "Lion" => new Lion(1e-3, weightDecay: 0.1),
        _ => throw new ArgumentException(name),
    };

    private static float[] Scaled(float[] values, double factor) => Array.ConvertAll(values, v => (float)(v * factor));

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
