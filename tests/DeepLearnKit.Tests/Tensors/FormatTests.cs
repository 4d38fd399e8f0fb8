// ToString prints like PyTorch: one shared number format, right-aligned columns, nested brackets
// indented under "tensor(", "..." elision above 1000 elements, and the autograd suffix.
namespace DeepLearnKit.Tests.Tensors;

public class FormatTests
{
    [Fact]
    public void Integers_print_with_a_trailing_point()
    {
        Assert.Equal("tensor([1., 2., 3.])", Tensor.FromArray([1, 2, 3]).ToString());
        Assert.Equal("tensor([ 1., 10., -3.])", Tensor.FromArray([1, 10, -3]).ToString());
    }

    [Fact]
    public void Decimals_print_with_four_places()
    {
        Assert.Equal("tensor([[0.1000, 0.2000],\n        [0.3000, 0.4000]])",
            Tensor.FromArray([0.1f, 0.2f, 0.3f, 0.4f], 2, 2).ToString());
        Assert.Equal("tensor([-1.5000,  2.0000, 10.2500])", Tensor.FromArray([-1.5f, 2, 10.25f]).ToString());
    }

    [Fact]
    public void Three_dims_separate_blocks_with_a_blank_line()
    {
        Assert.Equal(
            "tensor([[[0., 1.],\n" +
            "         [2., 3.]],\n" +
            "\n" +
            "        [[4., 5.],\n" +
            "         [6., 7.]]])",
            Tensor.Arange(8).Reshape(2, 2, 2).ToString());
    }

    [Fact]
    public void Zero_dimensional_and_empty_tensors()
    {
        Assert.Equal("tensor(3.)", Tensor.Scalar(3).ToString());
        Assert.Equal("tensor(3.5000)", Tensor.Scalar(3.5f).ToString());
        Assert.Equal("tensor([])", Tensor.Zeros(0).ToString());
    }

    [Fact]
    public void Mixed_magnitudes_print_in_scientific_format()
    {
        Assert.Equal("tensor([1.0000e-03, 1.0000e+03])", Tensor.FromArray([1e-3f, 1000]).ToString());
        Assert.Equal("tensor([ 1.5000e+00, -2.0000e+04])", Tensor.FromArray([1.5f, -20000]).ToString());
        Assert.Equal("tensor([1.0000e+09, 1.0000e+00])", Tensor.FromArray([1e9f, 1]).ToString()); // integers above 10⁸
        Assert.Equal("tensor([0.0010, 0.5000])", Tensor.FromArray([0.001f, 0.5f]).ToString()); // within 10³: fixed
    }

    [Fact]
    public void A_value_below_float32_resolution_does_not_switch_the_format()
    {
        // tanh(0) computed by a vector kernel can come out as −2⁻²⁴ = −5.96e−08 beside values near 1: that is rounding
        // residue (below max·2⁻²³), so the row stays fixed; PyTorch's own rule would print all three in e-notation.
        Assert.Equal("tensor([-0.9951, -0.0000,  0.9951])", Tensor.FromArray([-0.9951f, -5.9604645e-08f, 0.9951f]).ToString());
        Assert.Equal("tensor([[ 0.5000,  0.0000],\n        [-0.2500,  1.0000]])",
            Tensor.FromArray([0.5f, 1e-8f, -0.25f, 1], 2, 2).ToString());
        // A small value that float32 resolves at this scale is real, and PyTorch's rule applies to it.
        Assert.Equal("tensor([5.0000e-01, 1.0000e-06])", Tensor.FromArray([0.5f, 1e-6f]).ToString());
        Assert.Equal("tensor([1.0000e-08, 2.0000e-08])", Tensor.FromArray([1e-8f, 2e-8f]).ToString());
        Assert.Equal("tensor([2.0000e-03, 3.0000e+00])", Tensor.FromArray([0.002f, 3f]).ToString()); // ratio 1500 > 10³
        // The line is relative: 10⁻⁵ vanishes beside 1000 (1000 + 10⁻⁵ is 1000 in float32), so it prints as zero.
        Assert.Equal("tensor([   0.0000, 1000.0000])", Tensor.FromArray([1e-5f, 1000]).ToString());
    }

    [Fact]
    public void Non_finite_values_print_as_words()
    {
        var text = Tensor.FromArray([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1]).ToString();
        Assert.Matches(@"^tensor\(\[ *nan, +inf, +-inf, +1\.\]\)$", text);
    }

    [Fact]
    public void A_view_prints_in_its_own_logical_order()
    {
        Assert.Equal("tensor([[0., 2.],\n        [1., 3.]])", Tensor.Arange(4).Reshape(2, 2).T.ToString());
        Assert.Equal("tensor([5., 6.])", Tensor.Arange(8).Reshape(2, 4)[1, 1..3].ToString());
    }

    [Fact]
    public void Up_to_1000_elements_print_in_full()
    {
        var text = Tensor.Arange(1000).ToString();
        Assert.DoesNotContain("...", text);
        Assert.Contains(" 999.])", text);
        Assert.Contains("[  0.,   1.,", text);
    }

    [Fact]
    public void Above_1000_elements_three_items_at_each_end_are_printed()
    {
        Assert.Equal("tensor([   0.,    1.,    2., ..., 1998., 1999., 2000.])", Tensor.Arange(2001).ToString());
        Assert.Equal(
            "tensor([[   0.,    1.,    2., ...,   37.,   38.,   39.],\n" +
            "        [  40.,   41.,   42., ...,   77.,   78.,   79.],\n" +
            "        [  80.,   81.,   82., ...,  117.,  118.,  119.],\n" +
            "        ...,\n" +
            "        [1080., 1081., 1082., ..., 1117., 1118., 1119.],\n" +
            "        [1120., 1121., 1122., ..., 1157., 1158., 1159.],\n" +
            "        [1160., 1161., 1162., ..., 1197., 1198., 1199.]])",
            Tensor.Arange(1200).Reshape(30, 40).ToString());
    }

    [Fact]
    public void The_number_format_is_chosen_from_the_printed_values_only()
    {
        // The hidden middle holds 0.5; the printed ends are integers, so they print as integers.
        var data = Enumerable.Range(0, 2000).Select(i => (float)i).ToArray();
        data[1000] = 0.5f;
        Assert.StartsWith("tensor([   0.,    1.,", Tensor.FromArray(data).ToString());
    }

    [Fact]
    public void Autograd_state_is_printed_after_the_values()
    {
        var x = Tensor.FromArray([1, 2]).RequireGrad();
        Assert.Equal("tensor([1., 2.], requiresGrad=true)", x.ToString());
        Assert.Equal("tensor([2., 4.], gradFn=<MulScalarBackward>)", (x * 2f).ToString());
        Assert.Equal("tensor(3., gradFn=<SumBackward>)", x.Sum().ToString());
        Assert.Equal("tensor([1., 2.])", x.Detach().ToString());
        using (Tensor.NoGrad()) Assert.Equal("tensor([2., 4.])", (x * 2f).ToString());
    }
}
