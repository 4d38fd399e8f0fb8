// Graded exercises: a chapter's checker cell ends with Exercise.Check("03.1", () => Verdict.Close(...)); the value it
// returns draws itself as "right" or "not yet" with the reason, and never throws, so Run All goes on.
using System.Text.RegularExpressions;

namespace DeepLearnKit.Formatters;

/// <summary>
/// What a checker decided about a learner's answer: <see cref="Right"/> or not yet, with <see cref="Why"/>, and what was
/// expected and what came when the answer was compared with something.
/// </summary>
/// <param name="Right">True when the answer is accepted.</param>
/// <param name="Why">One sentence a learner can act on: what was checked, and what is wrong when it is not right.</param>
/// <param name="Expected">What the checker expected, as text (null when nothing was compared).</param>
/// <param name="Actual">What the learner's code gave, as text (null when nothing was compared).</param>
public sealed record Verdict(bool Right, string Why, string? Expected = null, string? Actual = null)
{
    /// <summary>An accepted answer.</summary>
    public static Verdict Pass(string why) => new(true, why);

    /// <summary>An answer not accepted yet.</summary>
    public static Verdict NotYet(string why, string? expected = null, string? actual = null) => new(false, why, expected, actual);

    /// <summary>Right when <paramref name="condition"/> holds: <paramref name="right"/> says why, <paramref name="notYet"/> what is missing.</summary>
    public static Verdict When(bool condition, string right, string notYet) => condition ? Pass(right) : NotYet(notYet);

    /// <summary>
    /// Compares two numbers the way <c>torch.allclose</c> does: right when |actual − expected| ≤ atol + rtol·|expected|.
    /// NaN or an infinity in <paramref name="actual"/> is never right.
    /// </summary>
    /// <param name="what">The name of the answer in the learner's words (e.g. "∂L/∂w").</param>
    /// <param name="expected">The right value.</param>
    /// <param name="actual">The learner's value.</param>
    /// <param name="atol">The absolute tolerance.</param>
    /// <param name="rtol">The tolerance relative to |expected|.</param>
    public static Verdict Close(string what, double expected, double actual, double atol = 1e-5, double rtol = 1e-4)
    {
        double gap = Math.Abs(actual - expected);
        bool right = double.IsFinite(actual) && gap <= atol + rtol * Math.Abs(expected);
        string tolerance = $"|difference| ≤ {Html.Number(atol)} + {Html.Number(rtol)}·|expected|";
        return right
            ? Pass($"{what} is {Html.Number(actual)}, as expected ({tolerance}).")
            : NotYet($"{what} is off by {Html.Number(gap)}; the check allows {tolerance}.", Html.Number(expected), Html.Number(actual));
    }

    /// <summary>
    /// <see cref="Close(string, double, double, double, double)"/> for float and whole-number arguments
    /// (<c>Verdict.Close("count", 9, n)</c>), which would otherwise be ambiguous with the tensor overload.
    /// </summary>
    public static Verdict Close(string what, float expected, float actual, double atol = 1e-5, double rtol = 1e-4) =>
        Close(what, (double)expected, (double)actual, atol, rtol);

