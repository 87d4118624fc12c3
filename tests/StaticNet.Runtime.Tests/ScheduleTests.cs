using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// Each schedule against PyTorch's documented formula for it, written out here independently, over
/// enough positions to pass decays, restarts and phase ends. (The formulas were also checked against
/// PyTorch 1.13's schedulers, which agree to 1e-16.)
/// </summary>
public class ScheduleTests
{
    private const double Lr0 = 0.1;
    private const int Positions = 40;

    [Fact]
    public void StepLRDecaysEveryStepSize()
    {
        var schedule = new StepLR(stepSize: 7, gamma: 0.5);
        AssertSchedule(schedule, t => Lr0 * Math.Pow(0.5, Math.Floor(t / 7.0)));
        Assert.Equal(Lr0 * 0.5, schedule.LearningRate(7, Lr0), 15);
        Assert.Equal(Lr0, schedule.LearningRate(6, Lr0), 15);
    }

    [Fact]
    public void MultiStepLRDecaysAtEachMilestone()
    {
        int[] milestones = { 3, 10, 11, 25 };
        AssertSchedule(new MultiStepLR(milestones, gamma: 0.3), t => Lr0 * Math.Pow(0.3, milestones.Count(m => m <= t)));
        Assert.Throws<ArgumentException>(() => new MultiStepLR(new[] { 5, 5 }));
    }

    [Fact]
    public void ExponentialLRMultipliesEveryPosition() =>
        AssertSchedule(new ExponentialLR(0.93), t => Lr0 * Math.Pow(0.93, t));

    [Fact]
    public void CosineAnnealingFollowsTheClosedForm()
    {
        var schedule = new CosineAnnealingLR(tMax: 12, etaMin: 0.001);
        AssertSchedule(schedule, t => 0.001 + ((Lr0 - 0.001) * (1 + Math.Cos(Math.PI * t / 12)) / 2));
        Assert.Equal(0.001, schedule.LearningRate(12, Lr0), 15);
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    public void WarmRestartsRestartAtTheEndOfEachPeriod(int t0, int tMult)
    {
        // Periods of t0, t0 * tMult, t0 * tMult^2, ...: T_cur counts positions within the current one.
        var restarts = new List<int>();
        long start = 0, period = t0;
        while (start < Positions)
        {
            restarts.Add((int)start);
            start += period;
            period *= tMult;
        }

        double Expected(int t)
        {
            int begin = restarts.Last(r => r <= t);
            double length = t0 * Math.Pow(tMult, restarts.IndexOf(begin));
            return 0.002 + ((Lr0 - 0.002) * (1 + Math.Cos(Math.PI * (t - begin) / length)) / 2);
        }

        var schedule = new CosineAnnealingWarmRestarts(t0, tMult, etaMin: 0.002);
        AssertSchedule(schedule, Expected);
        Assert.All(restarts, r => Assert.Equal(Lr0, schedule.LearningRate(r, Lr0), 15));
    }

    [Fact]
    public void LinearWarmupRunsBeforeTheNextScheduleWhichStartsAfterIt()
    {
        // SequentialLR([LinearLR(start_factor=0.1, total_iters=5), StepLR(4, 0.5)], milestones=[5]).
        var schedule = new LinearWarmup(5, new StepLR(4, 0.5), startFactor: 0.1);
        AssertSchedule(schedule, t => t < 5 ? Lr0 * (0.1 + (0.9 * t / 5)) : Lr0 * Math.Pow(0.5, Math.Floor((t - 5) / 4.0)));
        Assert.Equal(ScheduleInterval.Epoch, schedule.Interval);
        Assert.Equal(Lr0, new LinearWarmup(3).LearningRate(30, Lr0));
    }

    [Theory]
    [InlineData(false, AnnealStrategy.Cos)]
    [InlineData(true, AnnealStrategy.Cos)]
    [InlineData(false, AnnealStrategy.Linear)]
    public void OneCycleFollowsItsPhases(bool threePhase, AnnealStrategy anneal)
    {
        const double maxLr = 0.5;
        const int total = 37;
        double initial = maxLr / 25, minimum = initial / 1e4;
        var phases = threePhase
            ? new[] { ((0.3 * total) - 1, initial, maxLr, 0.95, 0.85), ((2 * 0.3 * total) - 2, maxLr, initial, 0.85, 0.95), (total - 1.0, initial, minimum, 0.95, 0.95) }
            : new[] { ((0.3 * total) - 1, initial, maxLr, 0.95, 0.85), (total - 1.0, maxLr, minimum, 0.85, 0.95) };
        double Interpolate(double start, double end, double pct) => anneal == AnnealStrategy.Cos
            ? end + ((start - end) / 2 * (Math.Cos(Math.PI * pct) + 1))
            : start + ((end - start) * pct);
        (double Lr, double Momentum) Expected(int t)
        {
            double begin = 0;
            for (int i = 0; i < phases.Length; i++)
            {
                (double end, double lrStart, double lrEnd, double momentumStart, double momentumEnd) = phases[i];
                if (t <= end || i == phases.Length - 1)
                {
                    double pct = (t - begin) / (end - begin);
                    return (Interpolate(lrStart, lrEnd, pct), Interpolate(momentumStart, momentumEnd, pct));
                }

                begin = end;
            }

            throw new InvalidOperationException();
        }

        var schedule = new OneCycleLR(maxLr, total, threePhase: threePhase, annealStrategy: anneal);
        for (int t = 0; t < total; t++)
        {
            Assert.Equal(Expected(t).Lr, schedule.LearningRate(t, 123.0), 15);
            Assert.Equal(Expected(t).Momentum, schedule.Momentum(t)!.Value, 15);
        }

        Assert.Equal(initial, schedule.LearningRate(0, 1), 15);
        Assert.Equal(minimum, schedule.LearningRate(total - 1, 1), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.LearningRate(total + 1, 1));
    }

    [Fact]
    public void ReduceLROnPlateauCutsTheRateAfterPatienceRunsOut()
    {
        // PyTorch's rule, applied by hand to this sequence of validation losses (factor 0.5, patience 2,
        // relative threshold 0.01, cooldown 1, min_lr 0.01): improvements at epochs 1, 2, 9, 16; the rate
        // halves after the third bad epoch in a row at epochs 5, 12 and 19 (PyTorch 1.13 prints the same).
        double[] losses = { 1.0, 0.9, 0.95, 0.91, 0.9, 0.92, 0.93, 0.94, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7 };
        double[] expected = { 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125 };
        var schedule = new ReduceLROnPlateau(factor: 0.5, patience: 2, threshold: 0.01, cooldown: 1, minLearningRate: 0.01);
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            Assert.Equal(expected[epoch], schedule.LearningRate(epoch, Lr0), 15);
            schedule.EpochCompleted(new EpochMetrics { Epoch = epoch + 1, ValidationLoss = losses[epoch], LearningRate = schedule.LearningRate(epoch, Lr0) }, epoch + 1);
        }

        var copy = new ReduceLROnPlateau(factor: 0.5, patience: 2, threshold: 0.01, cooldown: 1, minLearningRate: 0.01);
        var state = new Dictionary<string, string>();
        schedule.WriteState(state, "s.");
        copy.ReadState(state, "s.");
        Assert.Equal(schedule.LearningRate(0, Lr0), copy.LearningRate(0, Lr0));
        Assert.Equal(schedule.BadEpochs, copy.BadEpochs);
        Assert.Equal(schedule.Best, copy.Best);
    }

