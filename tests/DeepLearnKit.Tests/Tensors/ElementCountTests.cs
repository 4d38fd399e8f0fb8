// Element counts past 2^31: counted in 64 bits, a storage too large for one array is refused by name, and a
// broadcast (expanded) view larger than any array still reduces, since its repeats are never stored.
namespace DeepLearnKit.Tests.Tensors;

public class ElementCountTests
{
    [Fact]
    public void A_view_of_more_than_2_to_the_31_elements_counts_them_exactly()
    {
        var x = Tensor.Ones(1, 1).Expand(65536, 65537);
        Assert.Equal(4_295_032_832L, x.NumEl);
        Assert.StartsWith("tensor([[1., 1., 1., ..., 1., 1., 1.],", x.ToString());
    }

    [Fact]
    public void Reductions_over_an_expanded_view_of_more_than_2_to_the_31_elements_are_exact()
    {
        var x = Tensor.Ones(1, 1).Expand(65536, 65537);
        Assert.Equal(4_295_032_832f, x.Sum().Item());
        Assert.Equal(1f, x.Mean().Item(), 1e-6f);
        Assert.Equal(1f, x.Max().Item());
        var rows = Tensor.FromArray([1, 2, 3], 3, 1).Expand(3, 1 << 30);
        Assert.Equal([1L << 30, 2L << 30, 3L << 30], rows.Sum(1).ToArray().Select(v => (long)v));
    }

    [Theory]
    [InlineData(65536, 65536)] // 2^32: the unchecked product was 0
    [InlineData(46341, 46341)] // just over 2^31: the unchecked product was negative
    public void A_tensor_too_large_for_one_array_is_an_error_naming_the_op_and_shape(int rows, int cols)
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros(rows, cols));
        Assert.Contains("Zeros", error.Message);
        Assert.Contains($"[{rows}, {cols}]", error.Message);
        Assert.Contains(((long)rows * cols).ToString(), error.Message);
    }

    [Fact]
    public void An_op_whose_result_would_not_fit_one_array_names_itself()
    {
        var x = Tensor.Ones(1, 1).Expand(65536, 65537);
        var error = Assert.Throws<ArgumentException>(() => x + Tensor.Ones(1));
        Assert.Contains("Add", error.Message);
        Assert.Contains("[65536, 65537]", error.Message);
        Assert.Contains("Reshape", Assert.Throws<ArgumentException>(() => x.Reshape(-1)).Message);
        Assert.Contains("ToArray", Assert.Throws<ArgumentException>(() => x.ToArray()).Message);
    }

    [Fact]
    public void A_count_past_64_bits_is_an_error_naming_the_op()
    {
        var error = Assert.Throws<ArgumentException>(() => Tensor.Ones(1, 1, 1, 1, 1).Expand(65536, 65536, 65536, 65536, 65536));
        Assert.Contains("Expand", error.Message);
    }
}
