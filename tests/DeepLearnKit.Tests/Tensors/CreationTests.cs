// Making tensors: from arrays, constants, ranges, the identity, random draws (repeatable through
// Rng.Seed), and reading values back out.
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Tensors;

public class CreationTests
{
    [Fact]
    public void FromArray_copies_a_flat_array_into_the_given_shape()
    {
        float[] data = [1, 2, 3, 4, 5, 6];
        var x = Tensor.FromArray(data, 2, 3);
        Assert.Equal([2, 3], x.Shape);
        Assert.Equal(2, x.Rank);
        Assert.Equal(6, x.NumEl);
        Assert.Equal(3, x.Size(-1));
        Assert.Equal("float32", x.DType);
        Assert.Equal(data, x.ToArray());
        data[0] = 100;
        Assert.Equal(1, x.ToArray()[0]);
        Assert.Equal([6], Tensor.FromArray(data).Shape);
    }

    [Fact]
    public void FromArray_of_one_value_is_1_D_unless_the_shape_is_empty()
    {
        Assert.Equal([1], Tensor.FromArray([5f]).Shape);
        Assert.Equal(Array.Empty<int>(), Tensor.FromArray([5f], []).Shape);
        Assert.Equal([0], Tensor.FromArray([]).Shape);
        Assert.Equal([1, 1], Tensor.FromArray([5f], 1, 1).Shape);
    }

