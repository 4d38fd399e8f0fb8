// The CPU backend: memory, copies, elementwise ops, reductions, GEMM and gathers on the host.
// Convolution and pooling kernels are in CpuBackend.Convolution.cs.
using System.Numerics.Tensors;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>The primitive kernels on the host CPU: TensorPrimitives for contiguous rows, a packed GEMM, parallel loops above a work threshold.</summary>
internal sealed partial class CpuBackend : IBackend, IFusedActivationGradients, IFusedPooling, IFusedLSTMCell, IConcurrentParts
{
    public static readonly CpuBackend Instance = new();

    private CpuBackend() => Device = new Device(DeviceKind.Cpu, "cpu", this);

    public Device Device { get; }

    /// <summary>
    /// Parts big enough for the GEMM to split itself over two threads or more run one after another; smaller ones
    /// share the cores, as many workers as <see cref="CpuParallel.ThreadsFor"/> allows for their total work.
    /// </summary>
    public void ForEachPart(int parts, long workPerPart, Action<int, int, int> work)
    {
        int workers = workPerPart >= 2 * Gemm.WorkPerThread ? 1 : CpuParallel.ThreadsFor(parts, workPerPart);
        if (workers <= 1)
        {
            work(0, 0, parts);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
            worker => work(worker, worker * parts / workers, (worker + 1) * parts / workers));
    }

    public void RandomFill(TensorStorage destination, RandomDistribution distribution, ulong seed, float p, float q)
    {
        float[] dst = Data(destination);
        int n = destination.Length;
        CpuParallel.For((n + 4095) / 4096, 4096 * 64, block =>
        {
            for (int i = block * 4096, end = Math.Min(n, i + 4096); i < end; i++) dst[i] = Philox.Draw(distribution, seed, i, p, q);
        });
    }

    internal static float[] Data(TensorStorage storage) => storage is CpuStorage cpu
        ? cpu.Data
        : throw new ArgumentException($"Expected a CPU storage, got one of {storage.Backend.Device}.");

    public TensorStorage Allocate(int length) => CpuArrayPool.Allocate(length, clear: true);

    public TensorStorage AllocateUninitialized(int length) => CpuArrayPool.Allocate(length, clear: false);

    public TensorStorage Upload(ReadOnlySpan<float> data)
    {
        var storage = CpuArrayPool.Allocate(data.Length, clear: false);
        data.CopyTo(Data(storage));
        return storage;
    }

    public void Download(TensorStorage source, Span<float> destination)
    {
        Data(source).AsSpan().CopyTo(destination);
    }

    public void Copy(TensorStorage source, StridedLayout sourceLayout, TensorStorage destination, StridedLayout destinationLayout)
    {
        float[] src = Data(source), dst = Data(destination);
        var rows = new StridedRows(sourceLayout.Shape, sourceLayout, destinationLayout);
        int n = rows.RowLength, ss = rows.InnerStrides[0], ds = rows.InnerStrides[1];
        rows.ForEachRow(r =>
        {
            int s = rows.RowStart(0, r), d = rows.RowStart(1, r);
            if (ss == 1 && ds == 1) src.AsSpan(s, n).CopyTo(dst.AsSpan(d, n));
            else if (ss == 0 && ds == 1) dst.AsSpan(d, n).Fill(src[s]);
            else for (int i = 0; i < n; i++) dst[d + i * ds] = src[s + i * ss];
        });
    }

    public void Fill(TensorStorage destination, StridedLayout layout, float value)
    {
        float[] dst = Data(destination);
        var rows = new StridedRows(layout.Shape, layout);
        int n = rows.RowLength, stride = rows.InnerStrides[0];
        rows.ForEachRow(r =>
        {
            int s = rows.RowStart(0, r);
            if (stride == 1) dst.AsSpan(s, n).Fill(value);
            else for (int i = 0; i < n; i++) dst[s + i * stride] = value;
        });
    }

