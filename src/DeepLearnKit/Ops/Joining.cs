// Joining and splitting along a dim: Cat, Stack, Split, Chunk.
namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// Concatenates tensors along <paramref name="dim"/>; all other sizes must match.
    /// Backward: each input gets its slice of the gradient.
    /// </summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Cat: expected at least one tensor.");
        var first = tensors[0];
        int d = Shapes.NormalizeDim("Cat", dim, first.Rank);
        int total = 0;
        foreach (var t in tensors)
        {
            CheckSameDevice("Cat", first, t);
            bool fits = t.Rank == first.Rank;
            for (int k = 0; fits && k < t.Rank; k++) fits = k == d || t.dims[k] == first.dims[k];
            if (!fits)
                throw new ArgumentException($"Cat: shapes {Shapes.Format(first.dims)} and {Shapes.Format(t.dims)} differ outside dimension {d}.");
            total += t.dims[d];
        }
        var shape = first.Shape;
        shape[d] = total;
        var result = Empty(shape, first.Device);
        int start = 0;
        var starts = new int[tensors.Count];
        using (NoGrad())
        {
            for (int i = 0; i < tensors.Count; i++)
            {
                starts[i] = start;
                var t = tensors[i];
                var part = result.Narrow(d, start, t.dims[d]);
                result.Backend.Copy(t.storage, t.Layout, part.storage, part.Layout);
                start += t.dims[d];
            }
        }
        return Autograd.Record(result, "Cat", tensors.ToArray(),
            g => tensors.Select((t, i) => (Tensor?)g.Narrow(d, starts[i], t.dims[d]).Contiguous()).ToArray());
    }

    /// <summary>Stacks same-shaped tensors along a new dim <paramref name="dim"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Stack: expected at least one tensor.");
        foreach (var t in tensors)
            if (!Shapes.Equal(t.dims, tensors[0].dims))
                throw new ArgumentException($"Stack: shapes {Shapes.Format(tensors[0].dims)} and {Shapes.Format(t.dims)} differ.");
        return Cat(tensors.Select(t => t.Unsqueeze(dim)).ToArray(), dim < 0 ? dim + tensors[0].Rank + 1 : dim);
    }

    /// <summary>Splits into pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be smaller); views.</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (splitSize <= 0) throw new ArgumentException($"Split: splitSize must be positive, got {splitSize}.");
        int d = Shapes.NormalizeDim("Split", dim, Rank);
        var sizes = new List<int>();
        for (int s = 0; s < dims[d]; s += splitSize) sizes.Add(Math.Min(splitSize, dims[d] - s));
        return Split(sizes.ToArray(), d);
    }

    /// <summary>Splits into pieces of the given sizes along <paramref name="dim"/>; they must add up to the dim's size.</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        int d = Shapes.NormalizeDim("Split", dim, Rank);
        if (sizes.Sum() != dims[d] || sizes.Any(s => s < 0))
            throw new ArgumentException($"Split: sizes {Shapes.Format(sizes)} do not add up to dimension {d} of shape {Shapes.Format(dims)}.");
        var result = new Tensor[sizes.Length];
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            result[i] = Narrow(d, start, sizes[i]);
            start += sizes[i];
        }
        return result;
    }

    /// <summary>Splits into <paramref name="chunks"/> nearly equal pieces along <paramref name="dim"/> (PyTorch's rule: size ⌈n/chunks⌉ each).</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentException($"Chunk: chunks must be positive, got {chunks}.");
        int d = Shapes.NormalizeDim("Chunk", dim, Rank);
        return Split(Math.Max(1, (dims[d] + chunks - 1) / chunks), d);
    }
}
