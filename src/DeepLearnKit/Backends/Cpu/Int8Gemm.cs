// The int8 matrix product of post-training quantization (chapter 13): B (a Linear's int8 weight) packed once into
// 64-column panels of int16 pairs, A widened to int16 pairs block by block, and a register-blocked micro-kernel
// (Int8GemmKernels.cs) that sums the products exactly in int32, parallel over a grid of tiles like the float GEMM.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static DeepLearnKit.Backends.Cpu.GemmTiling;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>Which micro-kernel <see cref="Int8Gemm"/> uses; <see cref="Auto"/> picks the widest the CPU has. The others exist for tests.</summary>
internal enum Int8GemmKernelChoice
{
    /// <summary>AVX-512BW where supported, else AVX2, else scalar.</summary>
    Auto,
    /// <summary>The 6×64 AVX-512BW kernel (vpmaddwd on zmm).</summary>
    Avx512,
    /// <summary>The 4×64 AVX2 kernel (vpmaddwd on ymm).</summary>
    Avx2,
    /// <summary>The 2×64 scalar kernel.</summary>
    Scalar,
}

/// <summary>
/// An int8 matrix B of n rows of k (a Linear weight, out × in) packed once for <see cref="Int8Gemm"/>: panels of 64 rows,
/// each holding, for every pair of columns g, the 64 rows' values <c>B[j, 2g], B[j, 2g+1]</c> as int16, zero-padded
/// to whole panels and an even k. Twice the bytes of B; immutable, so one packing serves every call and thread.
/// </summary>
public sealed unsafe class Int8PackedMatrix
{
    /// <summary>Rows of B per panel: the columns of one C tile.</summary>
    internal const int PanelWidth = 64;

    private readonly short[] store;
    private readonly nint offset;

    private Int8PackedMatrix(int rows, int columns)
    {
        Rows = rows;
        Columns = columns;
        Pairs = (columns + 1) / 2;
        PanelCount = (rows + PanelWidth - 1) / PanelWidth;
        long length = (long)PanelCount * PanelStride;
        // Pinned, so kernels can use pointers without fixing it per call; aligned to a 64-byte cache line.
        store = GC.AllocateArray<short>(checked((int)(length + 32)), pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref store[0]);
        offset = (((start + 63) & ~(nint)63) - start) / sizeof(short);
    }

    /// <summary>n, the rows of B (the columns of C).</summary>
    public int Rows { get; }

    /// <summary>k, the columns of B (the inner size of the product).</summary>
    public int Columns { get; }

    internal int Pairs { get; }

    internal int PanelCount { get; }

    /// <summary>int16 values per panel: 64 rows × 2 per pair of columns.</summary>
    internal long PanelStride => (long)Pairs * 2 * PanelWidth;

    internal short* Panel(int index) => (short*)Unsafe.AsPointer(ref store[0]) + offset + index * PanelStride;

    /// <summary>Packs <paramref name="rows"/> (n rows of k int8, row-major). Throws when a size is negative, k is above <see cref="Int8Gemm.MaxInnerSize"/> or the span is short.</summary>
    public static Int8PackedMatrix Pack(ReadOnlySpan<sbyte> rows, int n, int k)
    {
        if (n < 0 || k < 0) throw new ArgumentException($"Int8PackedMatrix.Pack: sizes must be non-negative, got n={n}, k={k}.");
        if (k > Int8Gemm.MaxInnerSize) throw new ArgumentException($"Int8PackedMatrix.Pack: k={k} is above {Int8Gemm.MaxInnerSize}, where int32 sums could overflow.");
        if (rows.Length < (long)n * k) throw new ArgumentException($"Int8PackedMatrix.Pack: {rows.Length} values are too few for n={n} rows of k={k}.");
        var packed = new Int8PackedMatrix(n, k);
        for (int j = 0; j < n; j++)
        {
            short* dst = packed.Panel(j / PanelWidth) + 2 * (j % PanelWidth);
            var row = rows.Slice(j * k, k);
            for (int p = 0; p < k; p++) dst[(p >> 1) * 2 * PanelWidth + (p & 1)] = row[p];
        }
        return packed;
    }
}

/// <summary>
/// <c>C[i,j] = Σ_k A[i,k]·B[j,k]</c> over int8 A (m×k, row-major) and int8 B stored as n rows of k (the layout of a
/// Linear weight, out × in), accumulated in int32, exactly. With |A|, |B| ≤ 127 each product is at most 16 129, so sums
/// stay exact for k up to <see cref="MaxInnerSize"/>. B is packed into an <see cref="Int8PackedMatrix"/> (once, for a
/// weight used many times); the kernel is AVX-512BW where supported, else AVX2, else scalar, all giving the same sums.
/// </summary>
public static class Int8Gemm
{
    /// <summary>The largest inner size k whose int32 sums of 127·127 products cannot overflow.</summary>
    public const int MaxInnerSize = int.MaxValue / (127 * 127);

