// Reductions against loops and MathNet.Numerics.Statistics: over all elements and chosen dims, keepDim
// shapes, strided inputs, a tensor above the parallel threshold, ArgMax/ArgMin ties, LogSumExp's stability.
using MathNet.Numerics.Statistics;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Ops;

public class ReductionTests
{
    private static readonly Dictionary<string, (Func<Tensor, int[]?, bool, Tensor> Op, Func<double[], double> Reference)> reductions = new()
    {
        ["Sum"] = ((x, a, k) => x.Sum(a, k), v => v.Sum()),
        ["Mean"] = ((x, a, k) => x.Mean(a, k), v => v.Average()),
        ["Var"] = ((x, a, k) => x.Var(a, keepDim: k), v => v.Variance()),
        ["Var population"] = ((x, a, k) => x.Var(a, correction: 0, keepDim: k), v => v.PopulationVariance()),
        ["Std"] = ((x, a, k) => x.Std(a, keepDim: k), v => v.StandardDeviation()),
        ["Std population"] = ((x, a, k) => x.Std(a, correction: 0, keepDim: k), v => v.PopulationStandardDeviation()),
    };

    public static TheoryData<string, int[]?, bool> Cases()
    {
        var data = new TheoryData<string, int[]?, bool>();
        int[]?[] axesSets = [null, [0], [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2], [2, 0]];
        foreach (var op in reductions.Keys)
            foreach (var axes in axesSets)
                foreach (bool keep in new[] { false, true })
                    data.Add(op, axes, keep);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reduction_matches_loops_and_MathNet(string op, int[]? axes, bool keepDim)
    {
        var (f, reference) = reductions[op];
        int[] shape = [3, 4, 5];
        float[] xv = Values(60, op.Length, -2, 2);
        var (expectedShape, expected) = Reduce(xv, shape, axes, keepDim, reference);
        Close(expectedShape, expected, f(Tensor.FromArray(xv, shape), axes, keepDim), atol: 1e-5, rtol: 1e-5);

        // The same values stored as [5, 4, 3] and read through a permuted view.
        var permuted = Tensor.FromArray(xv, shape).Permute(2, 1, 0).Contiguous().Permute(2, 1, 0);
        Assert.False(permuted.IsContiguous);
        Close(expectedShape, expected, f(permuted, axes, keepDim), atol: 1e-5, rtol: 1e-5);
    }

    [Fact]
    public void Sum_and_Mean_of_everything_are_0_D()
    {
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(Array.Empty<int>(), x.Sum().Shape);
        Assert.Equal(21, x.Sum().Item());
        Assert.Equal(3.5f, x.Mean().Item());
        Assert.Equal([1, 1], x.Sum(keepDim: true).Shape);
        Assert.Equal([3], x.Sum(0).Shape);
        Assert.Equal([2, 1], x.Sum(1, keepDim: true).Shape);
        Assert.Equal(7, Tensor.Scalar(7).Sum().Item());
    }

    [Fact]
    public void Sum_of_an_empty_tensor_is_zero_and_Max_of_one_throws()
    {
        Assert.Equal(0, Tensor.Zeros(0).Sum().Item());
        Close([3], [0, 0, 0], Tensor.Zeros(0, 3).Sum(0));
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).Max(0));
        Assert.Contains("[0, 3]", error.Message);
    }

    [Fact]
    public void Max_and_Min_along_dims_match_loops()
    {
        int[] shape = [3, 4, 5];
        float[] xv = Values(60, 5, -10, 10);
        var x = Tensor.FromArray(xv, shape);
        for (int dim = 0; dim < 3; dim++)
        {
            var (s, max) = Reduce(xv, shape, [dim], false, v => v.Max());
            var (_, min) = Reduce(xv, shape, [dim], false, v => v.Min());
            Close(s, max, x.Max(dim), atol: 0);
            Close(s, min, x.Min(dim), atol: 0);
            var (sk, _) = Reduce(xv, shape, [dim], true, v => v.Max());
            Assert.Equal(sk, x.Max(dim, keepDim: true).Shape);
            Close(s, max, x.Permute(2, 0, 1).Contiguous().Permute(1, 2, 0).Max(dim), atol: 0);
        }
        Assert.Equal(xv.Max(), x.Max().Item());
        Assert.Equal(xv.Min(), x.Min().Item());
        Assert.Equal(Array.Empty<int>(), x.Max().Shape);
    }

    [Fact]
    public void ArgMax_and_ArgMin_pick_the_first_extreme()
    {
        var x = Tensor.FromArray([1, 5, 5, 0, 0, 3, -2, 4, 9, 9, -2, 1], 3, 4);
        Assert.Equal([1, 3, 0], x.ArgMax(1).ToArray());
        Assert.Equal([3, 2, 2], x.ArgMin(1).ToArray());
        Assert.Equal([2, 2, 0, 1], x.ArgMax(0).ToArray());
        Assert.Equal([1, 1, 1, 0], x.ArgMin(0).ToArray());
        Assert.Equal([2, 2, 0, 1], x.T.ArgMax(1).ToArray());
        Assert.Equal([3, 1], x.ArgMax(1, keepDim: true).Shape);
        Assert.Equal(8, x.ArgMax().Item());
        Assert.Equal(Array.Empty<int>(), x.ArgMax().Shape);
        Assert.Equal(6, x.ArgMin().Item());
        Assert.Equal(0, Tensor.Scalar(3).ArgMax().Item());
    }

    [Fact]
    public void ArgMax_of_a_transposed_input_matches_loops()
    {
        float[] xv = Values(35, 6);
        var x = Tensor.FromArray(xv, 5, 7);
        var argmaxOverRows = x.T.ArgMax(1).ToArray(); // for each column j: the row i with the largest x[i, j]
        for (int j = 0; j < 7; j++)
        {
            int best = 0;
            for (int i = 1; i < 5; i++) if (xv[i * 7 + j] > xv[best * 7 + j]) best = i;
            Assert.Equal(best, argmaxOverRows[j]);
        }
    }

    [Fact]
    public void LogSumExp_is_stable_for_large_values()
    {
        var x = Tensor.FromArray([1000, 1000, -1000, -1000, 0, 88], 3, 2);
        var y = x.LogSumExp(1).ToArray();
        Assert.Equal(1000 + Math.Log(2), y[0], 1e-3);
        Assert.Equal(-1000 + Math.Log(2), y[1], 1e-3);
        Assert.Equal(88 + Math.Log(1 + Math.Exp(-88)), y[2], 1e-4);
        Assert.Equal([3, 1], x.LogSumExp(1, keepDim: true).Shape);
    }

    [Fact]
    public void LogSumExp_matches_the_formula_along_each_dim()
    {
        int[] shape = [3, 4, 5];
        float[] xv = Values(60, 7, -3, 3);
        var x = Tensor.FromArray(xv, shape);
        for (int dim = 0; dim < 3; dim++)
        {
            var (s, expected) = Reduce(xv, shape, [dim], false, v => Math.Log(v.Sum(Math.Exp)));
            Close(s, expected, x.LogSumExp(dim), atol: 1e-5, rtol: 1e-5);
            Close(s, expected, x.LogSumExp(dim - 3), atol: 1e-5, rtol: 1e-5);
        }
    }

    [Fact]
    public void Large_strided_sums_match_loops()
    {
        // 400 × 300 = 120,000 elements read transposed: above the parallel threshold.
        const int rows = 400, cols = 300;
        float[] xv = Values(rows * cols, 8);
        var x = Tensor.FromArray(xv, rows, cols).T; // [cols, rows]
        var sum0 = x.Sum(0).ToArray();   // over cols → one per row of the storage
        var sum1 = x.Sum(1).ToArray();   // over rows → one per column of the storage
        var max1 = x.Max(1).ToArray();
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++) s += xv[i * cols + j];
            Assert.Equal(s, sum0[i], 1e-3);
        }
        for (int j = 0; j < cols; j++)
        {
            double s = 0;
            float m = float.NegativeInfinity;
            for (int i = 0; i < rows; i++)
            {
                s += xv[i * cols + j];
                m = Math.Max(m, xv[i * cols + j]);
            }
            Assert.Equal(s, sum1[j], 1e-3);
            Assert.Equal(m, max1[j]);
        }
        Assert.Equal(xv.Sum(v => (double)v), x.Sum().Item(), 0.05);
        Assert.Equal(xv.Select(v => (double)v).Variance(), x.Var().Item(), 1e-4);
    }

    [Fact]
    public void Reductions_do_not_change_their_input()
    {
        float[] xv = Values(24, 9);
        var x = Tensor.FromArray(xv, 2, 3, 4);
        x.Sum(1);
        x.Max(0);
        x.Var([0, 2]);
        x.LogSumExp(2);
        x.ArgMax(1);
        Assert.Equal(xv, x.ToArray());
        Assert.Equal([2, 3, 4], x.Shape);
    }

    /// <summary>The reduction of <paramref name="values"/> over <paramref name="axes"/> (all when null) by loops over output positions.</summary>
    private static (int[] Shape, float[] Values) Reduce(float[] values, int[] shape, int[]? axes, bool keepDim, Func<double[], double> f)
    {
        var reduced = (axes ?? Enumerable.Range(0, shape.Length).ToArray()).Select(a => a < 0 ? a + shape.Length : a).ToHashSet();
        var keptShape = shape.Select((d, k) => reduced.Contains(k) ? 1 : d).ToArray();
        var groups = new List<double>[Count(keptShape)];
        for (int g = 0; g < groups.Length; g++) groups[g] = [];
        for (int e = 0; e < values.Length; e++)
        {
            var index = Unflat(shape, e);
            for (int k = 0; k < index.Length; k++) if (reduced.Contains(k)) index[k] = 0;
            groups[Flat(keptShape, index)].Add(values[e]);
        }
        var outShape = keepDim ? keptShape : shape.Where((_, k) => !reduced.Contains(k)).ToArray();
        return (outShape, groups.Select(g => (float)f(g.ToArray())).ToArray());
    }
}
