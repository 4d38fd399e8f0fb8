// Sort, ArgSort, TopK, Flip, Cumsum, Tril and Triu against loops written here over the same values, their gradients
// against finite differences, and their errors.
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Ops;

public class OrderingTests
{
    // The values of x along `dim` at every other position fixed, as lines in row-major order of the other dims.
    private static List<(int[] Positions, float[] Values)> Lines(Tensor x, int dim)
    {
        var shape = x.Shape;
        var values = x.ToArray();
        var lines = new List<(int[], float[])>();
        for (int flat = 0; flat < values.Length; flat++)
        {
            var index = Unflat(shape, flat);
            if (index[dim] != 0) continue;
            var positions = new int[shape[dim]];
            for (int j = 0; j < shape[dim]; j++) { index[dim] = j; positions[j] = Flat(shape, index); }
            lines.Add((positions, positions.Select(p => values[p]).ToArray()));
        }
        return lines;
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(-1, true)]
    public void Sort_orders_every_line_along_the_dim_and_its_indices_say_where_each_value_came_from(int dim, bool descending)
    {
        var x = Random(3, 4, 5, 3);
        var (values, indices) = x.Sort(dim, descending);
        Assert.Equal(x.Shape, values.Shape);
        int d = dim < 0 ? dim + 3 : dim;
        var sortedLines = Lines(values, d).Zip(Lines(indices, d), Lines(x, d));
        foreach (var (sorted, picked, original) in sortedLines)
        {
            var expected = descending ? original.Values.OrderByDescending(v => v).ToArray() : original.Values.Order().ToArray();
            Assert.Equal(expected, sorted.Values);
            for (int j = 0; j < expected.Length; j++) Assert.Equal(original.Values[(int)picked.Values[j]], sorted.Values[j]);
        }
    }

    [Fact]
    public void Sort_is_stable_and_puts_NaN_last_as_PyTorch_does()
    {
        var x = Tensor.FromArray([2, 1, float.NaN, 1, 2, 0]);
        var (values, indices) = x.Sort();
        Assert.Equal([0, 1, 1, 2, 2, float.NaN], values.ToArray());
        Assert.Equal([5, 1, 3, 0, 4, 2], indices.ToArray());
        var (down, downIndices) = x.Sort(descending: true);
        Assert.Equal([float.NaN, 2, 2, 1, 1, 0], down.ToArray());
        Assert.Equal([2, 0, 4, 1, 3, 5], downIndices.ToArray());
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(7, false)]
    [InlineData(0, true)]
    public void TopK_gives_the_k_most_extreme_values_of_each_row_in_order(int k, bool largest)
    {
        var x = Random(11, 3, 7);
        var (values, indices) = x.TopK(k, dim: 1, largest);
        Assert.Equal([3, k], values.Shape);
        var got = values.ToArray();
        var at = indices.ToArray();
        var data = x.ToArray();
        for (int r = 0; r < 3; r++)
        {
            var row = data.Skip(r * 7).Take(7);
            var expected = (largest ? row.OrderByDescending(v => v) : row.Order()).Take(k).ToArray();
            Assert.Equal(expected, got.Skip(r * k).Take(k).ToArray());
            for (int j = 0; j < k; j++) Assert.Equal(data[r * 7 + (int)at[r * k + j]], got[r * k + j]);
        }
    }

    [Fact]
    public void TopK_sends_the_gradient_to_the_chosen_elements_only()
    {
        var x = Distinct(5, 0.1f, 2, 6).RequireGrad();
        var (values, _) = x.TopK(2);
        (values * values).Sum().Backward();
        var data = x.ToArray();
        var grad = x.Grad!.ToArray();
        for (int r = 0; r < 2; r++)
        {
            var top = data.Skip(r * 6).Take(6).OrderByDescending(v => v).Take(2).ToHashSet();
            for (int j = 0; j < 6; j++)
                Assert.Equal(top.Contains(data[r * 6 + j]) ? 2 * data[r * 6 + j] : 0, grad[r * 6 + j], 6);
        }
        Passes(GradCheck.Check(t => t.TopK(3, dim: 0).Values, Distinct(6, 0.1f, 4, 3)));
        Passes(GradCheck.Check(t => t.Sort(1, descending: true).Values, Distinct(7, 0.1f, 3, 4)));
    }

    [Fact]
    public void TopK_with_k_larger_than_the_dim_names_the_op_the_dim_and_the_shape()
    {
        var x = Random(1, 2, 3);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => x.TopK(4));
        Assert.Contains("TopK: k = 4 is out of range for dimension 1 of size 3 in shape [2, 3]", error.Message);
        Assert.ThrowsAny<ArgumentException>(() => x.Sort(2));
    }

    [Fact]
    public void Flip_reverses_each_named_dim_and_its_gradient_flips_back()
    {
        var x = Random(2, 2, 3, 4);
        var flipped = x.Flip(0, 2).ToArray();
        var data = x.ToArray();
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 4; c++)
                    Assert.Equal(data[((1 - a) * 3 + b) * 4 + (3 - c)], flipped[(a * 3 + b) * 4 + c]);
        Passes(GradCheck.Check(t => t.Flip(1) * Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3), Random(3, 2, 3)));
        Assert.Contains("Flip: dimension 1 appears more than once", Assert.Throws<ArgumentException>(() => x.Flip(1, -2)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void Cumsum_is_the_running_sum_along_the_dim_and_its_gradient_the_reversed_running_sum(int dim)
    {
        var x = Random(4, 3, 5, 2);
        int d = dim < 0 ? dim + 3 : dim;
        var sums = Lines(x.Cumsum(dim), d).Zip(Lines(x, d));
        foreach (var (got, original) in sums)
        {
            float running = 0;
            var expected = original.Values.Select(v => running += v).ToArray();
            Close(expected, got.Values);
        }
        Passes(GradCheck.Check(t => t.Cumsum(dim) * t.Cumsum(dim), Random(5, 3, 4, 2)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-2)]
    public void Tril_and_Triu_keep_the_triangles_of_the_last_two_dims_of_every_batch(int diagonal)
    {
        var x = Random(8, 2, 3, 4);
        var lower = x.Tril(diagonal).ToArray();
        var upper = x.Triu(diagonal).ToArray();
        var data = x.ToArray();
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 4; j++)
                {
                    int at = (b * 3 + i) * 4 + j;
                    Assert.Equal(j - i <= diagonal ? data[at] : 0, lower[at]);
                    Assert.Equal(j - i >= diagonal ? data[at] : 0, upper[at]);
                }
        Passes(GradCheck.Check(t => t.Tril(diagonal) * t, Random(9, 3, 3)));
        Assert.Contains("Triu: the input must have at least 2 dimensions, got shape [4]",
            Assert.Throws<ArgumentException>(() => Random(1, 4).Triu()).Message);
    }
}
