// Device memory for GPU tensors: one ILGPU buffer per storage, freed when it is released or, for a storage
// made outside any TensorScope, when the tensor is collected.
using ILGPU;
using ILGPU.Runtime;

namespace DeepLearnKit.Backends.Gpu;

/// <summary>A GPU tensor's elements, in a dense ILGPU buffer on the backend's accelerator.</summary>
/// <remarks>
/// The buffer never leaves the backend. A storage released by its <see cref="TensorScope"/> hands its buffer back at
/// once. One made outside any scope has only the garbage collector to end it; GPU memory is invisible to the
/// collector, so the storage reports its size as memory pressure (large GPU tensors then get collected promptly)
/// and its finalizer hands the buffer back. The backend frees handed-back buffers on its next call, on a thread
/// where the accelerator is bound.
/// </remarks>
internal sealed class IlgpuStorage : TensorStorage
{
    private readonly IlgpuBackend backend;
    private readonly int length;
    private readonly long pressure;
    private MemoryBuffer1D<float, Stride1D.Dense>? buffer;

    public IlgpuStorage(IlgpuBackend backend, MemoryBuffer1D<float, Stride1D.Dense> buffer, int length)
    {
        this.backend = backend;
        this.buffer = buffer;
        this.length = length;
        pressure = (long)length * sizeof(float);
        if (pressure > 0) GC.AddMemoryPressure(pressure);
    }

    ~IlgpuStorage() => FreeMemory();

    public override int Length => length;

    public override IBackend Backend => backend;

    /// <summary>The whole buffer (at least one element long, even for an empty storage).</summary>
    public ArrayView<float> View => buffer is { } b
        ? b.View.AsContiguous()
        : throw ReleasedError();

    /// <summary>The first <see cref="Length"/> elements, for copies to and from the host.</summary>
    public ArrayView<float> Elements => buffer is { } b
        ? b.View.SubView(0, length).AsContiguous()
        : throw ReleasedError();

    private protected override void FreeMemory()
    {
        if (Interlocked.Exchange(ref buffer, null) is not { } b) return;
        backend.ReleaseLater(b);
        if (pressure > 0) GC.RemoveMemoryPressure(pressure);
        GC.SuppressFinalize(this);
    }
}
