// Register-blocked micro-kernels of the int8 GEMM (Int8Gemm.cs). Each computes one MR×64 tile of int32 C from MR rows
// of packed A and one 64-column panel of packed B (layouts in Int8Gemm.cs), keeping the tile in registers for the whole
// depth. They multiply int16 pairs with vpmaddwd: A and B are int8 widened to int16, and each int32 lane gets
// a[2g]·b[2g] + a[2g+1]·b[2g+1], which is exact (|product| ≤ 128·128, two of them fit int32 with room to spare).
//
// Why not VNNI (vpdpbusd, four u8×s8 products added into int32 in one instruction, twice the work of vpmaddwd + vpaddd):
// .NET 10 exposes it only as AvxVnni (the VEX 128/256-bit form, CPUID AVX-VNNI) and as AvxVnniInt8.V512 (AVX10.2);
// there is no class for the EVEX form of AVX512_VNNI, and the AMD EPYC (Zen 5) we measure on reports AVX512_VNNI but
// not AVX-VNNI, so both report IsSupported = false there (checked with a test program, 2026-12-03).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>An int8 GEMM micro-kernel over a 64-column panel of packed B; the driver is generic over it so each loop is specialised.</summary>
internal unsafe interface IInt8GemmKernel
{
    /// <summary>Rows of the C tile (A pairs broadcast per step).</summary>
    static abstract int MR { get; }

    /// <summary>Rows of A packed at once and kept in L2 while the B panels stream past (a multiple of MR).</summary>
    static abstract int MC { get; }

    /// <summary>
    /// <c>C[r, j] (+)= Σ_g Σ_{h=0,1} A_r[2g+h]·B[g, j, h]</c> for the full MR×64 tile: row r of A is <paramref name="pairs"/>
    /// int16 pairs (one int per pair) at <c>a + r·aStride</c>, B is the panel at <paramref name="b"/> (128 int16 per pair),
    /// C has row stride <paramref name="ldc"/>. With <paramref name="accumulate"/> false C is written without being read.
    /// </summary>
    static abstract void Run(int pairs, int* a, nint aStride, short* b, int* c, nint ldc, bool accumulate);
}

/// <summary>
/// AVX-512BW kernel, 6×64: 24 zmm accumulators + 4 for the B pairs + 1 broadcast + 1 product = 30 of 32 registers.
/// Per pair step: 4 loads of B, 6 broadcasts of A, 24 vpmaddwd + 24 vpaddd (1 536 multiply-adds).
/// </summary>
internal readonly unsafe struct Int8Avx512Kernel : IInt8GemmKernel
{
    public static int MR => 6;
    public static int MC => 96;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int pairs, int* a, nint aStride, short* b, int* c, nint ldc, bool accumulate)
    {
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default,
            c10 = default, c11 = default, c12 = default, c13 = default,
            c20 = default, c21 = default, c22 = default, c23 = default,
            c30 = default, c31 = default, c32 = default, c33 = default,
            c40 = default, c41 = default, c42 = default, c43 = default,
            c50 = default, c51 = default, c52 = default, c53 = default;
        int* a0 = a, a1 = a + aStride, a2 = a1 + aStride, a3 = a2 + aStride, a4 = a3 + aStride, a5 = a4 + aStride;
        for (int g = 0; g < pairs; g++, b += 128)
        {
            Vector512<short> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 32), b2 = Vector512.Load(b + 64), b3 = Vector512.Load(b + 96);
            Vector512<short> x = Vector512.Create(a0[g]).AsInt16();
            c00 += Avx512BW.MultiplyAddAdjacent(x, b0); c01 += Avx512BW.MultiplyAddAdjacent(x, b1);
            c02 += Avx512BW.MultiplyAddAdjacent(x, b2); c03 += Avx512BW.MultiplyAddAdjacent(x, b3);
            x = Vector512.Create(a1[g]).AsInt16();
            c10 += Avx512BW.MultiplyAddAdjacent(x, b0); c11 += Avx512BW.MultiplyAddAdjacent(x, b1);
            c12 += Avx512BW.MultiplyAddAdjacent(x, b2); c13 += Avx512BW.MultiplyAddAdjacent(x, b3);
            x = Vector512.Create(a2[g]).AsInt16();
            c20 += Avx512BW.MultiplyAddAdjacent(x, b0); c21 += Avx512BW.MultiplyAddAdjacent(x, b1);
            c22 += Avx512BW.MultiplyAddAdjacent(x, b2); c23 += Avx512BW.MultiplyAddAdjacent(x, b3);
            x = Vector512.Create(a3[g]).AsInt16();
            c30 += Avx512BW.MultiplyAddAdjacent(x, b0); c31 += Avx512BW.MultiplyAddAdjacent(x, b1);
            c32 += Avx512BW.MultiplyAddAdjacent(x, b2); c33 += Avx512BW.MultiplyAddAdjacent(x, b3);
            x = Vector512.Create(a4[g]).AsInt16();
            c40 += Avx512BW.MultiplyAddAdjacent(x, b0); c41 += Avx512BW.MultiplyAddAdjacent(x, b1);
            c42 += Avx512BW.MultiplyAddAdjacent(x, b2); c43 += Avx512BW.MultiplyAddAdjacent(x, b3);
            x = Vector512.Create(a5[g]).AsInt16();
            c50 += Avx512BW.MultiplyAddAdjacent(x, b0); c51 += Avx512BW.MultiplyAddAdjacent(x, b1);
            c52 += Avx512BW.MultiplyAddAdjacent(x, b2); c53 += Avx512BW.MultiplyAddAdjacent(x, b3);
        }
        Store(c, accumulate, c00, c01, c02, c03); Store(c += ldc, accumulate, c10, c11, c12, c13);
        Store(c += ldc, accumulate, c20, c21, c22, c23); Store(c += ldc, accumulate, c30, c31, c32, c33);
        Store(c += ldc, accumulate, c40, c41, c42, c43); Store(c += ldc, accumulate, c50, c51, c52, c53);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* c, bool accumulate, Vector512<int> v0, Vector512<int> v1, Vector512<int> v2, Vector512<int> v3)
    {
        if (accumulate)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
            v2 += Vector512.Load(c + 32);
            v3 += Vector512.Load(c + 48);
        }
        v0.Store(c);
        v1.Store(c + 16);
        v2.Store(c + 32);
        v3.Store(c + 48);
    }
}

