// The packed, cache-blocked SGEMM driver (GotoBLAS/BLIS loop order) behind Gemm.Sgemm: it cuts
// C = op(A)·op(B) + beta·C into KC-deep slabs, packs A and B slivers into contiguous, zero-padded,
// 64-byte-aligned buffers, and runs a register-blocked micro-kernel (GemmKernels.cs) over them,
// optionally on several threads.
using System.Runtime.CompilerServices;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// One caller thread's packed GEMM state: packing buffers that are reused from call to call (no
/// allocation on the hot path once they have grown) and the two loop bodies handed to
/// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>.
/// </summary>
/// <remarks>
/// Buffers: up to MB×KC floats of packed A and KC×NC of packed B (4 MiB each with the AVX-512
/// kernel), held per thread that has called a large GEMM, and pinned so workers can use pointers.
/// Loop nest, outermost first: jc over NC columns of B (the packed KC×NC block stays in L3),
/// pc over KC of depth, ic over row chunks of A; then, per thread, MC rows of packed A (kept in
/// L2) × NR-wide slivers of packed B (kept close, in L1/L2, while all the MR-row slivers of the
/// MC block stream past) × the micro-kernel. Each pc step has two phases, each one parallel loop: pack
/// (A and B slivers split between the threads), then compute (a tm×tn grid of C split between
/// them). The phases are separate loops rather than one loop with a barrier because
/// Parallel.For may run two iterations one after the other on the same thread.
/// </remarks>
internal sealed unsafe class GemmJob<TK> where TK : struct, IGemmKernel
{
    [ThreadStatic] private static GemmJob<TK>? current;

    /// <summary>Column block of B packed at once: KC×NC floats (4 MiB with KC = 512) fit the L3.</summary>
    private const int NC = 2048;

    /// <summary>Row chunk of A packed at once, so the packed A buffer stays bounded for tall A.</summary>
    private const int MB = 2048;

    private float[]? aStore, bStore;
    private float* aPack, bPack;

    // Arguments of the current call.
    private bool transA, transB;
    private int m, n, k, threads;
    private float* a, b, c;
    private nint lda, ldb, ldc;

    // The block being worked on.
    private int jc, nc, pc, kc, ic, mb, tm, tn;
    private float betaNow;
    private bool packBNow;

    private readonly Action<int> packBody, computeBody;
    private readonly ParallelOptions options = new();

    private GemmJob()
    {
        packBody = Pack;
        computeBody = Compute;
    }

    /// <summary>The calling thread's job (a GEMM call never re-enters itself on one thread).</summary>
    public static GemmJob<TK> ForCurrentThread() => current ??= new GemmJob<TK>();

    /// <summary>Computes <c>C = op(A)·op(B) + beta·C</c> on up to <paramref name="threadCount"/> threads; m, n, k ≥ 1.</summary>
    public void Run(bool transA, bool transB, int m, int n, int k, float* a, nint lda, float* b, nint ldb,
        float beta, float* c, nint ldc, int threadCount)
    {
        (this.transA, this.transB, this.m, this.n, this.k) = (transA, transB, m, n, k);
        this.a = a;
        this.b = b;
        this.c = c;
        (this.lda, this.ldb, this.ldc) = (lda, ldb, ldc);
        threads = threadCount;

        // Even block sizes: k = 257 becomes two slabs of 129 rather than 256 + 1, which would run
        // a whole pass of packing and kernel calls for one step of depth.
        int kcMax = Even(k, TK.KC, 1);
        int ncMax = Even(n, NC, TK.NR);
        int mbMax = Even(m, MB, TK.MR);
        EnsureBuffers(RoundUp(mbMax, TK.MR) * kcMax, RoundUp(ncMax, TK.NR) * kcMax);
        try
        {
            for (jc = 0; jc < n; jc += ncMax)
            {
                nc = Math.Min(ncMax, n - jc);
                for (pc = 0; pc < k; pc += kcMax)
                {
                    kc = Math.Min(kcMax, k - pc);
                    betaNow = pc == 0 ? beta : 1f;
                    for (ic = 0; ic < m; ic += mbMax)
                    {
                        mb = Math.Min(mbMax, m - ic);
                        packBNow = ic == 0;
                        SplitGrid();
                        Parallel(packBody);
                        Parallel(computeBody);
                    }
                }
            }
        }
        finally
        {
            this.a = this.b = this.c = null;
        }
    }

    private void Parallel(Action<int> body)
    {
        if (threads <= 1)
        {
            body(0);
            return;
        }
        options.MaxDegreeOfParallelism = threads;
        System.Threading.Tasks.Parallel.For(0, threads, options, body);
    }

    /// <summary>Picks the tm×tn grid of threads over the MR×NR tiles of the block that balances best.</summary>
    private void SplitGrid()
    {
        int mp = Ceil(mb, TK.MR), np = Ceil(nc, TK.NR);
        long best = long.MaxValue;
        for (int rows = 1; rows <= threads; rows++)
        {
            if (threads % rows != 0) continue;
            int cols = threads / rows;
            // Largest share of tiles, weighted a little towards splitting rows: a row split lets
            // each thread keep its own MC block of A in its own L2.
            long worst = (long)Ceil(mp, rows) * Ceil(np, cols) * 64 + cols;
            if (worst < best) (best, tm, tn) = (worst, rows, cols);
        }
    }

