// Host memory for CPU tensors: a plain float array, recycled through CpuArrayPool when it is large.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>A CPU tensor's elements, in a managed array.</summary>
internal class CpuStorage : TensorStorage
{
    public CpuStorage(float[] data) => Data = data;

    public float[] Data { get; }

    public override int Length => Data.Length;

    public override IBackend Backend => CpuBackend.Instance;
}

/// <summary>
/// A storage whose array came from a <see cref="CpuArrayPool"/>: when the storage is collected (no tensor or
/// view refers to it any more), its finalizer gives the array back to that pool, for the next tensor of the same size.
/// </summary>
internal sealed class PooledCpuStorage(float[] data, CpuArrayPool pool) : CpuStorage(data)
{
    ~PooledCpuStorage() => pool.Return(Data);
}