    /// <summary><c>C[i,j] = Σ_p A[i·k + p]·B[j·k + p]</c> in int32, exactly; C is m×n row-major. Packs B on each call: for a B used more than once, pack it once with <see cref="Int8PackedMatrix.Pack"/>.</summary>
    public static void Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> bRows, Span<int> c, int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Int8Gemm.Multiply: sizes must be non-negative, got m={m}, n={n}, k={k}.");
        if (k > MaxInnerSize) throw new ArgumentException($"Int8Gemm.Multiply: k={k} is above {MaxInnerSize}, where int32 sums could overflow.");
        if (a.Length < (long)m * k || bRows.Length < (long)n * k || c.Length < (long)m * n)
            throw new ArgumentException($"Int8Gemm.Multiply: spans too short for m={m}, n={n}, k={k} (A {a.Length}, B {bRows.Length}, C {c.Length}).");
        Multiply(a, Int8PackedMatrix.Pack(bRows, n, k), c, m);
    }

    /// <summary><c>C[i,j] = Σ_p A[i·k + p]·B[j, p]</c> in int32, exactly, for A of m rows of k = <paramref name="b"/>.Columns and C m×n row-major (n = b.Rows).</summary>
    public static void Multiply(ReadOnlySpan<sbyte> a, Int8PackedMatrix b, Span<int> c, int m)
        => Multiply(a, b, c, m, threads: 0, Int8GemmKernelChoice.Auto);

    /// <summary>
    /// <see cref="Multiply(ReadOnlySpan{sbyte}, Int8PackedMatrix, Span{int}, int)"/> on exactly <paramref name="threads"/>
    /// threads (0: as many as the work pays for, up to <see cref="CpuParallel.MaxThreads"/>) with the given kernel, so tests
    /// can cover every path and thread grid.
    /// </summary>
    internal static unsafe void Multiply(ReadOnlySpan<sbyte> a, Int8PackedMatrix b, Span<int> c, int m, int threads, Int8GemmKernelChoice kernel)
    {
        int n = b.Rows, k = b.Columns;
        if (m < 0) throw new ArgumentException($"Int8Gemm.Multiply: sizes must be non-negative, got m={m}, n={n}, k={k}.");
        if (a.Length < (long)m * k || c.Length < (long)m * n)
            throw new ArgumentException($"Int8Gemm.Multiply: spans too short for m={m}, n={n}, k={k} (A {a.Length}, C {c.Length}).");
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            c.Slice(0, m * n).Clear();
            return;
        }
        if (kernel == Int8GemmKernelChoice.Auto)
            kernel = Avx512BW.IsSupported ? Int8GemmKernelChoice.Avx512 : Avx2.IsSupported ? Int8GemmKernelChoice.Avx2 : Int8GemmKernelChoice.Scalar;
        if (threads <= 0) threads = (int)Math.Clamp((long)m * n * k / Gemm.WorkPerThread, 1, CpuParallel.MaxThreads);
        fixed (sbyte* pa = a)
        fixed (int* pc = c)
        {
            switch (kernel)
            {
                case Int8GemmKernelChoice.Avx512 when Avx512BW.IsSupported:
                    Int8GemmJob<Int8Avx512Kernel>.ForCurrentThread().Run(pa, b, pc, m, threads);
                    break;
                case Int8GemmKernelChoice.Avx2 when Avx2.IsSupported:
                    Int8GemmJob<Int8Avx2Kernel>.ForCurrentThread().Run(pa, b, pc, m, threads);
                    break;
                case Int8GemmKernelChoice.Scalar:
                    Int8GemmJob<Int8ScalarKernel>.ForCurrentThread().Run(pa, b, pc, m, threads);
                    break;
                default:
                    throw new PlatformNotSupportedException($"Int8Gemm: kernel {kernel} needs an instruction set this CPU lacks.");
            }
        }
    }
}

/// <summary>
/// One caller thread's int8 GEMM state (a cached loop body, so a call allocates nothing once warm). Threads split C as a
/// tm×tn grid of MR×64 tiles; each packs its own rows of A, MC rows × KC pairs at a time, into a buffer of its own, then
/// runs the kernel over the B panels of its columns, so the packed A block stays in L2 while the panels stream past.
/// </summary>
internal sealed unsafe class Int8GemmJob<TK> where TK : struct, IInt8GemmKernel
{
    /// <summary>Column pairs per block: a 64-column panel slab is 64 KiB, an MR-row A sliver 6 KiB at MR = 6.</summary>
    private const int KC = 256;

