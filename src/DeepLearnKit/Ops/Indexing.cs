// Picking elements by index: IndexSelect (embeddings), Gather (cross-entropy), masks (MaskedSelect, MaskedFill),
// and the t[i, a..b] indexer.
using System.Collections.Concurrent;
using DeepLearnKit.Backends;

namespace DeepLearnKit;

/// <summary>One position of a tensor indexer: an integer (removes the dim), a range, or all (<c>..</c>).</summary>
public readonly struct TensorIndex
{
    private readonly int? index;
    private readonly Range range;

    private TensorIndex(int? index, Range range)
    {
        this.index = index;
        this.range = range;
    }

    /// <summary>A single position; negative counts from the end.</summary>
    public static implicit operator TensorIndex(int index) => new(index, default);

    /// <summary>A position counted from the end (<c>^1</c> is the last).</summary>
    public static implicit operator TensorIndex(Index index) => new(index.IsFromEnd ? -index.Value : index.Value, default);

    /// <summary>A range of positions, e.g. <c>1..3</c>, <c>..^1</c> or <c>..</c>.</summary>
    public static implicit operator TensorIndex(Range range) => new(null, range);

    internal Tensor Apply(Tensor t, int dim) => index is { } i
        ? t.Select(dim, i)
        : t.Narrow(dim, range.GetOffsetAndLength(t.Size(dim)).Offset, range.GetOffsetAndLength(t.Size(dim)).Length);

    internal bool RemovesDim => index is not null;
}

