// The int8 matrix product of post-training quantization (chapter 13): int8 × int8 products summed exactly in int32,
// vectorised by widening int8 → int16 → int32 and parallel over rows of C like the float GEMM.
using System.Runtime.Intrinsics;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// <c>C[i,j] = Σ_k A[i,k]·B[j,k]</c> over int8 A (m×k, row-major) and int8 B stored as n rows of k (the layout of a
/// Linear weight, out × in), accumulated in int32. With |A|, |B| ≤ 127 each product is at most 16 129, so sums stay exact
/// for k up to 133 000. Uses Vector512 where it is hardware-accelerated, Vector256 otherwise.
/// </summary>
public static class Int8Gemm
{
    /// <summary>The largest inner size k whose int32 sums of 127·127 products cannot overflow.</summary>
    public const int MaxInnerSize = int.MaxValue / (127 * 127);

    /// <summary><c>C[i,j] = Σ_k A[i·k + p]·B[j·k + p]</c> in int32, exactly; C is m×n row-major.</summary>
    public static void Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> bRows, Span<int> c, int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Int8Gemm.Multiply: sizes must be non-negative, got m={m}, n={n}, k={k}.");
        if (k > MaxInnerSize) throw new ArgumentException($"Int8Gemm.Multiply: k={k} is above {MaxInnerSize}, where int32 sums could overflow.");
        if (a.Length < (long)m * k || bRows.Length < (long)n * k || c.Length < (long)m * n)
            throw new ArgumentException($"Int8Gemm.Multiply: spans too short for m={m}, n={n}, k={k} (A {a.Length}, B {bRows.Length}, C {c.Length}).");
        var aArray = a.Slice(0, m * k).ToArray();
        var bArray = bRows.Slice(0, n * k).ToArray();
        var cArray = new int[m * n];
        CpuParallel.For(m, (long)n * k, i =>
        {
            var row = aArray.AsSpan(i * k, k);
            for (int j = 0; j < n; j++) cArray[i * n + j] = Dot(row, bArray.AsSpan(j * k, k));
        });
        cArray.CopyTo(c);
    }

    /// <summary><c>Σ_p x[p]·y[p]</c> of two int8 spans of the same length, in int32.</summary>
    public static int Dot(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        int length = x.Length, p = 0, sum = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<sbyte>.Count)
        {
            var acc = Vector512<int>.Zero;
            for (; p <= length - Vector512<sbyte>.Count; p += Vector512<sbyte>.Count)
            {
                var (xl, xh) = Vector512.Widen(Vector512.Create(x.Slice(p, Vector512<sbyte>.Count)));
                var (yl, yh) = Vector512.Widen(Vector512.Create(y.Slice(p, Vector512<sbyte>.Count)));
                acc += WidenedProduct512(xl, yl) + WidenedProduct512(xh, yh);
            }
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<sbyte>.Count)
        {
            var acc = Vector256<int>.Zero;
            for (; p <= length - Vector256<sbyte>.Count; p += Vector256<sbyte>.Count)
            {
                var (xl, xh) = Vector256.Widen(Vector256.Create(x.Slice(p, Vector256<sbyte>.Count)));
                var (yl, yh) = Vector256.Widen(Vector256.Create(y.Slice(p, Vector256<sbyte>.Count)));
                acc += WidenedProduct256(xl, yl) + WidenedProduct256(xh, yh);
            }
            sum = Vector256.Sum(acc);
        }
        for (; p < length; p++) sum += x[p] * y[p];
        return sum;
    }

    // int16 lanes (|v| ≤ 127) times int16 lanes fit in int16 only up to 32 767, and 127·127 = 16 129 does, so the product
    // is taken in int16 and widened once into int32 lanes.
    private static Vector512<int> WidenedProduct512(Vector512<short> x, Vector512<short> y)
    {
        var (lo, hi) = Vector512.Widen(x * y);
        return lo + hi;
    }

    private static Vector256<int> WidenedProduct256(Vector256<short> x, Vector256<short> y)
    {
        var (lo, hi) = Vector256.Widen(x * y);
        return lo + hi;
    }
}
