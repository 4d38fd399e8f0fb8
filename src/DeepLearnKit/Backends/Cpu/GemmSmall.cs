// The small-product path of the CPU SGEMM (Gemm.cs): no packing and no threads, just a 4×16
// register-blocked loop over op(A) and op(B) in place, for products too small for the packed
// driver (GemmDriver.cs) to pay back its packing and edge-tile costs.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// Direct SGEMM for small products with AVX2 + FMA: C is computed in 4-row × 16-column blocks
/// held in 8 ymm accumulators (8 independent FMA chains hide the FMA latency), reading op(A) by
/// element and op(B) by rows of 8. A transposed B is first copied to a stack buffer.
/// </summary>
internal static unsafe class GemmSmall
{
    /// <summary>Largest transposed B (k·n floats, 16 KiB) that is staged on the stack.</summary>
    public const int MaxStagedB = 4096;

    /// <summary>Whether <see cref="Run"/> can take this product.</summary>
    public static bool CanRun(bool transB, int n, int k)
        => Avx2.IsSupported && Fma.IsSupported && (!transB || (long)n * k <= MaxStagedB);

    /// <summary><c>C = op(A)·op(B) + beta·C</c>; call only when <see cref="CanRun"/> says so.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        if (transB)
        {
            // op(B)[p, j] = b[j·ldb + p]: transpose into a dense k×n block so rows are contiguous.
            float* staged = stackalloc float[n * k];
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) staged[p * n + j] = b[j * ldb + p];
            b = staged;
            ldb = n;
        }
        // op(A)[i, p] = a[i·rowStep + p·depthStep].
        nint rowStep = transA ? 1 : lda, depthStep = transA ? lda : 1;
        for (int i = 0; i < m; i += 4)
        {
            int rows = Math.Min(4, m - i);
            // Rows past the end of A repeat the last row and are not stored.
            float* a0 = a + i * rowStep;
            float* a1 = a + (i + Math.Min(1, rows - 1)) * rowStep;
            float* a2 = a + (i + Math.Min(2, rows - 1)) * rowStep;
            float* a3 = a + (i + Math.Min(3, rows - 1)) * rowStep;
            float* ci = c + i * ldc;
            int j = 0;
            for (; j + 16 <= n; j += 16)
                Block(k, a0, a1, a2, a3, depthStep, b + j, ldb, ci + j, ldc, rows, wide: true, beta);
            if (j + 8 <= n)
            {
                Block(k, a0, a1, a2, a3, depthStep, b + j, ldb, ci + j, ldc, rows, wide: false, beta);
                j += 8;
            }
            for (; j < n; j++)
            {
                for (int r = 0; r < rows; r++)
                {
                    float* ar = a + (i + r) * rowStep;
                    float sum = 0;
                    for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(ar[p * depthStep], b[p * ldb + j], sum);
                    float* cij = ci + r * ldc + j;
                    *cij = beta == 0 ? sum : MathF.FusedMultiplyAdd(beta, *cij, sum);
                }
            }
        }
    }

    /// <summary>A 4×16 block of C (4×8 when not <paramref name="wide"/>), first <paramref name="rows"/> rows stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block(int k, float* a0, float* a1, float* a2, float* a3, nint depthStep,
        float* b, nint ldb, float* c, nint ldc, int rows, bool wide, float beta)
    {
        Vector256<float> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector256<float> c2a = default, c2b = default, c3a = default, c3b = default;
        if (wide)
        {
            for (nint p = 0, ap = 0; p < k; p++, ap += depthStep, b += ldb)
            {
                Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
                Vector256<float> x = Vector256.Create(a0[ap]);
                c0a = Fma.MultiplyAdd(x, b0, c0a); c0b = Fma.MultiplyAdd(x, b1, c0b);
                x = Vector256.Create(a1[ap]);
                c1a = Fma.MultiplyAdd(x, b0, c1a); c1b = Fma.MultiplyAdd(x, b1, c1b);
                x = Vector256.Create(a2[ap]);
                c2a = Fma.MultiplyAdd(x, b0, c2a); c2b = Fma.MultiplyAdd(x, b1, c2b);
                x = Vector256.Create(a3[ap]);
                c3a = Fma.MultiplyAdd(x, b0, c3a); c3b = Fma.MultiplyAdd(x, b1, c3b);
            }
        }
        else
        {
            for (nint p = 0, ap = 0; p < k; p++, ap += depthStep, b += ldb)
            {
                Vector256<float> b0 = Avx.LoadVector256(b);
                c0a = Fma.MultiplyAdd(Vector256.Create(a0[ap]), b0, c0a);
                c1a = Fma.MultiplyAdd(Vector256.Create(a1[ap]), b0, c1a);
                c2a = Fma.MultiplyAdd(Vector256.Create(a2[ap]), b0, c2a);
                c3a = Fma.MultiplyAdd(Vector256.Create(a3[ap]), b0, c3a);
            }
        }
        Store(c, wide, beta, c0a, c0b);
        if (rows > 1) Store(c + ldc, wide, beta, c1a, c1b);
        if (rows > 2) Store(c + 2 * ldc, wide, beta, c2a, c2b);
        if (rows > 3) Store(c + 3 * ldc, wide, beta, c3a, c3b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, bool wide, float beta, Vector256<float> lo, Vector256<float> hi)
    {
        Vector256<float> vb = Vector256.Create(beta);
        Avx.Store(c, beta == 0 ? lo : Fma.MultiplyAdd(Avx.LoadVector256(c), vb, lo));
        if (wide) Avx.Store(c + 8, beta == 0 ? hi : Fma.MultiplyAdd(Avx.LoadVector256(c + 8), vb, hi));
    }
}
