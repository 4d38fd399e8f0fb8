// ILGPU's batched SGEMM: a tiled shared-memory kernel. Each group of 16×16 threads computes a 64×64
// block of C; the K dimension is walked 16 at a time, staging a 64×16 slice of op(A) and a 16×64 slice
// of op(B) in shared memory, and each thread accumulates a 4×4 register tile of C.
using ILGPU;

namespace DeepLearnKit.Backends.Gpu;

/// <summary>
/// The scalars of one batched SGEMM launch: <c>C_b = op(A_b)·op(B_b) (+ C_b)</c> with C_b (m×n) the
/// contiguous block b of C, A_b at <c>AOffset + b·ABatchStride</c> with leading dimension Lda (likewise B).
/// Booleans are ints (1 = true) so the struct maps one to one onto kernel parameters.
/// </summary>
internal readonly record struct GemmArgs(int M, int N, int K,
    int AOffset, int ABatchStride, int Lda, int TransA,
    int BOffset, int BBatchStride, int Ldb, int TransB,
    int Accumulate, int BatchStart);

internal static partial class IlgpuKernels
{
    /// <summary>Rows and columns of C computed by one group.</summary>
    public const int GemmTile = 64;

    /// <summary>Threads along each side of a group (each thread owns a 4×4 tile of C).</summary>
    public const int GemmThreads = 16;

    /// <summary>Depth of the K slice staged in shared memory per step.</summary>
    private const int GemmDepth = 16;

    // Shared rows are padded by one float so that threads storing down a column hit distinct banks.
    private const int TilePitch = GemmTile + 1;

    /// <summary>
    /// Launched with a grid of (⌈n/64⌉, ⌈m/64⌉, batches) groups of 16×16 threads. Thread (tx, ty) owns
    /// C rows ty + 16r and columns tx + 16c for r, c &lt; 4 of its group's block; out-of-range rows,
    /// columns and K steps read zeros and store nothing, so any m, n, k work.
    /// </summary>
    public static void SgemmKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs g)
    {
        var aTile = SharedMemory.Allocate<float>(GemmDepth * TilePitch);   // aTile[p·pitch + i] = op(A)[row0 + i, k0 + p]
        var bTile = SharedMemory.Allocate<float>(GemmDepth * TilePitch);   // bTile[p·pitch + j] = op(B)[k0 + p, col0 + j]
        int tx = Group.IdxX, ty = Group.IdxY, tid = ty * GemmThreads + tx;
        int row0 = Grid.IdxY * GemmTile, col0 = Grid.IdxX * GemmTile;
        int batch = g.BatchStart + Grid.IdxZ;
        int aBase = g.AOffset + batch * g.ABatchStride;
        int bBase = g.BOffset + batch * g.BBatchStride;

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;

        for (int k0 = 0; k0 < g.K; k0 += GemmDepth)
        {
            // 256 threads stage 64×16 elements of each operand, 4 each, walking memory's fastest axis
            // with neighbouring threads so the global reads coalesce.
            for (int e = 0; e < 4; e++)
            {
                int idx = tid + e * GemmThreads * GemmThreads;
                int i = g.TransA == 0 ? idx / GemmDepth : idx % GemmTile;
                int p = g.TransA == 0 ? idx % GemmDepth : idx / GemmTile;
                int row = row0 + i, kk = k0 + p;
                aTile[p * TilePitch + i] = row < g.M && kk < g.K
                    ? a[aBase + (g.TransA == 0 ? row * g.Lda + kk : kk * g.Lda + row)]
                    : 0f;

                int j = g.TransB == 0 ? idx % GemmTile : idx / GemmDepth;
                p = g.TransB == 0 ? idx / GemmTile : idx % GemmDepth;
                int col = col0 + j;
                kk = k0 + p;
                bTile[p * TilePitch + j] = col < g.N && kk < g.K
                    ? b[bBase + (g.TransB == 0 ? kk * g.Ldb + col : col * g.Ldb + kk)]
                    : 0f;
            }
            Group.Barrier();

            for (int p = 0; p < GemmDepth; p++)
            {
                int r = p * TilePitch;
                float a0 = aTile[r + ty], a1 = aTile[r + ty + 16], a2 = aTile[r + ty + 32], a3 = aTile[r + ty + 48];
                float b0 = bTile[r + tx], b1 = bTile[r + tx + 16], b2 = bTile[r + tx + 32], b3 = bTile[r + tx + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }

        int cBase = batch * g.M * g.N;
        int r0 = row0 + ty, q0 = col0 + tx;
        Store(c, g, cBase, r0, q0, c00); Store(c, g, cBase, r0, q0 + 16, c01); Store(c, g, cBase, r0, q0 + 32, c02); Store(c, g, cBase, r0, q0 + 48, c03);
        Store(c, g, cBase, r0 + 16, q0, c10); Store(c, g, cBase, r0 + 16, q0 + 16, c11); Store(c, g, cBase, r0 + 16, q0 + 32, c12); Store(c, g, cBase, r0 + 16, q0 + 48, c13);
        Store(c, g, cBase, r0 + 32, q0, c20); Store(c, g, cBase, r0 + 32, q0 + 16, c21); Store(c, g, cBase, r0 + 32, q0 + 32, c22); Store(c, g, cBase, r0 + 32, q0 + 48, c23);
        Store(c, g, cBase, r0 + 48, q0, c30); Store(c, g, cBase, r0 + 48, q0 + 16, c31); Store(c, g, cBase, r0 + 48, q0 + 32, c32); Store(c, g, cBase, r0 + 48, q0 + 48, c33);
    }

    private static void Store(ArrayView<float> c, GemmArgs g, int cBase, int row, int col, float value)
    {
        if (row >= g.M || col >= g.N) return;
        int at = cBase + row * g.N + col;
        c[at] = g.Accumulate != 0 ? c[at] + value : value;
    }
}