    public void Reduce(ReduceOp op, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        float[] src = Data(x), dst = Data(destination);
        if (inner == 1)
        {
            CpuParallel.For(outer, axis, o =>
            {
                var row = src.AsSpan(o * axis, axis);
                dst[o] = op switch
                {
                    ReduceOp.Sum => TensorPrimitives.Sum(row),
                    ReduceOp.Max => TensorPrimitives.Max(row),
                    _ => TensorPrimitives.Min(row),
                };
            });
            return;
        }
        CpuParallel.For(outer, (long)axis * inner, o =>
        {
            var acc = dst.AsSpan(o * inner, inner);
            src.AsSpan(o * axis * inner, inner).CopyTo(acc);
            for (int a = 1; a < axis; a++)
            {
                var row = src.AsSpan((o * axis + a) * inner, inner);
                switch (op)
                {
                    case ReduceOp.Sum: TensorPrimitives.Add(acc, row, acc); break;
                    case ReduceOp.Max: TensorPrimitives.Max(acc, row, acc); break;
                    default: TensorPrimitives.Min(acc, row, acc); break;
                }
            }
        });
    }

    public void ArgReduce(bool max, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        float[] src = Data(x), dst = Data(destination);
        CpuParallel.For(outer, (long)axis * inner, o =>
        {
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * axis * inner + i;
                int best = 0;
                float bestValue = src[baseIndex];
                for (int a = 1; a < axis; a++)
                {
                    float v = src[baseIndex + a * inner];
                    // NaN wins, as in PyTorch: a NaN anywhere makes the arg-reduction point at it.
                    if (float.IsNaN(bestValue)) break;
                    if (max ? v > bestValue || float.IsNaN(v) : v < bestValue || float.IsNaN(v))
                    {
                        best = a;
                        bestValue = v;
                    }
                }
                dst[o * inner + i] = best;
            }
        });
    }

    public void MatMul(TensorStorage a, int aOffset, int aBatchStride, int lda, bool transA,
        TensorStorage b, int bOffset, int bBatchStride, int ldb, bool transB,
        TensorStorage c, int batch, int m, int n, int k, bool accumulate)
    {
        float[] A = Data(a), B = Data(b), C = Data(c);
        int aRows = transA ? k : m, bRows = transB ? n : k;
        int aExtent = aRows == 0 ? 0 : (aRows - 1) * lda + (transA ? m : k);
        int bExtent = bRows == 0 ? 0 : (bRows - 1) * ldb + (transB ? k : n);
        for (int i = 0; i < batch; i++)
        {
            Gemm.Sgemm(transA, transB, m, n, k,
                A.AsSpan(aOffset + i * aBatchStride, aExtent), lda,
                B.AsSpan(bOffset + i * bBatchStride, bExtent), ldb,
                accumulate ? 1f : 0f, C.AsSpan(i * m * n, m * n), n);
        }
    }

    public void IndexSelect(TensorStorage x, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        float[] src = Data(x), idx = Data(indices), dst = Data(destination);
        CpuParallel.For(outer, (long)indexCount * inner, o =>
        {
            for (int j = 0; j < indexCount; j++)
                src.AsSpan((o * axis + (int)idx[j]) * inner, inner).CopyTo(dst.AsSpan((o * indexCount + j) * inner, inner));
        });
    }

    public void IndexAdd(TensorStorage source, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        float[] src = Data(source), idx = Data(indices), dst = Data(destination);
        // Parallel over the outer axis only: two j with the same index write the same row.
        CpuParallel.For(outer, (long)indexCount * inner, o =>
        {
            for (int j = 0; j < indexCount; j++)
            {
                var row = dst.AsSpan((o * axis + (int)idx[j]) * inner, inner);
                TensorPrimitives.Add(row, src.AsSpan((o * indexCount + j) * inner, inner), row);
            }
        });
    }
}
