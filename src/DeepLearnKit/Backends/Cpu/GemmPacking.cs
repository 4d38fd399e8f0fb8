// Packing for the blocked SGEMM (GemmDriver.cs): copies a sliver of A or B into the layout the
// micro-kernels (GemmKernels.cs) read, with an AVX 8×8 in-register transpose for the slivers
// whose rows are strided in memory (A, and B when transposed).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// Packs slivers into the micro-kernel layout: for each step p of the depth, <c>width</c>
/// consecutive floats (MR values of op(A)'s column p, or NR values of op(B)'s row p), with the
/// lanes past <c>valid</c> set to zero so that edge tiles need no special kernel.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary><c>dst[p·width + r] = src[p·ld + r]</c> for r &lt; valid: the sliver's values are contiguous for each p.</summary>
    public static void Contiguous(float* src, nint ld, int valid, int width, int kc, float* dst)
    {
        if (valid == width && Vector256.IsHardwareAccelerated && width % 8 == 0)
        {
            for (int p = 0; p < kc; p++, src += ld, dst += width)
            {
                for (int r = 0; r < width; r += 8) Vector256.Store(Vector256.Load(src + r), dst + r);
            }
            return;
        }
        for (int p = 0; p < kc; p++, src += ld, dst += width)
        {
            int r = 0;
            for (; r < valid; r++) dst[r] = src[r];
            for (; r < width; r++) dst[r] = 0f;
        }
    }

    /// <summary><c>dst[p·width + r] = src[r·ld + p]</c> for r &lt; valid: each of the sliver's rows is contiguous along p.</summary>
    /// <remarks>
    /// Done one element at a time this costs more than a tenth of a whole 512×512 product, so with
    /// AVX it moves 8×8 blocks: eight row loads, a register transpose, eight column stores.
    /// </remarks>
    public static void Strided(float* src, nint ld, int valid, int width, int kc, float* dst)
    {
        int p = 0;
        if (Avx.IsSupported)
        {
            for (; p + 8 <= kc; p += 8)
            {
                for (int g = 0; g < width; g += 8)
                    TransposeBlock(src + g * ld + p, ld, valid - g, Math.Min(8, width - g), dst + p * width + g, width);
            }
        }
        for (; p < kc; p++)
        {
            float* d = dst + p * width;
            for (int r = 0; r < width; r++) d[r] = r < valid ? src[r * ld + p] : 0f;
        }
    }

    /// <summary>
    /// Transposes an 8×8 block: rows (up to <paramref name="rows"/> valid, the others zero) of 8
    /// consecutive steps become, for each step j, <paramref name="lanes"/> floats at <c>dst + j·stride</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBlock(float* src, nint ld, int rows, int lanes, float* dst, int stride)
    {
        Vector256<float> r0 = Row(src, ld, 0, rows), r1 = Row(src, ld, 1, rows), r2 = Row(src, ld, 2, rows), r3 = Row(src, ld, 3, rows);
        Vector256<float> r4 = Row(src, ld, 4, rows), r5 = Row(src, ld, 5, rows), r6 = Row(src, ld, 6, rows), r7 = Row(src, ld, 7, rows);

        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Column(dst, lanes, Avx.Permute2x128(u0, u4, 0x20));
        Column(dst + stride, lanes, Avx.Permute2x128(u1, u5, 0x20));
        Column(dst + 2 * stride, lanes, Avx.Permute2x128(u2, u6, 0x20));
        Column(dst + 3 * stride, lanes, Avx.Permute2x128(u3, u7, 0x20));
        Column(dst + 4 * stride, lanes, Avx.Permute2x128(u0, u4, 0x31));
        Column(dst + 5 * stride, lanes, Avx.Permute2x128(u1, u5, 0x31));
        Column(dst + 6 * stride, lanes, Avx.Permute2x128(u2, u6, 0x31));
        Column(dst + 7 * stride, lanes, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float* src, nint ld, int r, int rows)
        => r < rows ? Avx.LoadVector256(src + r * ld) : Vector256<float>.Zero;

    /// <summary>Stores the first <paramref name="lanes"/> floats of v (8, 6, 4 or 2 in the kernel shapes; any count works) without writing past them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(float* dst, int lanes, Vector256<float> v)
    {
        if (lanes == 8)
        {
            Avx.Store(dst, v);
            return;
        }
        Vector128<float> lo = v.GetLower();
        int i = 0;
        if (lanes >= 4)
        {
            Sse.Store(dst, lo);
            lo = v.GetUpper();
            i = 4;
        }
        if (lanes - i >= 2)
        {
            Sse.StoreLow(dst + i, lo);
            lo = Sse.MoveHighToLow(lo, lo);
            i += 2;
        }
        if (lanes - i >= 1) dst[i] = lo.ToScalar();
    }
}
