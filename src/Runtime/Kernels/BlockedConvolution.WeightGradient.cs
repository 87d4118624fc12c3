using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The weight gradient on the same tiles as the forward pass, the roles turned: a tile's lanes are filters, its six
/// places are taps instead of output positions, and its sum runs over output positions instead of over taps. Weight
/// (f, t) gathers the output gradient of filter f at every position times the input that tap t read there, so the
/// output gradient, laid out position by position a block of filters at a time, is what the forward pass's packed
/// weights are, and the table of where each step reads holds the positions' windows.
/// </summary>
internal static partial class BlockedConvolution
{
    /// <summary>
    /// <c>transposed[t * filters + f] = sum over k of gradient(f, k) * input[tapAt[t] + reads[k]]</c>, in order of k,
    /// for every tap t and filter f; overwrites. <paramref name="packedGradient"/> holds each block of filters'
    /// output gradient as <c>[steps][Block]</c>, the blocks one after the other, as <see cref="Prepare"/> packs weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumOverPositions(ReadOnlySpan<float> input, ReadOnlySpan<int> tapAt, ReadOnlySpan<float> packedGradient, ReadOnlySpan<int> reads, int filters, Span<float> transposed, SimdLevel simd)
    {
        int taps = tapAt.Length, steps = reads.Length;
        const string Name = "BlockedConvolution.SumOverPositions";
        KernelChecks.SizeAtLeast(taps, 1, "taps", Name);
        if (filters < Block || filters % Block != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, $"{Name}: the filters must fill blocks of {Block}.");
        }

        KernelChecks.AtLeast(packedGradient.Length, (long)filters * steps, nameof(packedGradient), Name);
        KernelChecks.AtLeast(transposed.Length, (long)filters * taps, nameof(transposed), Name);
        if (Furthest(tapAt) + (long)Furthest(reads) >= input.Length)
        {
            throw new ArgumentException($"{Name}: a tap reads the input at {Furthest(tapAt) + (long)Furthest(reads)}, past its {input.Length} values.", nameof(input));
        }

        switch (simd)
        {
            case SimdLevel.Vector512:
                SumOverPositions<Vector512<float>, Ops512>(input, tapAt, packedGradient, reads, filters, transposed);
                break;
            case SimdLevel.Vector256:
                SumOverPositions<Vector256<float>, Ops256>(input, tapAt, packedGradient, reads, filters, transposed);
                break;
            case SimdLevel.Scalar:
                SumOverPositions<float, OpsScalar>(input, tapAt, packedGradient, reads, filters, transposed);
                break;
            default:
                SumOverPositions<Vector128<float>, Ops128>(input, tapAt, packedGradient, reads, filters, transposed);
                break;
        }
    }

    /// <summary>The largest of <paramref name="offsets"/>, which must not be negative: a whole group's reads, so a vector at a time.</summary>
    private static int Furthest(ReadOnlySpan<int> offsets)
    {
        int furthest = 0, nearest = 0, i = 0;
        if (Vector256.IsHardwareAccelerated && offsets.Length >= Vector256<int>.Count)
        {
            ref int start = ref MemoryMarshal.GetReference(offsets);
            Vector256<int> most = Vector256<int>.Zero, least = Vector256<int>.Zero;
            for (; i <= offsets.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                Vector256<int> next = Vector256.LoadUnsafe(ref start, (nuint)i);
                most = Vector256.Max(most, next);
                least = Vector256.Min(least, next);
            }

            for (int lane = 0; lane < Vector256<int>.Count; lane++)
            {
                furthest = Math.Max(furthest, most.GetElement(lane));
                nearest = Math.Min(nearest, least.GetElement(lane));
            }
        }

        for (; i < offsets.Length; i++)
        {
            furthest = Math.Max(furthest, offsets[i]);
            nearest = Math.Min(nearest, offsets[i]);
        }

        return nearest < 0
            ? throw new ArgumentOutOfRangeException(nameof(offsets), nearest, "BlockedConvolution.SumOverPositions: an offset into the input is negative.")
            : furthest;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumOverPositions<TVector, TOps>(ReadOnlySpan<float> input, ReadOnlySpan<int> tapAt, ReadOnlySpan<float> packedGradient, ReadOnlySpan<int> reads, int filters, Span<float> transposed)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        int taps = tapAt.Length, steps = reads.Length;
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(transposed);
        ref float packed = ref MemoryMarshal.GetReference(packedGradient);
        ref int at = ref MemoryMarshal.GetReference(reads);
        Span<int> inputAt = stackalloc int[TilePositions];
        Span<int> outputAt = stackalloc int[TilePositions];
        for (int first = 0; first < filters; first += 2 * TOps.Count)
        {
            bool pair = first + TOps.Count < filters;
            int second = pair ? first + TOps.Count : first;
            ref float gradientA = ref Unsafe.Add(ref packed, PackedAt(first, steps));
            ref float gradientB = ref Unsafe.Add(ref packed, PackedAt(second, steps));

            // No bias: each sum starts at zero. A tap's filters are its row of the transposed gradient.
            var finish = new Epilogue<TVector, TOps, Unchanged>(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, first, second, first, second);
            for (int tap = 0; tap < taps; tap += TilePositions)
            {
                // The last tile repeats its last tap to be whole, as the forward pass's last positions.
                int count = Math.Min(TilePositions, taps - tap);
                for (int i = 0; i < TilePositions; i++)
                {
                    int t = tap + Math.Min(i, count - 1);
                    inputAt[i] = tapAt[t];
                    outputAt[i] = t * filters;
                }

                if (pair)
                {
                    SumPair(in finish, ref x, inputAt, ref gradientA, ref gradientB, ref at, steps, ref y, outputAt, count);
                }
                else
                {
                    SumSingle(in finish, ref x, inputAt, ref gradientA, ref at, steps, ref y, outputAt, count);
                }
            }
        }
    }
}
