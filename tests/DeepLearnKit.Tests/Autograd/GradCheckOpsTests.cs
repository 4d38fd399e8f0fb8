// Every differentiable op's backward checked against central finite differences (GradCheck), on
// several shapes, with broadcasting, size-1 dims and non-contiguous operands; inputs sit away from
// the points where an op has a kink (0 for Abs/ReLU, ties for Max, Clamp's edges). The cases are the
// shared table in Devices/OpCases.cs, which the device op suite also runs on every device.
using DeepLearnKit.Tests.Devices;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Autograd;

public class GradCheckOpsTests
{
    private static readonly IReadOnlyDictionary<string, OpCase> cases = OpCases.All;

    public static TheoryData<string> CaseNames => OpCases.Names;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GradCheck_passes(string name)
    {
        var c = cases[name];
        Passes(GradCheck.Check(c.F, c.Inputs, atol: 1e-3, rtol: 1e-3));
    }

    [Fact]
    public void Every_op_family_has_cases()
    {
        string[] expected =
        [
            "Add", "Sub", "Mul", "Div", "Neg", "Exp", "Log", "Sqrt", "Pow", "Abs", "Clamp", "Maximum", "Minimum", "Where",
            "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax", "Sum", "Mean", "Max", "Min", "Var",
            "Std", "LogSumExp", "MatMul", "Reshape", "View", "Flatten", "Transpose", "T ", "Permute", "Squeeze",
            "Unsqueeze", "Expand", "Narrow", "Slice", "Select", "Indexer", "Cat", "Stack", "Split", "Chunk",
            "IndexSelect", "Gather", "To", "Clone", "Contiguous", "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d",
            "AdaptiveAvgPool2d", "LSTMCell", "GRU", "RNN", "AddMatMul", "Attention", "LayerNorm", "BatchNorm", "Loss.", "Erf",
            "Floor", "Sign",
        ];
        foreach (var op in expected) Assert.Contains(cases.Keys, k => k.StartsWith(op, StringComparison.Ordinal));
    }

    [Fact]
    public void GradCheck_fails_when_autograd_misses_a_term()
    {
        // x ⊙ detach(x): autograd sees only one factor, so it reports x where the true gradient is 2x.
        var x = Between(1, 0.5f, 1.5f, 3, 4);
        var result = GradCheck.Check(t => t * t.Detach(), x);
        Assert.False(result.Passed, result.ToString());
        Assert.True(result.MaxAbsError > 0.3, result.ToString());
        Assert.Contains("FAILED", result.ToString());
    }

    [Fact]
    public void GradCheck_fails_for_a_gradient_with_the_wrong_sign_on_one_input()
    {
        // a − b written as a + detach(2b) − b: the value is a + b but autograd gives ∂/∂b = −1 instead of +1.
        var a = Random(2, 2, 3);
        var b = Random(3, 2, 3);
        var result = GradCheck.Check(xs => xs[0] + 2f * xs[1].Detach() - xs[1], [a, b]);
        Assert.False(result.Passed, result.ToString());
        Assert.Equal(1, result.WorstInput);
    }

