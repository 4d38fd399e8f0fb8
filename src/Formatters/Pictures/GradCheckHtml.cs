// GradCheck's result as a learner reads it: passed or failed, what was differentiated, the test with its numbers, and
// the worst element's analytic and numeric gradients side by side.
namespace DeepLearnKit.Formatters.Pictures;

/// <summary>Draws a <see cref="GradCheckResult"/>.</summary>
public static class GradCheckHtml
{
    /// <summary>
    /// A box, green when the check passed and red when it failed, titled with <paramref name="title"/> or
    /// "GradCheck: ∂L/∂x vs central differences", stating L, the test
    /// <c>|analytic − numeric| ≤ atol + rtol·|numeric| + floor</c> with its numbers, how many elements broke it, and the
    /// worst element.
    /// </summary>
    public static string Render(GradCheckResult result, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (border, background, outcome) = result.Passed ? ("#2e7d32", "#e8f5e9", "passed") : ("#c62828", "#ffebee", "FAILED");
        string heading = Html.Encode(title ?? "GradCheck: ∂L/∂x vs central differences") + $": {outcome}";
        string count = result.Passed ? $"all {result.Elements} elements pass" : $"{result.Failures} of {result.Elements} elements fail";
        double allowed = result.Atol + result.Rtol * Math.Abs(result.Numeric) + result.RoundingFloor;
        string Row(string name, string value) =>
            $"<tr><td style=\"padding-right:10px\">{Html.Encode(name)}</td><td><code>{Html.Encode(value)}</code></td></tr>";
        return $"<div class=\"dlk-gradcheck\" data-dlk-passed=\"{(result.Passed ? "true" : "false")}\" " +
               $"style=\"border-left:4px solid {border};background:{background};padding:6px 10px;font-family:sans-serif;max-width:900px\">" +
               $"<strong>{heading}</strong>" +
               $"<div>{Html.Encode($"{result.Of}; test |analytic − numeric| ≤ {Html.Number(result.Atol)} + {Html.Number(result.Rtol)}·|numeric| + {Html.Number(result.RoundingFloor)} (float32 rounding of L): {count}.")}</div>" +
               "<table style=\"margin-top:4px;border-collapse:collapse\">" +
               Row("worst element", $"input {result.WorstInput}, element {result.WorstElement}") +
               Row("analytic (Backward)", Html.Number(result.Analytic)) +
               Row("numeric (L(x+ε) − L(x−ε)) / 2ε", Html.Number(result.Numeric)) +
               Row("|difference| / allowed", $"{Html.Number(result.MaxAbsError)} / {Html.Number(allowed)}") +
               "</table></div>";
    }
}
