// Checks what a page's plotly charts show with JavaScript off (GitHub's and nbviewer's view): each chart's static SVG
// against its own figure JSON, which says what the chart must show — its title, axis titles, legend entries, category
// names (classes, tokens, parameters) and numeric ticks that fall inside the data and step evenly.
// Compiled into each test project that renders pages.
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace DeepLearnKit.Tests.Shared;

internal static partial class StaticCharts
{
    /// <summary>One chart of a page: its figure and the texts of its static SVG.</summary>
    public sealed record Chart(JsonElement Figure, string Svg)
    {
        public string Title => Figure.GetProperty("layout").TryGetProperty("title", out var t) ? t.GetProperty("text").GetString()! : "";

        public IReadOnlyList<string> Texts => TextElement().Matches(Svg).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

        /// <summary>The text of the elements inside the static SVG's group of <paramref name="cssClass"/>.</summary>
        public IReadOnlyList<string> TextsIn(string cssClass)
        {
            var group = Regex.Match(Svg, $"<g class=\"[^\"]*\\b{cssClass}\\b[^\"]*\"[^>]*>(.*?)</g>", RegexOptions.Singleline);
            return group.Success ? TextElement().Matches(group.Groups[1].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList() : [];
        }

        /// <summary>The text of the elements inside every group of <paramref name="cssClass"/> (the x axes of all subplots).</summary>
        public IReadOnlyList<string> TextsInAll(string cssClass) =>
            Regex.Matches(Svg, $"<g class=\"[^\"]*\\b{cssClass}\\b[^\"]*\"[^>]*>(.*?)</g>", RegexOptions.Singleline)
                .SelectMany(g => TextElement().Matches(g.Groups[1].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))).ToList();
    }

    /// <summary>Every chart in <paramref name="dom"/> (a page's DOM with scripts off): the figure JSON beside each static SVG.</summary>
    public static List<Chart> Read(string dom) =>
        ChartElement().Matches(dom).Select(m => new Chart(
            JsonDocument.Parse(WebUtility.HtmlDecode(m.Groups["figure"].Value)).RootElement.Clone(), m.Groups["svg"].Value)).ToList();

    /// <summary>Asserts that the chart's static form shows everything its figure names, and returns what it checked.</summary>
    public static string AssertComplete(Chart chart)
    {
        var texts = chart.Texts;
        var layout = chart.Figure.GetProperty("layout");
        var data = chart.Figure.GetProperty("data").EnumerateArray().ToList();
        string where = $"chart '{chart.Title}'";
        if (chart.Title.Length > 0) Assert.Contains(chart.Title, texts);
        foreach (var axis in new[] { "xaxis", "yaxis", "xaxis2", "yaxis2" })
        {
            if (!layout.TryGetProperty(axis, out var spec) || !spec.TryGetProperty("title", out var title)) continue;
            Assert.True(texts.Contains(title.GetProperty("text").GetString()!), $"{where}: the {axis} title '{title.GetProperty("text")}' is missing; texts: {string.Join(" | ", texts)}");
        }
        // Legend: every named line or bar trace, when the figure has two or more.
        var legendNames = data.Where(t => t.GetProperty("type").GetString() is "scatter" or "bar" or "histogram" && t.TryGetProperty("name", out _)
                && !(t.TryGetProperty("showlegend", out var shown) && shown.ValueKind == JsonValueKind.False))
            .Select(t => t.GetProperty("name").GetString()!).ToList();
        bool legend = layout.TryGetProperty("showlegend", out var show) ? show.GetBoolean() : legendNames.Count >= 2;
        if (legend)
            foreach (var name in legendNames)
                Assert.True(chart.TextsIn("dlk-legend").Any(t => name.StartsWith(t.TrimEnd('…'), StringComparison.Ordinal)), $"{where}: legend entry '{name}' is missing; legend: {string.Join(" | ", chart.TextsIn("dlk-legend"))}");
        // Category names (classes, tokens, parameter names) on the axes of heatmaps and bars.
        foreach (var t in data)
            foreach (var (key, axisClass) in new[] { ("x", "dlk-xaxis"), ("y", "dlk-yaxis") })
                if (t.TryGetProperty(key, out var values) && values.ValueKind == JsonValueKind.Array && values.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String))
                {
                    var names = values.EnumerateArray().Select(v => v.ToString()).Distinct().ToList();
                    var shown = chart.TextsInAll(axisClass);
                    if (names.Count <= 30)
                        foreach (var name in names) Assert.True(shown.Contains(name), $"{where}: {key} category '{name}' is missing; axis shows: {string.Join(" | ", shown)}");
                }
        // Numeric ticks: at least three on every numeric axis, evenly stepped (a log axis: evenly in log10).
        foreach (var axisClass in new[] { "dlk-xaxis", "dlk-yaxis" })
        {
            var labels = chart.TextsIn(axisClass);
            var numbers = labels.Select(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToList();
            if (numbers.Count == 0 || numbers.Any(double.IsNaN)) continue;
            Assert.True(numbers.Count >= 2, $"{where}: only {numbers.Count} tick(s) on {axisClass}: {string.Join(" | ", labels)}");
            var steps = numbers.Zip(numbers.Skip(1), (a, b) => b - a).ToList();
            bool even = steps.All(d => Math.Abs(d - steps[0]) <= 1e-6 * Math.Max(1e-12, Math.Abs(steps[0])) + 1e-9);
            bool positive = numbers.All(v => v > 0);
            var logSteps = positive ? numbers.Zip(numbers.Skip(1), (a, b) => Math.Log10(b / a)).ToList() : [];
            bool evenInLog = positive && logSteps.All(d => Math.Abs(d - logSteps[0]) < 1e-6);
            bool oneTwoFive = positive && numbers.All(v => Mantissa(v) is 1 or 2 or 5);
            Assert.True(even || evenInLog || oneTwoFive, $"{where}: {axisClass} ticks are not evenly stepped: {string.Join(" | ", labels)}");
        }
        return $"{chart.Title}: {texts.Count} texts";
    }

    // A log axis spanning less than two decades ticks at 1, 2 and 5 × 10ᵏ.
    private static int Mantissa(double v) => (int)Math.Round(v / Math.Pow(10, Math.Floor(Math.Log10(v) + 1e-9)));

    [GeneratedRegex("<text[^>]*>([^<]*)</text>")]
    private static partial Regex TextElement();

    [GeneratedRegex("<div class=\"dlk-plotly\" id=\"(?<id>[^\"]+)\"[^>]*>(?<svg><svg class=\"dlk-static\".*?</svg>)</div><script type=\"application/json\" id=\"\\k<id>-figure\">(?<figure>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ChartElement();
}