    [Fact]
    public void GradCheck_passes_and_reports_a_small_error_for_a_correct_gradient()
    {
        var result = GradCheck.Check(t => t * t, Random(4, 3, 4));
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.MaxAbsError < 1e-2, result.ToString());
    }

    [Fact]
    public void For_a_scalar_loss_GradCheck_reports_the_gradient_of_the_loss_itself()
    {
        // L = w² at w = 3: dL/dw = 2w = 6, by hand; no weighting of the output may change it.
        var result = GradCheck.Check(w => w.Square().Sum(), Tensor.FromArray([3f], 1));
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(6, result.Analytic, 1e-6);
        Assert.Equal(6, result.Numeric, 1e-3);
        Assert.Equal("L = f(x)", result.Of);
        Assert.Contains("analytic 6,", result.ToString());
    }

    [Fact]
    public void GradCheck_fails_a_small_gradient_that_is_a_quarter_wrong_and_a_unit_gradient_that_is_one_percent_wrong()
    {
        // x − detach(x) is 0 in value but 1 in gradient: each loss below has the value of its first term and a wrong backward.
        var x = Between(4, 0.5f, 1.5f, 3);
        var quarter = GradCheck.Check(t => (0.04f * t + 0.01f * (t - t.Detach())).Sum(), x);    // true 0.04, autograd 0.05
        Assert.False(quarter.Passed, quarter.ToString());
        Assert.Equal(0.05, quarter.Analytic, 1e-6);
        Assert.Equal(0.04, quarter.Numeric, 1e-4);
        Assert.Equal(3, quarter.Failures);
        var percent = GradCheck.Check(t => (t + 0.01f * (t - t.Detach())).Sum(), x);             // true 1, autograd 1.01
        Assert.False(percent.Passed, percent.ToString());
    }

    [Fact]
    public void GradCheck_states_its_test_and_what_it_differentiated()
    {
        var result = GradCheck.Check(t => t * t, Random(4, 3, 4));
        Assert.Equal(GradCheck.DefaultAtol, result.Atol);
        Assert.Equal(GradCheck.DefaultRtol, result.Rtol);
        Assert.Equal("L = Σ v ⊙ f(x)", result.Of);
        Assert.Equal(12, result.Elements);
        Assert.Contains("|analytic − numeric| ≤ 0.001 + 0.001·|numeric| + ", result.ToString());
    }

    [Fact]
    public void The_rounding_floor_grows_with_the_loss_and_shrinks_with_a_larger_step()
    {
        // L = 1000·Σx ≈ 12 000: ulp(L) = 2⁻¹⁰, so the floor 4·ulp / 2ε is about 2 with ε = 1e-3 and ten times less with ε = 1e-2.
        var x = Between(5, 0.5f, 1.5f, 4, 3);
        var small = GradCheck.Check(t => 1000f * t.Sum(), x);
        var wide = GradCheck.Check(t => 1000f * t.Sum(), x, eps: 1e-2);
        double ulp = (double)MathF.BitIncrement(1000f * x.Sum().Item()) - 1000f * x.Sum().Item();
        Assert.Equal(4 * ulp / 2e-3, small.RoundingFloor, 0.05 * small.RoundingFloor);
        Assert.Equal(small.RoundingFloor / 10, wide.RoundingFloor, 0.05 * wide.RoundingFloor);
        Assert.True(small.Passed && wide.Passed, small.ToString());
        // The mean of the same values has a small L and a small floor: a gradient 5% off (1/12 against 1.05/12) fails.
        var mean = GradCheck.Check(t => t.Mean() + 0.05f * (t.Mean() - t.Mean().Detach()), x);
        Assert.True(mean.RoundingFloor < 1e-3, mean.ToString());
        Assert.False(mean.Passed, mean.ToString());
    }
}

/// <summary>Dropout draws its mask from the shared Rng, so these tests reseed it and must not run beside others.</summary>
[Collection(SharedRngCollection.Name)]
public class DropoutGradCheckTests
{
    [Fact]
    public void GradCheck_passes_for_Dropout_with_the_Rng_reseeded_before_each_evaluation()
    {
        var result = GradCheck.Check(x =>
        {
            Rng.Seed(11);
            return x.Dropout(0.4f);
        }, Random(1, 3, 5));
        Passes(result);
    }

    [Fact]
    public void GradCheck_passes_for_Dropout_of_a_transposed_input()
    {
        var result = GradCheck.Check(x =>
        {
            Rng.Seed(12);
            return x.T.Dropout(0.5f).Exp();
        }, Random(2, 4, 3));
        Passes(result);
    }

    [Fact]
    public void Dropout_gradient_is_its_mask()
    {
        var x = Between(3, 0.5f, 1.5f, 40, 50).RequireGrad();
        var y = x.Dropout(0.3f);
        y.Sum().Backward();
        var mask = (y.Detach() / x.Detach()).ToArray();
        var grad = x.Grad!.ToArray();
        Close(mask, grad, atol: 1e-5);
        float keep = 1f / 0.7f;
        Assert.All(mask, m => Assert.True(m == 0 || Math.Abs(m - keep) < 1e-5, $"mask value {m}"));
        int zeros = mask.Count(m => m == 0);
        Assert.InRange(zeros, 2000 * 0.3 - 150, 2000 * 0.3 + 150);
    }

    [Fact]
    public void Dropout_is_the_identity_in_eval_mode_and_for_p_zero()
    {
        var x = Random(4, 3, 4).RequireGrad();
        Assert.Same(x, x.Dropout(0.5f, training: false));
        Assert.Same(x, x.Dropout(0f));
    }
}
