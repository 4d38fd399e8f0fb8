// The strided driver of the elementwise kernels: each row of the (broadcast) output is computed by
// a span kernel from ElementwiseKernels; strided operand rows are gathered into a scratch row first.
using System.Buffers;

namespace DeepLearnKit.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Unary(UnaryOp op, TensorStorage x, StridedLayout layout, float p, float q, TensorStorage destination)
    {
        float[] src = Data(x), dst = Data(destination);
        if (layout.IsContiguous)
        {
            int count = layout.Count;
            if (count < 2 * CpuParallel.MinWorkPerThread)
            {
                ElementwiseKernels.Unary(op, src.AsSpan(layout.Offset, count), dst.AsSpan(0, count), p, q);
                return;
            }
        }
        var rows = new StridedRows(layout.Shape, layout);
        int n = rows.RowLength, stride = rows.InnerStrides[0];
        rows.ForEachRow(r =>
        {
            int s = rows.RowStart(0, r);
            var d = dst.AsSpan(r * n, n);
            if (stride == 1)
            {
                ElementwiseKernels.Unary(op, src.AsSpan(s, n), d, p, q);
                return;
            }
            for (int i = 0; i < n; i++) d[i] = src[s + i * stride];
            ElementwiseKernels.Unary(op, d, d, p, q);
        });
    }

    public void Binary(BinaryOp op, TensorStorage a, StridedLayout aLayout, TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        float[] A = Data(a), B = Data(b), dst = Data(destination);
        int count = aLayout.Count;
        if (count < 2 * CpuParallel.MinWorkPerThread && aLayout.IsContiguous && bLayout.IsContiguous)
        {
            // Small same-shape operands: skip the row planner, whose set-up would dominate a tiny op.
            ElementwiseKernels.Binary(op, A.AsSpan(aLayout.Offset, count), B.AsSpan(bLayout.Offset, count), dst.AsSpan(0, count));
            return;
        }
        var rows = new StridedRows(aLayout.Shape, aLayout, bLayout);
        int n = rows.RowLength, sa = rows.InnerStrides[0], sb = rows.InnerStrides[1];
        if (rows.RowCount == 1)
        {
            BinaryRow(op, A, rows.RowStart(0, 0), sa, B, rows.RowStart(1, 0), sb, dst.AsSpan(0, n));
            return;
        }
        rows.ForEachRow(r => BinaryRow(op, A, rows.RowStart(0, r), sa, B, rows.RowStart(1, r), sb, dst.AsSpan(r * n, n)));
    }

    private static void BinaryRow(BinaryOp op, float[] a, int aStart, int aStride, float[] b, int bStart, int bStride, Span<float> d)
    {
        int n = d.Length;
        if (aStride == 1 && bStride == 1) ElementwiseKernels.Binary(op, a.AsSpan(aStart, n), b.AsSpan(bStart, n), d);
        else if (aStride == 1 && bStride == 0) ElementwiseKernels.BinaryScalarRight(op, a.AsSpan(aStart, n), b[bStart], d);
        else if (aStride == 0 && bStride == 1) ElementwiseKernels.BinaryScalarLeft(op, a[aStart], b.AsSpan(bStart, n), d);
        else
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(n);
            try
            {
                for (int i = 0; i < n; i++)
                {
                    d[i] = a[aStart + i * aStride];
                    scratch[i] = b[bStart + i * bStride];
                }
                ElementwiseKernels.Binary(op, d, scratch.AsSpan(0, n), d);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    public void ActivationGradient(ActivationGradient kind, float slope, TensorStorage g, StridedLayout gLayout,
        TensorStorage saved, StridedLayout savedLayout, TensorStorage destination)
    {
        float[] G = Data(g), S = Data(saved), dst = Data(destination);
        int count = gLayout.Count;
        if (gLayout.IsContiguous && savedLayout.IsContiguous)
        {
            ElementwiseKernels.ActivationGradient(kind, slope, G.AsSpan(gLayout.Offset, count), S.AsSpan(savedLayout.Offset, count), dst.AsSpan(0, count));
            return;
        }
        var rows = new StridedRows(gLayout.Shape, gLayout, savedLayout);
        int n = rows.RowLength, sg = rows.InnerStrides[0], ss = rows.InnerStrides[1];
        rows.ForEachRow(r =>
        {
            int g0 = rows.RowStart(0, r), s0 = rows.RowStart(1, r);
            var d = dst.AsSpan(r * n, n);
            for (int i = 0; i < n; i++) d[i] = ElementwiseKernels.ActivationGradient(kind, slope, G[g0 + i * sg], S[s0 + i * ss]);
        });
    }

    public void Where(TensorStorage condition, StridedLayout conditionLayout, TensorStorage a, StridedLayout aLayout,
        TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        float[] C = Data(condition), A = Data(a), B = Data(b), dst = Data(destination);
        var rows = new StridedRows(aLayout.Shape, conditionLayout, aLayout, bLayout);
        int n = rows.RowLength, sc = rows.InnerStrides[0], sa = rows.InnerStrides[1], sb = rows.InnerStrides[2];
        rows.ForEachRow(r =>
        {
            int c0 = rows.RowStart(0, r), a0 = rows.RowStart(1, r), b0 = rows.RowStart(2, r);
            var d = dst.AsSpan(r * n, n);
            for (int i = 0; i < n; i++) d[i] = C[c0 + i * sc] != 0 ? A[a0 + i * sa] : B[b0 + i * sb];
        });
    }
}
