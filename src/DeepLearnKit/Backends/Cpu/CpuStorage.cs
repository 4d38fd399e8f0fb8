// Host memory for CPU tensors: a plain float array; a large one is rented from CpuArrayPool and goes back
// to it when the storage is released.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>A CPU tensor's elements, in a managed array.</summary>
internal sealed class CpuStorage : TensorStorage
{
    private float[]? data;
    private readonly bool pooled;

    /// <summary>A storage over <paramref name="data"/>; <paramref name="pooled"/> when the array came from <see cref="CpuArrayPool"/> and goes back to it.</summary>
    public CpuStorage(float[] data, bool pooled = false)
    {
        this.data = data;
        this.pooled = pooled;
        Length = data.Length;
    }

    /// <summary>The elements; throws once the storage is released (its array may already be someone else's).</summary>
    public float[] Data => data ?? throw ReleasedError();

    public override int Length { get; }

    public override IBackend Backend => CpuBackend.Instance;

    private protected override void FreeMemory()
    {
        var array = Interlocked.Exchange(ref data, null);
        if (pooled && array is not null) CpuArrayPool.Return(array);
    }
}
