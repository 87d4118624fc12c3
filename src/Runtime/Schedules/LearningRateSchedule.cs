using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>When a schedule advances: once per epoch (PyTorch's usual <c>scheduler.step()</c> after each epoch) or once per optimizer step.</summary>
public enum ScheduleInterval
{
    /// <summary>The position is the number of epochs completed: every step of an epoch has the same learning rate.</summary>
    Epoch,

    /// <summary>The position is the number of optimizer steps taken, over the whole run.</summary>
    Step,
}

/// <summary>
/// A learning-rate schedule with PyTorch's semantics: the learning rate at position <c>t</c> (epochs
/// completed or steps taken, from 0), as a function of the optimizer's initial learning rate. The
/// trainer sets <see cref="IOptimizer.LearningRate"/> from it before every step; the value for the
/// first epoch or step is the schedule's value at 0, as after PyTorch's constructor.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>Creates a schedule that advances per <paramref name="interval"/>.</summary>
    protected LearningRateSchedule(ScheduleInterval interval) => Interval = interval;

    /// <summary>Whether the position counts epochs or steps.</summary>
    public ScheduleInterval Interval { get; }

    /// <summary>The number of positions the schedule is defined for (<see cref="OneCycleLR"/>), or <see langword="null"/> for any number.</summary>
    public virtual long? Length => null;

    /// <summary>The learning rate at position <paramref name="t"/>, from the optimizer's learning rate when training started.</summary>
    public abstract double LearningRate(long t, double initialLearningRate);

    /// <summary>The momentum (or Adam's <c>beta1</c>) at position <paramref name="t"/>, for schedules that cycle it; <see langword="null"/> otherwise.</summary>
    public virtual double? Momentum(long t) => null;

    /// <summary>Sets the schedule back to its state before training, at the start of a run.</summary>
    public virtual void Reset()
    {
    }

    /// <summary>
    /// Called after each epoch's metrics are known, with the position after the epoch. Schedules that
    /// react to a metric (<see cref="ReduceLROnPlateau"/>) update here; the new rate applies from the next epoch.
    /// </summary>
    public virtual void EpochCompleted(EpochMetrics metrics, long position)
    {
    }

    /// <summary>Checks, before training, that the schedule can run with the trainer's settings; throws naming the problem.</summary>
    public virtual void Validate(bool hasValidation, IOptimizer optimizer)
    {
    }

    /// <summary>Writes the schedule's mutable state for a checkpoint, under keys starting with <paramref name="prefix"/>. Stateless schedules write nothing.</summary>
    public virtual void WriteState(IDictionary<string, string> state, string prefix)
    {
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote; throws <see cref="FormatException"/> naming a missing or bad key.</summary>
    public virtual void ReadState(IReadOnlyDictionary<string, string> state, string prefix)
    {
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite number at least <paramref name="min"/>.</summary>
    private protected static void CheckAtLeast(double value, double min, string argument)
    {
        if (!(value >= min) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(argument, value, $"{argument} must be a finite number of at least {min}.");
        }
    }
}
