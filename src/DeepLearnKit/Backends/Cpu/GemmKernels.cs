// Register-blocked SGEMM micro-kernels used by the packed driver in GemmDriver.cs. Each kernel
// computes one MR×NR tile of C from an MR-wide packed sliver of A and an NR-wide packed sliver of
// B (see GemmDriver.PackA/PackB for the layout), keeping the whole tile in vector registers for
// all kc steps, so the inner loop touches memory only to read A and B.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// A GEMM micro-kernel and its cache-blocking sizes. The driver is generic over the kernel
/// struct so the JIT specialises every loop for the tile shape.
/// </summary>
internal unsafe interface IGemmKernel
{
    /// <summary>Rows of the C tile (A values broadcast per step).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C tile (B values loaded as vectors per step).</summary>
    static abstract int NR { get; }

    /// <summary>Depth of one packed block: a KC×NR sliver of B should stay in L1.</summary>
    static abstract int KC { get; }

    /// <summary>Rows of A kept in L2 while the B slivers stream past (a multiple of MR).</summary>
    static abstract int MC { get; }

    /// <summary>
    /// <c>C[r, j] = Σ_p a[p·MR + r]·b[p·NR + j] + beta·C[r, j]</c> for a full MR×NR tile of C with
    /// row stride <paramref name="ldc"/>. With beta = 0, C is written without being read.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, nint ldc, float beta);
}

/// <summary>
/// AVX-512 kernel, 14×32: 28 zmm accumulators + 2 for the B row + 1 for the broadcast A value
/// use 31 of the 32 zmm registers. Per step: 2 vector loads of B, 14 broadcasts of A, 28 FMAs
/// (14 cycles on two 512-bit FMA pipes), which hides the 4-cycle FMA latency with room to spare.
/// </summary>
internal readonly unsafe struct Avx512Kernel : IGemmKernel
{
    public static int MR => 14;
    public static int NR => 32;
    // Measured on Zen 5 (n = 1024 and 2048, KC 192..1024 × MC 84..672): KC = 512 beat 256 by
    // ~8%, since C is read and written once per KC slab and each kernel call's fixed cost (C tile
    // loads/stores) is spread over more steps. The 64 KiB B sliver spills from the 48 KiB L1D but
    // is streamed sequentially; 168 × 512 floats = 336 KiB of packed A stay in the 1 MiB L2.
    public static int KC => 512;
    public static int MC => 168;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector512<float> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default, c7a = default, c7b = default, c8a = default, c8b = default;
        Vector512<float> c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;
        Vector512<float> c12a = default, c12b = default, c13a = default, c13b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Avx512F.LoadVector512(b), b1 = Avx512F.LoadVector512(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c0a = Avx512F.FusedMultiplyAdd(x, b0, c0a); c0b = Avx512F.FusedMultiplyAdd(x, b1, c0b);
            x = Vector512.Create(a[1]);
            c1a = Avx512F.FusedMultiplyAdd(x, b0, c1a); c1b = Avx512F.FusedMultiplyAdd(x, b1, c1b);
            x = Vector512.Create(a[2]);
            c2a = Avx512F.FusedMultiplyAdd(x, b0, c2a); c2b = Avx512F.FusedMultiplyAdd(x, b1, c2b);
            x = Vector512.Create(a[3]);
            c3a = Avx512F.FusedMultiplyAdd(x, b0, c3a); c3b = Avx512F.FusedMultiplyAdd(x, b1, c3b);
            x = Vector512.Create(a[4]);
            c4a = Avx512F.FusedMultiplyAdd(x, b0, c4a); c4b = Avx512F.FusedMultiplyAdd(x, b1, c4b);
            x = Vector512.Create(a[5]);
            c5a = Avx512F.FusedMultiplyAdd(x, b0, c5a); c5b = Avx512F.FusedMultiplyAdd(x, b1, c5b);
            x = Vector512.Create(a[6]);
            c6a = Avx512F.FusedMultiplyAdd(x, b0, c6a); c6b = Avx512F.FusedMultiplyAdd(x, b1, c6b);
            x = Vector512.Create(a[7]);
            c7a = Avx512F.FusedMultiplyAdd(x, b0, c7a); c7b = Avx512F.FusedMultiplyAdd(x, b1, c7b);
            x = Vector512.Create(a[8]);
            c8a = Avx512F.FusedMultiplyAdd(x, b0, c8a); c8b = Avx512F.FusedMultiplyAdd(x, b1, c8b);
            x = Vector512.Create(a[9]);
            c9a = Avx512F.FusedMultiplyAdd(x, b0, c9a); c9b = Avx512F.FusedMultiplyAdd(x, b1, c9b);
            x = Vector512.Create(a[10]);
            c10a = Avx512F.FusedMultiplyAdd(x, b0, c10a); c10b = Avx512F.FusedMultiplyAdd(x, b1, c10b);
            x = Vector512.Create(a[11]);
            c11a = Avx512F.FusedMultiplyAdd(x, b0, c11a); c11b = Avx512F.FusedMultiplyAdd(x, b1, c11b);
            x = Vector512.Create(a[12]);
            c12a = Avx512F.FusedMultiplyAdd(x, b0, c12a); c12b = Avx512F.FusedMultiplyAdd(x, b1, c12b);
            x = Vector512.Create(a[13]);
            c13a = Avx512F.FusedMultiplyAdd(x, b0, c13a); c13b = Avx512F.FusedMultiplyAdd(x, b1, c13b);
            a += 14;
            b += 32;
        }
        Store(c, beta, c0a, c0b); Store(c += ldc, beta, c1a, c1b); Store(c += ldc, beta, c2a, c2b);
        Store(c += ldc, beta, c3a, c3b); Store(c += ldc, beta, c4a, c4b); Store(c += ldc, beta, c5a, c5b);
        Store(c += ldc, beta, c6a, c6b); Store(c += ldc, beta, c7a, c7b); Store(c += ldc, beta, c8a, c8b);
        Store(c += ldc, beta, c9a, c9b); Store(c += ldc, beta, c10a, c10b); Store(c += ldc, beta, c11a, c11b);
        Store(c += ldc, beta, c12a, c12b); Store(c += ldc, beta, c13a, c13b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float beta, Vector512<float> lo, Vector512<float> hi)
    {
        if (beta != 0)
        {
            // beta·C + acc in one rounding; with beta = 1 this is exactly C + acc.
            Vector512<float> vb = Vector512.Create(beta);
            lo = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(c), vb, lo);
            hi = Avx512F.FusedMultiplyAdd(Avx512F.LoadVector512(c + 16), vb, hi);
        }
        Avx512F.Store(c, lo);
        Avx512F.Store(c + 16, hi);
    }
}