    [Fact]
    public void FromArray_takes_rectangular_arrays()
    {
        var m = Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2, 3], m.Shape);
        Assert.Equal([1, 2, 3, 4, 5, 6], m.ToArray());
        var c = Tensor.FromArray(new float[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } }, { { 9, 10 }, { 11, 12 } } });
        Assert.Equal([3, 2, 2], c.Shape);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (float)i).ToArray(), c.ToArray());
        Assert.Equal(7, c[1, 1, 0].Item());
    }

    [Fact]
    public void FromArray_rejects_a_count_that_does_not_fill_the_shape()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1, 2, 3], 2, 2));
        Assert.Contains("FromArray", error.Message);
        Assert.Contains("[2, 2]", error.Message);
        Assert.Contains("3 values", error.Message);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray([1, 2], -1, -2));
    }

    [Fact]
    public void Constants_have_their_shape_and_value()
    {
        Assert.Equal(new float[6], Tensor.Zeros(2, 3).ToArray());
        Assert.Equal([2, 3], Tensor.Zeros(2, 3).Shape);
        Assert.Equal(Enumerable.Repeat(1f, 4).ToArray(), Tensor.Ones(4).ToArray());
        Assert.Equal(Enumerable.Repeat(-2.5f, 6).ToArray(), Tensor.Full(-2.5f, 3, 2).ToArray());
        Assert.Equal([3, 2], Tensor.Full(-2.5f, 3, 2).Shape);
        Assert.Equal(Array.Empty<int>(), Tensor.Zeros().Shape);
        Assert.Equal(0, Tensor.Zeros().Item());
        Assert.Equal([0, 3], Tensor.Zeros(0, 3).Shape);
        Assert.Empty(Tensor.Zeros(0, 3).ToArray());
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, -1));
    }

    [Fact]
    public void Like_constructors_copy_shape_not_values_or_layout()
    {
        var x = Tensor.Arange(6).Reshape(2, 3).T;
        var z = Tensor.ZerosLike(x);
        Assert.Equal([3, 2], z.Shape);
        Assert.True(z.IsContiguous);
        Assert.Equal(new float[6], z.ToArray());
        Assert.Equal(Enumerable.Repeat(1f, 6).ToArray(), Tensor.OnesLike(x).ToArray());
        Assert.Equal(Enumerable.Repeat(3f, 6).ToArray(), Tensor.FullLike(x, 3).ToArray());
        Assert.False(Tensor.ZerosLike(x.RequireGrad()).RequiresGrad);
    }

    [Fact]
    public void Arange_counts_up_to_but_excluding_the_end()
    {
        Assert.Equal([0, 1, 2, 3, 4], Tensor.Arange(5).ToArray());
        Assert.Equal([5], Tensor.Arange(5).Shape);
        Assert.Equal([1], Tensor.Arange(1).Shape);
        Assert.Equal([2, 2.5f, 3, 3.5f], Tensor.Arange(2, 4, 0.5f).ToArray());
        Assert.Equal([3, 1, -1], Tensor.Arange(3, -2, -2).ToArray());
        Assert.Equal(10, Tensor.Arange(0, 1, 0.1f).NumEl);
        Assert.Empty(Tensor.Arange(0).ToArray());
        Assert.Empty(Tensor.Arange(3, 1).ToArray());
        var error = Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0));
        Assert.Contains("Arange", error.Message);
    }

    [Fact]
    public void Arange_of_a_float_end_counts_from_zero()
    {
        Assert.Equal([0, 1, 2, 3], Tensor.Arange(4f).ToArray());
        Assert.Equal([0, 1, 2], Tensor.Arange(2.5f).ToArray()); // ⌈2.5⌉ = 3 elements
        Assert.Empty(Tensor.Arange(-1f).ToArray());
        // Length ⌈(end − start) / step⌉ and element start + i·step, as a loop in doubles.
        var t = Tensor.Arange(-1f, 1f, 0.3f).ToArray();
        Assert.Equal((int)Math.Ceiling((1.0 - -1.0) / 0.3f), t.Length);
        for (int i = 0; i < t.Length; i++) Assert.Equal((float)(-1.0 + i * (double)0.3f), t[i]);
        Assert.Contains("Arange", Assert.Throws<ArgumentException>(() => Tensor.Arange(float.NaN)).Message);
    }

    [Fact]
    public void OneHot_puts_a_one_at_each_index_in_a_new_last_dim()
    {
        var indices = Tensor.FromArray([2, 0, 1, 2, 3, 0], 2, 3);
        var oneHot = Tensor.OneHot(indices, 5);
        Assert.Equal([2, 3, 5], oneHot.Shape);
        var values = oneHot.ToArray();
        var idx = indices.ToArray();
        for (int i = 0; i < idx.Length; i++)
            for (int c = 0; c < 5; c++)
                Assert.Equal(idx[i] == c ? 1f : 0f, values[i * 5 + c]);
        Assert.Equal([4], Tensor.OneHot(Tensor.FromArray([0, 3])).Shape[1..]); // inferred: max + 1 classes
        Assert.Equal([0, 3], Tensor.OneHot(Tensor.Zeros(0), 3).Shape);
    }

    [Theory]
    [InlineData(3f)]
    [InlineData(-1f)]
    [InlineData(1.5f)]
    public void OneHot_names_an_index_that_is_not_a_class(float bad)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.OneHot(Tensor.FromArray([0, bad]), 3));
        Assert.Contains($"OneHot: index {bad}", error.Message);
    }

    [Fact]
    public void Linspace_includes_both_ends()
    {
        Assert.Equal([0, 0.25f, 0.5f, 0.75f, 1], Tensor.Linspace(0, 1, 5).ToArray());
        Assert.Equal([3, -1], Tensor.Linspace(3, -1, 2).ToArray());
        Assert.Equal([7], Tensor.Linspace(7, 9, 1).ToArray());
        Assert.Equal([1], Tensor.Linspace(7, 9, 1).Shape);
        Assert.Empty(Tensor.Linspace(0, 1, 0).ToArray());
        Assert.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, -1));
    }

    [Fact]
    public void Eye_is_the_identity()
    {
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0, 1], Tensor.Eye(3).ToArray());
        Assert.Equal([1, 0, 0, 0, 0, 1, 0, 0], Tensor.Eye(2, 4).ToArray());
        Assert.Equal([3, 2], Tensor.Eye(3, 2).Shape);
        Assert.Equal([1, 0, 0, 1, 0, 0], Tensor.Eye(3, 2).ToArray());
        var a = Between(1, -1, 1, 4, 4);
        Close(a.ToArray(), Tensor.MatMul(Tensor.Eye(4), a).ToArray(), atol: 0);
    }

    [Fact]
    public void Scalar_and_implicit_float_make_0_D_tensors()
    {
        var s = Tensor.Scalar(2.5f);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.NumEl);
        Assert.Equal(2.5f, s.Item());
        Tensor t = 4f;
        Assert.Equal(Array.Empty<int>(), t.Shape);
        Assert.Equal(4f, t.Item());
    }

    [Fact]
    public void Item_reads_a_one_element_tensor_and_refuses_others()
    {
        Assert.Equal(3, Tensor.FromArray([3], 1, 1).Item());
        Assert.Equal(6, Tensor.Arange(10)[6].Item());
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2).Item());
        Assert.Contains("Item", error.Message);
        Assert.Contains("[2]", error.Message);
    }

    [Fact]
    public void ToArray_reads_views_in_row_major_order()
    {
        var x = Tensor.Arange(12).Reshape(3, 4);
        Assert.Equal([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], x.T.ToArray());
        Assert.Equal([4, 5, 6, 7], x[1].ToArray());
        Assert.Equal([8, 9, 10, 11], x[2].ToArray());
        Assert.Equal([0, 1, 2, 3], x[0].ToArray());
        Assert.Equal([5, 6, 9, 10], x[1.., 1..3].ToArray());
        Assert.Equal([6], x[1, 2].ToArray());
        Assert.Equal([1, 1, 2, 2], Tensor.FromArray([1, 2], 2, 1).Expand(2, 2).ToArray());
    }

    [Fact]
    public void ToArray2D_gives_a_rectangular_array()
    {
        var m = Tensor.Arange(6).Reshape(2, 3);
        var a = m.ToArray2D();
        Assert.Equal(2, a.GetLength(0));
        Assert.Equal(3, a.GetLength(1));
        Assert.Equal(5, a[1, 2]);
        var t = m.T.ToArray2D();
        Assert.Equal(3, t.GetLength(0));
        Assert.Equal(5, t[2, 1]);
        Assert.Equal(1, m[.., 1..].ToArray2D()[0, 0]);
        var error = Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2, 2, 2).ToArray2D());
        Assert.Contains("ToArray2D", error.Message);
        Assert.Contains("[2, 2, 2]", error.Message);
    }
}

