// The reference backend: every required primitive of IBackend as the plainest loop that states it, in
// float64 where it accumulates. It is the executable specification: the device op suite runs every op on
// every device and compares it with this backend. It offers no fused kernel, so on it every op runs the
// composition written in Ops/. Slow by design; use it to check, not to train.
namespace DeepLearnKit.Backends.Reference;

/// <summary>Memory and copies of the reference backend; the other primitive families are in the partial files beside this one.</summary>
internal sealed partial class ReferenceBackend : IBackend
{
    public static readonly ReferenceBackend Instance = new();

    private ReferenceBackend() => Device = new Device(DeviceKind.Reference, "reference", this);

    public Device Device { get; }

    private static float[] Data(TensorStorage storage) => storage is ReferenceStorage reference
        ? reference.Data
        : throw new ArgumentException($"Expected a reference-backend storage, got one of {storage.Backend.Device}.");

    public TensorStorage Allocate(int length) => new ReferenceStorage(new float[length]);

    /// <summary>Zeroed as well: the reference has no reason to leave memory undefined.</summary>
    public TensorStorage AllocateUninitialized(int length) => Allocate(length);

    public TensorStorage Upload(ReadOnlySpan<float> data) => new ReferenceStorage(data.ToArray());

    public void Download(TensorStorage source, Span<float> destination) => Data(source).CopyTo(destination);

    public void Copy(TensorStorage source, StridedLayout sourceLayout, TensorStorage destination, StridedLayout destinationLayout)
    {
        float[] src = Data(source), dst = Data(destination);
        foreach (var (s, d) in Elements(sourceLayout, destinationLayout)) dst[d] = src[s];
    }

    public void Fill(TensorStorage destination, StridedLayout layout, float value)
    {
        float[] dst = Data(destination);
        foreach (var (d, _) in Elements(layout, layout)) dst[d] = value;
    }

    /// <summary>
    /// The storage offsets of every element of two layouts of one shape, in row-major order of the shape:
    /// element (i₀, i₁, …) is at <c>Offset + Σ iₖ·Strides[k]</c> in each.
    /// </summary>
    private static IEnumerable<(int First, int Second)> Elements(StridedLayout first, StridedLayout second)
    {
        int[] shape = first.Shape, index = new int[shape.Length];
        for (int flat = 0; flat < first.Count; flat++)
        {
            int a = first.Offset, b = second.Offset;
            for (int k = 0; k < shape.Length; k++)
            {
                a += index[k] * first.Strides[k];
                b += index[k] * second.Strides[k];
            }
            yield return (a, b);
            for (int k = shape.Length - 1; k >= 0 && ++index[k] == shape[k]; k--) index[k] = 0;
        }
    }
}

/// <summary>A reference tensor's elements: a plain array, left to the garbage collector when released.</summary>
internal sealed class ReferenceStorage(float[] data) : TensorStorage
{
    private float[]? data = data;

    public float[] Data => data ?? throw ReleasedError();

    public override int Length { get; } = data.Length;

    public override IBackend Backend => ReferenceBackend.Instance;

    private protected override void FreeMemory() => data = null;
}
