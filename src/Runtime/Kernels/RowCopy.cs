using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// Copies of short rows (a 28-value image row, a 10-value output row) between padded and compact
/// planes. <see cref="Span{T}.CopyTo"/> costs a call and a length dispatch per row, which for rows this
/// short is most of the copy; here a row is a few vector moves, the last one overlapping the one before.
/// </summary>
internal static class RowCopy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ReadOnlySpan<float> source, Span<float> destination)
    {
        int length = source.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"A row of {length} values does not fit in {destination.Length}.", nameof(destination));
        }

        ref float from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
        {
            Copy<Vector512<float>, Ops512>(ref from, ref to, length);
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            Copy<Vector256<float>, Ops256>(ref from, ref to, length);
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            Copy<Vector128<float>, Ops128>(ref from, ref to, length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
            }
        }
    }

    /// <summary>Whole vectors, then one more ending at the row's end (overlapping the last): needs length &gt;= one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<TVector, TOps>(ref float from, ref float to, int length)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int last = length - TOps.Count;
        for (int i = 0; i < last; i += TOps.Count)
        {
            TOps.Store(TOps.Load(ref from, i), ref to, i);
        }

        TOps.Store(TOps.Load(ref from, last), ref to, last);
    }
}
