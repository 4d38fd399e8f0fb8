// Activation forward values against System.Math and MathNet's erf, and the softmax family's
// normalisation and numerical stability.
using MathNet.Numerics;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Ops;

public class ActivationTests
{
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Op, Func<double, double> Reference, float Low, float High)> activations = new()
    {
        ["ReLU"] = (x => x.ReLU(), v => Math.Max(v, 0), -5, 5),
        ["LeakyReLU"] = (x => x.LeakyReLU(0.2f), v => v > 0 ? v : 0.2 * v, -5, 5),
        ["LeakyReLU default"] = (x => x.LeakyReLU(), v => v > 0 ? v : 0.01 * v, -5, 5),
        ["Sigmoid"] = (x => x.Sigmoid(), v => 1 / (1 + Math.Exp(-v)), -30, 30),
        ["Tanh"] = (x => x.Tanh(), Math.Tanh, -10, 10),
        ["GELU"] = (x => x.GELU(), v => v * 0.5 * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2))), -6, 6),
        ["GELU near 0"] = (x => x.GELU(), v => v * 0.5 * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2))), -0.5f, 0.5f),
    };

    public static TheoryData<string> Names => new(activations.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Activation_matches_System_Math(string name)
    {
        var (op, reference, low, high) = activations[name];
        float[] xv = Values(301, name.Length, low, high);
        (xv[0], xv[1], xv[2]) = (low, high, 0);
        Close(xv.Select(v => (float)reference(v)).ToArray(), op(Tensor.FromArray(xv, 7, 43)).ToArray(), atol: 1e-6, rtol: 4e-6);
        var transposed = Tensor.FromArray(xv, 43, 7).T;
        Close(transposed.ToArray().Select(v => (float)reference(v)).ToArray(), op(transposed).ToArray(), atol: 1e-6, rtol: 4e-6);
    }

    [Fact]
    public void Sigmoid_and_Tanh_saturate_without_nan_at_extreme_inputs()
    {
        var x = Tensor.FromArray([-1000, -100, 100, 1000, float.MaxValue, -float.MaxValue]);
        Assert.Equal([0, 0, 1, 1, 1, 0], x.Sigmoid().ToArray());
        Assert.Equal([-1, -1, 1, 1, 1, -1], x.Tanh().ToArray());
        Assert.Equal([0, 0, 100, 1000, float.MaxValue, 0], x.GELU().ToArray());
    }

    [Fact]
    public void Softmax_rows_sum_to_one()
    {
        var x = Between(1, -4, 4, 5, 7);
        var rows = x.Softmax().ToArray();
        for (int r = 0; r < 5; r++)
            Assert.Equal(1.0, rows.Skip(r * 7).Take(7).Sum(v => (double)v), 1e-6);
        var columns = x.Softmax(0);
        Close(Enumerable.Repeat(1f, 7).ToArray(), columns.Sum(0).ToArray(), atol: 1e-6);
        Assert.All(rows, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Softmax_matches_the_formula()
    {
        float[] xv = Values(3 * 4 * 5, 2, -3, 3);
        var x = Tensor.FromArray(xv, 3, 4, 5);
        var y = x.Softmax(1).ToArray();
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 5; k++)
            {
                double denominator = 0;
                for (int j = 0; j < 4; j++) denominator += Math.Exp(xv[(i * 4 + j) * 5 + k]);
                for (int j = 0; j < 4; j++)
                    Assert.Equal(Math.Exp(xv[(i * 4 + j) * 5 + k]) / denominator, y[(i * 4 + j) * 5 + k], 1e-6);
            }
    }

    [Fact]
    public void Softmax_is_stable_for_large_inputs()
    {
        var big = Tensor.FromArray([1000, 1001, 1002, -1000, -1001, -1002], 2, 3).Softmax();
        var small = Tensor.FromArray([0, 1, 2, 0, -1, -2], 2, 3).Softmax();
        Assert.All(big.ToArray(), v => Assert.True(float.IsFinite(v)));
        Close(small.ToArray(), big.ToArray(), atol: 1e-6);
        Close([0.5f, 0.5f], Tensor.FromArray([88, 88]).Softmax().ToArray(), atol: 1e-7); // e⁸⁸ alone overflows float32
    }

    [Fact]
    public void Softmax_of_a_transposed_input_matches_the_copied_input()
    {
        var x = Between(3, -2, 2, 6, 4);
        Close(x.T.Contiguous().Softmax().ToArray(), x.T.Softmax().ToArray(), atol: 1e-7);
    }

    [Fact]
    public void LogSoftmax_matches_log_of_softmax_and_is_stable()
    {
        var x = Between(4, -3, 3, 4, 6);
        Close(x.Softmax().Log().ToArray(), x.LogSoftmax().ToArray(), atol: 1e-5);
        var y = Tensor.FromArray([1000, 0, -1000]).LogSoftmax().ToArray();
        Close([0, -1000, -2000], y, atol: 1e-3);
        var tiny = Tensor.FromArray([0, -200], 1, 2).LogSoftmax(1).ToArray(); // softmax underflows to 0 here, LogSoftmax does not
        Close([0, -200], tiny, atol: 1e-4);
        Assert.True(float.IsFinite(tiny[1]));
    }
}
