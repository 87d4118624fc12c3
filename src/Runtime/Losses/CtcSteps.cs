using System;
using StaticNet.Kernels;

namespace StaticNet;

/// <summary>
/// What the CTC loss and the CTC decoders share: where step <c>t</c>'s score of class <c>c</c> lies in
/// one sample's outputs for each <see cref="CtcLayout"/>, the log-softmax normaliser of a step, and
/// addition in log space. All in double: a sum over the steps of log-probabilities reaches hundreds,
/// where float's spacing (3e-5 at 500) would be the error of every probability derived from it.
/// </summary>
internal static class CtcSteps
{
    /// <summary>The checks of a CTC shape, the same for the loss and the decoders.</summary>
    public static void CheckShape(int steps, int classes, CtcLayout layout, int blank)
    {
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "CTC needs at least 1 output step per sample.");
        }

        if (classes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "CTC needs at least 2 classes: the blank and a label.");
        }

        if (layout is not (CtcLayout.StepMajor or CtcLayout.ClassMajor))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "The layout must be StepMajor or ClassMajor.");
        }

        if ((uint)blank >= (uint)classes)
        {
            throw new ArgumentOutOfRangeException(nameof(blank), blank, $"The blank must be one of the {classes} classes (0 to {classes - 1}).");
        }
    }

    /// <summary>The index of step <paramref name="step"/>'s score of class <paramref name="label"/> in one sample's <c>steps * classes</c> outputs.</summary>
    public static int Index(CtcLayout layout, int steps, int classes, int step, int label) =>
        layout == CtcLayout.StepMajor ? (step * classes) + label : (label * steps) + step;

    /// <summary>
    /// <c>log(sum over c of exp(x[step, c]))</c>, after subtracting the step's largest score so that no
    /// <c>exp</c> overflows: what a step's logits are shifted by to become log-probabilities.
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<float> sample, CtcLayout layout, int steps, int classes, int step)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            max = Math.Max(max, sample[Index(layout, steps, classes, step, c)]);
        }

        if (double.IsInfinity(max))
        {
            // All minus infinity (probability 0 everywhere), or one plus infinity: exp(x - max) would be NaN.
            return max;
        }

        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            sum += Math.Exp(sample[Index(layout, steps, classes, step, c)] - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary><c>log(exp(a) + exp(b))</c>, exact when either is minus infinity (a probability of 0).</summary>
    public static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double max = Math.Max(a, b);
        return max + Activations.LogOnePlus(Math.Exp(-Math.Abs(a - b)));
    }
}