    [Fact]
    public void ReduceLROnPlateauNeverGoesBelowItsMinimumAndWatchesMaxMetricsUpward()
    {
        var schedule = new ReduceLROnPlateau(MonitoredMetric.ValidationAccuracy, factor: 0.1, patience: 0, minLearningRate: 0.004);
        double[] accuracies = { 0.5, 0.6, 0.6, 0.55, 0.7, 0.7 };
        double[] expected = { 0.1, 0.1, 0.1, 0.01, 0.004, 0.004 };
        for (int epoch = 0; epoch < accuracies.Length; epoch++)
        {
            Assert.Equal(expected[epoch], schedule.LearningRate(epoch, Lr0), 15);
            schedule.EpochCompleted(new EpochMetrics { Epoch = epoch + 1, ValidationAccuracy = accuracies[epoch], LearningRate = expected[epoch] }, epoch + 1);
        }
    }

    [Fact]
    public void TheTrainerSetsTheRatePerEpochOrPerStepAndCyclesMomentum()
    {
        Dataset data = TrainerTests.Blobs(96, 1);
        var optimizer = new Sgd(0.2, momentum: 0.9);
        var perEpoch = new Trainer<DenseReluNetFour>(new DenseReluNetFour(batchCapacity: 16), optimizer, Losses.SoftmaxCrossEntropy)
        {
            BatchSize = 16, Epochs = 6, Schedule = new LinearWarmup(2, new StepLR(2, 0.5), startFactor: 0.5),
        };
        History history = perEpoch.Fit(data);
        Assert.Equal(new[] { 0.1, 0.15, 0.2, 0.2, 0.1, 0.1 }, history.Epochs.Select(e => Math.Round(e.LearningRate, 12)));

        var recorder = new StepRecorder();
        var sgd = new Sgd(0.2, momentum: 0.9);
        var oneCycle = new OneCycleLR(0.4, totalSteps: 18);
        var perStep = new Trainer<DenseReluNetFour>(new DenseReluNetFour(batchCapacity: 16), sgd, Losses.SoftmaxCrossEntropy)
        {
            BatchSize = 16, Epochs = 3, Schedule = oneCycle, Callbacks = { recorder },
        };
        perStep.Fit(data);
        Assert.Equal(18, recorder.Rates.Count);
        for (int t = 0; t < 18; t++)
        {
            Assert.Equal(oneCycle.LearningRate(t, 0), recorder.Rates[t]);
            Assert.Equal(oneCycle.Momentum(t)!.Value, recorder.Momenta[t]);
        }

        perStep.Epochs = 4;
        Assert.Contains("defined for 18 steps, but 4 epochs of 6 batches need 24", Assert.Throws<ArgumentException>(() => perStep.Fit(data)).Message);
        var adagrad = new Trainer<DenseReluNetFour>(new DenseReluNetFour(batchCapacity: 16), new AdaGrad(), Losses.SoftmaxCrossEntropy) { BatchSize = 16, Epochs = 1, Schedule = new OneCycleLR(0.1, 6) };
        Assert.Contains("Adagrad has no momentum", Assert.Throws<ArgumentException>(() => adagrad.Fit(data)).Message);
    }

    private sealed class StepRecorder : ITrainingCallback
    {
        public List<double> Rates { get; } = new();

        public List<double> Momenta { get; } = new();

        public void BatchCompleted(TrainingContext context, in BatchMetrics batch)
        {
            Rates.Add(batch.LearningRate);
            Momenta.Add(((IMomentumOptimizer)context.Optimizer).Momentum);
        }
    }

    private static void AssertSchedule(LearningRateSchedule schedule, Func<int, double> expected)
    {
        for (int t = 0; t < Positions; t++)
        {
            double actual = schedule.LearningRate(t, Lr0);
            Assert.True(Math.Abs(actual - expected(t)) <= 1e-15, $"position {t}: expected {expected(t):R}, got {actual:R}");
        }
    }
}