/// <summary>
/// AVX2 + FMA kernel, 6×16: 12 ymm accumulators + 2 for B + 1 broadcast = 15 of 16 registers
/// (the classic Haswell shape).
/// </summary>
internal readonly unsafe struct Avx2Kernel : IGemmKernel
{
    public static int MR => 6;
    public static int NR => 16;
    // 256 × 16 floats = 16 KiB of B in L1; 144 × 256 floats = 144 KiB of A in a 256 KiB+ L2.
    public static int KC => 256;
    public static int MC => 144;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Vector256<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector256<float> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c0a = Fma.MultiplyAdd(x, b0, c0a); c0b = Fma.MultiplyAdd(x, b1, c0b);
            x = Vector256.Create(a[1]);
            c1a = Fma.MultiplyAdd(x, b0, c1a); c1b = Fma.MultiplyAdd(x, b1, c1b);
            x = Vector256.Create(a[2]);
            c2a = Fma.MultiplyAdd(x, b0, c2a); c2b = Fma.MultiplyAdd(x, b1, c2b);
            x = Vector256.Create(a[3]);
            c3a = Fma.MultiplyAdd(x, b0, c3a); c3b = Fma.MultiplyAdd(x, b1, c3b);
            x = Vector256.Create(a[4]);
            c4a = Fma.MultiplyAdd(x, b0, c4a); c4b = Fma.MultiplyAdd(x, b1, c4b);
            x = Vector256.Create(a[5]);
            c5a = Fma.MultiplyAdd(x, b0, c5a); c5b = Fma.MultiplyAdd(x, b1, c5b);
            a += 6;
            b += 16;
        }
        Store(c, beta, c0a, c0b); Store(c += ldc, beta, c1a, c1b); Store(c += ldc, beta, c2a, c2b);
        Store(c += ldc, beta, c3a, c3b); Store(c += ldc, beta, c4a, c4b); Store(c += ldc, beta, c5a, c5b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float beta, Vector256<float> lo, Vector256<float> hi)
    {
        if (beta != 0)
        {
            Vector256<float> vb = Vector256.Create(beta);
            lo = Fma.MultiplyAdd(Avx.LoadVector256(c), vb, lo);
            hi = Fma.MultiplyAdd(Avx.LoadVector256(c + 8), vb, hi);
        }
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }
}

/// <summary>
/// Portable fallback, 4×8 on <see cref="Vector128{T}"/> (NEON on Arm, SSE on older x86, software
/// elsewhere): 8 accumulators, separate multiply and add since .NET 8 has no portable FMA.
/// </summary>
internal readonly unsafe struct PortableKernel : IGemmKernel
{
    public static int MR => 4;
    public static int NR => 8;
    public static int KC => 256;
    public static int MC => 128;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Vector128<float> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector128<float> c2a = default, c2b = default, c3a = default, c3b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
            Vector128<float> x = Vector128.Create(a[0]);
            c0a += x * b0; c0b += x * b1;
            x = Vector128.Create(a[1]);
            c1a += x * b0; c1b += x * b1;
            x = Vector128.Create(a[2]);
            c2a += x * b0; c2b += x * b1;
            x = Vector128.Create(a[3]);
            c3a += x * b0; c3b += x * b1;
            a += 4;
            b += 8;
        }
        Store(c, beta, c0a, c0b); Store(c += ldc, beta, c1a, c1b);
        Store(c += ldc, beta, c2a, c2b); Store(c += ldc, beta, c3a, c3b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float beta, Vector128<float> lo, Vector128<float> hi)
    {
        if (beta != 0)
        {
            lo += Vector128.Load(c) * beta;
            hi += Vector128.Load(c + 4) * beta;
        }
        lo.Store(c);
        hi.Store(c + 4);
    }
}
