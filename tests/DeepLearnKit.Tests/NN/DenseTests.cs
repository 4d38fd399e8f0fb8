// Keras' Dense layer: its forward against x·Wᵀ + b and the activation written as loops, Keras' initialisation,
// input size learnt on the first call, and its errors.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class DenseTests
{
    [Theory]
    [InlineData(Activation.None)]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Softmax)]
    [InlineData(Activation.GELU)]
    public void Forward_is_the_activation_of_x_times_W_transposed_plus_b(Activation activation)
    {
        var layer = new Dense(3, activation, inFeatures: 4);
        using (Tensor.NoGrad())
        {
            layer.Weight!.CopyFrom(TensorAssert.Random(1, 3, 4));
            layer.Bias!.CopyFrom(TensorAssert.Random(2, 3));
        }
        var x = TensorAssert.Random(3, 2, 4);
        float[] w = layer.Weight!.ToArray(), b = layer.Bias!.ToArray(), xs = x.ToArray();
        var expected = new float[6];
        for (int n = 0; n < 2; n++)
        {
            var z = new double[3];
            for (int o = 0; o < 3; o++)
            {
                z[o] = b[o];
                for (int i = 0; i < 4; i++) z[o] += xs[n * 4 + i] * w[o * 4 + i];
            }
            double sum = z.Sum(Math.Exp);
            for (int o = 0; o < 3; o++)
                expected[n * 3 + o] = (float)(activation switch
                {
                    Activation.None => z[o],
                    Activation.ReLU => Math.Max(z[o], 0),
                    Activation.Sigmoid => 1 / (1 + Math.Exp(-z[o])),
                    Activation.Tanh => Math.Tanh(z[o]),
                    Activation.Softmax => Math.Exp(z[o]) / sum,
                    _ => z[o] * 0.5 * (1 + MathNet.Numerics.SpecialFunctions.Erf(z[o] / Math.Sqrt(2))),
                });
        }
        TensorAssert.Close([2, 3], expected, layer.Call(x), atol: 1e-5);
    }

    [Fact]
    public void Weights_are_Glorot_uniform_and_biases_zero_as_Keras_initialises_them()
    {
        var layer = new Dense(200, inFeatures: 300);
        double limit = Math.Sqrt(6.0 / (300 + 200));
        var w = layer.Weight!.ToArray();
        Assert.All(w, v => Assert.InRange(v, -limit, limit));
        Assert.InRange(w.Max(), 0.99 * limit, limit); // 60 000 draws reach the bound
        Assert.InRange(w.Average(v => (double)v * v), limit * limit / 3 * 0.97, limit * limit / 3 * 1.03); // U[−a, a]: E[w²] = a²/3
        Assert.All(layer.Bias!.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Without_in_features_the_first_call_creates_the_parameters()
    {
        var layer = new Dense(5, Activation.ReLU);
        Assert.False(layer.IsBuilt);
        Assert.Empty(layer.Parameters());
        Assert.Equal("Dense(?→5, ReLU)", layer.ToString());
        var y = layer.Call(Tensor.Ones(2, 7));
        Assert.Equal([2, 5], y.Shape);
        Assert.Equal(7, layer.InFeatures);
        Assert.Equal([5, 7], layer.Weight!.Shape);
        Assert.Equal(40, layer.ParameterCount());
        Assert.Equal("Dense(7→5, ReLU)", layer.ToString());
        var error = Assert.Throws<ArgumentException>(() => layer.Call(Tensor.Ones(2, 6)));
        Assert.Contains("Dense: expected an input with last dimension 7", error.Message);
        Assert.Contains("[2, 6]", error.Message);
    }

    [Fact]
    public void Build_runs_one_call_of_zeros_so_a_summary_and_an_optimizer_see_the_parameters()
    {
        var model = new Sequential(new Dense(4, Activation.ReLU), new Dense(1, Activation.Sigmoid, bias: false));
        model.Build(3);
        Assert.Equal(["0.weight", "0.bias", "1.weight"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(3 * 4 + 4 + 4, model.ParameterCount());
        Assert.True(model.IsTraining); // restored
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0));
    }
}
