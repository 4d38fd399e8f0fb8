// Reductions over all elements or chosen dims (keepDim as PyTorch), with their backward passes.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>Reduces one axis of a packed tensor with a backend kernel: the tensor is viewed as [outer, axis, inner].</summary>
    private Tensor ReduceAxis(ReduceOp op, int axis, bool keepDim)
    {
        int outer = Shapes.StorageLength(op.ToString(), dims[..axis]), size = dims[axis];
        int inner = Shapes.StorageLength(op.ToString(), dims[(axis + 1)..]);
        if (size == 0 && op != ReduceOp.Sum)
            throw new ArgumentException($"{op}: cannot reduce an empty dimension {axis} of shape {Shapes.Format(dims)}.");
        var shape = ReducedShape([axis], keepDim);
        var result = Empty(shape, Device, op.ToString());
        if (size > 0) Backend.Reduce(op, storage, outer, size, inner, result.storage);
        return result;
    }

    private int[] ReducedShape(int[] axes, bool keepDim)
    {
        var shape = new List<int>();
        for (int k = 0; k < dims.Length; k++)
        {
            if (Array.IndexOf(axes, k) < 0) shape.Add(dims[k]);
            else if (keepDim) shape.Add(1);
        }
        return shape.ToArray();
    }

    private int[] NormalizeAxes(string op, int[]? axes)
    {
        if (axes is null || axes.Length == 0) return Enumerable.Range(0, dims.Length).ToArray();
        var result = axes.Select(a => Shapes.NormalizeDim(op, a, dims.Length)).Distinct().OrderBy(a => a).ToArray();
        return result;
    }

    /// <summary>
    /// A reduction kernel over several axes (no autograd). Neighbouring axes that are both reduced (or both kept)
    /// are one axis of the packed tensor, so a run of reduced axes is one pass: summing all of [N, C, H, W] is one
    /// reduction of N·C·H·W elements, and a bias gradient's Σ over [0, 2, 3] is two. Runs go last first.
    /// </summary>
    private Tensor ReduceKernel(ReduceOp op, int[] axes, bool keepDim)
    {
        string name = op.ToString();
        // A reduced axis of stride 0 (an Expand or a broadcast) repeats one element, so it is reduced without
        // reading the repeats: Σ of n copies of x is n·x, their max and min are x. This is what lets a view of
        // more elements than any storage (Ones(1, 1).Expand(65536, 65537)) reduce.
        var source = this;
        double repeats = 1;
        foreach (int a in axes)
        {
            if (strides[a] != 0 || dims[a] <= 1) continue;
            if (ReferenceEquals(source, this)) source = new Tensor(storage, Shape, strides, offset);
            repeats *= dims[a];
            source.dims[a] = 1;
        }
        var packed = source.Packed(name);
        var merged = new List<int>();
        var mergedAxes = new List<int>();
        for (int k = 0; k < dims.Length; k++)
        {
            bool reduced = Array.IndexOf(axes, k) >= 0;
            if (k > 0 && reduced == (Array.IndexOf(axes, k - 1) >= 0))
            {
                merged[^1] *= packed.dims[k];
                continue;
            }
            if (reduced) mergedAxes.Add(merged.Count);
            merged.Add(packed.dims[k]);
        }
        var result = new Tensor(packed.storage, merged.ToArray());
        for (int i = mergedAxes.Count - 1; i >= 0; i--)
        {
            if (dims.Length > 0 && merged[mergedAxes[i]] == 0 && op != ReduceOp.Sum)
                throw new ArgumentException($"{op}: cannot reduce an empty dimension of shape {Shapes.Format(dims)} (dims {Shapes.Format(axes)}).");
            result = result.ReduceAxis(op, mergedAxes[i], keepDim: true);
        }
        if (op == ReduceOp.Sum && repeats != 1) result = result.UnaryKernel(UnaryOp.Affine, (float)repeats);
        var shape = ReducedShape(axes, keepDim);
        return new Tensor(result.storage, shape);
    }

    /// <summary>Σ over <paramref name="dims"/> (all when none). ∂/∂x = 1, broadcast back.</summary>
    public Tensor Sum(int[]? dims = null, bool keepDim = false)
    {
        var axes = NormalizeAxes("Sum", dims);
        var x = this;
        var y = IsZeroDim ? Clone() : ReduceKernel(ReduceOp.Sum, axes, keepDim);
        var keptShape = ReducedShape(axes, keepDim: true);
        return Autograd.Record(y, "Sum", [x], g => [g.Reshape(keptShape).Expand(x.dims).Contiguous()]);
    }

    /// <summary>Σ along one dim.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>The mean over <paramref name="dims"/> (all when none); of no elements it is NaN, as in PyTorch. ∂/∂x = 1/n.</summary>
    public Tensor Mean(int[]? dims = null, bool keepDim = false)
    {
        var axes = NormalizeAxes("Mean", dims);
        return Sum(axes, keepDim) * (1f / CountOver(axes));
    }

    /// <summary>The mean along one dim.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>The maximum over all elements, as PyTorch's <c>x.max()</c>. The gradient is shared evenly among tied maxima (as PyTorch's).</summary>
    public Tensor Max() => MaxMin(ReduceOp.Max, null, keepDim: false);

    /// <summary>
    /// The maximum along <paramref name="dim"/>, the values only (<see cref="ArgMax"/> gives the indices): PyTorch's
    /// <c>torch.amax(x, dim)</c>. The gradient is shared evenly among tied maxima, as <c>amax</c>'s and <see cref="Max()"/>'s.
    /// Here it differs from <c>torch.max(x, dim)</c>, which returns (values, indices) and sends the whole gradient to the
    /// element at the index it returns (the first maximum, on PyTorch 1.13's CPU): for a row [3, 3] and upstream g this
    /// gives [g/2, g/2], <c>torch.max(x, dim)</c> gives [g, 0]. Without ties the two agree.
    /// </summary>
    public Tensor Max(int dim, bool keepDim = false) => MaxMin(ReduceOp.Max, [dim], keepDim);

    /// <summary>The minimum over all elements, as PyTorch's <c>x.min()</c>; the gradient is shared evenly among tied minima.</summary>
    public Tensor Min() => MaxMin(ReduceOp.Min, null, keepDim: false);

    /// <summary>
    /// The minimum along <paramref name="dim"/>, the values only (<see cref="ArgMin"/> gives the indices): PyTorch's
    /// <c>torch.amin(x, dim)</c>, the gradient shared evenly among tied minima. <c>torch.min(x, dim)</c> instead sends it
    /// all to the index it returns; see <see cref="Max(int, bool)"/>.
    /// </summary>
    public Tensor Min(int dim, bool keepDim = false) => MaxMin(ReduceOp.Min, [dim], keepDim);

    private Tensor MaxMin(ReduceOp op, int[]? dims, bool keepDim)
    {
        var axes = NormalizeAxes(op.ToString(), dims);
        var x = this;
        var y = IsZeroDim ? Clone() : ReduceKernel(op, axes, keepDim);
        var keptShape = ReducedShape(axes, keepDim: true);
        return Autograd.Record(y, op.ToString(), [x], g =>
        {
            var hit = x == y.Reshape(keptShape);
            return [hit * (g.Reshape(keptShape) / hit.Sum(axes, keepDim: true))];
        });
    }

    /// <summary>
    /// The index of the maximum along <paramref name="dim"/> (over the flattened tensor when null), as floats. Among tied
    /// maxima it is the first, as <c>torch.argmax</c> and the indices of <c>torch.max(x, dim)</c> on PyTorch 1.13's CPU (on
    /// CUDA PyTorch promises none in particular); a NaN counts as the maximum. <see cref="Max(int, bool)"/> gives the
    /// values, but its gradient is shared among the ties rather than sent to this index.
    /// </summary>
    public Tensor ArgMax(int? dim = null, bool keepDim = false) => ArgReduce(true, dim, keepDim);

    /// <summary>
    /// The index of the minimum along <paramref name="dim"/> (over the flattened tensor when null), as floats: the first
    /// among tied minima, as <c>torch.argmin</c>; see <see cref="ArgMax"/>.
    /// </summary>
    public Tensor ArgMin(int? dim = null, bool keepDim = false) => ArgReduce(false, dim, keepDim);

    private Tensor ArgReduce(bool max, int? dim, bool keepDim)
    {
        string op = max ? "ArgMax" : "ArgMin";
        if (dim is null && NumEl == 0) throw new ArgumentException($"{op}: the tensor is empty.");
        if (dim is null) return Reshape(1, -1).ArgReduce(max, 1, keepDim: false).Reshape();
        int axis = Shapes.NormalizeDim(op, dim.Value, Math.Max(Rank, 1));
        if (IsZeroDim) return Scalar(0, Device);
        if (dims[axis] == 0)
            throw new ArgumentException($"{op}: cannot reduce an empty dimension {axis} of shape {Shapes.Format(dims)}.");
        var result = Empty(ReducedShape([axis], keepDim), Device, op);
        if (result.NumEl == 0) return result; // an empty batch of rows has no indices to find
        var x = Packed(op);
        Backend.ArgReduce(max, x.storage, Shapes.StorageLength(op, dims[..axis]), dims[axis], Shapes.StorageLength(op, dims[(axis + 1)..]), result.storage);
        return result;
    }

    /// <summary>
    /// The variance over <paramref name="dims"/>, <c>Σ(x − x̄)² / (n − correction)</c>; correction 1 (the
    /// default, as PyTorch) is the unbiased estimate, 0 the population variance. As in PyTorch, the divisor is
    /// <c>max(0, n − correction)</c>, so with no degrees of freedom left the variance is NaN (or ∞ when Σ(x − x̄)² &gt; 0).
    /// </summary>
    public Tensor Var(int[]? dims = null, int correction = 1, bool keepDim = false)
    {
        var axes = NormalizeAxes("Var", dims);
        long n = CountOver(axes);
        var centered = this - Mean(axes, keepDim: true);
        return (centered * centered).Sum(axes, keepDim) * (1f / Math.Max(n - correction, 0));
    }

    /// <summary>The variance along one dim.</summary>
    public Tensor Var(int dim, int correction = 1, bool keepDim = false) => Var([dim], correction, keepDim);

    /// <summary>The standard deviation, <c>√Var</c>.</summary>
    public Tensor Std(int[]? dims = null, int correction = 1, bool keepDim = false) =>
        Var(NormalizeAxes("Std", dims), correction, keepDim).Sqrt();

    /// <summary>The standard deviation along one dim.</summary>
    public Tensor Std(int dim, int correction = 1, bool keepDim = false) => Std([dim], correction, keepDim);

    /// <summary>
    /// <c>log Σ eˣ</c> along <paramref name="dim"/>, computed as <c>m + log Σ e^(x − m)</c> with m = max x (m = 0 where the
    /// max is ±∞, so a row of −∞ gives −∞ and a row holding +∞ gives +∞ rather than ∞ − ∞ = NaN, as in PyTorch).
    /// ∂/∂x = softmax(x). Over an empty dim it is log 0 = −∞, as in PyTorch.
    /// </summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        int d = Shapes.NormalizeDim("LogSumExp", dim, Rank);
        var x = this;
        Tensor y;
        using (NoGrad())
        {
            if (Rank > 0 && dims[d] == 0) y = Empty(ReducedShape([d], keepDim: true), Device).Fill(float.NegativeInfinity);
            else
            {
                var m = Max(dim, keepDim: true);
                m = Where(m.Abs() == float.PositiveInfinity, Scalar(0, Device), m);
                y = (this - m).Exp().Sum(dim, keepDim: true).Log() + m;
            }
        }
        var kept = y;
        if (!keepDim) y = y.Squeeze(dim);
        return Autograd.Record(y, "LogSumExp", [x], g => [(x - kept).Exp() * g.Reshape(kept.dims)]);
    }

    private bool IsZeroDim => dims.Length == 0;

    /// <summary>How many elements a reduction over <paramref name="axes"/> combines into each result.</summary>
    private long CountOver(int[] axes) => Shapes.Count(axes.Select(a => dims[a]).ToArray());
}
