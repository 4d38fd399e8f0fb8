// Elementwise forward values against plain loops and System.Math: broadcasting element by element,
// comparisons, Where, Clamp, every length 0–256 (the TensorPrimitives paths) and tensors above
// 100k elements in strided layouts (the row planner and the parallel path).
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Ops;

public class ElementwiseTests
{
    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Op, Func<float, float, float> Reference)> binaryOps = new()
    {
        ["Add"] = ((a, b) => a + b, (a, b) => a + b),
        ["Sub"] = ((a, b) => a - b, (a, b) => a - b),
        ["Mul"] = ((a, b) => a * b, (a, b) => a * b),
        ["Div"] = ((a, b) => a / b, (a, b) => a / b),
        ["Pow"] = ((a, b) => a.Pow(b), MathF.Pow),
        ["Maximum"] = (Tensor.Maximum, MathF.Max),
        ["Minimum"] = (Tensor.Minimum, MathF.Min),
        ["Eq"] = ((a, b) => a == b, (a, b) => a == b ? 1 : 0),
        ["Ne"] = ((a, b) => a != b, (a, b) => a != b ? 1 : 0),
        ["Lt"] = ((a, b) => a < b, (a, b) => a < b ? 1 : 0),
        ["Le"] = ((a, b) => a <= b, (a, b) => a <= b ? 1 : 0),
        ["Gt"] = ((a, b) => a > b, (a, b) => a > b ? 1 : 0),
        ["Ge"] = ((a, b) => a >= b, (a, b) => a >= b ? 1 : 0),
    };

    public static TheoryData<string, int[], int[]> BinaryCases()
    {
        var data = new TheoryData<string, int[], int[]>();
        int[][][] pairs =
        [
            [[3, 4], [3, 4]], [[3, 1], [1, 4]], [[2, 3, 4], [4]], [[4], [2, 3, 4]], [[1], [2, 3]], [[2, 1, 3], [4, 1]],
            [[], [2, 3]], [[2, 3], []], [[], []], [[0, 3], [3]], [[5, 1, 1], [1, 7, 1]], [[2, 1, 33], [2, 17, 1]],
        ];
        foreach (var op in binaryOps.Keys)
            foreach (var pair in pairs)
                data.Add(op, pair[0], pair[1]);
        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_op_broadcasts_element_by_element(string op, int[] aShape, int[] bShape)
    {
        // Small integers in [-3, 3] make ties for the comparisons; b avoids 0 for Div and a stays positive for Pow.
        var (f, reference) = binaryOps[op];
        float[] av = Values(Count(aShape), 1).Select(v => op == "Pow" ? 0.5f + MathF.Abs(v) * 2 : MathF.Round(v * 3)).ToArray();
        float[] bv = Values(Count(bShape), 2).Select(v => op == "Div" ? MathF.Round(v * 3) + (v >= 0 ? 0.5f : -0.5f) : MathF.Round(v * 3)).ToArray();
        var a = Tensor.FromArray(av, aShape);
        var b = Tensor.FromArray(bv, bShape);
        var y = f(a, b);
        var (shape, expected) = Broadcast(av, aShape, bv, bShape, reference);
        Assert.Equal(shape, y.Shape);
        Close(expected, y.ToArray(), atol: 0, rtol: op == "Pow" ? 1e-6 : 0);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Div")]
    [InlineData("Maximum")]
    [InlineData("Lt")]
    public void Binary_op_on_transposed_and_sliced_operands_matches_loops(string op)
    {
        var (f, reference) = binaryOps[op];
        var a = Random(3, 5, 4).T;           // [4, 5], column-major
        var b = Between(4, 0.5f, 2, 4, 7)[.., 1..6]; // [4, 5], rows 7 apart
        var y = f(a, b);
        var (_, expected) = Broadcast(a.ToArray(), [4, 5], b.ToArray(), [4, 5], reference);
        Close([4, 5], expected, y, atol: 0, rtol: 0);
    }

    [Fact]
    public void Comparisons_give_one_or_zero()
    {
        var a = Tensor.FromArray([1, 2, 3, float.NaN]);
        var b = Tensor.FromArray([1, 3, 2, float.NaN]);
        Assert.Equal([1, 0, 0, 0], (a == b).ToArray());
        Assert.Equal([0, 1, 1, 1], (a != b).ToArray());
        Assert.Equal([0, 1, 0, 0], (a < b).ToArray());
        Assert.Equal([1, 1, 0, 0], (a <= b).ToArray());
        Assert.Equal([0, 0, 1, 0], (a > b).ToArray());
        Assert.Equal([1, 0, 1, 0], (a >= b).ToArray());
        Assert.Equal([0, 1, 0, 0], (a == 2f).ToArray());
        Assert.Equal([1, 0, 1, 1], (a != 2f).ToArray());
        Assert.Equal([1, 0, 0, 0], (a < 2f).ToArray());
        Assert.Equal([1, 1, 0, 0], (a <= 2f).ToArray());
        Assert.Equal([0, 0, 1, 0], (a > 2f).ToArray());
        Assert.Equal([0, 1, 1, 0], (a >= 2f).ToArray());
    }

    [Fact]
    public void Comparisons_are_not_differentiable()
    {
        var a = Tensor.FromArray([1, 2]).RequireGrad();
        var c = a > 1f;
        Assert.Null(c.GradFn);
        Assert.False(c.RequiresGrad);
    }

    [Fact]
    public void Scalar_operators_match_loops()
    {
        float[] xv = Values(37, 5, 0.25f, 3);
        var x = Tensor.FromArray(xv);
        (Tensor Actual, Func<float, float> Reference)[] cases =
        [
            (x + 2.5f, v => v + 2.5f), (2.5f + x, v => 2.5f + v), (x - 1.5f, v => v - 1.5f), (1.5f - x, v => 1.5f - v),
            (x * -3f, v => v * -3f), (-3f * x, v => -3f * v), (x / 3f, v => v / 3f), (3f / x, v => 3f / v), (-x, v => -v),
        ];
        foreach (var (actual, reference) in cases)
            Close(xv.Select(reference).ToArray(), actual.ToArray(), atol: 0, rtol: 1e-6);
    }

    public static TheoryData<string> UnaryNames => new(unaryOps.Keys);

    private static readonly Dictionary<string, (Func<Tensor, Tensor> Op, Func<double, double> Reference, float Low, float High)> unaryOps = new()
    {
        ["Neg"] = (x => -x, v => -v, -5, 5),
        ["Exp"] = (x => x.Exp(), Math.Exp, -20, 20),
        ["Log"] = (x => x.Log(), Math.Log, 1e-3f, 100),
        ["Sqrt"] = (x => x.Sqrt(), Math.Sqrt, 0, 100),
        ["Abs"] = (x => x.Abs(), Math.Abs, -5, 5),
        ["Sign"] = (x => x.Sign(), v => Math.Sign(v), -5, 5),
        ["Square"] = (x => x.Square(), v => v * v, -5, 5),
        ["Pow 3"] = (x => x.Pow(3f), v => v * v * v, -5, 5),
        ["Pow 0.5"] = (x => x.Pow(0.5f), Math.Sqrt, 0, 10),
        ["Pow -2"] = (x => x.Pow(-2f), v => 1 / (v * v), 0.1f, 10),
        ["Clamp"] = (x => x.Clamp(-1, 2), v => Math.Clamp(v, -1, 2), -5, 5),
        ["Clamp min"] = (x => x.Clamp(min: 0.5f), v => Math.Max(v, 0.5), -5, 5),
        ["Clamp max"] = (x => x.Clamp(max: -0.5f), v => Math.Min(v, -0.5), -5, 5),
    };

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void Unary_op_matches_System_Math(string name)
    {
        var (op, reference, low, high) = unaryOps[name];
        float[] xv = Values(301, name.Length, low, high);
        xv[0] = low;
        xv[1] = high;
        xv[2] = 0.5f * (low + high);
        var expected = xv.Select(v => (float)reference(v)).ToArray();
        Close(expected, op(Tensor.FromArray(xv, 7, 43)).ToArray(), atol: 1e-6, rtol: 4e-6);
        // The same values read through a transposed view.
        var transposed = Tensor.FromArray(xv, 43, 7).T;
        Close(transposed.ToArray().Select(v => (float)reference(v)).ToArray(), op(transposed).ToArray(), atol: 1e-6, rtol: 4e-6);
    }

    [Fact]
    public void Where_picks_by_condition_with_broadcasting()
    {
        var condition = Tensor.FromArray([1, 0, 2, 0, -1, 0], 2, 3); // any non-zero picks a
        var a = Tensor.FromArray([10, 20, 30], 3);
        var b = Tensor.FromArray([-1, -2], 2, 1);
        var y = Tensor.Where(condition, a, b);
        Close([2, 3], [10, -1, 30, -2, 20, -2], y, atol: 0);
        Close([2, 3], [7, 1, 7, 7, 1, 7], Tensor.Where(condition[0] == 0f, Tensor.Ones(2, 3), 7f), atol: 0);
    }

    [Fact]
    public void Ops_on_empty_tensors_give_empty_results()
    {
        foreach (int[] shape in new[] { new[] { 0 }, new[] { 2, 0 }, new[] { 0, 3 } })
        {
            var x = Tensor.Zeros(shape);
            foreach (var y in new[] { x.Exp(), x.Sigmoid(), x.Tanh(), x.ReLU(), x.GELU(), x + x, x * 2f, x / Tensor.Ones(1), Tensor.Where(x, x, x), Tensor.Maximum(x, x) })
            {
                Assert.Equal(shape, y.Shape);
                Assert.Empty(y.ToArray());
            }
        }
        Assert.Equal([0, 3], (Tensor.Zeros(0, 1) + Tensor.Ones(3)).Shape);
    }

    [Fact]
    public void Clamp_keeps_values_inside_and_clips_outside()
    {
        var y = Tensor.FromArray([-3, -1, 0, 0.5f, 1, 4]).Clamp(-1, 1);
        Assert.Equal([-1, -1, 0, 0.5f, 1, 1], y.ToArray());
    }

    [Fact]
    public void Maximum_and_Minimum_split_the_gradient_on_ties()
    {
        var a = Tensor.FromArray([1, 2, 3]).RequireGrad();
        var b = Tensor.FromArray([3, 2, 1]).RequireGrad();
        Tensor.Maximum(a, b).Sum().Backward();
        Close([0, 0.5f, 1], a.Grad!.ToArray());
        Close([1, 0.5f, 0], b.Grad!.ToArray());
    }

    [Fact]
    public void Add_Mul_Exp_Sigmoid_match_loops_at_every_length_0_to_256()
    {
        // One fact rather than 257 theory rows: the sweep is the test, and its report names the length that fails.
        for (int n = 0; n <= 256; n++)
        {
            float[] av = Values(n + 1, n), bv = Values(n + 1, n + 1000);
            // Contiguous from offset 0, and from offset 1 (a slice: unaligned start, storage longer than the view).
            foreach (int start in new[] { 0, 1 })
            {
                var a = Tensor.FromArray(av, n + 1)[start..(start + n)];
                var b = Tensor.FromArray(bv, n + 1)[start..(start + n)];
                float[] ae = av[start..(start + n)], be = bv[start..(start + n)];
                string at = $"length {n}, start {start}";
                CloseAt(at, ae.Zip(be, (x, y) => x + y).ToArray(), (a + b).ToArray(), 0);
                CloseAt(at, ae.Zip(be, (x, y) => x * y).ToArray(), (a * b).ToArray(), 0);
                CloseAt(at, ae.Select(x => x * 2f + 1f).ToArray(), (a * 2f + 1f).ToArray(), 0);
                CloseAt(at, ae.Select(x => (float)Math.Exp(x)).ToArray(), a.Exp().ToArray(), 4e-7);
                CloseAt(at, ae.Select(x => (float)(1 / (1 + Math.Exp(-x)))).ToArray(), a.Sigmoid().ToArray(), 4e-7);
                CloseAt(at, ae.Select(x => x > 0 ? x : 0.1f * x).ToArray(), a.LeakyReLU(0.1f).ToArray(), 0);
            }
        }
    }

    [Fact]
    public void Large_strided_tensors_match_loops()
    {
        // 360 × 400 = 144,000 elements: above the parallel threshold, in transposed, sliced and broadcast layouts.
        const int rows = 360, cols = 400;
        float[] av = Values(rows * cols, 7), bv = Values(rows * cols, 8), colv = Values(rows, 9), rowv = Values(cols, 10);
        var a = Tensor.FromArray(av, rows, cols);
        var bt = Tensor.FromArray(bv, cols, rows).T; // [rows, cols], column-major
        float B(int i, int j) => bv[j * rows + i];

        var sum = (a + bt).ToArray();
        var product = (bt * Tensor.FromArray(colv, rows, 1)).ToArray();
        var broadcast = (Tensor.FromArray(colv, rows, 1) - Tensor.FromArray(rowv, 1, cols)).ToArray();
        var exp = bt.Exp().ToArray();
        var contiguousExp = a.Exp().ToArray();
        var sliced = a[.., 1..];
        var slicedTimes = (sliced * 3f).ToArray();
        var where = Tensor.Where(a > 0f, bt, a).ToArray();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                int k = i * cols + j;
                Same(av[k] + B(i, j), sum[k], k);
                Same(B(i, j) * colv[i], product[k], k);
                Same(colv[i] - rowv[j], broadcast[k], k);
                Near(Math.Exp(B(i, j)), exp[k], k);
                Near(Math.Exp(av[k]), contiguousExp[k], k);
                Same(av[k] > 0 ? B(i, j) : av[k], where[k], k);
                if (j > 0) Same(av[k] * 3f, slicedTimes[i * (cols - 1) + j - 1], k);
            }
        }
    }

    private static void Same(float expected, float actual, int at)
    {
        if (expected != actual) Assert.Fail($"Element {at}: expected {expected:G9}, got {actual:G9}.");
    }

    private static void Near(double expected, float actual, int at)
    {
        if (Math.Abs(expected - actual) > 4e-7 * Math.Abs(expected) + 1e-30)
            Assert.Fail($"Element {at}: expected {expected:G9}, got {actual:G9}.");
    }

    private static void CloseAt(string at, float[] expected, float[] actual, double rtol)
    {
        Assert.True(expected.Length == actual.Length, $"{at}: expected {expected.Length} elements, got {actual.Length}.");
        for (int i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > rtol * Math.Abs(expected[i]))
                Assert.Fail($"{at}, element {i}: expected {expected[i]:G9}, got {actual[i]:G9}.");
    }

    /// <summary>The broadcast result computed index by index: each output index maps to an input index with broadcast dims pinned at 0.</summary>
    private static (int[] Shape, float[] Values) Broadcast(float[] a, int[] aShape, float[] b, int[] bShape, Func<float, float, float> f)
    {
        int rank = Math.Max(aShape.Length, bShape.Length);
        int[] pa = [.. Enumerable.Repeat(1, rank - aShape.Length), .. aShape];
        int[] pb = [.. Enumerable.Repeat(1, rank - bShape.Length), .. bShape];
        var shape = new int[rank];
        for (int k = 0; k < rank; k++) shape[k] = pa[k] == 1 ? pb[k] : pa[k];
        var result = new float[Count(shape)];
        for (int e = 0; e < result.Length; e++)
        {
            var index = Unflat(shape, e);
            int ia = Flat(pa, index.Select((v, k) => pa[k] == 1 ? 0 : v).ToArray());
            int ib = Flat(pb, index.Select((v, k) => pb[k] == 1 ? 0 : v).ToArray());
            result[e] = f(a[ia], b[ib]);
        }
        return (shape, result);
    }
}
