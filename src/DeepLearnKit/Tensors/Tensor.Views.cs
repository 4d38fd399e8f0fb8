// Views: new shapes and strides over the same storage (no copy), each with its backward.
// Reshape copies only when the layout does not allow a view, as PyTorch's reshape.
namespace DeepLearnKit;

public sealed partial class Tensor
{
    private Tensor ViewOf(string op, int[] shape, int[] newStrides, int newOffset, Func<Tensor, Tensor> backward)
    {
        var view = new Tensor(storage, shape, newStrides, newOffset);
        return Autograd.Record(view, op, [this], g => [backward(g)]);
    }

    /// <summary>The same elements with a new shape; one size may be −1 (inferred). A view when the layout allows, else a copy.</summary>
    public Tensor Reshape(params int[] shape)
    {
        shape = InferShape("Reshape", shape);
        if (Shapes.Equal(shape, dims)) return this;
        var source = IsContiguous ? this : Contiguous("Reshape");
        var inputShape = dims;
        return source.ViewOf("Reshape", shape, Backends.StridedLayout.ContiguousStrides(shape), source.offset, g => g.Reshape(inputShape));
    }

    /// <summary>Like <see cref="Reshape"/> but never copies: throws when the tensor is not contiguous.</summary>
    public Tensor View(params int[] shape)
    {
        if (!IsContiguous)
            throw new InvalidOperationException($"View: a tensor with shape {Shapes.Format(dims)} and strides {Shapes.Format(strides)} is not contiguous; use Reshape (which copies) or Contiguous() first.");
        return Reshape(InferShape("View", shape));
    }

    private int[] InferShape(string op, int[] shape)
    {
        shape = (int[])shape.Clone();
        int unknown = Array.IndexOf(shape, -1);
        if (Array.LastIndexOf(shape, -1) != unknown)
            throw new ArgumentException($"{op}: only one size may be −1, got {Shapes.Format(shape)}.");
        if (unknown >= 0)
        {
            long known = Shapes.Count([.. shape[..unknown], .. shape[(unknown + 1)..]], op);
            if (known == 0 || NumEl % known != 0 || NumEl / known > int.MaxValue)
                throw new ArgumentException($"{op}: cannot view {NumEl} elements of shape {Shapes.Format(dims)} as {Shapes.Format(shape)}.");
            shape[unknown] = (int)(NumEl / known);
        }
        Shapes.Validate(op, shape);
        if (Shapes.Count(shape, op) != NumEl)
            throw new ArgumentException($"{op}: cannot view {NumEl} elements of shape {Shapes.Format(dims)} as {Shapes.Format(shape)}.");
        return shape;
    }

