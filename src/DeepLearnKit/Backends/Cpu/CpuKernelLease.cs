// The lease every CPU kernel runs under. A kernel reads raw arrays; the pool may take an array back once the
// storage that held it is unreachable (CpuArrayPool's watch). So each storage a kernel is given must stay reachable
// until the kernel returns. Instead of asking every kernel to remember that (the old KeepAlive in a finally), the
// tensors reach the CPU kernels only through this wrapper, which holds the storages across the call: a kernel
// written tomorrow is covered without doing anything.
using System.Runtime.CompilerServices;

namespace DeepLearnKit.Backends.Cpu;

/// <summary>
/// The CPU backend as tensors see it (<see cref="CpuStorage.Backend"/>, <see cref="Device.Cpu"/>): every call goes to
/// <see cref="CpuBackend"/> and keeps the storages it passes reachable until the kernel has returned.
/// </summary>
internal sealed class CpuKernelLease(CpuBackend kernels) : IBackend
{
    public Device Device => kernels.Device;

    public int ConcurrentItems(int items, long workPerItem) => kernels.ConcurrentItems(items, workPerItem);

    public TensorStorage Allocate(int length) => kernels.Allocate(length);

    public TensorStorage AllocateUninitialized(int length) => kernels.AllocateUninitialized(length);

    public TensorStorage Upload(ReadOnlySpan<float> data) => kernels.Upload(data);

    public void Download(TensorStorage source, Span<float> destination)
    {
        kernels.Download(source, destination);
        Hold(source);
    }

    public void Copy(TensorStorage source, StridedLayout sourceLayout, TensorStorage destination, StridedLayout destinationLayout)
    {
        kernels.Copy(source, sourceLayout, destination, destinationLayout);
        Hold(source, destination);
    }

    public void Fill(TensorStorage destination, StridedLayout layout, float value)
    {
        kernels.Fill(destination, layout, value);
        Hold(destination);
    }

    public void Unary(UnaryOp op, TensorStorage x, StridedLayout layout, float p, float q, TensorStorage destination)
    {
        kernels.Unary(op, x, layout, p, q, destination);
        Hold(x, destination);
    }

    public void Binary(BinaryOp op, TensorStorage a, StridedLayout aLayout, TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        kernels.Binary(op, a, aLayout, b, bLayout, destination);
        Hold(a, b, destination);
    }

    public void Where(TensorStorage condition, StridedLayout conditionLayout, TensorStorage a, StridedLayout aLayout,
        TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        kernels.Where(condition, conditionLayout, a, aLayout, b, bLayout, destination);
        Hold(condition, a, b, destination);
    }

    public void Reduce(ReduceOp op, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        kernels.Reduce(op, x, outer, axis, inner, destination);
        Hold(x, destination);
    }

    public void ArgReduce(bool max, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        kernels.ArgReduce(max, x, outer, axis, inner, destination);
        Hold(x, destination);
    }

    public void MatMul(TensorStorage a, int aOffset, int aBatchStride, int lda, bool transA,
        TensorStorage b, int bOffset, int bBatchStride, int ldb, bool transB,
        TensorStorage c, int batch, int m, int n, int k, bool accumulate)
    {
        kernels.MatMul(a, aOffset, aBatchStride, lda, transA, b, bOffset, bBatchStride, ldb, transB, c, batch, m, n, k, accumulate);
        Hold(a, b, c);
    }

    public void Im2Col(TensorStorage x, int firstImage, int imageCount, Window2d w, TensorStorage columns)
    {
        kernels.Im2Col(x, firstImage, imageCount, w, columns);
        Hold(x, columns);
    }

    public void Col2Im(TensorStorage columns, Window2d w, TensorStorage x, int firstImage, int imageCount)
    {
        kernels.Col2Im(columns, w, x, firstImage, imageCount);
        Hold(columns, x);
    }

    public void MaxPool2d(TensorStorage x, int batch, Window2d w, TensorStorage output, TensorStorage argmax)
    {
        kernels.MaxPool2d(x, batch, w, output, argmax);
        Hold(x, output, argmax);
    }

    public void MaxPool2dBackward(TensorStorage gradOutput, TensorStorage argmax, int batch, Window2d w, TensorStorage gradInput)
    {
        kernels.MaxPool2dBackward(gradOutput, argmax, batch, w, gradInput);
        Hold(gradOutput, argmax, gradInput);
    }

    public void AvgPool2d(TensorStorage x, int batch, Window2d w, bool countPadding, TensorStorage output)
    {
        kernels.AvgPool2d(x, batch, w, countPadding, output);
        Hold(x, output);
    }

    public void AvgPool2dBackward(TensorStorage gradOutput, int batch, Window2d w, bool countPadding, TensorStorage gradInput)
    {
        kernels.AvgPool2dBackward(gradOutput, batch, w, countPadding, gradInput);
        Hold(gradOutput, gradInput);
    }

    public void IndexSelect(TensorStorage x, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        kernels.IndexSelect(x, outer, axis, inner, indices, indexCount, destination);
        Hold(x, indices, destination);
    }

    public void IndexAdd(TensorStorage source, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        kernels.IndexAdd(source, outer, axis, inner, indices, indexCount, destination);
        Hold(source, indices, destination);
    }

    public void LSTMCell(TensorStorage gates, int gatesOffset, TensorStorage c, int cOffset, int batch, int hidden,
        TensorStorage state, TensorStorage activations)
    {
        kernels.LSTMCell(gates, gatesOffset, c, cOffset, batch, hidden, state, activations);
        Hold(gates, c, state, activations);
    }

    public void LSTMCellBackward(TensorStorage activations, TensorStorage c, int cOffset, TensorStorage state, TensorStorage gradState,
        int batch, int hidden, TensorStorage gradGates, TensorStorage gradC)
    {
        kernels.LSTMCellBackward(activations, c, cOffset, state, gradState, batch, hidden, gradGates, gradC);
        Hold(activations, c, state, gradState);
        Hold(gradGates, gradC);
    }

    /// <summary>A use of the storages after the kernel returned, which the JIT cannot remove: they were reachable throughout.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Hold(TensorStorage a, TensorStorage? b = null, TensorStorage? c = null, TensorStorage? d = null)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        GC.KeepAlive(d);
    }
}
