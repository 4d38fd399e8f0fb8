// Exercise checkers: a stub or a wrong answer is "not yet" with the reason, a right one is "right", nothing throws,
// and both forms (text line, HTML attributes) carry the verdict that dlk grade reads.
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class ExerciseTests : IDisposable
{
    public ExerciseTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    private static Tensor Expected => Tensor.FromArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });

    [Fact]
    public void A_stub_that_throws_is_not_yet_and_says_it_is_the_stub()
    {
        Tensor Stub() => throw new NotImplementedException();
        var result = Exercise.Check("03.1", () => Verdict.Close("y", Expected, Stub()));
        Assert.False(result.Verdict.Right);
        Assert.Equal("not yet", result.Outcome);
        Assert.Contains("stub", result.Verdict.Why);
        Assert.StartsWith("[exercise 03.1] not yet: ", result.ToString());
    }

    [Fact]
    public void Any_other_exception_from_the_learners_code_is_not_yet_naming_it()
    {
        var result = Exercise.Check("03.2", () => Verdict.Close("y", Expected, Expected.MatMul(Expected)));
        Assert.False(result.Verdict.Right);
        Assert.Contains("threw", result.Verdict.Why);
        Assert.Contains("MatMul", result.Verdict.Why);
    }

    [Fact]
    public void A_tensor_within_tolerance_is_right_and_one_element_outside_is_named_with_its_index()
    {
        Assert.True(Verdict.Close("y", Expected, Expected + 5e-6f).Right);
        var wrong = Expected.Clone();
        wrong[1, 2] = Tensor.Scalar(6.01f);
        var verdict = Verdict.Close("y", Expected, wrong);
        Assert.False(verdict.Right);
        Assert.Contains("y[1, 2] is 6.01, expected 6", verdict.Why);
    }

    [Fact]
    public void The_tolerance_is_atol_plus_rtol_times_the_expected_magnitude()
    {
        // |a − e| ≤ 1e-5 + 1e-4·|e|: for e = 1000 the bound is 0.10001.
        Assert.True(Verdict.Close("x", 1000.0, 1000.1).Right);
        Assert.False(Verdict.Close("x", 1000.0, 1000.11).Right);
        Assert.False(Verdict.Close("x", 0.0, double.NaN).Right);
        Assert.False(Verdict.Close("x", 1.0, double.PositiveInfinity).Right);
        // Whole numbers and floats pick the number overload, not the tensor one.
        Assert.True(Verdict.Close("n", 9, 9).Right);
        Assert.False(Verdict.Close("x", 2f, 2.01f).Right);
    }

    [Fact]
    public void A_wrong_shape_is_not_yet_and_names_both_shapes()
    {
        var verdict = Verdict.Close("logits", Expected, Expected.Reshape(3, 2));
        Assert.False(verdict.Right);
        Assert.Contains("[3, 2]", verdict.Why);
        Assert.Contains("[2, 3]", verdict.Why);
        Assert.False(Verdict.Close("logits", Expected, null).Right);
    }

    [Fact]
    public void All_is_the_first_failing_verdict_or_right()
    {
        var failing = Verdict.NotYet("second");
        Assert.Same(failing, Verdict.All(Verdict.Pass("first"), failing, Verdict.NotYet("third")));
        Assert.True(Verdict.All(Verdict.Pass("a"), Verdict.AtLeast("accuracy", 0.88, 0.9), Verdict.AtMost("loss", 0.5, 0.4)).Right);
        Assert.False(Verdict.AtLeast("accuracy", 0.88, 0.87).Right);
        Assert.False(Verdict.Equal("count", 3, 4).Right);
    }

    [Fact]
    public void The_html_and_text_carry_the_exercise_and_its_verdict()
    {
        var right = Exercise.Check("02.1", () => Verdict.Pass("∂L/∂w matches autograd."));
        string html = HtmlOf(right);
        Assert.Contains("data-dlk-exercise=\"02.1\"", html);
        Assert.Contains("data-dlk-verdict=\"right\"", html);
        Assert.Equal("[exercise 02.1] right: ∂L/∂w matches autograd.", TextOf(right));

        var notYet = Exercise.Check("02.2", () => Verdict.Equal("n", 1, 2));
        Assert.Contains("data-dlk-verdict=\"not yet\"", HtmlOf(notYet));
        Assert.Contains("<code>1</code>", HtmlOf(notYet));
        Assert.Equal("[exercise 02.2] not yet: n is 2; expected 1. (expected 1, got 2)", TextOf(notYet));
    }

    [Fact]
    public void The_text_line_reads_back_as_the_exercise_its_outcome_and_the_rest_of_the_line()
    {
        var notYet = Exercise.Check("02.2", () => Verdict.Equal("n", 1, 2));
        Assert.True(ExerciseResult.TryReadText(notYet.ToString(), out string id, out bool right, out string why));
        Assert.Equal(("02.2", false, "n is 2; expected 1. (expected 1, got 2)"), (id, right, why));

        Assert.True(ExerciseResult.TryReadText("[exercise 10.3] right: the head is trained", out id, out right, out why));
        Assert.Equal(("10.3", true, "the head is trained"), (id, right, why));

        Assert.False(ExerciseResult.TryReadText("[exercise 10.3] maybe: unsure", out _, out _, out _));
        Assert.False(ExerciseResult.TryReadText("exercise 10.3 right: no brackets", out _, out _, out _));
    }
}
