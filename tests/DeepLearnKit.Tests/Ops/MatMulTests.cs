// MatMul against MathNet.Numerics (float64): sizes around the GEMM's block edges, non-square shapes,
// batched products with broadcast batch dims, and transposed, sliced or expanded operands.
using MathNet.Numerics.LinearAlgebra;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Ops;

public class MatMulTests
{
    public static TheoryData<int, int, int> Sizes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int s in new[] { 1, 7, 63, 64, 65, 129, 257 }) data.Add(s, s, s);
        data.Add(1, 257, 7);
        data.Add(65, 1, 129);
        data.Add(7, 63, 65);
        data.Add(129, 64, 1);
        data.Add(257, 7, 63);
        data.Add(64, 129, 257);
        data.Add(1, 1, 257);
        data.Add(257, 65, 2);
        data.Add(3, 300, 5);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatMul_matches_MathNet(int m, int k, int n)
    {
        var a = Random(m * 1000 + k, m, k);
        var b = Random(k * 1000 + n, k, n);
        AssertProduct(a, b, Tensor.MatMul(a, b));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatMul_of_transposed_operands_matches_MathNet(int m, int k, int n)
    {
        var at = Random(m + 1, k, m);
        var bt = Random(n + 2, n, k);
        AssertProduct(at.T, bt.T, Tensor.MatMul(at.T, bt.T));
        var b = Random(n + 3, k, n);
        AssertProduct(at.T, b, at.T.MatMul(b));
    }

    [Theory]
    [InlineData(7, 9, 5)]
    [InlineData(65, 66, 63)]
    [InlineData(1, 130, 1)]
    public void MatMul_of_sliced_operands_matches_MathNet(int m, int k, int n)
    {
        // Columns 1.. of a wider matrix: rows are further apart than their length.
        var wideA = Random(5, m, k + 3);
        var wideB = Random(6, k + 2, n + 4);
        var a = wideA[.., 1..^2];
        var b = wideB[1..^1, 2..^2];
        AssertProduct(a, b, Tensor.MatMul(a, b));
        var stepped = Random(7, m, 2 * k).Slice(1, 0, 2 * k, 2); // column stride 2: no unit stride, so copied
        AssertProduct(stepped, b, Tensor.MatMul(stepped, b));
    }

    [Fact]
    public void MatMul_of_an_expanded_operand_matches_MathNet()
    {
        var row = Random(8, 1, 33);
        var a = row.Expand(17, 33);
        var b = Random(9, 33, 20);
        AssertProduct(a, b, Tensor.MatMul(a, b));
    }

    [Fact]
    public void Vector_products_match_loops()
    {
        var u = Random(10, 65);
        var v = Random(11, 65);
        var dot = Tensor.MatMul(u, v);
        Assert.Equal(Array.Empty<int>(), dot.Shape);
        double expected = 0;
        float[] ud = u.ToArray(), vd = v.ToArray();
        for (int i = 0; i < 65; i++) expected += (double)ud[i] * vd[i];
        Assert.Equal(expected, dot.Item(), 1e-4);

        var m = Random(12, 9, 65);
        var mv = Tensor.MatMul(m, v);
        Assert.Equal([9], mv.Shape);
        var vm = Tensor.MatMul(Random(13, 9), m);
        Assert.Equal([65], vm.Shape);
        AssertProduct(m, v.Unsqueeze(1), mv.Unsqueeze(1));
        AssertProduct(Random(13, 9).Unsqueeze(0), m, vm.Unsqueeze(0));
    }

    public static TheoryData<int[], int[]> BatchedShapes() => new()
    {
        { [2, 5, 7], [2, 7, 3] },
        { [2, 5, 7], [7, 3] },
        { [5, 7], [4, 7, 3] },
        { [2, 1, 5, 7], [3, 7, 4] },
        { [1, 3, 65, 66], [2, 1, 66, 64] },
        { [4, 1, 1, 7], [4, 7, 9] },
        { [3, 6], [2, 2, 6, 1] },
        { [7], [2, 3, 7, 5] },
        { [2, 3, 5, 7], [7] },
    };

    [Theory]
    [MemberData(nameof(BatchedShapes))]
    public void Batched_MatMul_with_broadcast_batch_dims_matches_MathNet(int[] aShape, int[] bShape)
    {
        var a = Random(20, aShape);
        var b = Random(21, bShape);
        var (shape, expected, bound) = Reference(a, b);
        var y = Tensor.MatMul(a, b);
        Assert.Equal(shape, y.Shape);
        AssertWithin(expected, bound, y.ToArray());
    }

    [Fact]
    public void Batched_MatMul_of_transposed_and_permuted_operands_matches_MathNet()
    {
        // [3, 2, 7, 5] → transpose last two → [3, 2, 5, 7]; [2, 4, 7, 3] permuted to [2, 7, 4, 3]... then back.
        var a = Random(30, 3, 2, 7, 5).Transpose(-1, -2);
        var b = Random(31, 2, 3, 7).Transpose(1, 2); // [2, 7, 3]
        var y = Tensor.MatMul(a, b);
        var (shape, expected, bound) = Reference(a, b);
        Assert.Equal(shape, y.Shape);
        AssertWithin(expected, bound, y.ToArray());

        // Batch dims whose strides do not collapse to one (the permuted tensor is copied first).
        var p = Random(32, 5, 2, 3, 6).Permute(1, 2, 0, 3); // [2, 3, 5, 6]
        var q = Random(33, 3, 6, 4).Expand(2, 3, 6, 4);
        var z = Tensor.MatMul(p, q);
        (shape, expected, bound) = Reference(p, q);
        Assert.Equal(shape, z.Shape);
        AssertWithin(expected, bound, z.ToArray());
    }

    [Fact]
    public void MatMul_with_an_empty_inner_dimension_is_zero()
    {
        var y = Tensor.MatMul(Tensor.Zeros(3, 0), Tensor.Zeros(0, 4));
        Close([3, 4], new float[12], y);
        Close([2, 3, 4], new float[24], Tensor.MatMul(Tensor.Zeros(2, 3, 0), Tensor.Zeros(0, 4))); // a stack times a matrix
        Close([2, 3, 4], Enumerable.Repeat(1f, 24).ToArray(), Tensor.AddMatMul(Tensor.Ones(4), Tensor.Zeros(2, 3, 0), Tensor.Zeros(0, 4)));
    }

    [Fact]
    public void A_stack_times_a_transposed_weight_gives_per_matrix_products_and_a_row_major_weight_gradient()
    {
        // A Linear layer on [B, M, K]: one GEMM over the B·M rows, and W's gradient computed as (Gᵀ·X) so that it
        // arrives row-major through the transpose. Expected values: each matrix of the stack on its own.
        var x = Random(50, 3, 4, 5).RequireGrad(); // (B, M, K)
        var w = Random(51, 6, 5).RequireGrad();    // (N, K), used as wᵀ
        var g = Random(52, 3, 4, 6);
        var y = x.MatMul(w.T);
        Assert.Equal([3, 4, 6], y.Shape);
        y.Backward(g);
        var expectedGradW = Tensor.Zeros(6, 5);
        for (int b = 0; b < 3; b++)
        {
            var xb = x.Detach().Select(0, b);
            var gb = g.Select(0, b);
            Close(xb.MatMul(w.Detach().T).ToArray(), y.Select(0, b).ToArray(), atol: 1e-6);
            Close(gb.MatMul(w.Detach()).ToArray(), x.Grad!.Select(0, b).ToArray(), atol: 1e-6);
            expectedGradW = expectedGradW + gb.T.MatMul(xb);
        }
        Assert.True(w.Grad!.IsContiguous);
        Close(expectedGradW.ToArray(), w.Grad.ToArray(), atol: 1e-5);
    }

    [Fact]
    public void AddMatMul_equals_the_sum_of_its_parts_in_value_and_gradient()
    {
        // c broadcast from a bias [N], a full [M, N] (an RNN step's input share) and a 3-D stack with a 1-D a.
        foreach (var (cShape, aShape) in new (int[], int[])[] { ([6], [4, 5]), ([4, 6], [4, 5]), ([6], [3, 4, 5]), ([3, 4, 6], [3, 4, 5]), ([6], [5]) })
        {
            var c = Random(60, cShape).RequireGrad();
            var a = Random(61, aShape).RequireGrad();
            var w = Random(62, 6, 5).RequireGrad(); // used as wᵀ [5, 6]
            var y = Tensor.AddMatMul(c, a, w.T);
            var g = Random(63, y.Shape);
            y.Backward(g);
            var (c2, a2, w2) = (c.Detach().RequireGrad(), a.Detach().RequireGrad(), w.Detach().RequireGrad());
            var expected = c2 + a2.MatMul(w2.T);
            expected.Backward(g);
            Close(expected.Shape, expected.ToArray(), y, atol: 1e-6);
            Close(c2.Grad!.ToArray(), c.Grad!.ToArray(), atol: 1e-6);
            Close(a2.Grad!.ToArray(), a.Grad!.ToArray(), atol: 1e-6);
            Close(w2.Grad!.ToArray(), w.Grad!.ToArray(), atol: 1e-5);
        }
        Assert.Throws<ArgumentException>(() => Tensor.AddMatMul(Tensor.Zeros(5), Tensor.Zeros(4, 5), Tensor.Zeros(5, 6)));
    }

    [Fact]
    public void MatMul_does_not_change_its_inputs()
    {
        var a = Random(40, 65, 66);
        var b = Random(41, 66, 64);
        float[] before = a.ToArray(), beforeB = b.ToArray();
        Tensor.MatMul(a, b);
        Assert.Equal(before, a.ToArray());
        Assert.Equal(beforeB, b.ToArray());
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 5, 6 }, "[3, 4]", "[5, 6]")]
    [InlineData(new[] { 4 }, new[] { 3 }, "[4]", "[3]")]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 5, 6 }, "[2, 3, 4]", "[3, 5, 6]")]
    public void MatMul_shape_mismatch_names_the_op_and_both_shapes(int[] aShape, int[] bShape, string aText, string bText)
    {
        var a = Tensor.Ones(aShape).RequireGrad();
        var b = Tensor.Ones(bShape);
        var error = Assert.Throws<ArgumentException>(() => Tensor.MatMul(a, b));
        Assert.Contains("MatMul", error.Message);
        Assert.Contains(aText, error.Message);
        Assert.Contains(bText, error.Message);
    }

    [Fact]
    public void MatMul_of_a_0_D_operand_names_the_op()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Scalar(2), Tensor.Ones(3)));
        Assert.Contains("MatMul", error.Message);
    }

    private static void AssertProduct(Tensor a, Tensor b, Tensor actual)
    {
        var (shape, expected, bound) = Reference(a, b);
        Assert.Equal(shape, actual.Shape);
        AssertWithin(expected, bound, actual.ToArray());
    }

    /// <summary>Each element must be within float32 rounding of Σₖ|aᵢₖ·bₖⱼ| of the float64 product.</summary>
    private static void AssertWithin(double[] expected, double[] bound, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-5 * bound[i] + 1e-6;
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                Assert.Fail($"Element {i}: expected {expected[i]:G9}, got {actual[i]:G9} (tolerance {tolerance:G3}).");
        }
    }

    /// <summary>The product of two tensors of rank ≥ 2 (1-D operands promoted as PyTorch does) with MathNet, batch by batch.</summary>
    private static (int[] Shape, double[] Values, double[] AbsBound) Reference(Tensor a, Tensor b)
    {
        int[] aShape = a.Rank == 1 ? [1, a.Size(0)] : a.Shape;
        int[] bShape = b.Rank == 1 ? [b.Size(0), 1] : b.Shape;
        float[] av = a.ToArray(), bv = b.ToArray();
        int m = aShape[^2], k = aShape[^1], n = bShape[^1];
        int[] aBatch = aShape[..^2], bBatch = bShape[..^2];
        int rank = Math.Max(aBatch.Length, bBatch.Length);
        var batch = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int da = d - (rank - aBatch.Length) >= 0 ? aBatch[d - (rank - aBatch.Length)] : 1;
            int db = d - (rank - bBatch.Length) >= 0 ? bBatch[d - (rank - bBatch.Length)] : 1;
            batch[d] = Math.Max(da, db);
        }
        int batchCount = Count(batch);
        var values = new double[batchCount * m * n];
        var bound = new double[values.Length];
        for (int t = 0; t < batchCount; t++)
        {
            var index = Unflat(batch, t);
            int aBase = BatchOffset(aBatch, index) * m * k, bBase = BatchOffset(bBatch, index) * k * n;
            var A = Matrix<double>.Build.Dense(m, k, (i, j) => av[aBase + i * k + j]);
            var B = Matrix<double>.Build.Dense(k, n, (i, j) => bv[bBase + i * n + j]);
            var C = A * B;
            var abs = A.PointwiseAbs() * B.PointwiseAbs();
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    values[(t * m + i) * n + j] = C[i, j];
                    bound[(t * m + i) * n + j] = abs[i, j];
                }
        }
        var shape = batch.ToList();
        if (a.Rank > 1) shape.Add(m);
        if (b.Rank > 1) shape.Add(n);
        return (shape.ToArray(), values, bound);
    }

    /// <summary>The flat batch position of a broadcast batch index in an operand's own batch dims.</summary>
    private static int BatchOffset(int[] own, int[] index)
    {
        int lead = index.Length - own.Length, flat = 0;
        for (int d = 0; d < own.Length; d++) flat = flat * own[d] + (own[d] == 1 ? 0 : index[lead + d]);
        return flat;
    }
}
