// Host memory for CPU tensors: a plain float array.
namespace DeepLearnKit.Backends.Cpu;

/// <summary>A CPU tensor's elements, in a managed array.</summary>
internal sealed class CpuStorage : TensorStorage
{
    public CpuStorage(float[] data) => Data = data;

    public float[] Data { get; }

    public override int Length => Data.Length;

    public override IBackend Backend => CpuBackend.Instance;
}