public sealed partial class Tensor
{
    /// <summary>
    /// A view of the indexed part: <c>x[0]</c>, <c>x[.., 1..3]</c>, <c>x[^1]</c>. Setting copies the value in place
    /// (<c>x[0, ..] = Tensor.Zeros(3)</c>, or a float): a write through a view is seen by the base.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            if (indices.Length > Rank)
                throw new ArgumentException($"Indexer: {indices.Length} indices for a tensor of rank {Rank}.");
            var result = this;
            int dim = 0;
            foreach (var index in indices)
            {
                result = index.Apply(result, dim);
                if (!index.RemovesDim) dim++;
            }
            return result;
        }
        set => this[indices].CopyFrom(value);
    }

    /// <summary>
    /// <c>out[…, j, …] = x[…, index[j], …]</c> along <paramref name="dim"/> for a 1-D <paramref name="index"/> of
    /// integers stored as floats (e.g. an embedding lookup). Backward adds each gradient row back to the row it came from.
    /// </summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        int d = Shapes.NormalizeDim("IndexSelect", dim, Rank);
        if (index.Rank != 1)
            throw new ArgumentException($"IndexSelect: the index must be 1-D, got shape {Shapes.Format(index.dims)}.");
        return SelectAlong(d, CheckIndices("IndexSelect", index, dims[d]));
    }

    /// <summary>IndexSelect along <paramref name="d"/> of a packed 1-D index already known to be valid.</summary>
    internal Tensor SelectAlong(int d, Tensor idx)
    {
        var x = Packed();
        int outer = Shapes.StorageLength("IndexSelect", dims[..d]), inner = Shapes.StorageLength("IndexSelect", dims[(d + 1)..]);
        int count = (int)idx.NumEl;
        var shape = Shape;
        shape[d] = count;
        var result = Empty(shape, Device);
        Backend.IndexSelect(x.storage, outer, dims[d], inner, idx.storage, count, result.storage);
        var input = this;
        return Autograd.Record(result, "IndexSelect", [input], g =>
        {
            var grad = ZerosLike(input);
            grad.Backend.IndexAdd(g.Packed().storage, outer, input.dims[d], inner, idx.storage, count, grad.storage);
            return [grad];
        });
    }

    /// <summary>
    /// PyTorch's gather: <c>out[i][j] = x[i][index[i][j]]</c> for dim 1 (and likewise for any dim); index has this
    /// tensor's rank, and its sizes may be smaller outside <paramref name="dim"/>. Used to pick each sample's class score.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        int d = Shapes.NormalizeDim("Gather", dim, Rank);
        if (index.Rank != Rank)
            throw new ArgumentException($"Gather: index shape {Shapes.Format(index.dims)} must have the rank of the input {Shapes.Format(dims)}.");
        for (int k = 0; k < Rank; k++)
            if (k != d && index.dims[k] > dims[k])
                throw new ArgumentException($"Gather: index shape {Shapes.Format(index.dims)} is larger than input {Shapes.Format(dims)} at dimension {k}.");
        CheckSameDevice("Gather", this, index);
        CheckIndexValues(index, dims[d], nameof(index), v => $"Gather: index {v} is out of range for dimension {d} of size {dims[d]}.");
        // Flat positions in the contiguous input: Σ_{k≠d} iₖ·strideₖ, which depends on the shapes only, plus index·stride_d.
        var positions = GatherOffsets(index.dims, dims, d, Device) + index.Detach() * StridedLayout.ContiguousStrides(dims)[d];
        return Reshape(-1).SelectAlong(0, positions.Reshape(-1).Packed()).Reshape(index.dims);
    }

    private static readonly ConcurrentDictionary<(string Index, string Input, int Dim, Device Device), Tensor> gatherOffsets = new();

    /// <summary>
    /// <c>Σ_{k≠d} iₖ·strideₖ</c> for every position (i₀, …) of an index of shape <paramref name="indexShape"/>, strides
    /// those of a contiguous <paramref name="inputShape"/>: made once per shapes and device and kept (a loss calls
    /// Gather with the same shapes every batch), so no batch sends it to the device again.
    /// </summary>
    private static Tensor GatherOffsets(int[] indexShape, int[] inputShape, int d, Device device)
    {
        var key = (Shapes.Format(indexShape), Shapes.Format(inputShape), d, device);
        if (gatherOffsets.TryGetValue(key, out var cached)) return cached;
        if (gatherOffsets.Count > 256) gatherOffsets.Clear();
        var strides = StridedLayout.ContiguousStrides(inputShape);
        var offsets = new float[Shapes.StorageLength("Gather", indexShape)];
        var position = new int[indexShape.Length];
        for (int e = 0; e < offsets.Length; e++)
        {
            for (int k = 0; k < position.Length; k++) if (k != d) offsets[e] += position[k] * strides[k];
            for (int k = position.Length - 1; k >= 0 && ++position[k] == indexShape[k]; k--) position[k] = 0;
        }
        return gatherOffsets.GetOrAdd(key, _ => FromArray(offsets, indexShape, device).Keep());
    }

    /// <summary>
    /// PyTorch's <c>masked_select</c>: the elements of this tensor where <paramref name="mask"/> (broadcast to this shape)
    /// is non-zero, as a 1-D tensor in row-major order; its length is the number of true positions. A copy, not a view.
    /// Backward sends each gradient element back to the position it came from (0 elsewhere).
    /// </summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        CheckMask("MaskedSelect", mask);
        var flags = BinaryKernel("MaskedSelect", Backends.BinaryOp.Ne, mask, ZerosLike(this)).ToArray();
        var positions = new List<float>();
        for (int i = 0; i < flags.Length; i++)
            if (flags[i] != 0) positions.Add(i);
        return Reshape(-1).IndexSelect(0, FromArray(positions.ToArray()).To(Device));
    }

    /// <summary>
    /// PyTorch's <c>masked_fill</c>: <c>out = value where mask ≠ 0, else x</c>, with <paramref name="mask"/> broadcast to
    /// this shape; a new tensor. ∂out/∂x = 1 where the mask is 0, else 0.
    /// </summary>
    public Tensor MaskedFill(Tensor mask, float value)
    {
        CheckMask("MaskedFill", mask);
        return Where(mask, Scalar(value, Device), this);
    }

    /// <summary>A mask of <paramref name="op"/> must be on this tensor's device and broadcast to exactly its shape.</summary>
    private void CheckMask(string op, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        CheckSameDevice(op, this, mask);
        if (!Shapes.Equal(Shapes.Broadcast(op, dims, mask.dims), dims))
            throw new ArgumentException($"{op}: a mask of shape {Shapes.Format(mask.dims)} does not broadcast to the tensor's shape {Shapes.Format(dims)}.");
    }

    private static Tensor CheckIndices(string op, Tensor index, int size)
    {
        CheckIndexValues(index, size, nameof(index), v => $"{op}: index {v} is out of range for a dimension of size {size}.");
        return index.Packed().Detach();
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> with <paramref name="describe"/>(the first offender) unless every
    /// element of <paramref name="values"/> is an integer in [0, <paramref name="size"/>).
    /// </summary>
    internal static void CheckIndexValues(Tensor values, int size, string paramName, Func<float, string> describe) =>
        CheckValues(values, v => (v != v.Floor()) + (v < 0f) + (v >= size),   // NaN ≠ NaN counts too
            v => v == MathF.Floor(v) && v >= 0 && v < size, paramName, describe);

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> with <paramref name="describe"/>(the first offender) unless every
    /// element of <paramref name="values"/> is valid. <paramref name="offenders"/> marks the invalid elements with a
    /// positive count, computed on the values' device, so only their total crosses to the host; the values themselves
    /// come back, to be tested one by one with <paramref name="isValid"/>, only when one is wrong.
    /// </summary>
    internal static void CheckValues(Tensor values, Func<Tensor, Tensor> offenders, Func<float, bool> isValid,
        string paramName, Func<float, string> describe)
    {
        if (values.NumEl == 0) return;
        float count;
        using (NoGrad()) count = offenders(values).Sum().Item();
        if (count == 0) return;
        foreach (float v in values.ToArray())
            if (!isValid(v)) throw new ArgumentOutOfRangeException(paramName, describe(v));
    }
}
