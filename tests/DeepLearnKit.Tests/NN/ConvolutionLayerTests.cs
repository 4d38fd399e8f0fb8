// Conv2d and ConvTranspose2d modules: the forward against the direct definition and against the functional
// ops with the same settings, weight shapes, PyTorch's parameter counts and initialisation, and gradients.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class ConvolutionLayerTests
{
    [Fact]
    public void Conv2d_forward_is_the_cross_correlation_by_its_definition()
    {
        var conv = new Conv2d(2, 3, kernelSize: 3, padding: 1);
        var x = TensorAssert.Random(1, 1, 2, 4, 5);
        var (w, b, xs) = (conv.Weight.ToArray(), conv.Bias!.ToArray(), x.ToArray());
        var expected = new float[3 * 4 * 5];
        for (int k = 0; k < 3; k++)
            for (int r = 0; r < 4; r++)
                for (int q = 0; q < 5; q++)
                {
                    double sum = b[k];
                    for (int c = 0; c < 2; c++)
                        for (int i = 0; i < 3; i++)
                            for (int j = 0; j < 3; j++)
                            {
                                int ih = r - 1 + i, iw = q - 1 + j;
                                if (ih >= 0 && ih < 4 && iw >= 0 && iw < 5)
                                    sum += (double)w[((k * 2 + c) * 3 + i) * 3 + j] * xs[(c * 4 + ih) * 5 + iw];
                            }
                    expected[(k * 4 + r) * 5 + q] = (float)sum;
                }
        TensorAssert.Close([1, 3, 4, 5], expected, conv.Forward(x), atol: 1e-5);
    }

    [Fact]
    public void Conv2d_passes_every_setting_to_the_op()
    {
        var conv = new Conv2d(4, 6, (3, 2), stride: (2, 1), padding: (1, 0), dilation: (1, 2), groups: 2);
        Assert.Equal([6, 2, 3, 2], conv.Weight.Shape);
        var x = TensorAssert.Random(2, 2, 4, 7, 6);
        var y = conv.Forward(x);
        // OH = ⌊(7 + 2 − 1·2 − 1)/2⌋ + 1 = 4, OW = ⌊(6 + 0 − 2·1 − 1)/1⌋ + 1 = 4.
        Assert.Equal([2, 6, 4, 4], y.Shape);
        var reference = Tensor.Conv2d(x, conv.Weight, conv.Bias, (2, 1), (1, 0), (1, 2), groups: 2);
        TensorAssert.Close(reference.Shape, reference.ToArray(), y, atol: 0, rtol: 0);
    }

    [Fact]
    public void Conv2d_parameters_are_counted_and_initialised_as_in_PyTorch()
    {
        var conv = new Conv2d(3, 8, 5);
        Assert.Equal(["weight", "bias"], conv.NamedParameters().Select(p => p.Name));
        Assert.Equal(8 * 3 * 5 * 5 + 8, conv.ParameterCount());
        Assert.Equal(8 * 3 * 5 * 5, new Conv2d(3, 8, 5, bias: false).ParameterCount());
        AssertUniformWithin(conv.Weight, 1 / Math.Sqrt(3 * 5 * 5));
        AssertUniformWithin(conv.Bias!, 1 / Math.Sqrt(3 * 5 * 5), fill: false);
    }

    [Fact]
    public void ConvTranspose2d_forward_is_the_op_with_the_same_settings_and_inverts_the_conv_shape()
    {
        var up = new ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2);
        Assert.Equal([4, 3, 3, 3], up.Weight.Shape);   // [in, out/groups, kH, kW]
        var x = TensorAssert.Random(3, 2, 4, 5, 5);
        var y = up.Forward(x);
        // OH = (5 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 10: a stride-2 Conv2d(3, padding 1) maps 10 back to 5.
        Assert.Equal([2, 6, 10, 10], y.Shape);
        var reference = Tensor.ConvTranspose2d(x, up.Weight, up.Bias, 2, 1, 1, 1, groups: 2);
        TensorAssert.Close(reference.Shape, reference.ToArray(), y, atol: 0, rtol: 0);
        Assert.Equal([2, 4, 5, 5], new Conv2d(6, 4, 3, stride: 2, padding: 1).Forward(y).Shape);
    }

    [Fact]
    public void ConvTranspose2d_is_initialised_with_PyTorchs_fan_in_of_its_weight()
    {
        // PyTorch's fan-in of a [in, out/groups, kH, kW] weight is dim 1 times the kernel: 6·3·3 = 54.
        var up = new ConvTranspose2d(8, 12, 3, groups: 2);
        Assert.Equal(8 * 6 * 9 + 12, up.ParameterCount());
        AssertUniformWithin(up.Weight, 1 / Math.Sqrt(54));
        AssertUniformWithin(up.Bias!, 1 / Math.Sqrt(54), fill: false);
    }

    [Fact]
    public void Gradients_through_the_conv_layers_match_finite_differences()
    {
        ModuleGradCheck.Passes(new Conv2d(2, 3, 3, stride: 2, padding: 1), TensorAssert.Random(5, 1, 2, 5, 5));
        ModuleGradCheck.Passes(new ConvTranspose2d(2, 2, 3, stride: 2, padding: 1, outputPadding: 1), TensorAssert.Random(6, 1, 2, 3, 3));
        var conv = new Conv2d(2, 2, 2);
        TensorAssert.Passes(GradCheck.Check(xs => Tensor.Conv2d(xs[0], xs[1], xs[2]),
            [TensorAssert.Random(7, 1, 2, 3, 3), conv.Weight, conv.Bias!]));
    }

    [Fact]
    public void Groups_that_do_not_divide_the_channels_are_refused_when_the_layer_is_built()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2d(4, 6, 3, groups: 4));
        Assert.Contains("groups 4", e.Message);
        Assert.Contains("6", e.Message);
    }

    [Fact]
    public void Printed_forms_show_the_channels_and_the_non_default_settings()
    {
        Assert.Equal("Conv2d(1→6, kernel: (5, 5))", new Conv2d(1, 6, 5).ToString());
        Assert.Equal("Conv2d(3→8, kernel: (3, 3), stride: (2, 2), padding: (1, 1), bias: false)",
            new Conv2d(3, 8, 3, stride: 2, padding: 1, bias: false).ToString());
        Assert.Equal("ConvTranspose2d(8→4, kernel: (4, 4), stride: (2, 2), padding: (1, 1))",
            new ConvTranspose2d(8, 4, 4, stride: 2, padding: 1).ToString());
    }

    /// <summary>All values within ±bound; when <paramref name="fill"/>, they also spread to the outer tenth of each side.</summary>
    internal static void AssertUniformWithin(Tensor t, double bound, bool fill = true)
    {
        var v = t.ToArray();
        Assert.All(v, x => Assert.InRange(Math.Abs(x), 0, bound));
        Assert.True(v.Distinct().Count() > 1, "all values equal");
        if (fill) Assert.True(v.Max() > 0.9 * bound && v.Min() < -0.9 * bound, $"range [{v.Min()}, {v.Max()}], bound {bound}");
    }
}
