// Matrix products: 1-D/2-D and batched with broadcast batch dims, as PyTorch's matmul.
// Transposed and broadcast operands go to the GEMM kernel as they are (no copy) when their strides allow.
namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// <c>a @ b</c>: for matrices <c>C[i,j] = Σₖ A[i,k]·B[k,j]</c>; 1-D operands are treated as a row (a) or
    /// column (b) vector and that dim is removed from the result; dims before the last two are batch dims
    /// and broadcast. Backward: <c>∂L/∂A = G·Bᵀ</c>, <c>∂L/∂B = Aᵀ·G</c>.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        CheckSameDevice("MatMul", a, b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul: both operands need at least one dimension, got shapes {Shapes.Format(a.dims)} and {Shapes.Format(b.dims)}.");
        var a2 = a.Rank == 1 ? a.Unsqueeze(0) : a;
        var b2 = b.Rank == 1 ? b.Unsqueeze(1) : b;
        int m = a2.dims[^2], k = a2.dims[^1], kb = b2.dims[^2], n = b2.dims[^1];
        if (k != kb)
            throw new ArgumentException($"MatMul: shapes {Shapes.Format(a.dims)} and {Shapes.Format(b.dims)} cannot be multiplied ({k} columns vs {kb} rows).");

        // A stack of matrices times one matrix (a Linear layer on [N, T, in], an RNN's input projection) is one GEMM
        // over the stack's rows: b is packed once, and its gradient is one product instead of a batch to sum.
        if (a.Rank > 2 && b.Rank == 2)
            return MatMul(a.Reshape(Shapes.StorageLength("MatMul", a.dims[..^1]), k), b).Reshape([.. a.dims[..^1], n]);

        int[] batch = Shapes.Broadcast($"MatMul of {Shapes.Format(a.dims)} and {Shapes.Format(b.dims)}, batch dims", a2.dims[..^2], b2.dims[..^2]);
        Tensor y;
        using (NoGrad()) y = MatMulKernel(a2, b2, batch, m, n, k);
        var shape = batch.ToList();
        if (a.Rank > 1) shape.Add(m);
        if (b.Rank > 1) shape.Add(n);
        y = y.Reshape(shape.ToArray());

        return Autograd.Record(y, "MatMul", [a, b], g =>
        {
            var (ga, gb) = MatMulGradients(g.Reshape(batch.Append(m).Append(n).ToArray()), a, b, a2, b2);
            return [ga, gb];
        });
    }

    /// <summary>
    /// <c>c + a @ b</c> for a [.., M, K] (or a vector [K]) and a matrix b [K, N], with c broadcast to the result
    /// [.., M, N] (a bias [N], or an RNN step's input share [M, N]): the GEMM accumulates into a copy of c, so the sum
    /// needs no pass or temporary of its own (PyTorch's addmm). Backward: <c>∂L/∂a = G·bᵀ</c>, <c>∂L/∂b = aᵀ·G</c>, <c>∂L/∂c = G</c> summed to c's shape.
    /// </summary>
    internal static Tensor AddMatMul(Tensor c, Tensor a, Tensor b)
    {
        CheckSameDevice("AddMatMul", a, b);
        CheckSameDevice("AddMatMul", a, c);
        if (a.Rank == 1) return AddMatMul(c, a.Unsqueeze(0), b).Squeeze(0); // a row vector, as MatMul treats it
        if (a.Rank < 2 || b.Rank != 2 || a.dims[^1] != b.dims[0])
            throw new ArgumentException($"AddMatMul: expected a [.., M, K] and b [K, N], got shapes {Shapes.Format(a.dims)} and {Shapes.Format(b.dims)}.");
        int k = b.dims[0], n = b.dims[1];
        int[] shape = [.. a.dims[..^1], n];
        if (!Shapes.Equal(Shapes.Broadcast("AddMatMul", c.dims, shape), shape))
            throw new ArgumentException($"AddMatMul: c of shape {Shapes.Format(c.dims)} does not broadcast to the product's shape {Shapes.Format(shape)}.");
        if (a.Rank > 2) // one GEMM over the stack's rows, as in MatMul
        {
            int rows = Shapes.StorageLength("AddMatMul", a.dims[..^1]);
            return AddMatMul(c.Rank <= 1 ? c : c.Expand(shape).Reshape(rows, n), a.Reshape(rows, k), b).Reshape(shape);
        }

        int m = a.dims[0];
        Tensor y;
        using (NoGrad()) y = MatMulKernel(a, b, [], m, n, k, addend: c).Reshape(m, n);
        return Autograd.Record(y, "AddMatMul", [c, a, b], g =>
        {
            var (ga, gb) = MatMulGradients(g, a, b, a, b);
            return [c.RequiresGrad ? g.SumTo(c.dims) : null, ga, gb];
        });
    }

    /// <summary>
    /// ∂L/∂a = G·bᵀ and ∂L/∂b = aᵀ·G (null where no gradient is needed) for G = <paramref name="g2"/> shaped as the
    /// batched product of a2 and b2, the operands as MatMul saw them (a vector made a matrix).
    /// </summary>
    private static (Tensor? GradA, Tensor? GradB) MatMulGradients(Tensor g2, Tensor a, Tensor b, Tensor a2, Tensor b2)
    {
        // A transposed operand (a layer's Wᵀ) gets its gradient computed transposed, (Gᵀ·A)ᵀ for Aᵀ·G, so that
        // what reaches W through the transpose is row-major like W and adds up without a strided pass.
        var ga = !a.RequiresGrad ? null
            : (IsTransposed(a2) ? MatMul(b2, g2.Transpose(-1, -2)).Transpose(-1, -2) : MatMul(g2, b2.Transpose(-1, -2)))
                .SumTo(a2.dims).Reshape(a.dims);
        var gb = !b.RequiresGrad ? null
            : (IsTransposed(b2) ? MatMul(g2.Transpose(-1, -2), a2).Transpose(-1, -2) : MatMul(a2.Transpose(-1, -2), g2))
                .SumTo(b2.dims).Reshape(b.dims);
        return (ga, gb);
    }

    /// <summary>True when the last two dims are stored column-major (a transposed view of a row-major matrix).</summary>
    private static bool IsTransposed(Tensor x) => x.dims[^2] > 1 && x.dims[^1] > 1 && x.strides[^2] == 1 && x.strides[^1] != 1;

    /// <summary><c>this @ other</c>; see <see cref="MatMul(Tensor, Tensor)"/>.</summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    /// <summary>The batched product, plus <paramref name="addend"/> (broadcast to it) when given, as [batch, m, n].</summary>
    private static Tensor MatMulKernel(Tensor a, Tensor b, int[] batch, int m, int n, int k, Tensor? addend = null)
    {
        int batchCount = Shapes.StorageLength("MatMul", batch);
        // The GEMM overwrites C (with k = 0 it writes zeros), so C needs no zero fill; with an addend, C starts as it.
        var result = Uninitialized([batchCount, m, n], a.Device);
        if (batchCount == 0 || m == 0 || n == 0) return result;
        if (addend is not null) a.Backend.Copy(addend.storage, addend.BroadcastLayout(result.dims), result.storage, result.Layout);
        var (sa, aOffset, aBatchStride, lda, transA) = GemmOperand(a, batch);
        var (sb, bOffset, bBatchStride, ldb, transB) = GemmOperand(b, batch);
        a.Backend.MatMul(sa.storage, aOffset, aBatchStride, lda, transA, sb.storage, bOffset, bBatchStride, ldb, transB,
            result.storage, batchCount, m, n, k, accumulate: addend is not null);
        return result;
    }

    /// <summary>
    /// How the GEMM kernel reads one operand broadcast to <paramref name="batch"/>: its matrices must be
    /// row-major or transposed (one unit stride) and its batch dims must collapse to a single stride
    /// (0 for a shared matrix). Otherwise it is copied to a contiguous tensor first.
    /// </summary>
    private static (Tensor Source, int Offset, int BatchStride, int Ld, bool Trans) GemmOperand(Tensor x, int[] batch)
    {
        var full = batch.Concat(x.dims[^2..]).ToArray();
        var layout = x.BroadcastLayout(full);
        int rows = full[^2], cols = full[^1];
        int rs = layout.Strides[^2], cs = layout.Strides[^1];
        // Row-major: unit column stride and rows at least a row apart (ld ≥ cols); transposed: the mirror image.
        bool rowMajor = (cs == 1 || cols == 1) && (rows == 1 || rs >= cols);
        bool colMajor = (rs == 1 || rows == 1) && (cols == 1 || cs >= rows);
        if (CollapsedStride(full[..^2], layout.Strides[..^2]) is { } batchStride)
        {
            if (rowMajor) return (x, layout.Offset, batchStride, rows == 1 ? cols : rs, false);
            if (colMajor) return (x, layout.Offset, batchStride, cols == 1 ? rows : cs, true);
        }
        var copy = x.Expand(full).Contiguous();
        return (copy, copy.offset, rows * cols, cols, false);
    }

    /// <summary>The single stride that walks all batch dims in order, or null when they do not collapse.</summary>
    private static int? CollapsedStride(int[] shape, int[] strides)
    {
        int? stride = null;
        int expectedNext = 0;
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            if (shape[k] == 1) continue;
            if (stride is null)
            {
                stride = strides[k];
                expectedNext = strides[k] * shape[k];
            }
            else
            {
                if (strides[k] != expectedNext) return null;
                expectedNext = strides[k] * shape[k];
            }
        }
        return stride ?? 0;
    }
}
