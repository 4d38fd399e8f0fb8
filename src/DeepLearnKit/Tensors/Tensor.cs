// The Tensor: float32 elements in a storage, read through a shape, strides and an offset, so that
// views (reshape, transpose, slices, broadcasts) share memory. Ops live in src/DeepLearnKit/Ops.
using System.Runtime.CompilerServices;
using DeepLearnKit.Backends;
using DeepLearnKit.Backends.Cpu;

namespace DeepLearnKit;

/// <summary>
/// An n-dimensional array of float32 on a <see cref="DeepLearnKit.Device"/>, with autograd.
/// Element (i₀, …, iₙ₋₁) is stored at <c>offset + Σ iₖ·stride[k]</c>; views share the storage.
/// Names follow PyTorch in .NET casing (<c>Unsqueeze</c>, <c>MatMul</c>, <c>Backward</c>).
/// </summary>
public sealed partial class Tensor
{
    internal TensorStorage storage; // replaced only by MoveStorageTo, for a module's parameters
    internal readonly int[] dims;
    internal readonly int[] strides;
    internal readonly int offset;

    internal Tensor(TensorStorage storage, int[] shape, int[] strides, int offset)
    {
        this.storage = storage;
        dims = shape;
        this.strides = strides;
        this.offset = offset;
    }

    internal Tensor(TensorStorage storage, int[] shape)
        : this(storage, shape, StridedLayout.ContiguousStrides(shape), 0)
    {
    }

    /// <summary>
    /// A new zero-filled contiguous tensor on <paramref name="device"/>; a shape too large for one storage is an
    /// error naming <paramref name="op"/> (by default the op that asks).
    /// </summary>
    internal static Tensor Empty(int[] shape, Device device, [CallerMemberName] string op = "") =>
        new(device.Backend.Allocate(Shapes.StorageLength(op, shape)), shape);

    /// <summary>A new contiguous tensor whose elements are undefined: only for the output of a kernel that writes them all.</summary>
    internal static Tensor Uninitialized(int[] shape, Device device, [CallerMemberName] string op = "") =>
        new(device.Backend.AllocateUninitialized(Shapes.StorageLength(op, shape)), shape);

    /// <summary>The size of each dimension (a copy).</summary>
    public int[] Shape => (int[])dims.Clone();

    /// <summary>The number of dimensions (PyTorch's <c>dim()</c>).</summary>
    public int Rank => dims.Length;

    /// <summary>
    /// The number of elements, <c>Π Shape[k]</c> (PyTorch's <c>numel()</c>), in 64 bits: a broadcast view
    /// (<see cref="Expand"/>) may show more elements than one storage holds.
    /// </summary>
    public long NumEl => Shapes.Count(dims);

    /// <summary>The element type; DeepLearnKit computes in float32.</summary>
    public string DType => "float32";

    /// <summary>Where the elements live.</summary>
    public Device Device => storage.Backend.Device;

    /// <summary>The size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => dims[Shapes.NormalizeDim("Size", dim, dims.Length)];

    /// <summary>The storage step of each dimension, in elements (a copy).</summary>
    public int[] Strides => (int[])strides.Clone();

    /// <summary>True when the elements are stored row-major without gaps, so a reshape is free.</summary>
    public bool IsContiguous => Layout.IsContiguous;

    /// <summary>An optional label (e.g. <c>W1</c>), shown in printed graphs.</summary>
    public string? Name { get; set; }

    internal StridedLayout Layout => new(dims, strides, offset);

