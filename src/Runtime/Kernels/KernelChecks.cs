using System;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The argument checks the layer kernels start with, so that a call whose spans do not match its sizes
/// fails with the kernel, the span and both lengths named, rather than reading or writing out of range.
/// The kernel's name is a constant and the message is built only on failure: a check costs a compare.
/// </summary>
internal static class KernelChecks
{
    /// <summary>Throws unless <paramref name="span"/> holds at least <paramref name="needed"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AtLeast(int length, long needed, string span, string kernel)
    {
        if (length < needed)
        {
            throw new ArgumentException($"{kernel}: {span} holds {length} values, but its sizes need {needed}.", span);
        }
    }

    /// <summary>Throws unless <paramref name="span"/> is empty or holds at least <paramref name="needed"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EmptyOrAtLeast(int length, long needed, string span, string kernel)
    {
        if (length != 0 && length < needed)
        {
            throw new ArgumentException($"{kernel}: {span} holds {length} values; it must be empty or hold at least {needed}.", span);
        }
    }

    /// <summary>Throws unless <paramref name="span"/> holds exactly as many values as <paramref name="other"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SameLength(int length, int otherLength, string span, string other, string kernel)
    {
        if (length != otherLength)
        {
            throw new ArgumentException($"{kernel}: {span} holds {length} values, but {other} holds {otherLength}; they must be equally long.", span);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is at least <paramref name="minimum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SizeAtLeast(int value, int minimum, string size, string kernel)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(size, value, $"{kernel}: {size} is {value}, but must be at least {minimum}.");
        }
    }
}
