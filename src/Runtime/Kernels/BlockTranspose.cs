using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Kernels;

/// <summary>
/// Matrix transposes between planes and blocked channels: a block of filters' weights packed step by step, a
/// blocked tensor's positions back into channel planes, an output gradient's planes into positions of a block. Each
/// is a copy, so every level gives the same values; the vector form moves 8x8 squares with 256-bit shuffles, where a
/// scalar loop would spend a load and a store of a single float on each value.
/// </summary>
internal static class BlockTranspose
{
    /// <summary>
    /// <c>target[c * targetStride + r] = source[r * sourceStride + c]</c> for every row <c>r</c> below
    /// <paramref name="rows"/> and column <c>c</c> below <paramref name="columns"/>: the rows of the source become the
    /// columns of the target. The two must not overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(ReadOnlySpan<float> source, int sourceStride, Span<float> target, int targetStride, int rows, int columns)
    {
        if (rows <= 0 || columns <= 0)
        {
            return;
        }

        if (sourceStride < columns || targetStride < rows
            || source.Length < ((long)(rows - 1) * sourceStride) + columns
            || target.Length < ((long)(columns - 1) * targetStride) + rows)
        {
            throw new ArgumentException($"BlockTranspose.Transpose: {rows}x{columns} values, {sourceStride} apart in a source of {source.Length} and {targetStride} apart in a target of {target.Length}, do not fit.", nameof(target));
        }

        ref float from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(target);
        if (Avx.IsSupported && rows >= 8 && columns >= 8)
        {
            // Squares cover everything: the last row and column of squares start 8 before the end, overlapping the ones
            // before them where the sizes are not multiples of 8, and write those values twice rather than one by one.
            for (int nextRow = 0; nextRow < rows; nextRow += 8)
            {
                int r = Math.Min(nextRow, rows - 8);
                for (int nextColumn = 0; nextColumn < columns; nextColumn += 8)
                {
                    int c = Math.Min(nextColumn, columns - 8);
                    Square(ref Unsafe.Add(ref from, ((nint)r * sourceStride) + c), sourceStride, ref Unsafe.Add(ref to, ((nint)c * targetStride) + r), targetStride);
                }
            }

            return;
        }

        // Without squares (fewer than 8 rows or columns, or no AVX), value by value.
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Unsafe.Add(ref to, ((nint)c * targetStride) + r) = Unsafe.Add(ref from, ((nint)r * sourceStride) + c);
            }
        }
    }

    /// <summary>Writes the columns of the 8x8 square whose rows start at <paramref name="source"/>, <paramref name="sourceStride"/> apart, as rows <paramref name="targetStride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Square(ref float source, int sourceStride, ref float target, int targetStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source), r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, sourceStride));
        Vector256<float> r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 2 * sourceStride)), r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 4 * sourceStride)), r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 6 * sourceStride)), r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 7 * sourceStride));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref target);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref target, targetStride));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref target, 2 * targetStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref target, 3 * targetStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 4 * targetStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 5 * targetStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 6 * targetStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref target, 7 * targetStride));
    }
}
