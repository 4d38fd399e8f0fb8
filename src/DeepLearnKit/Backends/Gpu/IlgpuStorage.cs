// Device memory for GPU tensors: one ILGPU buffer per storage, freed when the tensor is collected.
using ILGPU;
using ILGPU.Runtime;

namespace DeepLearnKit.Backends.Gpu;

/// <summary>A GPU tensor's elements, in a dense ILGPU buffer on the backend's accelerator.</summary>
/// <remarks>
/// The buffer never leaves the backend. GPU memory is invisible to the garbage collector, so the
/// storage reports its size as memory pressure (large GPU tensors then get collected promptly) and its
/// finalizer hands the buffer back to the backend, which frees it on the next call (on a thread where
/// the accelerator is bound, rather than on the finalizer thread).
/// </remarks>
internal sealed class IlgpuStorage : TensorStorage, IDisposable
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

    ~IlgpuStorage()
    {
        if (buffer is { } b) backend.ReleaseLater(b);
        if (pressure > 0) GC.RemoveMemoryPressure(pressure);
    }

    public override int Length => length;

    public override IBackend Backend => backend;

    /// <summary>The whole buffer (at least one element long, even for an empty storage).</summary>
    public ArrayView<float> View => buffer is { } b
        ? b.View.AsContiguous()
        : throw new ObjectDisposedException(nameof(IlgpuStorage), "This GPU tensor's memory has been released.");

    /// <summary>The first <see cref="Length"/> elements, for copies to and from the host.</summary>
    public ArrayView<float> Elements => buffer is { } b
        ? b.View.SubView(0, length).AsContiguous()
        : throw new ObjectDisposedException(nameof(IlgpuStorage), "This GPU tensor's memory has been released.");

    /// <summary>Frees the device memory now.</summary>
    public void Dispose()
    {
        if (buffer is null) return;
        buffer.Dispose();
        buffer = null;
        if (pressure > 0) GC.RemoveMemoryPressure(pressure);
        GC.SuppressFinalize(this);
    }
}
