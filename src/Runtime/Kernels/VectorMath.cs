using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>Element-wise kernels and reductions the vectorised paths of generated layers call: activations, sums, residual additions, bias gradients.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VectorMath
{
    /// <summary><c>target[i] += source[i]</c>.</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> target, SimdLevel simd) =>
        Apply<AddOp>(source, source, target, simd);

    /// <summary>
    /// <c>sum[i] = x[i] + y[i]</c> over three equally long buffers: a residual connection. Vectorised at the
    /// vector levels, one value at a time at <see cref="SimdLevel.Scalar"/>; the results are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> sum, SimdLevel simd)
    {
        KernelChecks.SameLength(y.Length, x.Length, nameof(y), nameof(x), "VectorMath.Add");
        KernelChecks.SameLength(sum.Length, x.Length, nameof(sum), nameof(x), "VectorMath.Add");
        if (simd != SimdLevel.Scalar)
        {
            Apply<SumOp>(x, y, sum, simd);
            return;
        }

        for (int i = 0; i < x.Length; i++)
        {
            sum[i] = x[i] + y[i];
        }
    }

    /// <summary>
    /// <c>sum[i] = max(x[i] + y[i], 0)</c>: a residual connection and the ReLU after it in one pass over the buffers, the
    /// same values as <see cref="Add(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, SimdLevel)"/> then <see cref="Relu"/>.
    /// </summary>
    public static void AddRelu(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> sum, SimdLevel simd)
    {
        KernelChecks.SameLength(y.Length, x.Length, nameof(y), nameof(x), "VectorMath.AddRelu");
        KernelChecks.SameLength(sum.Length, x.Length, nameof(sum), nameof(x), "VectorMath.AddRelu");
        Apply<SumReluOp>(x, y, sum, simd);
    }

    /// <summary><c>y = max(x, 0)</c>.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y, SimdLevel simd) =>
        Apply<ReluOp>(x, x, y, simd);

    /// <summary><c>y = 1 / (1 + exp(-x))</c>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => System.Numerics.Tensors.TensorPrimitives.Sigmoid(x, y);

    /// <summary><c>y = tanh(x)</c>.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => System.Numerics.Tensors.TensorPrimitives.Tanh(x, y);

    /// <summary><c>dx = y &gt; 0 ? dy : 0</c>, from the saved output.</summary>
    public static void ReluBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx, SimdLevel simd) =>
        Apply<ReluBackwardOp>(dy, y, dx, simd);

    /// <summary><c>dx = dy * y * (1 - y)</c>, the sigmoid's derivative from its saved output.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx, SimdLevel simd) =>
        Apply<SigmoidBackwardOp>(dy, y, dx, simd);

    /// <summary><c>dx = dy * (1 - y^2)</c>, the hyperbolic tangent's derivative from its saved output.</summary>
    public static void TanhBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx, SimdLevel simd) =>
        Apply<TanhBackwardOp>(dy, y, dx, simd);

    /// <summary>
    /// <c>sums[r % period] += sum over j of matrix[r, j]</c> for a row-major <paramref name="rows"/> x
    /// <paramref name="columns"/> matrix: a convolution's bias gradient, the rows being every sample's
    /// channels and <paramref name="period"/> the number of channels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRowSums(ReadOnlySpan<float> matrix, Span<float> sums, int rows, int columns, int period, SimdLevel simd)
    {
        for (int r = 0; r < rows; r++)
        {
            sums[r % period] += Sum(matrix.Slice(r * columns, columns), simd);
        }
    }

    /// <summary><c>sums[j] += sum over r of matrix[r, j]</c>: a dense layer's bias gradient over a batch.</summary>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, Span<float> sums, int rows, int columns, SimdLevel simd) =>
        AddColumnSums(matrix, sums, rows, columns, columns, simd);

    /// <summary>
    /// <c>sums[j] += sum over r of matrix[r * rowStride + j]</c> for <c>j</c> below <paramref name="columns"/>:
    /// the bias gradient of a run of a dense layer's outputs, read from the batch's rows of all of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddColumnSums(ReadOnlySpan<float> matrix, Span<float> sums, int rows, int columns, int rowStride, SimdLevel simd)
    {
        for (int r = 0; r < rows; r++)
        {
            Add(matrix.Slice(r * rowStride, columns), sums.Slice(0, columns), simd);
        }
    }

    /// <summary>The sum of <paramref name="values"/>.</summary>
    public static float Sum(ReadOnlySpan<float> values, SimdLevel simd) => simd switch
    {
        SimdLevel.Vector512 => Sum<Vector512<float>, Ops512>(values),
        SimdLevel.Vector256 => Sum<Vector256<float>, Ops256>(values),
        SimdLevel.Vector128 => Sum<Vector128<float>, Ops128>(values),
        _ => SumScalar(values),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Sum<TVector, TOps>(ReadOnlySpan<float> values)
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float source = ref MemoryMarshal.GetReference(values);
        TVector sum = TOps.Zero;
        int i = 0;
        for (; i + TOps.Count <= values.Length; i += TOps.Count)
        {
            sum = TOps.Add(sum, TOps.Load(ref source, i));
        }

        return TOps.Sum(sum) + SumScalar(values.Slice(i));
    }

    private static float SumScalar(ReadOnlySpan<float> values)
    {
        float sum = 0f;
        foreach (float value in values)
        {
            sum += value;
        }

        return sum;
    }

    /// <summary>Runs an element-wise operation over three equally long buffers, vector by vector, then the scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> target, SimdLevel simd)
        where TOp : struct, IElementwise
    {
        if (a.Length > target.Length || b.Length < a.Length)
        {
            throw new ArgumentException($"Element-wise operands hold {a.Length}, {b.Length} and {target.Length} values; the second and the target need at least as many as the first.");
        }

        int i = simd switch
        {
            SimdLevel.Vector512 => Apply<TOp, Vector512<float>, Ops512>(a, b, target),
            SimdLevel.Vector256 => Apply<TOp, Vector256<float>, Ops256>(a, b, target),
            SimdLevel.Vector128 => Apply<TOp, Vector128<float>, Ops128>(a, b, target),
            _ => 0,
        };
        for (; i < a.Length; i++)
        {
            target[i] = TOp.Scalar(a[i], b[i], target[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Apply<TOp, TVector, TOps>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> target)
        where TOp : struct, IElementwise
        where TVector : struct
        where TOps : struct, IVectorOps<TVector>
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rt = ref MemoryMarshal.GetReference(target);
        int i = 0;
        for (; i + TOps.Count <= a.Length; i += TOps.Count)
        {
            TOps.Store(TOp.Vector<TVector, TOps>(TOps.Load(ref ra, i), TOps.Load(ref rb, i), ref Unsafe.Add(ref rt, i)), ref rt, i);
        }

        return i;
    }

    /// <summary>One element-wise operation, on vectors and on single values: <c>f(a, b, current target)</c>.</summary>
    private interface IElementwise
    {
        static abstract TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector>;

        static abstract float Scalar(float a, float b, float target);
    }

    private readonly struct AddOp : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Add(TOps.Load(ref target, 0), a);

        public static float Scalar(float a, float b, float target) => target + a;
    }

    private readonly struct SumOp : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Add(a, b);

        public static float Scalar(float a, float b, float target) => a + b;
    }

    private readonly struct ReluOp : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Max(a, TOps.Zero);

        public static float Scalar(float a, float b, float target) => MathF.Max(a, 0f);
    }

    private readonly struct SumReluOp : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Max(TOps.Add(a, b), TOps.Zero);

        public static float Scalar(float a, float b, float target) => MathF.Max(a + b, 0f);
    }

    private readonly struct ReluBackwardOp : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.WherePositive(b, a);

        public static float Scalar(float a, float b, float target) => b > 0f ? a : 0f;
    }

    private readonly struct SigmoidBackwardOp : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Multiply(TOps.Multiply(a, b), TOps.Add(TOps.Broadcast(1f), TOps.Multiply(b, TOps.Broadcast(-1f))));

        public static float Scalar(float a, float b, float target) => a * b * (1f - b);
    }

    private readonly struct TanhBackwardOp : IElementwise
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Vector<TVector, TOps>(TVector a, TVector b, ref float target)
            where TVector : struct
            where TOps : struct, IVectorOps<TVector> => TOps.Multiply(a, TOps.Add(TOps.Broadcast(1f), TOps.Multiply(TOps.Multiply(b, b), TOps.Broadcast(-1f))));

        public static float Scalar(float a, float b, float target) => a * (1f - (b * b));
    }
}
