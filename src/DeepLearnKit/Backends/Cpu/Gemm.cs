// Single-precision matrix multiply for the CPU backend (SGEMM, row-major): argument checks, the
// choice between the unpacked small-product loop (GemmSmall.cs, or a portable direct loop here)
// and the packed, blocked driver (GemmDriver.cs, GemmPacking.cs, GemmKernels.cs), and the thread count.
using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>Which inner loop <see cref="Gemm"/> uses; <see cref="Auto"/> picks the widest the CPU has. The others exist for tests.</summary>
internal enum GemmKernelChoice
{
    /// <summary>The direct loop for small products, else the widest packed kernel the CPU supports.</summary>
    Auto,
    /// <summary>The unpacked 4×16 AVX2 loop of <see cref="GemmSmall"/> (or <see cref="Direct"/> where it cannot run), whatever the size.</summary>
    Small,
    /// <summary>The portable direct loop (row updates / dot products on TensorPrimitives), whatever the size.</summary>
    Direct,
    /// <summary>The packed driver with the AVX-512 14×32 kernel.</summary>
    Avx512,
    /// <summary>The packed driver with the AVX2 + FMA 6×16 kernel.</summary>
    Avx2,
    /// <summary>The packed driver with the portable Vector128 4×8 kernel.</summary>
    Portable,
}

/// <summary>Row-major SGEMM: <c>C = op(A)·op(B) + beta·C</c>, with op(X) = X or Xᵀ.</summary>
internal static class Gemm
{
    /// <summary>
    /// Below this many multiply-adds (m·n·k) the unpacked small loop wins: packing and the edge
    /// tiles of the blocked path cost more than they save. Measured on Zen 5, one thread: small
    /// loop vs packed AVX-512 path 74 vs 15 GFLOP/s at 16³, 93 vs 55 at 32³, 92 vs 88 at 64³,
    /// 64 vs 160 at 96³.
    /// </summary>
    internal const long DirectWork = 64 * 64 * 64;

    /// <summary>
    /// Multiply-adds per thread below which an extra thread does not pay for its wake-up (tens of microseconds).
    /// 128³ gets two threads: measured on 2 cores of this project's machine (AMD EPYC, AVX-512), 83 GFLOP/s on one
    /// thread against 118 on two, and PyTorch's OpenBLAS 117 on two (benchmarks/README.md, issue 17).
    /// </summary>
    internal const long WorkPerThread = 1L << 20;

    /// <summary>
    /// <c>C[i,j] = Σ_p op(A)[i,p]·op(B)[p,j] + beta·C[i,j]</c> for an m×k op(A), a k×n op(B) and an m×n C,
    /// all row-major with leading dimensions lda, ldb, ldc (A is m×k, or k×m when <paramref name="transA"/>).
    /// With beta = 0, C is overwritten without being read. Uses up to <see cref="CpuParallel.MaxThreads"/> threads.
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => Sgemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc, CpuParallel.MaxThreads, GemmKernelChoice.Auto);

    /// <summary>
    /// <see cref="Sgemm(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
    /// with an explicit thread cap and inner loop, so tests can cover every path without global state.
    /// </summary>
    internal static unsafe void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int maxThreads, GemmKernelChoice kernel)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "Matrix sizes must not be negative.");
        if (m == 0 || n == 0) return;
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        if (k == 0)
        {
            ScaleRows(m, n, beta, c, ldc);
            return;
        }
        CheckMatrix(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckMatrix(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));

        if (kernel == GemmKernelChoice.Auto)
        {
            // With m < 4 most of each 14-row packed tile would be zero padding; the small loop
            // streams B once instead (and its Bᵀ fallback is a row of dot products).
            kernel = (long)m * n * k < DirectWork || m < 4 ? GemmKernelChoice.Small
                : Avx512F.IsSupported ? GemmKernelChoice.Avx512
                : Avx2.IsSupported && Fma.IsSupported ? GemmKernelChoice.Avx2
                : GemmKernelChoice.Portable;
        }
        if (kernel == GemmKernelChoice.Small && GemmSmall.CanRun(transB, n, k))
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
                GemmSmall.Run(transA, transB, m, n, k, pa, lda, pb, ldb, beta, pc, ldc);
            return;
        }
        if (kernel is GemmKernelChoice.Small or GemmKernelChoice.Direct)
        {
            Direct(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        int threads = (int)Math.Clamp((long)m * n * k / WorkPerThread, 1, Math.Max(1, maxThreads));
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            switch (kernel)
            {
                case GemmKernelChoice.Avx512 when Avx512F.IsSupported:
                    GemmJob<Avx512Kernel>.ForCurrentThread().Run(transA, transB, m, n, k, pa, lda, pb, ldb, beta, pc, ldc, threads);
                    break;
                case GemmKernelChoice.Avx2 when Avx2.IsSupported && Fma.IsSupported:
                    GemmJob<Avx2Kernel>.ForCurrentThread().Run(transA, transB, m, n, k, pa, lda, pb, ldb, beta, pc, ldc, threads);
                    break;
                case GemmKernelChoice.Portable:
                    GemmJob<PortableKernel>.ForCurrentThread().Run(transA, transB, m, n, k, pa, lda, pb, ldb, beta, pc, ldc, threads);
                    break;
                default:
                    throw new PlatformNotSupportedException($"GEMM kernel {kernel} needs an instruction set this CPU lacks.");
            }
        }
    }

    /// <summary>
    /// The small-product path: C rows updated with whole rows of B (contiguous row axpy) or, for
    /// Bᵀ, dot products of contiguous rows; a plain triple loop only when both operands are transposed.
    /// </summary>
    private static void Direct(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> cRow = c.Slice(i * ldc, n);
            if (!transB)
            {
                if (beta == 0) cRow.Clear();
                else if (beta != 1) TensorPrimitives.Multiply(cRow, beta, cRow);
                for (int p = 0; p < k; p++)
                {
                    float aip = transA ? a[p * lda + i] : a[i * lda + p];
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), aip, cRow, cRow);
                }
            }
            else if (!transA)
            {
                ReadOnlySpan<float> aRow = a.Slice(i * lda, k);
                for (int j = 0; j < n; j++)
                {
                    float sum = TensorPrimitives.Dot(aRow, b.Slice(j * ldb, k));
                    cRow[j] = beta == 0 ? sum : sum + beta * cRow[j];
                }
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    float sum = 0;
                    for (int p = 0; p < k; p++) sum += a[p * lda + i] * b[j * ldb + p];
                    cRow[j] = beta == 0 ? sum : sum + beta * cRow[j];
                }
            }
        }
    }

    private static void ScaleRows(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0) row.Clear();
            else TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>Throws unless a rows×cols row-major matrix with leading dimension ld fits in length floats (the packed path reads through raw pointers).</summary>
    private static void CheckMatrix(int length, int rows, int cols, int ld, string name)
    {
        if (ld < cols) throw new ArgumentOutOfRangeException(name, $"Leading dimension {ld} is smaller than the row length {cols}.");
        if ((long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"A {rows}×{cols} matrix with leading dimension {ld} needs {(long)(rows - 1) * ld + cols} elements; the span has {length}.", name);
    }
}
