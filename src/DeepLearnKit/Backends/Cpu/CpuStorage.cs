// Host memory for CPU tensors: a plain float array. A large one came from CpuArrayPool and goes back to it exactly
// once: when its owner releases the storage (see StorageScope), or when the pool finds the storage unreachable
// (CpuArrayPool's watch). A released storage has no array, so a stray read fails loudly instead of seeing the
// numbers of whichever tensor got the array next.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>A CPU tensor's elements, in a managed array that only this storage holds until it is released.</summary>
internal sealed class CpuStorage : TensorStorage
{
    /// <summary>
    /// Where the array sits: shared with the pool's watch entry for a large storage, so that the pool can take the
    /// array back after the storage is gone, and so that release and that take-back happen once between them.
    /// </summary>
    internal sealed class Cell(float[] array)
    {
        private float[]? array = array;

        public float[]? Array => Volatile.Read(ref array);

        /// <summary>The array, taken out of the cell; null if someone took it before.</summary>
        public float[]? Take() => Interlocked.Exchange(ref array, null);
    }

    internal readonly Cell cell;

    public CpuStorage(float[] data)
    {
        cell = new Cell(data);
        Length = data.Length;
    }

    /// <summary>The elements; an error once the storage was released.</summary>
    public float[] Data => cell.Array ?? throw new ObjectDisposedException(nameof(CpuStorage),
        $"This CPU storage of {Length} floats was released and its array reused: an op read a temporary after its owner gave it back.");

    public override int Length { get; }

    public override IBackend Backend => CpuBackend.Instance.Lease;

    public override bool IsReleased => cell.Array is null;

    /// <summary>Takes the array away from this storage (once: a second call finds none) and gives a large one back to the pool.</summary>
    internal override void Release()
    {
        if (cell.Take() is { Length: >= CpuArrayPool.MinPooledLength } array) CpuArrayPool.Return(array);
    }
}
