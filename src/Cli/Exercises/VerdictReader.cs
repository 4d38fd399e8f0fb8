// Reads a checker cell's verdict back from its outputs: the text/plain line "[exercise 03.1] right: …" that
// ExerciseResult writes (and ExerciseResult.TryReadText reads), or, in HTML only, the data-dlk-exercise / data-dlk-verdict attributes of its box.
using System.Net;
using System.Text.RegularExpressions;
using DeepLearnKit.Cli.Execution;
using DeepLearnKit.Formatters;

namespace DeepLearnKit.Cli.Exercises;

/// <summary>What a checker cell said about one exercise: right or not yet, and why.</summary>
/// <param name="Exercise">The exercise id the verdict names.</param>
/// <param name="Right">True for "right".</param>
/// <param name="Why">The checker's reason (and expected / got when it compared values).</param>
public sealed record ReadVerdict(string Exercise, bool Right, string Why);

/// <summary>Finds the verdict of exercise <c>id</c> among a cell's outputs.</summary>
public static partial class VerdictReader
{
    /// <summary>
    /// The verdict for <paramref name="exercise"/> in <paramref name="outputs"/> (the last one when there are several),
    /// or null when the cell showed none (it failed to compile, threw, or never called <c>Exercise.Check</c>). A
    /// verdict for another exercise id is not taken for this one.
    /// </summary>
    public static ReadVerdict? Read(string exercise, IReadOnlyList<CellOutput> outputs)
    {
        ReadVerdict? found = null;
        foreach (var output in outputs)
        {
            if (output is not DisplayOutput display) continue;
            if (display.Data.TryGetValue("text/plain", out string? text) && FromText(exercise, text) is { } fromText) found = fromText;
            else if (display.Data.TryGetValue("text/html", out string? html) && FromHtml(exercise, html) is { } fromHtml) found = fromHtml;
        }
        return found;
    }

    private static ReadVerdict? FromText(string exercise, string text) =>
        ExerciseResult.TryReadText(text, out string id, out bool right, out string why) && id == exercise ? new ReadVerdict(exercise, right, why) : null;

    private static ReadVerdict? FromHtml(string exercise, string html)
    {
        foreach (Match box in HtmlBox().Matches(html))
        {
            if (WebUtility.HtmlDecode(box.Groups["id"].Value) != exercise) continue;
            // The box's heading ("Exercise 03.1: ✔ right") repeats the verdict; the reason and expected / got follow it.
            string body = Heading().Replace(html[(box.Index + box.Length)..], "", 1);
            string why = WebUtility.HtmlDecode(Tags().Replace(body, " ")).Trim();
            return new ReadVerdict(exercise, box.Groups["outcome"].Value == "right", Regex.Replace(why, @"\s+", " "));
        }
        return null;
    }

    [GeneratedRegex(ExerciseResult.ExerciseAttribute + "=\"(?<id>[^\"]*)\" " + ExerciseResult.VerdictAttribute + "=\"(?<outcome>right|not yet)\"[^>]*>")]
    private static partial Regex HtmlBox();

    [GeneratedRegex("^\\s*<strong>.*?</strong>", RegexOptions.Singleline)]
    private static partial Regex Heading();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
