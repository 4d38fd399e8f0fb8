// Tests of the CPU SGEMM (Gemm.Sgemm): every inner loop (small, direct, AVX-512, AVX2, portable) on 1,
// 2 and 3 threads against a double-precision MathNet product, for all transpose combinations,
// beta 0 / 1 / 0.5, edge sizes around the tile and block sizes, and strided sub-matrix views.
using DeepLearnKit.Backends.Cpu;
using MathNet.Numerics.LinearAlgebra;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Tests.Backends.Cpu;

public class GemmTests
{
    /// <summary>(m, n, k): squares around the 14×32 tile and the blocks, and lopsided shapes.</summary>
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (7, 7, 7), (63, 63, 63), (64, 64, 64), (65, 65, 65), (129, 129, 129), (257, 257, 257),
        (65, 7, 129), (1, 300, 3), (300, 1, 3), (5, 9, 1), (37, 91, 1), (15, 33, 600), (29, 31, 2), (2, 70, 700),
        (3, 2100, 5), (2100, 3, 2), // more columns than one NC block, more rows than one A chunk
    ];

    /// <summary>Every inner loop on 1 and 2 threads, and a 3-thread grid; by name, since the enum is internal to the library.</summary>
    public static TheoryData<string, int> Paths()
    {
        var data = new TheoryData<string, int>();
        foreach (GemmKernelChoice kernel in Enum.GetValues<GemmKernelChoice>())
        {
            data.Add(kernel.ToString(), 1);
            // The small and direct loops never split work, so one thread count covers them.
            if (kernel is not (GemmKernelChoice.Small or GemmKernelChoice.Direct)) data.Add(kernel.ToString(), 2);
        }
        data.Add(nameof(GemmKernelChoice.Avx512), 3);
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Matches_double_precision_reference(string kernelName, int threads)
    {
        var kernel = Enum.Parse<GemmKernelChoice>(kernelName);
        if (!Supported(kernel)) return;
        var random = new Random(1234);
        foreach (var (m, n, k) in Shapes)
        {
            foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            foreach (float beta in new[] { 0f, 1f, 0.5f })
            {
                // Padding of the leading dimensions varies so that some views have ld = width.
                int pad = (m + n + k + (transA ? 1 : 0) + (transB ? 2 : 0)) % 3 * 3;
                CheckCase(random, kernel, threads, transA, transB, m, n, k, beta, pad);
            }
        }
    }

    [Fact]
    public void Public_entry_point_uses_the_default_settings()
    {
        var random = new Random(99);
        CheckCase(random, GemmKernelChoice.Auto, threads: -1, false, false, 200, 150, 300, 1f, 0);
        CheckCase(random, GemmKernelChoice.Auto, threads: -1, true, true, 16, 16, 16, 0f, 5);
    }

    [Fact]
    public void Odd_sizes_sweep_on_the_packed_and_direct_paths()
    {
        var random = new Random(7);
        foreach (GemmKernelChoice kernel in new[] { GemmKernelChoice.Small, GemmKernelChoice.Direct, GemmKernelChoice.Avx512, GemmKernelChoice.Avx2, GemmKernelChoice.Portable })
        {
            if (!Supported(kernel)) continue;
            for (int s = 1; s <= 70; s++)
            {
                int m = s, n = (s * 7) % 67 + 1, k = (s * 5) % 41 + 1;
                CheckCase(random, kernel, 1, s % 2 == 0, s % 3 == 0, m, n, k, s % 4 == 0 ? 1f : 0f, s % 3);
            }
        }
    }

    [Fact]
    public void Concurrent_calls_from_several_threads_agree_with_a_single_call()
    {
        const int m = 150, n = 170, k = 90;
        var random = new Random(5);
        float[] a = Fill(random, m, k, k, 0f), b = Fill(random, k, n, n, 0f);
        var want = new float[m * n];
        Gemm.Sgemm(false, false, m, n, k, a, k, b, n, 0f, want, n, 1, GemmKernelChoice.Auto);
        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r =>
        {
            var c = new float[m * n];
            for (int rep = 0; rep < 5; rep++) Gemm.Sgemm(false, false, m, n, k, a, k, b, n, 0f, c, n, 2, GemmKernelChoice.Auto);
            results[r] = c;
        });
        foreach (float[] c in results) Assert.Equal(want, c);
    }

    [Fact]
    public void Empty_depth_scales_c_by_beta()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Sgemm(false, false, 2, 3, 0, [], 1, [], 3, 0.5f, c, 3);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }, c);
        c = [float.NaN, 1, 2, 3];
        Gemm.Sgemm(false, false, 2, 2, 0, [], 1, [], 2, 0f, c, 2);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, c);
    }

    [Fact]
    public void Too_short_spans_are_rejected()
    {
        var a = new float[12];
        var b = new float[12];
        var c = new float[16];
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 4, 4, 4, a, 4, b, 4, 0f, c, 4));
        Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 4, 3, 4, a.AsSpan(0, 11), 4, b, 3, 0f, c, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, 3, 3, 4, a, 3, b, 3, 0f, c, 4));
    }

    private static bool Supported(GemmKernelChoice kernel) => kernel switch
    {
        GemmKernelChoice.Avx512 => Avx512F.IsSupported,
        GemmKernelChoice.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>Inputs and double-precision result of one case, shared by all the paths that run it.</summary>
    private sealed record Reference(float[] A, float[] B, float[] C, double[] Expected);

    private static readonly Dictionary<(int, int, int, bool, bool, float, int), Reference> References = [];

    /// <summary>
    /// Runs one product on strided views (leading dimension = width + pad, padding filled with NaN
    /// so a stray read shows) and compares with MathNet in double. threads = -1 calls the public overload.
    /// </summary>
    private static void CheckCase(Random random, GemmKernelChoice kernel, int threads,
        bool transA, bool transB, int m, int n, int k, float beta, int pad)
    {
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        Reference reference;
        lock (References)
        {
            var key = (m, n, k, transA, transB, beta, pad);
            if (!References.TryGetValue(key, out reference!))
                References[key] = reference = MakeReference(random, transA, transB, m, n, k, beta, lda, ldb, ldc);
        }
        float[] c = (float[])reference.C.Clone();

        if (threads < 0) Gemm.Sgemm(transA, transB, m, n, k, reference.A, lda, reference.B, ldb, beta, c, ldc);
        else Gemm.Sgemm(transA, transB, m, n, k, reference.A, lda, reference.B, ldb, beta, c, ldc, threads, kernel);

        string where = $"{kernel} threads={threads} transA={transA} transB={transB} m={m} n={n} k={k} beta={beta} pad={pad}";
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double want = reference.Expected[i * n + j];
                // Inputs lie in [-1, 1]: a float sum of k products errs by well under 2e-6·k.
                double tolerance = 2e-6 * (k + 1) * (1 + Math.Abs(want));
                float got = c[i * ldc + j];
                if (!(Math.Abs(got - want) <= tolerance))
                    Assert.Fail($"C[{i},{j}] = {got}, expected {want} ± {tolerance:G3} ({where})");
            }
            for (int j = n; j < ldc && i * ldc + j < c.Length; j++)
            {
                if (BitConverter.SingleToInt32Bits(c[i * ldc + j]) != BitConverter.SingleToInt32Bits(reference.C[i * ldc + j]))
                    Assert.Fail($"padding C[{i},{j}] was overwritten ({where})");
            }
        }
    }

    private static Reference MakeReference(Random random, bool transA, bool transB, int m, int n, int k, float beta, int lda, int ldb, int ldc)
    {
        float[] a = Fill(random, transA ? k : m, transA ? m : k, lda, float.NaN);
        float[] b = Fill(random, transB ? n : k, transB ? k : n, ldb, float.NaN);
        // With beta = 0, C must be written without being read: start it as NaN.
        float[] c = beta == 0 ? Fill(random, m, n, ldc, -7f, float.NaN) : Fill(random, m, n, ldc, -7f);
        Matrix<double> opA = Matrix<double>.Build.Dense(m, k, (i, p) => transA ? a[p * lda + i] : a[i * lda + p]);
        Matrix<double> opB = Matrix<double>.Build.Dense(k, n, (p, j) => transB ? b[j * ldb + p] : b[p * ldb + j]);
        Matrix<double> product = opA * opB;
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                expected[i * n + j] = product[i, j] + (beta == 0 ? 0 : beta * (double)c[i * ldc + j]);
        return new Reference(a, b, c, expected);
    }

    /// <summary>A rows×cols matrix with leading dimension ld (values in [-1, 1), or <paramref name="inside"/>), padding set to <paramref name="padding"/>.</summary>
    private static float[] Fill(Random random, int rows, int cols, int ld, float padding, float? inside = null)
    {
        var data = new float[Math.Max(0, (rows - 1) * ld + cols)];
        for (int i = 0; i < data.Length; i++)
            data[i] = i % ld < cols ? inside ?? (float)(random.NextDouble() * 2 - 1) : padding;
        return data;
    }
}