    /// <summary>
    /// Compares two tensors element by element like <c>torch.allclose</c>: the shapes must be equal, and every element must
    /// satisfy |actual − expected| ≤ atol + rtol·|expected|. The reason names the shapes or the worst element.
    /// </summary>
    public static Verdict Close(string what, Tensor expected, Tensor? actual, double atol = 1e-5, double rtol = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) return NotYet($"{what} is null.", Html.Shape(expected.Shape), "null");
        if (!expected.Shape.SequenceEqual(actual.Shape))
            return NotYet($"{what} has shape {Html.Shape(actual.Shape)}; expected shape {Html.Shape(expected.Shape)}.",
                Html.Shape(expected.Shape), Html.Shape(actual.Shape));
        float[] want = expected.ToArray(), got = actual.ToArray();
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double gap = Math.Abs((double)got[i] - want[i]);
            double excess = float.IsFinite(got[i]) ? gap - (atol + rtol * Math.Abs(want[i])) : double.PositiveInfinity;
            if (excess > worstExcess) (worst, worstExcess) = (i, excess);
        }
        string tolerance = $"|difference| ≤ {Html.Number(atol)} + {Html.Number(rtol)}·|expected| in every element";
        if (worst < 0) return Pass($"{what} matches ({want.Length} elements, {tolerance}).");
        string index = Html.Shape(Unravel(worst, expected.Shape));
        return NotYet($"{what}{index} is {Html.Number(got[worst])}, expected {Html.Number(want[worst])}; the check allows {tolerance}.",
            Preview(want), Preview(got));
    }

    /// <summary>Right when <paramref name="actual"/> equals <paramref name="expected"/> (<see cref="EqualityComparer{T}.Default"/>).</summary>
    public static Verdict Equal<T>(string what, T expected, T actual) =>
        EqualityComparer<T>.Default.Equals(expected, actual)
            ? Pass($"{what} is {actual}, as expected.")
            : NotYet($"{what} is {actual?.ToString() ?? "null"}; expected {expected}.", expected?.ToString(), actual?.ToString() ?? "null");

    /// <summary>Right when <paramref name="actual"/> ≥ <paramref name="floor"/> (an accuracy against the floor a chapter states).</summary>
    public static Verdict AtLeast(string what, double floor, double actual) =>
        actual >= floor
            ? Pass($"{what} is {Html.Number(actual)}, at least {Html.Number(floor)}.")
            : NotYet($"{what} is {Html.Number(actual)}; it must be at least {Html.Number(floor)}.", $"≥ {Html.Number(floor)}", Html.Number(actual));

    /// <summary>Right when <paramref name="actual"/> ≤ <paramref name="ceiling"/> (a loss against the ceiling a chapter states).</summary>
    public static Verdict AtMost(string what, double ceiling, double actual) =>
        actual <= ceiling
            ? Pass($"{what} is {Html.Number(actual)}, at most {Html.Number(ceiling)}.")
            : NotYet($"{what} is {Html.Number(actual)}; it must be at most {Html.Number(ceiling)}.", $"≤ {Html.Number(ceiling)}", Html.Number(actual));

    /// <summary>The first verdict that is not right, or one right verdict joining every reason.</summary>
    public static Verdict All(params Verdict[] verdicts)
    {
        ArgumentOutOfRangeException.ThrowIfZero(verdicts.Length);
        return verdicts.FirstOrDefault(v => !v.Right) ?? Pass(string.Join(" ", verdicts.Select(v => v.Why)));
    }

    private static int[] Unravel(int flat, IReadOnlyList<int> shape)
    {
        var index = new int[shape.Count];
        for (int d = shape.Count - 1; d >= 0; d--) { index[d] = flat % shape[d]; flat /= shape[d]; }
        return index;
    }

    private static string Preview(float[] values) =>
        "[" + string.Join(", ", values.Take(6).Select(v => Html.Number(v))) + (values.Length > 6 ? ", …" : "") + "]";
}

/// <summary>
/// The outcome of one exercise's checker cell. It draws itself as a green "right" or an amber "not yet" box with the
/// reason; its text form is one line, <c>[exercise 03.1] right: …</c> or <c>[exercise 03.1] not yet: …</c>, and its HTML
/// carries <c>data-dlk-exercise</c> and <c>data-dlk-verdict</c>, which is how <c>dlk grade</c> reads a saved notebook.
/// </summary>
/// <param name="Exercise">The exercise's id, chapter and number: "03.1".</param>
/// <param name="Verdict">What the checker decided.</param>
public sealed partial record ExerciseResult(string Exercise, Verdict Verdict)
{
    /// <summary>"right" or "not yet", as the text and HTML forms write it.</summary>
    public string Outcome => Verdict.Right ? "right" : "not yet";