/// <summary>
/// AVX2 kernel, 4×64 as four 4×16 passes over the panel: 8 ymm accumulators + 2 for B + 1 broadcast + 1 product
/// of the 16 registers. The fallback for x86 CPUs without AVX-512BW.
/// </summary>
internal readonly unsafe struct Int8Avx2Kernel : IInt8GemmKernel
{
    public static int MR => 4;
    public static int MC => 96;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int pairs, int* a, nint aStride, short* b, int* c, nint ldc, bool accumulate)
    {
        int* a0 = a, a1 = a + aStride, a2 = a1 + aStride, a3 = a2 + aStride;
        for (int quarter = 0; quarter < 4; quarter++)
        {
            Vector256<int> c0a = default, c0b = default, c1a = default, c1b = default;
            Vector256<int> c2a = default, c2b = default, c3a = default, c3b = default;
            short* bq = b + quarter * 32;
            for (int g = 0; g < pairs; g++, bq += 128)
            {
                Vector256<short> b0 = Vector256.Load(bq), b1 = Vector256.Load(bq + 16);
                Vector256<short> x = Vector256.Create(a0[g]).AsInt16();
                c0a += Avx2.MultiplyAddAdjacent(x, b0); c0b += Avx2.MultiplyAddAdjacent(x, b1);
                x = Vector256.Create(a1[g]).AsInt16();
                c1a += Avx2.MultiplyAddAdjacent(x, b0); c1b += Avx2.MultiplyAddAdjacent(x, b1);
                x = Vector256.Create(a2[g]).AsInt16();
                c2a += Avx2.MultiplyAddAdjacent(x, b0); c2b += Avx2.MultiplyAddAdjacent(x, b1);
                x = Vector256.Create(a3[g]).AsInt16();
                c3a += Avx2.MultiplyAddAdjacent(x, b0); c3b += Avx2.MultiplyAddAdjacent(x, b1);
            }
            int* cq = c + quarter * 16;
            Store(cq, accumulate, c0a, c0b); Store(cq += ldc, accumulate, c1a, c1b);
            Store(cq += ldc, accumulate, c2a, c2b); Store(cq += ldc, accumulate, c3a, c3b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* c, bool accumulate, Vector256<int> lo, Vector256<int> hi)
    {
        if (accumulate)
        {
            lo += Vector256.Load(c);
            hi += Vector256.Load(c + 8);
        }
        lo.Store(c);
        hi.Store(c + 8);
    }
}

/// <summary>Scalar kernel, 2×64: the portable path for CPUs without AVX2 (Arm, old x86), and the reference the vector kernels are tested against.</summary>
internal readonly unsafe struct Int8ScalarKernel : IInt8GemmKernel
{
    public static int MR => 2;
    public static int MC => 64;

    public static void Run(int pairs, int* a, nint aStride, short* b, int* c, nint ldc, bool accumulate)
    {
        for (int r = 0; r < MR; r++)
        {
            short* row = (short*)(a + r * aStride);
            int* cr = c + r * ldc;
            for (int j = 0; j < 64; j++)
            {
                int sum = 0;
                short* bj = b + 2 * j;
                for (int g = 0; g < pairs; g++, bj += 128) sum += row[2 * g] * bj[0] + row[2 * g + 1] * bj[1];
                cr[j] = accumulate ? cr[j] + sum : sum;
            }
        }
    }
}