    /// <summary>Merges dims <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = Shapes.NormalizeDim("Flatten", startDim, Rank), e = Shapes.NormalizeDim("Flatten", endDim, Rank);
        if (s > e) throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim}.");
        long merged = Shapes.Count(dims[s..(e + 1)]);
        if (merged > int.MaxValue)
            throw new ArgumentException($"Flatten: dims {s}..{e} of shape {Shapes.Format(dims)} hold {merged} elements, more than one dimension holds ({int.MaxValue}).");
        var shape = dims[..s].Append((int)merged).Concat(dims[(e + 1)..]).ToArray();
        return Reshape(shape);
    }

    /// <summary>Swaps two dims (a view).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = Shapes.NormalizeDim("Transpose", dim0, Rank), b = Shapes.NormalizeDim("Transpose", dim1, Rank);
        var order = Enumerable.Range(0, Rank).ToArray();
        (order[a], order[b]) = (order[b], order[a]);
        return Permute(order);
    }

    /// <summary>The transpose of a 2-D tensor (a view).</summary>
    public Tensor T => Rank == 2
        ? Transpose(0, 1)
        : throw new InvalidOperationException($"T: expected a 2-D tensor, got shape {Shapes.Format(dims)}; use Transpose or Permute.");

    /// <summary>Reorders dims: result dim k is input dim <c>order[k]</c> (a view).</summary>
    public Tensor Permute(params int[] order)
    {
        if (order.Length != Rank)
            throw new ArgumentException($"Permute: got {order.Length} dims {Shapes.Format(order)} for a tensor of rank {Rank}.");
        var norm = order.Select(d => Shapes.NormalizeDim("Permute", d, Rank)).ToArray();
        if (norm.Distinct().Count() != Rank) throw new ArgumentException($"Permute: {Shapes.Format(order)} repeats a dimension.");
        var inverse = new int[Rank];
        for (int k = 0; k < Rank; k++) inverse[norm[k]] = k;
        return ViewOf("Permute", norm.Select(d => dims[d]).ToArray(), norm.Select(d => strides[d]).ToArray(), offset, g => g.Permute(inverse));
    }

    /// <summary>Removes size-1 dims (only <paramref name="dim"/> when given); a view.</summary>
    public Tensor Squeeze(int? dim = null)
    {
        if (Rank == 0) return this;
        int only = dim is { } d0 ? Shapes.NormalizeDim("Squeeze", d0, Rank) : -1;
        var keep = Enumerable.Range(0, Rank).Where(k => dims[k] != 1 || (only >= 0 && k != only)).ToArray();
        if (keep.Length == Rank) return this;
        var inputShape = dims;
        return ViewOf("Squeeze", keep.Select(k => dims[k]).ToArray(), keep.Select(k => strides[k]).ToArray(), offset, g => g.Reshape(inputShape));
    }

    /// <summary>Inserts a size-1 dim at <paramref name="dim"/> (−1 appends).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = dim < 0 ? dim + Rank + 1 : dim;
        if (d < 0 || d > Rank) throw new ArgumentOutOfRangeException(nameof(dim), $"Unsqueeze: dimension {dim} is out of range for a tensor of rank {Rank}.");
        var shape = dims.ToList();
        shape.Insert(d, 1);
        var newStrides = strides.ToList();
        newStrides.Insert(d, d < Rank ? strides[d] * dims[d] : 1);
        var inputShape = dims;
        return ViewOf("Unsqueeze", shape.ToArray(), newStrides.ToArray(), offset, g => g.Reshape(inputShape));
    }

    /// <summary>Broadcasts size-1 dims (and new leading dims) to <paramref name="shape"/> without copying; −1 keeps a size.</summary>
    public Tensor Expand(params int[] shape)
    {
        shape = (int[])shape.Clone();
        int lead = shape.Length - Rank;
        if (lead < 0) throw new ArgumentException($"Expand: cannot expand shape {Shapes.Format(dims)} to fewer dims {Shapes.Format(shape)}.");
        for (int k = 0; k < lead; k++)
            if (shape[k] < 0)
                throw new ArgumentException($"Expand: cannot expand shape {Shapes.Format(dims)} to {Shapes.Format(shape)} (new dimension {k} needs a size, not {shape[k]}).");
        for (int k = 0; k < Rank; k++)
        {
            if (shape[lead + k] == -1) shape[lead + k] = dims[k];
            if (dims[k] != 1 && dims[k] != shape[lead + k])
                throw new ArgumentException($"Expand: cannot expand shape {Shapes.Format(dims)} to {Shapes.Format(shape)} (dimension {k} is {dims[k]}, not 1).");
        }
        if (Shapes.Equal(shape, dims)) return this;
        Shapes.Count(shape, "Expand");
        var inputShape = dims;
        return ViewOf("Expand", shape, BroadcastLayout(shape).Strides, offset, g => g.SumTo(inputShape));
    }

    /// <summary>Expands to the shape of <paramref name="other"/>.</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other.dims);

    /// <summary>Elements <paramref name="start"/> ≤ i &lt; start + length along <paramref name="dim"/> (a view).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Shapes.NormalizeDim("Narrow", dim, Rank);
        if (start < 0) start += dims[d];
        return Slice(d, start, start + length, 1);
    }

    /// <summary>Every <paramref name="step"/>-th element from <paramref name="start"/> up to <paramref name="end"/> along <paramref name="dim"/> (a view).</summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = Shapes.NormalizeDim("Slice", dim, Rank);
        if (step <= 0) throw new ArgumentException($"Slice: step must be positive, got {step}.");
        if (start < 0) start += dims[d];
        if (end < 0) end += dims[d];
        if (start < 0 || end > dims[d] || start > end)
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice: range [{start}, {end}) is outside dimension {d} of shape {Shapes.Format(dims)}.");
        var shape = Shape;
        shape[d] = (end - start + step - 1) / step;
        var newStrides = Strides;
        newStrides[d] = strides[d] * step;
        var input = this;
        var view = new Tensor(storage, shape, newStrides, offset + start * strides[d]);
        Autograd.Record(view, "Slice", [input], g =>
        {
            var full = ZerosLike(input);
            full.Slice(d, start, end, step).CopyFrom(g);
            return [full];
        });
        // Many slices of one tensor (an RNN's time steps, Chunk's gates) add their gradients into one
        // buffer, instead of each building an input-sized tensor of zeros: backward stays linear in T.
        view.GradFn?.SetAccumulateInto((g, buffer) =>
        {
            var part = buffer.Slice(d, start, end, step);
            part.CopyFrom(part + g);
        });
        return view;
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="dim"/>, that dim removed (a view).</summary>
    public Tensor Select(int dim, int index)
    {
        int d = Shapes.NormalizeDim("Select", dim, Rank);
        if (index < 0) index += dims[d];
        if (index < 0 || index >= dims[d])
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is out of range for dimension {d} of shape {Shapes.Format(dims)}.");
        return Narrow(d, index, 1).Squeeze(d);
    }

    /// <summary>
    /// Copies <paramref name="source"/> (broadcast to this shape) into this tensor's elements, in place: a write
    /// through a view is seen by its base. Not allowed on a tensor that takes part in autograd.
    /// </summary>
    public Tensor CopyFrom(Tensor source)
    {
        CheckInPlace("CopyFrom");
        var src = source.Device == Device ? source : source.To(Device);
        Shapes.Broadcast("CopyFrom", dims, src.dims);
        if (src.Rank > Rank || !Shapes.Equal(Shapes.Broadcast("CopyFrom", dims, src.dims), dims))
            throw new ArgumentException($"CopyFrom: a source of shape {Shapes.Format(source.dims)} does not fit a destination of shape {Shapes.Format(dims)}.");
        if (ReferenceEquals(src.storage, storage)) src = src.Detach().Clone();
        Backend.Copy(src.storage, src.BroadcastLayout(dims), storage, Layout);
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>, in place.</summary>
    public Tensor Fill(float value)
    {
        CheckInPlace("Fill");
        Backend.Fill(storage, Layout, value);
        return this;
    }

    private void CheckInPlace(string op)
    {
        if (IsGradEnabled && (RequiresGrad || GradFn is not null))
            throw new InvalidOperationException($"{op}: an in-place write to a tensor that requires grad would break its gradients; do it inside Tensor.NoGrad() or on Detach().");
    }
}
