// ILGPU kernels for reductions over the middle axis of [outer, axis, inner] (one thread per output, or
// one group per row with a shared-memory tree when inner = 1 and the rows are long), arg-reductions,
// and the gather/scatter pair IndexSelect / IndexAdd.
using ILGPU;

namespace DeepLearnKit.Backends.Gpu;

internal static partial class IlgpuKernels
{
    /// <summary>Threads per group of <see cref="ReduceRowsKernel"/> (a power of two).</summary>
    public const int RowGroupSize = 256;

    /// <summary><c>dst[o, i] = op over a of x[o, a, i]</c>, one thread per output; neighbouring threads read neighbouring i.</summary>
    public static void ReduceKernel(Index1D i, ArrayView<float> x, ArrayView<float> dst, int axis, int inner, ReduceOp op)
    {
        int o = i / inner;
        int start = o * axis * inner + (i - o * inner);
        float acc = Identity(op);
        for (int a = 0; a < axis; a++) acc = Combine(op, acc, x[start + a * inner]);
        dst[i] = acc;
    }

    /// <summary>
    /// <c>dst[row] = op over a of x[row, a]</c>, one group per row: each thread folds a strided slice of the
    /// row, then the group halves its partial results in shared memory until one is left.
    /// </summary>
    public static void ReduceRowsKernel(ArrayView<float> x, ArrayView<float> dst, int axis, ReduceOp op)
    {
        var partial = SharedMemory.Allocate<float>(RowGroupSize);
        int row = Grid.IdxX, t = Group.IdxX;
        int start = row * axis;
        float acc = Identity(op);
        for (int a = t; a < axis; a += RowGroupSize) acc = Combine(op, acc, x[start + a]);
        partial[t] = acc;
        Group.Barrier();
        for (int half = RowGroupSize / 2; half > 0; half /= 2)
        {
            if (t < half) partial[t] = Combine(op, partial[t], partial[t + half]);
            Group.Barrier();
        }
        if (t == 0) dst[row] = partial[0];
    }

    /// <summary>The index of the first max (or min) along the axis, as a float; a NaN wins, as on the CPU.</summary>
    public static void ArgReduceKernel(Index1D i, ArrayView<float> x, ArrayView<float> dst, int axis, int inner, int max)
    {
        int o = i / inner;
        int start = o * axis * inner + (i - o * inner);
        int best = 0;
        float bestValue = x[start];
        for (int a = 1; a < axis; a++)
        {
            if (float.IsNaN(bestValue)) break;
            float v = x[start + a * inner];
            bool better = max != 0 ? v > bestValue : v < bestValue;
            if (better || float.IsNaN(v))
            {
                best = a;
                bestValue = v;
            }
        }
        dst[i] = best;
    }

    /// <summary><c>dst[o, j, i] = x[o, index[j], i]</c>, one thread per destination element.</summary>
    public static void IndexSelectKernel(Index1D t, ArrayView<float> x, ArrayView<float> indices, ArrayView<float> dst, int axis, int inner, int indexCount)
    {
        int perOuter = indexCount * inner;
        int o = t / perOuter;
        int rest = t - o * perOuter;
        int j = rest / inner;
        int i = rest - j * inner;
        dst[t] = x[(o * axis + (int)indices[j]) * inner + i];
    }

    /// <summary>
    /// <c>dst[o, index[j], i] += src[o, j, i]</c>, one thread per source element; repeated indices meet in
    /// the same destination element, so the add is atomic.
    /// </summary>
    public static void IndexAddKernel(Index1D t, ArrayView<float> src, ArrayView<float> indices, ArrayView<float> dst, int axis, int inner, int indexCount)
    {
        int perOuter = indexCount * inner;
        int o = t / perOuter;
        int rest = t - o * perOuter;
        int j = rest / inner;
        int i = rest - j * inner;
        Atomic.Add(ref dst[(o * axis + (int)indices[j]) * inner + i], src[t]);
    }

    private static float Identity(ReduceOp op) => op == ReduceOp.Sum ? 0f : op == ReduceOp.Max ? float.NegativeInfinity : float.PositiveInfinity;

    private static float Combine(ReduceOp op, float acc, float v) => op == ReduceOp.Sum ? acc + v : op == ReduceOp.Max ? MathF.Max(acc, v) : MathF.Min(acc, v);
}