    /// <summary>The HTML attribute of the verdict box that holds the exercise id.</summary>
    public const string ExerciseAttribute = "data-dlk-exercise";

    /// <summary>The HTML attribute of the verdict box that holds <see cref="Outcome"/>.</summary>
    public const string VerdictAttribute = "data-dlk-verdict";

    /// <inheritdoc/>
    public override string ToString() =>
        $"[exercise {Exercise}] {Outcome}: {Verdict.Why}" +
        (Verdict.Right || Verdict.Expected is null ? "" : $" (expected {Verdict.Expected}, got {Verdict.Actual})");

    /// <summary>
    /// Reads back the text form <see cref="ToString"/> writes: true when <paramref name="text"/> is one verdict line,
    /// with its exercise id, whether it said "right", and the rest of the line (the reason, and expected / got).
    /// </summary>
    public static bool TryReadText(string text, out string exercise, out bool right, out string why)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = TextLine().Match(text.Trim());
        (exercise, right, why) = line.Success
            ? (line.Groups["id"].Value, line.Groups["outcome"].Value == "right", line.Groups["why"].Value.Trim())
            : ("", false, "");
        return line.Success;
    }

    [GeneratedRegex(@"^\[exercise (?<id>[^\]]+)\] (?<outcome>right|not yet): (?<why>.*)$", RegexOptions.Singleline)]
    private static partial Regex TextLine();
}

/// <summary>Runs exercise checkers: <c>Exercise.Check("02.1", () => Verdict.Close("∂L/∂w", expected, MyGradient(w, x)))</c>.</summary>
public static class Exercise
{
    /// <summary>
    /// Runs <paramref name="check"/> and returns its verdict for <paramref name="exercise"/>. It never throws: when the
    /// learner's code throws (a stub's <see cref="NotImplementedException"/>, a shape error), the verdict is "not yet"
    /// and says what was thrown, so the notebook's later cells still run.
    /// </summary>
    /// <param name="exercise">The exercise's id, chapter and number ("03.1"), matching the cell metadata <c>dlk.exercise</c>.</param>
    /// <param name="check">Calls the learner's answer and compares it with the expected result.</param>
    public static ExerciseResult Check(string exercise, Func<Verdict> check)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(exercise);
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            return new ExerciseResult(exercise, check());
        }
        catch (NotImplementedException)
        {
            return new ExerciseResult(exercise, Verdict.NotYet("the answer is still the stub: replace `throw new NotImplementedException()` with your code."));
        }
        catch (Exception e)
        {
            return new ExerciseResult(exercise, Verdict.NotYet($"your code threw {e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>The HTML of <paramref name="result"/>: a box coloured by the outcome, with the reason and expected / got.</summary>
    public static string ToHtml(ExerciseResult result, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (border, background, mark) = result.Verdict.Right ? ("#2e7d32", "#e8f5e9", "✔") : ("#b26a00", "#fff8e1", "…");
        string heading = Html.Encode(title ?? $"Exercise {result.Exercise}") + $": {mark} {result.Outcome}";
        string comparison = result.Verdict.Right || result.Verdict.Expected is null ? "" :
            $"<table style=\"margin-top:4px;border-collapse:collapse\"><tr><td style=\"padding-right:8px\">expected</td><td><code>{Html.Encode(result.Verdict.Expected)}</code></td></tr>" +
            $"<tr><td style=\"padding-right:8px\">got</td><td><code>{Html.Encode(result.Verdict.Actual ?? "")}</code></td></tr></table>";
        return $"<div class=\"dlk-exercise\" {ExerciseResult.ExerciseAttribute}=\"{Html.Encode(result.Exercise)}\" {ExerciseResult.VerdictAttribute}=\"{result.Outcome}\" " +
               $"style=\"border-left:4px solid {border};background:{background};padding:6px 10px;font-family:sans-serif;max-width:900px\">" +
               $"<strong>{heading}</strong><div>{Html.Encode(result.Verdict.Why)}</div>{comparison}</div>";
    }
}
