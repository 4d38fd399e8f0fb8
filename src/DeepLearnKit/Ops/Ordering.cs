// Ops that order or arrange elements along a dimension: Sort/ArgSort/TopK, Flip, Cumsum, and Tril/Triu.
// Each is a composition of ops that already have backward rules (Gather, IndexSelect, MatMul, Where), so every
// device runs them and their gradients come for free: Sort's ∂values/∂x is a scatter back to the chosen positions.
namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// PyTorch's <c>sort</c>: the elements along <paramref name="dim"/> in ascending order (descending when
    /// <paramref name="descending"/>), and for each the position it came from. The sort is stable: equal values keep
    /// their order (PyTorch's <c>stable=True</c>). NaN sorts as the largest value, as in PyTorch.
    /// Backward sends each gradient element back to the position its value came from.
    /// </summary>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false)
    {
        int d = Shapes.NormalizeDim("Sort", dim, Rank);
        var indices = ArgSort(d, descending);
        return (Gather(d, indices), indices);
    }

    /// <summary>The positions that sort this tensor along <paramref name="dim"/>: <c>x.Gather(dim, x.ArgSort(dim))</c> is sorted (stable).</summary>
    public Tensor ArgSort(int dim = -1, bool descending = false)
    {
        int d = Shapes.NormalizeDim("ArgSort", dim, Rank);
        return FromArray(SortedPositions(d, descending, dims.Length == 0 ? 1 : dims[d]), Shape).To(Device);
    }

    /// <summary>
    /// PyTorch's <c>topk</c>: the <paramref name="k"/> largest elements along <paramref name="dim"/> (smallest when
    /// <paramref name="largest"/> is false), in order from the most extreme, and their positions. Ties go to the lower
    /// position, so the result is always sorted. Backward scatters the gradient to the chosen positions, 0 elsewhere.
    /// </summary>
    public (Tensor Values, Tensor Indices) TopK(int k, int dim = -1, bool largest = true)
    {
        int d = Shapes.NormalizeDim("TopK", dim, Rank);
        int size = Rank == 0 ? 1 : dims[d];
        if (k < 0 || k > size)
            throw new ArgumentOutOfRangeException(nameof(k), $"TopK: k = {k} is out of range for dimension {d} of size {size} in shape {Shapes.Format(dims)}.");
        var shape = Shape;
        if (Rank > 0) shape[d] = k;
        var indices = FromArray(SortedPositions(d, largest, k), shape).To(Device);
        return (Gather(d, indices), indices);
    }

    /// <summary>
    /// For each line along <paramref name="dim"/>, the first <paramref name="keep"/> positions of its stable sort
    /// (as floats, row-major, with <paramref name="dim"/> holding <paramref name="keep"/> entries).
    /// </summary>
    private float[] SortedPositions(int dim, bool descending, int keep)
    {
        var values = ToArray();
        if (Rank == 0) return keep == 0 ? [] : [0];
        int size = dims[dim];
        int inner = 1;
        for (int k = dim + 1; k < Rank; k++) inner *= dims[k];
        int outer = size == 0 ? 0 : values.Length / (size * inner);
        var result = new float[outer * keep * inner];
        var order = new int[size];
        var line = new float[size];
        // NaN compares as the largest value (PyTorch); ties keep the lower position first.
        int Compare(int a, int b)
        {
            int c = float.IsNaN(line[a]) ? (float.IsNaN(line[b]) ? 0 : 1) : float.IsNaN(line[b]) ? -1 : line[a].CompareTo(line[b]);
            return c != 0 ? (descending ? -c : c) : a.CompareTo(b);
        }
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                for (int j = 0; j < size; j++) { line[j] = values[(o * size + j) * inner + i]; order[j] = j; }
                Array.Sort(order, Compare);
                for (int j = 0; j < keep; j++) result[(o * keep + j) * inner + i] = order[j];
            }
        return result;
    }

    /// <summary>PyTorch's <c>flip</c>: <c>out[…, i, …] = x[…, n − 1 − i, …]</c> along each of <paramref name="dims"/>; a copy.</summary>
    public Tensor Flip(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var seen = new HashSet<int>();
        var result = this;
        foreach (int dim in dims)
        {
            int d = Shapes.NormalizeDim("Flip", dim, Rank);
            if (!seen.Add(d)) throw new ArgumentException($"Flip: dimension {d} appears more than once in [{string.Join(", ", dims)}].");
            int n = this.dims[d];
            var reversed = new float[n];
            for (int i = 0; i < n; i++) reversed[i] = n - 1 - i;
            result = result.IndexSelect(d, FromArray(reversed, [reversed.Length], Device));
        }
        return ReferenceEquals(result, this) ? Clone() : result;
    }

    /// <summary>
    /// PyTorch's <c>cumsum</c>: <c>out[…, i, …] = Σ_{j ≤ i} x[…, j, …]</c> along <paramref name="dim"/>. Computed as a
    /// product with the upper-triangular matrix of ones U (<c>U[j, i] = 1</c> for j ≤ i), so ∂L/∂x = ∂L/∂out · Uᵀ: the
    /// reversed cumulative sum of the gradient.
    /// </summary>
    public Tensor Cumsum(int dim)
    {
        int d = Shapes.NormalizeDim("Cumsum", dim, Rank);
        if (Rank == 0) return Clone();
        int n = dims[d];
        var upper = new float[n * n];
        for (int j = 0; j < n; j++)
            for (int i = j; i < n; i++) upper[j * n + i] = 1;
        var ones = FromArray(upper, [n, n], Device);
        var last = Transpose(d, Rank - 1);                 // (…, n) with dim d last
        return last.MatMul(ones).Transpose(d, Rank - 1);   // (…, n) · (n, n), then dim d back in place
    }

    /// <summary>
    /// PyTorch's <c>tril</c>: the lower triangle of the last two dims, <c>out[…, i, j] = x[…, i, j]</c> where
    /// <c>j − i ≤ diagonal</c>, else 0 (batched over the leading dims). ∂out/∂x is the same mask.
    /// </summary>
    public Tensor Tril(int diagonal = 0) => Triangle("Tril", diagonal, lower: true);

    /// <summary>PyTorch's <c>triu</c>: the upper triangle of the last two dims, <c>out[…, i, j] = x[…, i, j]</c> where <c>j − i ≥ diagonal</c>, else 0.</summary>
    public Tensor Triu(int diagonal = 0) => Triangle("Triu", diagonal, lower: false);

    private Tensor Triangle(string op, int diagonal, bool lower)
    {
        if (Rank < 2) throw new ArgumentException($"{op}: the input must have at least 2 dimensions, got shape {Shapes.Format(dims)}.");
        int rows = dims[^2], columns = dims[^1];
        var keep = new float[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                keep[i * columns + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
        return Where(FromArray(keep, [rows, columns], Device), this, Scalar(0, Device));
    }
}