/// <summary>Random creation: these tests reseed the shared Rng, so they run apart from other tests.</summary>
[Collection(SharedRngCollection.Name)]
public class RandomCreationTests
{
    [Fact]
    public void Seeding_makes_Rand_Randn_and_RandInt_repeatable()
    {
        Rng.Seed(42);
        float[] r1 = Tensor.Rand(3, 4).ToArray(), n1 = Tensor.Randn(5).ToArray(), i1 = Tensor.RandInt(0, 10, 6).ToArray();
        Rng.Seed(42);
        float[] r2 = Tensor.Rand(3, 4).ToArray(), n2 = Tensor.Randn(5).ToArray(), i2 = Tensor.RandInt(0, 10, 6).ToArray();
        Assert.Equal(r1, r2);
        Assert.Equal(n1, n2);
        Assert.Equal(i1, i2);
        Rng.Seed(43);
        Assert.NotEqual(r1, Tensor.Rand(3, 4).ToArray());
    }

    [Fact]
    public void Successive_draws_differ()
    {
        Rng.Seed(1);
        Assert.NotEqual(Tensor.Rand(8).ToArray(), Tensor.Rand(8).ToArray());
        Assert.NotEqual(Tensor.Randn(8).ToArray(), Tensor.Randn(8).ToArray());
    }

    [Fact]
    public void Rand_lies_in_zero_to_one_with_mean_one_half()
    {
        Rng.Seed(7);
        var x = Tensor.Rand(100_000);
        Assert.Equal([100_000], x.Shape);
        var v = x.ToArray();
        Assert.All(v, e => Assert.True(e >= 0 && e < 1, $"{e} is outside [0, 1)"));
        // The mean of 10⁵ uniforms has standard error 0.29/√10⁵ ≈ 0.0009; allow 5 of them.
        Assert.Equal(0.5, v.Average(e => (double)e), 0.0046);
    }

    [Fact]
    public void Randn_has_mean_zero_and_standard_deviation_one()
    {
        Rng.Seed(8);
        var v = Tensor.Randn(100_000).ToArray().Select(e => (double)e).ToArray();
        // Standard errors for n = 10⁵: mean 1/√n ≈ 0.0032, std 1/√(2n) ≈ 0.0022; allow 5 of each.
        Assert.Equal(0, v.Average(), 0.016);
        Assert.Equal(1, MathNet.Numerics.Statistics.Statistics.StandardDeviation(v), 0.011);
        Assert.InRange(v.Count(e => Math.Abs(e) < 1) / 1e5, 0.6827 - 0.0075, 0.6827 + 0.0075);
    }

    [Fact]
    public void RandInt_stays_in_its_range_and_hits_every_value()
    {
        Rng.Seed(9);
        var v = Tensor.RandInt(-2, 3, 1000).ToArray();
        Assert.All(v, e => Assert.True(e >= -2 && e < 3 && e == MathF.Floor(e), $"{e}"));
        Assert.Equal(5, v.Distinct().Count());
    }

    [Fact]
    public void Rand_with_no_dims_is_a_0_D_tensor()
    {
        Assert.Equal(Array.Empty<int>(), Tensor.Rand().Shape);
        Assert.Equal([2, 0], Tensor.Randn(2, 0).Shape);
    }
}
