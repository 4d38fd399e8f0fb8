// The GPU backend: IBackend on an ILGPU accelerator (CUDA or OpenCL; ILGPU's CPU accelerator as a
// simulator in tests). This file holds the accelerator choice, memory and the launches; the kernels
// are in IlgpuKernels.*.cs.
using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

// ILGPU's CPU accelerator emits its kernel launchers into a dynamic assembly of this name; they
// must see the internal kernel argument types (StridedIndex, GemmArgs, ...).
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ILGPURuntime")]

namespace DeepLearnKit.Backends.Gpu;

/// <summary>
/// The primitive kernels on an ILGPU accelerator. Every kernel is compiled once, in the constructor, into
/// a typed launcher; launches go to the accelerator's default stream in order, and
/// <see cref="Download"/> waits for them. Device buffers live in <see cref="IlgpuStorage"/> and never
/// reach the public tensor API.
/// </summary>
internal sealed class IlgpuBackend : IBackend, IFusedPooling, IFusedLSTMCell
{
    // The simulator runs groups of up to 256 threads, as the shared-memory kernels (GEMM, row
    // reductions) need; ILGPU's default CPU device allows only 16.
    private static readonly CPUDevice SimulatorDevice = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1);

    // One ILGPU context for the process: it owns the compiler caches of every accelerator.
    private static readonly Lazy<Context> context = new(() => Context.Create(b => b.CPU(SimulatorDevice).Cuda().OpenCL()));

    private static readonly Lazy<IlgpuBackend> cpuSimulator =
        new(() => new IlgpuBackend(SimulatorDevice.CreateCPUAccelerator(context.Value), "ilgpu-cpu (simulator)"));

    // CUDA limits a grid's y and z extents to 65535 groups.
    private const int MaxGridYZ = 65535;

    // Rows at least this long (with inner = 1) are reduced by a whole group instead of one thread.
    private const int RowReduceThreshold = 256;

    private readonly Accelerator accelerator;
    private readonly ConcurrentQueue<MemoryBuffer1D<float, Stride1D.Dense>> released = new();

    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, StridedIndex, UnaryOp, float, float> unary;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, BinaryOp> binary;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex> where;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, StridedIndex> copy;
    private readonly Action<Index1D, ArrayView<float>, StridedIndex, float> fill;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, ReduceOp> reduce;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, ReduceOp> reduceRows;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> argReduce;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs> sgemm;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Window2d, ImageRange> im2col;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Window2d, ImageRange> col2im;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Window2d> maxPool;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Window2d> maxPoolBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Window2d, int> avgPool;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Window2d, int> avgPoolBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> indexSelect;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> indexAdd;
    private readonly Action<Index1D, ArrayView<float>, RandomDistribution, ulong, float, float> random;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LSTMArgs> lstmCell;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LSTMArgs> lstmCellBackward;

    private IlgpuBackend(Accelerator accelerator, string name)
    {
        this.accelerator = accelerator;
        Device = new Device(DeviceKind.Gpu, name, this);
        unary = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, StridedIndex, UnaryOp, float, float>(IlgpuKernels.UnaryKernel);
        binary = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex, BinaryOp>(IlgpuKernels.BinaryKernel);
        where = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StridedIndex>(IlgpuKernels.WhereKernel);
        copy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, StridedIndex>(IlgpuKernels.CopyKernel);
        fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, StridedIndex, float>(IlgpuKernels.FillKernel);
        reduce = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, ReduceOp>(IlgpuKernels.ReduceKernel);
        reduceRows = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, ReduceOp>(IlgpuKernels.ReduceRowsKernel);
        argReduce = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuKernels.ArgReduceKernel);
        sgemm = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>(IlgpuKernels.SgemmKernel);
        im2col = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Window2d, ImageRange>(IlgpuKernels.Im2ColKernel);
        col2im = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Window2d, ImageRange>(IlgpuKernels.Col2ImKernel);
        maxPool = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Window2d>(IlgpuKernels.MaxPoolKernel);
        maxPoolBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Window2d>(IlgpuKernels.MaxPoolBackwardKernel);
        avgPool = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Window2d, int>(IlgpuKernels.AvgPoolKernel);
        avgPoolBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Window2d, int>(IlgpuKernels.AvgPoolBackwardKernel);
        indexSelect = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuKernels.IndexSelectKernel);
        indexAdd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuKernels.IndexAddKernel);
        random = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, RandomDistribution, ulong, float, float>(IlgpuKernels.RandomKernel);
        lstmCell = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LSTMArgs>(IlgpuKernels.LSTMCellKernel);
        lstmCellBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LSTMArgs>(IlgpuKernels.LSTMCellBackwardKernel);
    }

    /// <summary>The backend on ILGPU's CPU accelerator: the GPU kernels, run on the host (for tests).</summary>
    public static IlgpuBackend CpuSimulator => cpuSimulator.Value;

    /// <summary>Every accelerator ILGPU finds on this machine, as <c>Type 'name'</c> (its CPU accelerator is always one).</summary>
    public static IReadOnlyList<string> AcceleratorNames => context.Value.Devices.Select(d => $"{d.AcceleratorType} '{d.Name}'").ToList();

    /// <summary>True when <see cref="CreatePreferred"/> finds a GPU: a CUDA device or an OpenCL GPU.</summary>
    public static bool HasGpu => HasCuda || FirstOpenClGpu(context.Value) is not null;

    // The first OpenCL device that is a GPU (OpenCL also lists CPUs), or null.
    private static CLDevice? FirstOpenClGpu(Context ctx)
    {
        foreach (var cl in ctx.GetCLDevices())
            if (cl.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU) return cl;
        return null;
    }

    /// <summary>True when ILGPU finds a CUDA device on this machine.</summary>
    public static bool HasCuda => context.Value.GetCudaDevices().Count > 0;

    /// <summary>
    /// A backend on the best GPU: the first CUDA device, else the first OpenCL GPU. Throws
    /// <see cref="InvalidOperationException"/> naming the accelerators ILGPU found when there is none.
    /// (<see cref="Device.Gpu"/> keeps the one instance a process needs.)
    /// </summary>
    public static IlgpuBackend CreatePreferred()
    {
        var ctx = context.Value;
        var cudaDevices = ctx.GetCudaDevices();
        if (cudaDevices.Count > 0)
            return new IlgpuBackend(cudaDevices[0].CreateAccelerator(ctx), $"cuda ({cudaDevices[0].Name})");
        if (FirstOpenClGpu(ctx) is { } cl)
            return new IlgpuBackend(cl.CreateAccelerator(ctx), $"opencl ({cl.Name})");
        string found = string.Join(", ", AcceleratorNames);
        throw new InvalidOperationException(
            $"No GPU found: ILGPU sees no CUDA device and no OpenCL GPU (it found: {found}). " +
            "Use Device.Cpu to compute on the host, or Device.GpuSimulator to run the GPU kernels on the CPU for testing.");
    }

    public Device Device { get; }

    /// <summary>Queues a collected storage's buffer to be freed on the next call (see <see cref="IlgpuStorage"/>).</summary>
    internal void ReleaseLater(MemoryBuffer1D<float, Stride1D.Dense> buffer) => released.Enqueue(buffer);

    public TensorStorage Allocate(int length)
    {
        var storage = NewStorage(length);
        storage.View.MemSetToZero();
        return storage;
    }

    /// <inheritdoc/>
    public void RandomFill(TensorStorage destination, RandomDistribution distribution, ulong seed, float p, float q)
    {
        if (destination.Length == 0) return;
        random(destination.Length, Storage(destination, nameof(RandomFill)).View, distribution, seed, p, q);
    }

    public TensorStorage AllocateUninitialized(int length) => NewStorage(length);

    /// <summary>
    /// Counts this backend's host transfers (Upload and Download calls) made by the calling code's async flow until the
    /// result is disposed: what a test uses to show that an op stays on the device.
    /// </summary>
    internal static TransferCount CountTransfers()
    {
        var count = new TransferCount(transferCount.Value);
        transferCount.Value = count;
        return count;
    }

    private static readonly AsyncLocal<TransferCount?> transferCount = new();

    /// <summary>Host transfers counted by <see cref="CountTransfers"/>.</summary>
    internal sealed class TransferCount(TransferCount? outer) : IDisposable
    {
        public int Uploads { get; internal set; }

        public int Downloads { get; internal set; }

        public void Dispose() => transferCount.Value = outer;
    }

    public TensorStorage Upload(ReadOnlySpan<float> data)
    {
        if (transferCount.Value is { } count) count.Uploads++;
        var storage = NewStorage(data.Length);
        if (data.Length > 0) storage.Elements.CopyFromCPU(data);
        return storage;
    }

    public void Download(TensorStorage source, Span<float> destination)
    {
        if (transferCount.Value is { } count) count.Downloads++;
        Enter();
        var s = Storage(source, nameof(Download));
        if (destination.Length != s.Length)
            throw new ArgumentException($"Download: the destination holds {destination.Length} floats, the storage {s.Length}.", nameof(destination));
        accelerator.Synchronize();
        if (s.Length > 0) s.Elements.CopyToCPU(destination);
    }

    public void Copy(TensorStorage source, StridedLayout sourceLayout, TensorStorage destination, StridedLayout destinationLayout)
    {
        Enter();
        int count = sourceLayout.Count;
        if (count == 0) return;
        var index = StridedIndex.Create(nameof(Copy), sourceLayout.Shape, sourceLayout, destinationLayout);
        copy(count, Storage(source, nameof(Copy)).View, Storage(destination, nameof(Copy)).View, index);
    }

    public void Fill(TensorStorage destination, StridedLayout layout, float value)
    {
        Enter();
        int count = layout.Count;
        if (count == 0) return;
        fill(count, Storage(destination, nameof(Fill)).View, StridedIndex.Create(nameof(Fill), layout.Shape, layout), value);
    }

    public void Unary(UnaryOp op, TensorStorage x, StridedLayout layout, float p, float q, TensorStorage destination)
    {
        Enter();
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown unary op.");
        int count = layout.Count;
        if (count == 0) return;
        var index = StridedIndex.Create(op.ToString(), layout.Shape, layout);
        unary(count, Storage(x, op.ToString()).View, Storage(destination, op.ToString()).View, index, op, p, q);
    }

    public void Binary(BinaryOp op, TensorStorage a, StridedLayout aLayout, TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        Enter();
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown binary op.");
        int count = aLayout.Count;
        if (count == 0) return;
        var index = StridedIndex.Create(op.ToString(), aLayout.Shape, aLayout, bLayout);
        binary(count, Storage(a, op.ToString()).View, Storage(b, op.ToString()).View, Storage(destination, op.ToString()).View, index, op);
    }

    public void Where(TensorStorage condition, StridedLayout conditionLayout, TensorStorage a, StridedLayout aLayout,
        TensorStorage b, StridedLayout bLayout, TensorStorage destination)
    {
        Enter();
        int count = aLayout.Count;
        if (count == 0) return;
        var index = StridedIndex.Create(nameof(Where), aLayout.Shape, conditionLayout, aLayout, bLayout);
        where(count, Storage(condition, nameof(Where)).View, Storage(a, nameof(Where)).View, Storage(b, nameof(Where)).View,
            Storage(destination, nameof(Where)).View, index);
    }

    public void Reduce(ReduceOp op, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        Enter();
        int count = outer * inner;
        if (count == 0) return;
        var src = Storage(x, nameof(Reduce)).View;
        var dst = Storage(destination, nameof(Reduce)).View;
        if (inner == 1 && axis >= RowReduceThreshold)
            reduceRows(new KernelConfig(outer, IlgpuKernels.RowGroupSize), src, dst, axis, op);
        else
            reduce(count, src, dst, axis, inner, op);
    }

    public void ArgReduce(bool max, TensorStorage x, int outer, int axis, int inner, TensorStorage destination)
    {
        Enter();
        int count = outer * inner;
        if (count == 0) return;
        if (axis == 0) throw new ArgumentException("ArgReduce: the reduced axis is empty.", nameof(axis));
        argReduce(count, Storage(x, nameof(ArgReduce)).View, Storage(destination, nameof(ArgReduce)).View, axis, inner, max ? 1 : 0);
    }

    public void MatMul(TensorStorage a, int aOffset, int aBatchStride, int lda, bool transA,
        TensorStorage b, int bOffset, int bBatchStride, int ldb, bool transB,
        TensorStorage c, int batch, int m, int n, int k, bool accumulate)
    {
        Enter();
        var A = Storage(a, nameof(MatMul)).View;
        var B = Storage(b, nameof(MatMul)).View;
        var C = Storage(c, nameof(MatMul)).View;
        if (batch == 0 || m == 0 || n == 0) return;
        int tile = IlgpuKernels.GemmTile, threads = IlgpuKernels.GemmThreads;
        int gridX = (n + tile - 1) / tile, gridY = (m + tile - 1) / tile;
        if (gridY > MaxGridYZ) throw new NotSupportedException($"MatMul on the GPU: m = {m} exceeds {MaxGridYZ * tile} rows.");
        for (int start = 0; start < batch; start += MaxGridYZ)
        {
            int chunk = Math.Min(MaxGridYZ, batch - start);
            var args = new GemmArgs(m, n, k, aOffset, aBatchStride, lda, transA ? 1 : 0,
                bOffset, bBatchStride, ldb, transB ? 1 : 0, accumulate ? 1 : 0, start);
            sgemm(new KernelConfig(new Index3D(gridX, gridY, chunk), new Index3D(threads, threads, 1)), A, B, C, args);
        }
    }

    public void Im2Col(TensorStorage x, int firstImage, int imageCount, Window2d w, TensorStorage columns)
    {
        Enter();
        long count = (long)imageCount * w.Channels * w.KernelH * w.KernelW * w.OutHeight * w.OutWidth;
        if (count <= 0) return;
        im2col(checked((int)count), Storage(x, nameof(Im2Col)).View, Storage(columns, nameof(Im2Col)).View, w, new ImageRange(firstImage, imageCount));
    }

    public void Col2Im(TensorStorage columns, Window2d w, TensorStorage x, int firstImage, int imageCount)
    {
        Enter();
        long count = (long)imageCount * w.Channels * w.Height * w.Width;
        if (count <= 0 || w.OutHeight <= 0 || w.OutWidth <= 0) return;
        col2im(checked((int)count), Storage(columns, nameof(Col2Im)).View, Storage(x, nameof(Col2Im)).View, w, new ImageRange(firstImage, imageCount));
    }

    public void MaxPool2d(TensorStorage x, int batch, Window2d w, TensorStorage output, TensorStorage argmax)
    {
        Enter();
        int count = batch * w.Channels * w.OutHeight * w.OutWidth;
        if (count <= 0) return;
        maxPool(count, Storage(x, nameof(MaxPool2d)).View, Storage(output, nameof(MaxPool2d)).View, Storage(argmax, nameof(MaxPool2d)).View, w);
    }

    public void MaxPool2dBackward(TensorStorage gradOutput, TensorStorage argmax, int batch, Window2d w, TensorStorage gradInput)
    {
        Enter();
        int count = batch * w.Channels * w.OutHeight * w.OutWidth;
        if (count <= 0) return;
        maxPoolBackward(count, Storage(gradOutput, nameof(MaxPool2dBackward)).View, Storage(argmax, nameof(MaxPool2dBackward)).View,
            Storage(gradInput, nameof(MaxPool2dBackward)).View, w);
    }

    public void AvgPool2d(TensorStorage x, int batch, Window2d w, bool countPadding, TensorStorage output)
    {
        Enter();
        int count = batch * w.Channels * w.OutHeight * w.OutWidth;
        if (count <= 0) return;
        avgPool(count, Storage(x, nameof(AvgPool2d)).View, Storage(output, nameof(AvgPool2d)).View, w, countPadding ? 1 : 0);
    }

    public void AvgPool2dBackward(TensorStorage gradOutput, int batch, Window2d w, bool countPadding, TensorStorage gradInput)
    {
        Enter();
        int count = batch * w.Channels * w.Height * w.Width;
        if (count <= 0 || w.OutHeight <= 0 || w.OutWidth <= 0) return;
        avgPoolBackward(count, Storage(gradOutput, nameof(AvgPool2dBackward)).View, Storage(gradInput, nameof(AvgPool2dBackward)).View,
            w, countPadding ? 1 : 0);
    }

    public void IndexSelect(TensorStorage x, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        Enter();
        int count = outer * indexCount * inner;
        if (count == 0) return;
        indexSelect(count, Storage(x, nameof(IndexSelect)).View, Storage(indices, nameof(IndexSelect)).View,
            Storage(destination, nameof(IndexSelect)).View, axis, inner, indexCount);
    }

    public void IndexAdd(TensorStorage source, int outer, int axis, int inner, TensorStorage indices, int indexCount, TensorStorage destination)
    {
        Enter();
        int count = outer * indexCount * inner;
        if (count == 0) return;
        indexAdd(count, Storage(source, nameof(IndexAdd)).View, Storage(indices, nameof(IndexAdd)).View,
            Storage(destination, nameof(IndexAdd)).View, axis, inner, indexCount);
    }

    public void LSTMCell(TensorStorage gates, int gatesOffset, TensorStorage c, int cOffset, int batch, int hidden,
        TensorStorage state, TensorStorage activations)
    {
        Enter();
        int count = batch * hidden;
        if (count == 0) return;
        lstmCell(count, Storage(gates, nameof(LSTMCell)).View, Storage(c, nameof(LSTMCell)).View, Storage(state, nameof(LSTMCell)).View,
            Storage(activations, nameof(LSTMCell)).View, new LSTMArgs(batch, hidden, gatesOffset, cOffset));
    }

    public void LSTMCellBackward(TensorStorage activations, TensorStorage c, int cOffset, TensorStorage state, TensorStorage gradState,
        int batch, int hidden, TensorStorage gradGates, TensorStorage gradC)
    {
        Enter();
        int count = batch * hidden;
        if (count == 0) return;
        lstmCellBackward(count, Storage(activations, nameof(LSTMCellBackward)).View, Storage(c, nameof(LSTMCellBackward)).View,
            Storage(state, nameof(LSTMCellBackward)).View, Storage(gradState, nameof(LSTMCellBackward)).View,
            Storage(gradGates, nameof(LSTMCellBackward)).View, Storage(gradC, nameof(LSTMCellBackward)).View,
            new LSTMArgs(batch, hidden, 0, cOffset));
    }

    /// <summary>
    /// A storage of <paramref name="length"/> floats (contents undefined). When the device is out of
    /// memory, collected tensors may still hold buffers: collect, free them, and try once more.
    /// </summary>
    private IlgpuStorage NewStorage(int length)
    {
        Enter();
        long elements = Math.Max(1, length);   // ILGPU buffers are never empty
        MemoryBuffer1D<float, Stride1D.Dense> buffer;
        try
        {
            buffer = accelerator.Allocate1D<float>(elements);
        }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            FreeReleased();
            buffer = accelerator.Allocate1D<float>(elements);
        }
        return new IlgpuStorage(this, buffer, length);
    }

    /// <summary>
    /// Makes the accelerator current on the calling thread (CUDA launches need their context there;
    /// tensors may be used from any thread) and frees the buffers of collected storages.
    /// </summary>
    private void Enter()
    {
        accelerator.Bind();
        FreeReleased();
    }

    private void FreeReleased()
    {
        while (released.TryDequeue(out var buffer)) buffer.Dispose();
    }

    private IlgpuStorage Storage(TensorStorage storage, string op) => storage is IlgpuStorage s && ReferenceEquals(s.Backend, this)
        ? s
        : throw new ArgumentException($"{op}: expected a storage on {Device}, got one on {storage.Backend.Device}.");
}
