// GradCheck's result draws itself with the test it applied and the worst element, green when it passed, red when not.
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class GradCheckPictureTests : IDisposable
{
    public GradCheckPictureTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    [Fact]
    public void A_passed_check_shows_L_the_test_and_the_worst_elements_two_gradients()
    {
        // L = w² at w = 3: both gradients are 6.
        var result = GradCheck.Check(w => w.Square().Sum(), Tensor.FromArray([3f], 1));
        string html = HtmlOf(result);
        Assert.Contains("data-dlk-passed=\"true\"", html);
        Assert.Contains("GradCheck: ∂L/∂x vs central differences: passed", html);
        Assert.Contains("L = f(x); test |analytic − numeric| ≤ 0.001 + 0.001·|numeric| + ", html);
        Assert.Contains("all 1 elements pass", html);
        Assert.Contains("<td style=\"padding-right:10px\">analytic (Backward)</td><td><code>6</code>", html);
        Assert.Equal(result.ToString(), TextOf(result));
    }

    [Fact]
    public void A_failed_check_is_red_and_counts_the_elements_that_broke_the_test()
    {
        var wrong = GradCheck.Check(t => (t * t.Detach()).Sum(), Tensor.FromArray([1f, 2f, 3f]));   // autograd misses a term
        string html = DeepLearnKitFormatters.ToHtml(wrong, "x ⊙ detach(x)")!;
        Assert.Contains("data-dlk-passed=\"false\"", html);
        Assert.Contains("x ⊙ detach(x): FAILED", html);
        Assert.Contains("3 of 3 elements fail", html);
        Assert.Contains("#c62828", html);
    }
}
