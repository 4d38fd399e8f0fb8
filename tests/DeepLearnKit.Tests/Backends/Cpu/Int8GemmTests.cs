// Tests of the packed int8 GEMM (Int8Gemm): every kernel (AVX-512BW, AVX2, scalar) on 1, 2 and 3 threads equals an
// int32 triple loop written here exactly, on sizes around the 64-column panel, the MR-row tiles, the MC-row A blocks and
// the KC-pair depth blocks, at ±127 with k at the overflow bound, and with one packed B shared by concurrent calls.
using DeepLearnKit.Backends.Cpu;
using System.Runtime.Intrinsics.X86;

namespace DeepLearnKit.Tests.Backends.Cpu;

public class Int8GemmTests
{
    private static readonly int[] OddSizes = [1, 3, 17, 63, 64, 65, 130];

    /// <summary>Every kernel on 1 and 2 threads and a 3-thread grid; by name, since the enum is internal to the library.</summary>
    public static TheoryData<string, int> Paths()
    {
        var data = new TheoryData<string, int>();
        foreach (var kernel in new[] { Int8GemmKernelChoice.Avx512, Int8GemmKernelChoice.Avx2, Int8GemmKernelChoice.Scalar })
            foreach (int threads in new[] { 1, 2, 3 })
                data.Add(kernel.ToString(), threads);
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_kernel_equals_a_triple_loop_exactly_on_odd_sizes(string kernelName, int threads)
    {
        var kernel = Enum.Parse<Int8GemmKernelChoice>(kernelName);
        if (!Supported(kernel)) return;
        var random = new Random(2026);
        foreach (int m in OddSizes)
            foreach (int n in OddSizes)
                foreach (int k in OddSizes)
                    CheckCase(random, kernel, threads, m, n, k);
        // More rows than one MC block of A, more depth than one KC block (odd, so the last pair is half padding).
        CheckCase(random, kernel, threads, 200, 70, 515);
        CheckCase(random, kernel, threads, 7, 130, 1031);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_kernel_is_exact_at_plus_minus_127_with_k_at_the_overflow_bound(string kernelName, int threads)
    {
        var kernel = Enum.Parse<Int8GemmKernelChoice>(kernelName);
        if (!Supported(kernel)) return;
        // |Σ| = 127²·k = 2 147 479 576 for k = MaxInnerSize, just below int.MaxValue = 2 147 483 647.
        const int m = 7, n = 3, k = Int8Gemm.MaxInnerSize;
        Assert.InRange(127L * 127 * k, int.MaxValue - 127L * 127, int.MaxValue);
        // Row i of A is (-1)^i·127, row j of B is (-1)^j·127, so C[i, j] = (-1)^(i+j)·127²·k.
        var a = new sbyte[m * k];
        var b = new sbyte[n * k];
        for (int i = 0; i < m; i++) Array.Fill(a, (sbyte)(i % 2 == 0 ? 127 : -127), i * k, k);
        for (int j = 0; j < n; j++) Array.Fill(b, (sbyte)(j % 2 == 0 ? 127 : -127), j * k, k);
        var c = new int[m * n];
        Int8Gemm.Multiply(a, Int8PackedMatrix.Pack(b, n, k), c, m, threads, kernel);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal((i + j) % 2 == 0 ? 127 * 127 * k : -127 * 127 * k, c[i * n + j]);
    }

    [Fact]
    public void A_packed_matrix_is_shared_by_concurrent_calls_and_repeated_calls_agree()
    {
        var random = new Random(5);
        const int m = 90, n = 150, k = 333;
        var a = RandomInt8(random, m * k);
        var b = RandomInt8(random, n * k);
        var packed = Int8PackedMatrix.Pack(b, n, k);
        var expected = TripleLoop(a, b, m, n, k);
        Assert.Equal(n, packed.Rows);
        Assert.Equal(k, packed.Columns);
        var results = new int[6][];
        Parallel.For(0, results.Length, t =>
        {
            results[t] = new int[m * n];
            Int8Gemm.Multiply(a, packed, results[t], m);
            Int8Gemm.Multiply(a, packed, results[t], m);
        });
        Assert.All(results, c => Assert.Equal(expected, c));
    }

    [Fact]
    public void Empty_sizes_and_bad_input()
    {
        var c = new[] { 5, 5, 5, 5, 5, 5 };
        Int8Gemm.Multiply(new sbyte[0], new sbyte[0], c, 2, 3, 0);
        Assert.All(c, v => Assert.Equal(0, v));
        Int8Gemm.Multiply(new sbyte[0], new sbyte[12], c, 0, 3, 4);
        Int8Gemm.Multiply(new sbyte[8], new sbyte[0], c, 2, 0, 4);

        var tooDeep = Assert.Throws<ArgumentException>(() => Int8PackedMatrix.Pack(new sbyte[Int8Gemm.MaxInnerSize + 1], 1, Int8Gemm.MaxInnerSize + 1));
        Assert.Contains($"k={Int8Gemm.MaxInnerSize + 1}", tooDeep.Message);
        Assert.Contains("n=2 rows of k=3", Assert.Throws<ArgumentException>(() => Int8PackedMatrix.Pack(new sbyte[5], 2, 3)).Message);
        var packed = Int8PackedMatrix.Pack(new sbyte[6], 2, 3);
        var shortA = Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(new sbyte[5], packed, new int[4], 2));
        Assert.Contains("m=2, n=2, k=3", shortA.Message);
        Assert.Contains("m=-1", Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(new sbyte[6], packed, new int[4], -1)).Message);
    }

    private static void CheckCase(Random random, Int8GemmKernelChoice kernel, int threads, int m, int n, int k)
    {
        var a = RandomInt8(random, m * k);
        var b = RandomInt8(random, n * k);
        // C starts as garbage: every element must be written, not accumulated into.
        var c = Enumerable.Repeat(-12345, m * n).ToArray();
        Int8Gemm.Multiply(a, Int8PackedMatrix.Pack(b, n, k), c, m, threads, kernel);
        var expected = TripleLoop(a, b, m, n, k);
        for (int i = 0; i < m * n; i++)
            if (expected[i] != c[i]) Assert.Fail($"{kernel} on {threads} threads, m={m}, n={n}, k={k}: C[{i / n}, {i % n}] = {c[i]}, expected {expected[i]}");
    }

    private static int[] TripleLoop(sbyte[] a, sbyte[] b, int m, int n, int k)
    {
        var c = new int[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int sum = 0;
                for (int p = 0; p < k; p++) sum += a[i * k + p] * b[j * k + p];
                c[i * n + j] = sum;
            }
        return c;
    }

    private static sbyte[] RandomInt8(Random random, int count)
    {
        var values = new sbyte[count];
        for (int i = 0; i < count; i++) values[i] = (sbyte)random.Next(-127, 128);
        return values;
    }

    private static bool Supported(Int8GemmKernelChoice kernel) => kernel switch
    {
        Int8GemmKernelChoice.Avx512 => Avx512BW.IsSupported,
        Int8GemmKernelChoice.Avx2 => Avx2.IsSupported,
        _ => true,
    };
}