    /// <summary>Phase 1 for worker <paramref name="t"/>: pack its share of the A slivers and, on a new pc step, of the B slivers.</summary>
    private void Pack(int t)
    {
        int mr = TK.MR, nr = TK.NR;
        int mp = Ceil(mb, mr);
        for (int ip = (int)((long)t * mp / threads), end = (int)((long)(t + 1) * mp / threads); ip < end; ip++)
        {
            int i = ic + ip * mr;
            float* dst = aPack + (nint)ip * mr * kc;
            int valid = Math.Min(mr, m - i);
            // op(A)[i, p]: row-major A has it at a[i·lda + p] (rows of the sliver strided by lda),
            // transposed A at a[p·lda + i] (the sliver's MR values contiguous for each p).
            if (transA) GemmPacking.Contiguous(a + (nint)pc * lda + i, lda, valid, mr, kc, dst);
            else GemmPacking.Strided(a + (nint)i * lda + pc, lda, valid, mr, kc, dst);
        }
        if (!packBNow) return;
        int np = Ceil(nc, nr);
        for (int jp = (int)((long)t * np / threads), end = (int)((long)(t + 1) * np / threads); jp < end; jp++)
        {
            int j = jc + jp * nr;
            float* dst = bPack + (nint)jp * nr * kc;
            int valid = Math.Min(nr, n - j);
            if (transB) GemmPacking.Strided(b + (nint)j * ldb + pc, ldb, valid, nr, kc, dst);
            else GemmPacking.Contiguous(b + (nint)pc * ldb + j, ldb, valid, nr, kc, dst);
        }
    }

    /// <summary>Phase 2 for worker <paramref name="t"/>: its rectangle of the tm×tn grid of C tiles.</summary>
    private void Compute(int t)
    {
        int mr = TK.MR, nr = TK.NR, mcPanels = TK.MC / TK.MR;
        int mp = Ceil(mb, mr), np = Ceil(nc, nr);
        int ti = t / tn, tj = t % tn;
        int r0 = (int)((long)ti * mp / tm), r1 = (int)((long)(ti + 1) * mp / tm);
        int c0 = (int)((long)tj * np / tn), c1 = (int)((long)(tj + 1) * np / tn);
        float* tile = stackalloc float[TK.MR * TK.NR];
        float beta = betaNow;
        for (int ib = r0; ib < r1; ib += mcPanels)
        {
            int ie = Math.Min(ib + mcPanels, r1);
            for (int jp = c0; jp < c1; jp++)
            {
                int j = jc + jp * nr;
                int nValid = Math.Min(nr, n - j);
                float* bp = bPack + (nint)jp * nr * kc;
                for (int ip = ib; ip < ie; ip++)
                {
                    int i = ic + ip * mr;
                    int mValid = Math.Min(mr, m - i);
                    float* ap = aPack + (nint)ip * mr * kc;
                    float* cp = c + (nint)i * ldc + j;
                    if (mValid == mr && nValid == nr)
                    {
                        TK.Run(kc, ap, bp, cp, ldc, beta);
                    }
                    else
                    {
                        // Edge tile: the packed slivers are zero-padded, so compute the full tile
                        // into a scratch tile and write back only the part inside C.
                        TK.Run(kc, ap, bp, tile, nr, 0f);
                        MergeTile(tile, nr, cp, ldc, mValid, nValid, beta);
                    }
                }
            }
        }
    }

    private static void MergeTile(float* tile, int nr, float* c, nint ldc, int rows, int cols, float beta)
    {
        for (int r = 0; r < rows; r++, c += ldc, tile += nr)
        {
            if (beta == 0)
            {
                for (int j = 0; j < cols; j++) c[j] = tile[j];
            }
            else
            {
                for (int j = 0; j < cols; j++) c[j] = MathF.FusedMultiplyAdd(beta, c[j], tile[j]);
            }
        }
    }

    private void EnsureBuffers(long aFloats, long bFloats)
    {
        Ensure(ref aStore, ref aPack, aFloats);
        Ensure(ref bStore, ref bPack, bFloats);
    }

    /// <summary>Grows a pinned buffer (pinned so workers can use raw pointers) and aligns its start to 64 bytes, one cache line.</summary>
    private static void Ensure(ref float[]? store, ref float* aligned, long floats)
    {
        if (store is not null && store.Length >= floats + 16) return;
        store = GC.AllocateUninitializedArray<float>(checked((int)(floats + 16)), pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref store[0]);
        aligned = (float*)((start + 63) & ~(nint)63);
    }

    private static int Ceil(int x, int d) => (x + d - 1) / d;

    private static int RoundUp(int x, int d) => Ceil(x, d) * d;

    /// <summary>The block size, at most <paramref name="max"/> and a multiple of <paramref name="unit"/>, that splits <paramref name="total"/> into equal blocks.</summary>
    private static int Even(int total, int max, int unit)
    {
        int blocks = Ceil(total, max);
        return Math.Min(max, RoundUp(Ceil(total, blocks), unit));
    }
}