    internal IBackend Backend => storage.Backend;

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (NumEl != 1)
            throw new InvalidOperationException($"Item: expected a tensor with one element, got shape {Shapes.Format(dims)}.");
        return ToArray()[0];
    }

    /// <summary>The elements in row-major order, copied to the host.</summary>
    public float[] ToArray()
    {
        var result = new float[Shapes.StorageLength("ToArray", dims)];
        if (result.Length == 0) return result;
        // Download copies a whole storage, so a view that does not span its storage exactly (a slice, even
        // a contiguous one, or a strided view) is first copied into one of its own.
        Backend.Download(Packed("ToArray").storage, result);
        return result;
    }

    /// <summary>A 2-D tensor's elements as a <c>float[rows, cols]</c>.</summary>
    public float[,] ToArray2D()
    {
        if (Rank != 2) throw new InvalidOperationException($"ToArray2D: expected a 2-D tensor, got shape {Shapes.Format(dims)}.");
        var flat = ToArray();
        var result = new float[dims[0], dims[1]];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    /// <summary>A copy of this tensor on <paramref name="device"/> (this tensor itself when it is already there). Gradients flow back across the move.</summary>
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        var packed = Packed();
        TensorStorage moved;
        if (device == DeepLearnKit.Device.Cpu)
        {
            moved = device.Backend.AllocateUninitialized(packed.storage.Length);
            if (NumEl > 0) packed.Backend.Download(packed.storage, CpuBackend.Data(moved));
        }
        else if (packed.Device == DeepLearnKit.Device.Cpu) moved = device.Backend.Upload(CpuBackend.Data(packed.storage));
        else moved = device.Backend.Upload(packed.ToArray());   // between two other devices, through the host
        var result = new Tensor(moved, Shape);
        return Autograd.Record(result, "To", [this], g => [g.To(Device)]);
    }

    /// <summary>This tensor if it is contiguous, else a contiguous copy (recorded for autograd).</summary>
    public Tensor Contiguous() => Contiguous("Contiguous");

    /// <summary>Contiguous for <paramref name="op"/>, which a copy too large for one storage names.</summary>
    internal Tensor Contiguous(string op)
    {
        if (IsContiguous) return this;
        var result = Uninitialized(Shape, Device, op);
        Backend.Copy(storage, Layout, result.storage, result.Layout);
        return Autograd.Record(result, "Contiguous", [this], g => [g]);
    }

    /// <summary>True when this tensor is row-major from element 0 of a storage of exactly its size: it can be downloaded whole or written in place.</summary>
    internal bool OwnsContiguousStorage => IsContiguous && offset == 0 && storage.Length == NumEl;

    /// <summary>
    /// This tensor if it owns its contiguous storage, else a packed copy (not recorded): what kernels that read a
    /// whole storage, or [outer, axis, inner] and NCHW blocks from element 0, take.
    /// </summary>
    internal Tensor Packed([CallerMemberName] string op = "")
    {
        if (OwnsContiguousStorage) return this;
        var copy = Uninitialized(Shape, Device, op);
        Backend.Copy(storage, Layout, copy.storage, copy.Layout);
        return copy;
    }

    /// <summary>An independent copy with the same values (recorded for autograd).</summary>
    public Tensor Clone()
    {
        var result = Uninitialized(Shape, Device);
        Backend.Copy(storage, Layout, result.storage, result.Layout);
        return Autograd.Record(result, "Clone", [this], g => [g]);
    }

    /// <summary>
    /// Moves this contiguous leaf tensor's elements to <paramref name="device"/> in place, keeping the object
    /// (and so every reference to it): how <c>module.To(device)</c> moves parameters. Its gradient is dropped.
    /// </summary>
    internal void MoveStorageTo(Device device)
    {
        if (device == Device) return;
        if (!IsLeaf || !OwnsContiguousStorage)
            throw new InvalidOperationException($"MoveStorageTo: only a contiguous leaf tensor that owns its storage can move in place (shape {Shapes.Format(dims)}).");
        storage = device.Backend.Upload(ToArray());
        storage.Unscope(); // a parameter outlives the step that moved it
        Grad = null;
    }

    /// <summary>
    /// Opens a <see cref="TensorScope"/>: every tensor made until it is disposed gives its memory back then, for the
    /// next step to reuse. <c>using (Tensor.Scope()) { optimizer.ZeroGrad(); var loss = …; loss.Backward(); optimizer.Step(); }</c>
    /// </summary>
    public static TensorScope Scope() => TensorScope.Open();

    /// <summary>
    /// Takes this tensor's memory out of the <see cref="TensorScope"/> it was made in, so it stays usable after the
    /// scope ends (views of it share that memory, so they stay usable too). Returns this tensor, for chaining.
    /// </summary>
    public Tensor Keep()
    {
        storage.Unscope();
        return this;
    }

    /// <summary>True once the memory under this tensor was given back (its <see cref="TensorScope"/> ended): every use throws.</summary>
    public bool IsReleased => storage.IsReleased;
}
