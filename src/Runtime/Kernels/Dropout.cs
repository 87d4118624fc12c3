using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// Inverted dropout in training: each value is kept with probability <c>1 - rate</c> and scaled by
/// <c>1 / (1 - rate)</c>, or zeroed. Value j of sample s is kept when its 24 random bits,
/// <see cref="DropoutMask.Bits"/>(key, s * features + j), are at least <c>round(rate * 2^24)</c>; backward
/// recomputes the same mask from the same key, and a slice of the batch starting at sample
/// <c>firstSample</c> draws exactly what the whole batch draws for those samples. In inference dropout
/// is the identity, and this is not called.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dropout
{
    private const string ForwardName = "Dropout.Forward";
    private const string BackwardName = "Dropout.Backward";

    /// <summary><c>y = kept ? x * scale : 0</c> for the <paramref name="batchSize"/> samples from <paramref name="firstSample"/> on.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, ulong key, int firstSample, int batchSize, int features, double rate) =>
        Apply(x, y, key, firstSample, batchSize, features, rate, ForwardName, nameof(x), nameof(y));

    /// <summary><c>inputGradient = kept ? outputGradient * scale : 0</c>, through the mask <see cref="Forward"/> drew with the same key. Overwrites.</summary>
    public static void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ulong key, int firstSample, int batchSize, int features, double rate) =>
        Apply(outputGradient, inputGradient, key, firstSample, batchSize, features, rate, BackwardName, nameof(outputGradient), nameof(inputGradient));

    /// <summary>A value is kept when its 24 random bits are at least this.</summary>
    private static uint Threshold(double rate) => (uint)Math.Round(rate * (1 << 24));

    /// <summary>What a kept value is multiplied by, rounded to float once.</summary>
    private static float Scale(double rate) => (float)(1.0 / (1.0 - rate));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply(ReadOnlySpan<float> source, Span<float> target, ulong key, int firstSample, int batchSize, int features, double rate, string kernel, string sourceName, string targetName)
    {
        KernelChecks.SizeAtLeast(firstSample, 0, nameof(firstSample), kernel);
        KernelChecks.SizeAtLeast(batchSize, 0, nameof(batchSize), kernel);
        KernelChecks.SizeAtLeast(features, 1, nameof(features), kernel);
        if (!(rate >= 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"{kernel}: the rate is a probability below 1.");
        }

        KernelChecks.AtLeast(source.Length, (long)batchSize * features, sourceName, kernel);
        KernelChecks.AtLeast(target.Length, (long)batchSize * features, targetName, kernel);
        uint threshold = Threshold(rate);
        float scale = Scale(rate);
        ref float from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(target);
        for (int b = 0; b < batchSize; b++)
        {
            // The mask of value j of sample s is a function of (key, s * features + j) alone.
            long start = (long)(firstSample + b) * features;
            for (int j = 0, i = b * features; j < features; j++, i++)
            {
                // Kept where the bits reach the threshold: the scaled value's bits and'ed with all ones, else with
                // zero (+0), whatever the value. A comparison and a branch would go the random way a third of the
                // time and cost more than the hash.
                int keep = (int)((DropoutMask.Bits(key, start + j) - threshold) >> 31) - 1;
                Unsafe.Add(ref to, i) = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(Unsafe.Add(ref from, i) * scale) & keep);
            }
        }
    }
}
