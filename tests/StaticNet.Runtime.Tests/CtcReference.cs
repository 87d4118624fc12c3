using System;
using System.Collections.Generic;
using System.Linq;

namespace StaticNet.Tests;

/// <summary>
/// CTC by brute force, in double, for the tests: every alignment of every step's classes is enumerated,
/// collapsed (repeats merged, blanks dropped) and its probability added to its labelling's. Exponential
/// in the steps, so only for a handful of steps and classes; independent of the recursions under test.
/// </summary>
internal static class CtcReference
{
    /// <summary>The probability of every labelling, keyed by its labels joined with commas ("" for the empty one).</summary>
    public static Dictionary<string, double> Labellings(Func<int, int, double> logProbability, int steps, int classes, int blank)
    {
        var probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
        var path = new int[steps];
        long count = (long)Math.Pow(classes, steps);
        for (long index = 0; index < count; index++)
        {
            long rest = index;
            double logPath = 0;
            for (int t = 0; t < steps; t++)
            {
                path[t] = (int)(rest % classes);
                rest /= classes;
                logPath += logProbability(t, path[t]);
            }

            string key = string.Join(",", Collapse(path, blank));
            probabilities[key] = probabilities.GetValueOrDefault(key) + Math.Exp(logPath);
        }

        return probabilities;
    }

    /// <summary>An alignment's labelling: repeats merged, then blanks dropped.</summary>
    public static IEnumerable<int> Collapse(IReadOnlyList<int> path, int blank)
    {
        for (int t = 0; t < path.Count; t++)
        {
            if (path[t] != blank && (t == 0 || path[t] != path[t - 1]))
            {
                yield return path[t];
            }
        }
    }

    /// <summary><c>-log p(target)</c> over the first <paramref name="steps"/> steps; infinite when no alignment spells it.</summary>
    public static double Loss(Func<int, int, double> logProbability, int steps, int classes, int blank, IEnumerable<int> target) =>
        -Math.Log(Labellings(logProbability, steps, classes, blank).GetValueOrDefault(string.Join(",", target)));

    /// <summary>
    /// <see cref="Loss"/> for one target, without keeping every labelling: each alignment is collapsed as it
    /// is enumerated and its probability added when it spells <paramref name="target"/>. Fast enough for
    /// a few dozen samples of 8 steps and 4 classes.
    /// </summary>
    public static double TargetLoss(Func<int, int, double> logProbability, int steps, int classes, int blank, IReadOnlyList<int> target)
    {
        var table = new double[steps, classes];
        for (int t = 0; t < steps; t++)
        {
            for (int c = 0; c < classes; c++)
            {
                table[t, c] = logProbability(t, c);
            }
        }

        var path = new int[steps];
        double probability = 0;
        long count = (long)Math.Pow(classes, steps);
        for (long index = 0; index < count; index++)
        {
            long rest = index;
            double logPath = 0;
            int spelled = 0, previous = blank;
            bool matches = true;
            for (int t = 0; t < steps; t++)
            {
                path[t] = (int)(rest % classes);
                rest /= classes;
                logPath += table[t, path[t]];
                if (path[t] != blank && path[t] != previous)
                {
                    matches &= spelled < target.Count && target[spelled] == path[t];
                    spelled++;
                }

                previous = path[t];
            }

            if (matches && spelled == target.Count)
            {
                probability += Math.Exp(logPath);
            }
        }

        return -Math.Log(probability);
    }

    /// <summary>Log-softmax of each step's scores, read from <paramref name="sample"/> as <paramref name="layout"/> says.</summary>
    public static Func<int, int, double> LogSoftmax(double[] sample, int steps, int classes, CtcLayout layout) => (t, c) =>
    {
        double[] row = Enumerable.Range(0, classes).Select(k => sample[Index(layout, steps, classes, t, k)]).ToArray();
        double max = row.Max();
        return row[c] - max - Math.Log(row.Sum(v => Math.Exp(v - max)));
    };

    /// <summary>The scores of <paramref name="sample"/> taken as log-probabilities as they are.</summary>
    public static Func<int, int, double> AsIs(double[] sample, int steps, int classes, CtcLayout layout) =>
        (t, c) => sample[Index(layout, steps, classes, t, c)];

    public static int Index(CtcLayout layout, int steps, int classes, int step, int label) =>
        layout == CtcLayout.StepMajor ? (step * classes) + label : (label * steps) + step;

    /// <summary>Step-major scores rewritten class-major: x[t, c] moves to x[c, t].</summary>
    public static float[] ToClassMajor(float[] stepMajor, int steps, int classes)
    {
        var classMajor = new float[stepMajor.Length];
        int sample = steps * classes;
        for (int b = 0; b < stepMajor.Length / sample; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int c = 0; c < classes; c++)
                {
                    classMajor[(b * sample) + (c * steps) + t] = stepMajor[(b * sample) + (t * classes) + c];
                }
            }
        }

        return classMajor;
    }
}
