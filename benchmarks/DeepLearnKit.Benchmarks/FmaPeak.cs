// The machine's limit, measured the way BENCHMARKS.md states it: 12 independent chains of
// 512-bit fused multiply-adds per thread (enough to hide the FMA latency on both FMA pipes), on
// T threads at once. GEMM is reported as a fraction of this. Falls back to 256-bit FMA (AVX2)
// on CPUs without AVX-512, and says so in the note.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Benchmarks;

internal static class FmaPeak
{
    private const int Chains = 12;
    private const long Iterations = 1 << 22;

    public static Prepared Prepare(int threads)
    {
        bool wide = Avx512F.IsSupported;
        if (!wide && !Fma.IsSupported) throw new PlatformNotSupportedException("fma-peak needs AVX-512F or FMA3.");
        int lanes = wide ? Vector512<float>.Count : Vector256<float>.Count;
        var sums = new float[threads];
        return new(
            () => RunOnThreads(threads, t => sums[t] = wide ? Chains512(Iterations) : Chains256(Iterations)),
            () => sums.Sum(),
            Flops: 2.0 * Chains * lanes * Iterations * threads,
            Note: wide ? "512-bit FMA" : "256-bit FMA");
    }

    /// <summary>Runs body(0..threads-1) on that many dedicated threads (the caller takes thread 0) and waits for all.</summary>
    private static void RunOnThreads(int threads, Action<int> body)
    {
        var others = Enumerable.Range(1, threads - 1).Select(t => new Thread(() => body(t))).ToArray();
        foreach (var thread in others) thread.Start();
        body(0);
        foreach (var thread in others) thread.Join();
    }

    // acc = acc·x + y converges to 1, so the values stay finite however long it runs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(0.001f);
        Vector512<float> a0 = Vector512.Create(0.0f), a1 = Vector512.Create(0.1f), a2 = Vector512.Create(0.2f),
            a3 = Vector512.Create(0.3f), a4 = Vector512.Create(0.4f), a5 = Vector512.Create(0.5f),
            a6 = Vector512.Create(0.6f), a7 = Vector512.Create(0.7f), a8 = Vector512.Create(0.8f),
            a9 = Vector512.Create(0.9f), a10 = Vector512.Create(1.0f), a11 = Vector512.Create(1.1f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, x, y); a1 = Avx512F.FusedMultiplyAdd(a1, x, y);
            a2 = Avx512F.FusedMultiplyAdd(a2, x, y); a3 = Avx512F.FusedMultiplyAdd(a3, x, y);
            a4 = Avx512F.FusedMultiplyAdd(a4, x, y); a5 = Avx512F.FusedMultiplyAdd(a5, x, y);
            a6 = Avx512F.FusedMultiplyAdd(a6, x, y); a7 = Avx512F.FusedMultiplyAdd(a7, x, y);
            a8 = Avx512F.FusedMultiplyAdd(a8, x, y); a9 = Avx512F.FusedMultiplyAdd(a9, x, y);
            a10 = Avx512F.FusedMultiplyAdd(a10, x, y); a11 = Avx512F.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        var x = Vector256.Create(0.999f);
        var y = Vector256.Create(0.001f);
        Vector256<float> a0 = Vector256.Create(0.0f), a1 = Vector256.Create(0.1f), a2 = Vector256.Create(0.2f),
            a3 = Vector256.Create(0.3f), a4 = Vector256.Create(0.4f), a5 = Vector256.Create(0.5f),
            a6 = Vector256.Create(0.6f), a7 = Vector256.Create(0.7f), a8 = Vector256.Create(0.8f),
            a9 = Vector256.Create(0.9f), a10 = Vector256.Create(1.0f), a11 = Vector256.Create(1.1f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, x, y); a1 = Fma.MultiplyAdd(a1, x, y);
            a2 = Fma.MultiplyAdd(a2, x, y); a3 = Fma.MultiplyAdd(a3, x, y);
            a4 = Fma.MultiplyAdd(a4, x, y); a5 = Fma.MultiplyAdd(a5, x, y);
            a6 = Fma.MultiplyAdd(a6, x, y); a7 = Fma.MultiplyAdd(a7, x, y);
            a8 = Fma.MultiplyAdd(a8, x, y); a9 = Fma.MultiplyAdd(a9, x, y);
            a10 = Fma.MultiplyAdd(a10, x, y); a11 = Fma.MultiplyAdd(a11, x, y);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
