// The packed, cache-blocked SGEMM driver (GotoBLAS/BLIS loop order) behind Gemm.Sgemm: it cuts
// C = op(A)·op(B) + beta·C into KC-deep slabs, packs A and B slivers into contiguous, zero-padded,
// 64-byte-aligned buffers, and runs a register-blocked micro-kernel (GemmKernels.cs) over them,
// optionally on several threads.
using System.Runtime.CompilerServices;
using static DeepLearnKit.Backends.Cpu.GemmTiling;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// One caller thread's packed GEMM state: packing buffers that are reused from call to call (no
/// allocation on the hot path once they have grown) and the loop body handed to
/// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>.
/// </summary>
/// <remarks>
/// Buffers: up to MB×KC floats of packed A and KC×NC of packed B (4 MiB each with the AVX-512
/// kernel), held per thread that has called a large GEMM, and pinned so workers can use pointers.
/// Loop nest, outermost first: jc over NC columns of B (the packed KC×NC block stays in L3),
/// pc over KC of depth, ic over row chunks of A; then, per thread, MC rows of packed A (kept in
/// L2) × NR-wide slivers of packed B (kept close, in L1/L2, while all the MR-row slivers of the
/// MC block stream past) × the micro-kernel. Threads split C as a tm×tn grid of tiles.
/// Each block is one parallel loop: packing is claimed sliver by sliver (see <see cref="Claim"/>),
/// so a thread first packs its share, then packs or waits for any sliver it needs that is not
/// ready. That saves a second parallel loop (a thread wake-up, tens of microseconds) per block,
/// which matters at n ≈ 256, and cannot deadlock even when Parallel.For runs both iterations one
/// after the other on the same thread: a sliver is only waited for while another running thread
/// is packing it.
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

    // Packing state of each sliver of the block: Free, Busy (a thread is packing it) or Ready.
    private const int Free = 0, Busy = 1, Ready = 2;
    private int[] aState = [], bState = [];

    private readonly Action<int> stepBody;
    private readonly ParallelOptions options = new();

    private GemmJob() => stepBody = Step;

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

        // Even block sizes: k = 520 becomes two slabs of 260 rather than 512 + 8, which would run
        // a whole pass of packing and kernel calls for 8 steps of depth.
        int kcMax = Even(k, TK.KC, 1);
        int ncMax = Even(n, NC, TK.NR);
        int mbMax = Even(m, MB, TK.MR);
        EnsureBuffers(RoundUp(mbMax, TK.MR) * kcMax, RoundUp(ncMax, TK.NR) * kcMax);
        if (aState.Length < Ceil(mbMax, TK.MR)) aState = new int[Ceil(mbMax, TK.MR)];
        if (bState.Length < Ceil(ncMax, TK.NR)) bState = new int[Ceil(ncMax, TK.NR)];
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
                        // B is packed once per (jc, pc) and reused by the following row chunks.
                        packBNow = ic == 0;
                        SplitGrid();
                        Array.Clear(aState, 0, Ceil(mb, TK.MR));
                        if (packBNow) Array.Clear(bState, 0, Ceil(nc, TK.NR));
                        GemmTiling.RunWorkers(threads, options, stepBody);
                    }
                }
            }
        }
        finally
        {
            this.a = this.b = this.c = null;
        }
    }

    /// <summary>Picks the tm×tn grid of threads over the MR×NR tiles of the block (see <see cref="GemmTiling.SplitGrid"/>).</summary>
    private void SplitGrid() => (tm, tn) = GemmTiling.SplitGrid(threads, Ceil(mb, TK.MR), Ceil(nc, TK.NR));

    /// <summary>Worker <paramref name="t"/>'s part of a block: pack its share of the slivers, then compute its rectangle of C tiles.</summary>
    private void Step(int t)
    {
        int mr = TK.MR, nr = TK.NR, mcPanels = TK.MC / TK.MR;
        int mp = Ceil(mb, mr), np = Ceil(nc, nr);
        var (r0, r1, c0, c1) = GemmTiling.Share(t, tm, tn, mp, np);

        // Its share of B first: an even split, so B packing is spread over all threads even when
        // C is split by rows only. A slivers are claimed per MC block, just before use.
        if (packBNow)
        {
            for (int jp = (int)((long)t * np / threads), end = (int)((long)(t + 1) * np / threads); jp < end; jp++)
                if (Claim(bState, jp)) PackB(jp);
        }

        float* tile = stackalloc float[TK.MR * TK.NR];
        float beta = betaNow;
        for (int ib = r0; ib < r1; ib += mcPanels)
        {
            int ie = Math.Min(ib + mcPanels, r1);
            for (int ip = ib; ip < ie; ip++)
                if (Claim(aState, ip)) PackA(ip);
            for (int jp = c0; jp < c1; jp++)
            {
                if (packBNow && Claim(bState, jp)) PackB(jp);
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

    /// <summary>
    /// Claims sliver <paramref name="index"/> for packing: true when the caller must pack it (and
    /// then mark it Ready); false when it is Ready, after waiting if another thread is packing it.
    /// </summary>
    private static bool Claim(int[] state, int index)
    {
        if (Volatile.Read(ref state[index]) == Ready) return false;
        if (Interlocked.CompareExchange(ref state[index], Busy, Free) == Free) return true;
        var spin = new SpinWait();
        while (Volatile.Read(ref state[index]) != Ready) spin.SpinOnce(-1);
        return false;
    }

    private void PackA(int ip)
    {
        int mr = TK.MR;
        int i = ic + ip * mr;
        float* dst = aPack + (nint)ip * mr * kc;
        int valid = Math.Min(mr, m - i);
        // op(A)[i, p]: row-major A has it at a[i·lda + p] (rows of the sliver strided by lda),
        // transposed A at a[p·lda + i] (the sliver's MR values contiguous for each p).
        if (transA) GemmPacking.Contiguous(a + (nint)pc * lda + i, lda, valid, mr, kc, dst);
        else GemmPacking.Strided(a + (nint)i * lda + pc, lda, valid, mr, kc, dst);
        Volatile.Write(ref aState[ip], Ready);
    }

    private void PackB(int jp)
    {
        int nr = TK.NR;
        int j = jc + jp * nr;
        float* dst = bPack + (nint)jp * nr * kc;
        int valid = Math.Min(nr, n - j);
        if (transB) GemmPacking.Strided(b + (nint)j * ldb + pc, ldb, valid, nr, kc, dst);
        else GemmPacking.Contiguous(b + (nint)pc * ldb + j, ldb, valid, nr, kc, dst);
        Volatile.Write(ref bState[jp], Ready);
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
}
