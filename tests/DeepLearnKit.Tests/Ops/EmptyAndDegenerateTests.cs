// Where PyTorch defines an answer for empty tensors and degenerate statistics, DeepLearnKit gives the same one:
// NaN for a mean or variance of nothing, empty results for ops over an empty batch, tanh(0) exactly 0.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.Ops;

public class EmptyAndDegenerateTests
{
    [Fact]
    public void Var_and_Std_with_no_degrees_of_freedom_are_NaN_as_in_PyTorch()
    {
        var one = Tensor.FromArray([3f]);
        Assert.True(float.IsNaN(one.Var().Item()));
        Assert.True(float.IsNaN(one.Std().Item()));
        Assert.Equal(0f, one.Var(correction: 0).Item());
        var rows = Tensor.FromArray([1, 2, 3, 4], 2, 2);
        Assert.All(rows.Var(1, correction: 2).ToArray(), v => Assert.Equal(float.PositiveInfinity, v)); // Σ(x − x̄)² / 0
        Assert.All(Tensor.Full(5, 2, 2).Std(1, correction: 2).ToArray(), v => Assert.True(float.IsNaN(v))); // 0 / 0
    }

    [Fact]
    public void Mean_Var_and_CrossEntropy_of_nothing_are_NaN_as_in_PyTorch()
    {
        Assert.True(float.IsNaN(Tensor.Zeros(0).Mean().Item()));
        Assert.True(float.IsNaN(Tensor.Zeros(0).Var().Item()));
        Assert.All(Tensor.Zeros(2, 0).Mean(1).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(0f, Tensor.Zeros(0).Sum().Item());
        Assert.True(float.IsNaN(Loss.CrossEntropy(Tensor.Zeros(0, 3), Tensor.Zeros(0)).Item()));
    }

    [Fact]
    public void ArgMax_along_a_non_empty_dim_of_an_empty_tensor_is_empty()
    {
        Assert.Equal([0], Tensor.Zeros(0, 3).ArgMax(1).Shape);
        Assert.Equal([0, 1], Tensor.Zeros(0, 3).ArgMin(1, keepDim: true).Shape);
        Assert.Contains("ArgMax", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).ArgMax(0)).Message);
        Assert.Contains("ArgMax", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).ArgMax()).Message);
    }

    [Fact]
    public void Softmax_of_an_empty_tensor_is_empty()
    {
        var x = Tensor.Zeros(0, 3).RequireGrad();
        var y = x.Softmax(0);
        Assert.Equal([0, 3], y.Shape);
        Assert.Equal([0, 3], x.LogSoftmax(0).Shape);
        Assert.Equal([0, 3], x.Softmax(1).Shape);
        y.Sum().Backward();
        Assert.Equal([0, 3], x.Grad!.Shape);
    }

    [Fact]
    public void Tanh_is_exactly_odd_and_zero_at_zero_at_every_length()
    {
        for (int n = 1; n <= 40; n++)
        {
            var x = Tensor.Zeros(n);
            Assert.All(x.Tanh().ToArray(), v => Assert.Equal(0f, v));
        }
        var values = Enumerable.Range(-4000, 8001).Select(i => i * 0.00125f).Concat([1e-6f, -1e-6f, 3e-3f, 30f, -30f]).ToArray();
        var y = Tensor.FromArray(values).Tanh().ToArray();
        var minus = Tensor.FromArray(values.Select(v => -v).ToArray()).Tanh().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            double expected = Math.Tanh(values[i]);
            Assert.True(Math.Abs(y[i] - expected) <= 4.2e-7 * Math.Max(Math.Abs(expected), 1e-30) + 1e-45,
                $"tanh({values[i]}) = {y[i]}, expected {expected}");
            Assert.Equal(-y[i], minus[i]);
        }
        Assert.True(float.IsNaN(Tensor.FromArray(Enumerable.Repeat(float.NaN, 9).ToArray()).Tanh().ToArray()[0]));
    }
}