    [ThreadStatic] private static Int8GemmJob<TK>? current;

    // A block of one worker thread: MC rows × KC pairs of int16 (one int per pair), pinned.
    [ThreadStatic] private static int[]? aStore;

    private sbyte* a;
    private int* c;
    private Int8PackedMatrix? b;
    private int m, threads, tm, tn;
    private readonly Action<int> stepBody;
    private readonly ParallelOptions options = new();

    private Int8GemmJob() => stepBody = Step;

    public static Int8GemmJob<TK> ForCurrentThread() => current ??= new Int8GemmJob<TK>();

    public void Run(sbyte* a, Int8PackedMatrix b, int* c, int m, int threadCount)
    {
        this.a = a;
        this.b = b;
        this.c = c;
        this.m = m;
        threads = threadCount;
        (tm, tn) = GemmTiling.SplitGrid(threads, Ceil(m, TK.MR), b.PanelCount);
        try
        {
            GemmTiling.RunWorkers(threads, options, stepBody);
        }
        finally
        {
            this.a = null;
            this.c = null;
            this.b = null;
        }
    }

    private void Step(int t)
    {
        var packed = b!;
        int mr = TK.MR, n = packed.Rows, k = packed.Columns, pairs = packed.Pairs;
        int rowTiles = Ceil(m, mr), columnTiles = packed.PanelCount;
        var (r0, r1, c0, c1) = GemmTiling.Share(t, tm, tn, rowTiles, columnTiles);
        if (r0 >= r1 || c0 >= c1) return;

        int kc = Even(pairs, KC), mcTiles = TK.MC / mr;
        aStore ??= GC.AllocateArray<int>(TK.MC * KC, pinned: true);
        int* aPack = (int*)Unsafe.AsPointer(ref aStore[0]);
        int* tile = stackalloc int[mr * Int8PackedMatrix.PanelWidth];

        for (int g0 = 0; g0 < pairs; g0 += kc)
        {
            int gc = Math.Min(kc, pairs - g0);
            bool accumulate = g0 > 0;
            for (int ib = r0; ib < r1; ib += mcTiles)
            {
                int ie = Math.Min(ib + mcTiles, r1);
                PackA(ib * mr, ie * mr, 2 * g0, gc, k, aPack);
                for (int jp = c0; jp < c1; jp++)
                {
                    short* bp = packed.Panel(jp) + (nint)g0 * 2 * Int8PackedMatrix.PanelWidth;
                    int j = jp * Int8PackedMatrix.PanelWidth;
                    int nValid = Math.Min(Int8PackedMatrix.PanelWidth, n - j);
                    for (int ip = ib; ip < ie; ip++)
                    {
                        int i = ip * mr;
                        int mValid = Math.Min(mr, m - i);
                        int* ap = aPack + (nint)(ip - ib) * mr * gc;
                        int* cp = c + (nint)i * n + j;
                        if (mValid == mr && nValid == Int8PackedMatrix.PanelWidth)
                        {
                            TK.Run(gc, ap, gc, bp, cp, n, accumulate);
                        }
                        else
                        {
                            // Edge tile: A and B are zero-padded, so compute the whole tile aside and keep the part inside C.
                            TK.Run(gc, ap, gc, bp, tile, Int8PackedMatrix.PanelWidth, false);
                            MergeTile(tile, cp, n, mValid, nValid, accumulate);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Rows [i0, i1) of A, columns [p0, p0 + 2·gc), widened to int16 into rows of gc pairs; rows past m and columns past k are zero.</summary>
    private void PackA(int i0, int i1, int p0, int gc, int k, int* dst)
    {
        int count = Math.Min(2 * gc, k - p0);
        for (int i = i0; i < i1; i++, dst += gc)
        {
            short* row = (short*)dst;
            if (i >= m)
            {
                new Span<int>(dst, gc).Clear();
                continue;
            }
            sbyte* src = a + (nint)i * k + p0;
            int p = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; p <= count - Vector256<sbyte>.Count; p += Vector256<sbyte>.Count)
                {
                    var (lo, hi) = Vector256.Widen(Vector256.Load(src + p));
                    lo.Store(row + p);
                    hi.Store(row + p + Vector256<short>.Count);
                }
            }
            for (; p < count; p++) row[p] = src[p];
            for (; p < 2 * gc; p++) row[p] = 0;
        }
    }

    private static void MergeTile(int* tile, int* c, nint ldc, int rows, int cols, bool accumulate)
    {
        for (int r = 0; r < rows; r++, c += ldc, tile += Int8PackedMatrix.PanelWidth)
        {
            if (accumulate) for (int j = 0; j < cols; j++) c[j] += tile[j];
            else for (int j = 0; j < cols; j++) c[j] = tile[j];
        }
    }
}
