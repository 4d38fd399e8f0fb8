// What the float and the int8 GEMM share about cutting a product into blocks and tiles and handing the tiles of C to
// threads: block sizes that split evenly, the grid of threads, each thread's rectangle of tiles, and running them.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>Blocking and thread-grid arithmetic of the GEMM drivers (<see cref="GemmJob{TK}"/>, <see cref="Int8GemmJob{TK}"/>).</summary>
internal static class GemmTiling
{
    /// <summary>⌈x / d⌉ for x ≥ 0, d &gt; 0.</summary>
    public static int Ceil(int x, int d) => (x + d - 1) / d;

    /// <summary>x rounded up to a multiple of d.</summary>
    public static int RoundUp(int x, int d) => Ceil(x, d) * d;

    /// <summary>
    /// The block size, at most <paramref name="max"/> and a multiple of <paramref name="unit"/>, that splits
    /// <paramref name="total"/> into equal blocks: k = 520 with max 512 gives two blocks of 260 rather than 512 + 8.
    /// </summary>
    public static int Even(int total, int max, int unit = 1)
    {
        int blocks = Ceil(total, max);
        return Math.Min(max, RoundUp(Ceil(total, blocks), unit));
    }

    /// <summary>
    /// The rows × columns grid of <paramref name="threads"/> over rowTiles × columnTiles tiles whose largest share is
    /// smallest, weighted a little towards splitting rows: a row split lets each thread pack and keep its own rows of A.
    /// </summary>
    public static (int Rows, int Columns) SplitGrid(int threads, int rowTiles, int columnTiles)
    {
        long best = long.MaxValue;
        (int Rows, int Columns) grid = (1, threads);
        for (int rows = 1; rows <= threads; rows++)
        {
            if (threads % rows != 0) continue;
            int cols = threads / rows;
            long worst = (long)Ceil(rowTiles, rows) * Ceil(columnTiles, cols) * 64 + cols;
            if (worst < best) (best, grid) = (worst, (rows, cols));
        }
        return grid;
    }

    /// <summary>Thread <paramref name="t"/>'s rectangle of tiles, rows [R0, R1) and columns [C0, C1), in a tm × tn grid.</summary>
    public static (int R0, int R1, int C0, int C1) Share(int t, int tm, int tn, int rowTiles, int columnTiles)
    {
        int ti = t / tn, tj = t % tn;
        return ((int)((long)ti * rowTiles / tm), (int)((long)(ti + 1) * rowTiles / tm),
                (int)((long)tj * columnTiles / tn), (int)((long)(tj + 1) * columnTiles / tn));
    }

    /// <summary>Runs body(0 … threads − 1), on the calling thread alone when there is one.</summary>
    public static void RunWorkers(int threads, ParallelOptions options, Action<int> body)
    {
        if (threads <= 1)
        {
            body(0);
            return;
        }
        options.MaxDegreeOfParallelism = threads;
        Parallel.For(0, threads, options, body);
    }
}
