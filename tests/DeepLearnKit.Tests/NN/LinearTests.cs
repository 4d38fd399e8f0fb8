// Linear: the forward against y = x·Wᵀ + b written as loops, PyTorch's parameter names and default
// initialisation, and gradients through the layer.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class LinearTests
{
    [Fact]
    public void Forward_is_x_times_W_transposed_plus_b()
    {
        var layer = new Linear(4, 3);
        var x = TensorAssert.Random(1, 2, 4);
        var (w, b, xs) = (layer.Weight.ToArray(), layer.Bias!.ToArray(), x.ToArray());
        var expected = new float[2 * 3];
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 3; o++)
            {
                double sum = b[o];
                for (int i = 0; i < 4; i++) sum += (double)xs[n * 4 + i] * w[o * 4 + i];
                expected[n * 3 + o] = (float)sum;
            }
        TensorAssert.Close([2, 3], expected, layer.Forward(x));
    }

    [Fact]
    public void Parameters_are_named_and_counted_as_in_PyTorch()
    {
        var layer = new Linear(5, 3);
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Equal([3, 5], layer.Weight.Shape);
        Assert.Equal(5 * 3 + 3, layer.ParameterCount());
        Assert.Equal(15, new Linear(5, 3, bias: false).ParameterCount());

        var model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(4 * 8 + 8 + 8 * 2 + 2, model.ParameterCount());
    }

    [Fact]
    public void Weights_and_bias_start_in_plus_minus_one_over_root_fan_in_and_fill_it()
    {
        var layer = new Linear(50, 40);
        double bound = 1 / Math.Sqrt(50);
        var w = layer.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.All(layer.Bias!.ToArray(), v => Assert.InRange(Math.Abs(v), 0, bound));
        // 2000 uniform draws reach the outer tenth of the range on both sides (a narrower law would not).
        Assert.True(w.Max() > 0.9 * bound && w.Min() < -0.9 * bound, $"range [{w.Min()}, {w.Max()}], bound {bound}");
        Assert.True(w.Distinct().Count() > 1000);
    }

    [Fact]
    public void Gradients_through_the_layer_match_finite_differences()
    {
        var layer = new Linear(4, 3);
        ModuleGradCheck.Passes(layer, TensorAssert.Random(2, 2, 4));
        // The same function written with ops, w.r.t. x, W and b together.
        TensorAssert.Passes(GradCheck.Check(xs => xs[0].MatMul(xs[1].T) + xs[2],
            [TensorAssert.Random(3, 2, 4), layer.Weight, layer.Bias!]));
    }

    [Fact]
    public void A_wrong_input_size_names_the_expected_and_the_actual_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(4, 3).Forward(Tensor.Zeros(2, 5)));
        Assert.Contains("4", e.Message);
        Assert.Contains("[2, 5]", e.Message);
    }
}
