// Host memory for CPU tensors: a plain float array. A large one came from CpuArrayPool and goes back to it when
// its owner releases the storage (see StorageScope); after that the storage has no array, so a stray read fails
// loudly instead of seeing the numbers of whichever tensor got the array next.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>A CPU tensor's elements, in a managed array that only this storage holds until it is released.</summary>
internal sealed class CpuStorage : TensorStorage
{
    private float[]? data;

    public CpuStorage(float[] data)
    {
        this.data = data;
        Length = data.Length;
    }

    /// <summary>The elements; an error once the storage was released.</summary>
    public float[] Data => data ?? throw new ObjectDisposedException(nameof(CpuStorage),
        $"This CPU storage of {Length} floats was released and its array reused: an op read a temporary after its owner gave it back.");

    public override int Length { get; }

    public override IBackend Backend => CpuBackend.Instance;

    public override bool IsReleased => data is null;

    /// <summary>Takes the array away from this storage (once: a second call finds none) and gives a large one back to the pool.</summary>
    internal override void Release()
    {
        if (Interlocked.Exchange(ref data, null) is { Length: >= CpuArrayPool.MinPooledLength } array) CpuArrayPool.Return(array);
    }
}
