// A sentence as its tokens: one box per token, coloured by id, with the token's text (spaces made visible) and its id
// under it. Plain SVG, no script, so it reads the same in a notebook, the book and GitHub's renderer.
using System.Globalization;
using System.Text;
using DeepLearnKit.Text;

namespace DeepLearnKit.Formatters;

/// <summary>
/// The tokens of a text as a tokenizer cut it (<see cref="ITokenizer.Encode"/>), for drawing: each token's id and
/// text. The colour of a box depends only on its id, so the same token looks the same wherever it appears.
/// </summary>
public sealed class TokenStrip
{
    private const double CharWidth = 7.8, BoxHeight = 40, RowGap = 6, BoxGap = 3, Padding = 4, MaxWidth = 960, TitleHeight = 24;

    /// <summary>The tokens of <paramref name="text"/> under <paramref name="tokenizer"/>.</summary>
    public TokenStrip(ITokenizer tokenizer, string text)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(text);
        TokenizerName = tokenizer.Name;
        Text = text;
        Tokens = tokenizer.Tokens(text);
    }

    /// <summary>The tokenizer's <see cref="ITokenizer.Name"/>.</summary>
    public string TokenizerName { get; }

    /// <summary>The text that was cut.</summary>
    public string Text { get; }

    /// <summary>Each token: its id and its text.</summary>
    public IReadOnlyList<(int Id, string Text)> Tokens { get; }

    /// <summary>
    /// A token's text with the invisible characters shown: space → ␣, newline → ↵, tab → ⇥, other control characters
    /// as <c>\uXXXX</c>.
    /// </summary>
    public static string Visible(string token)
    {
        var shown = new StringBuilder();
        foreach (char c in token)
            shown.Append(c switch
            {
                ' ' => "␣",
                '\n' => "↵",
                '\t' => "⇥",
                '\r' => "␍",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return shown.ToString();
    }

    /// <summary>
    /// The colour of id <paramref name="id"/>: a light hue stepped by the golden angle (137.5°) per id, so
    /// neighbouring ids get far-apart hues, as <c>#rrggbb</c>. Over a vocabulary of thousands some far-apart ids
    /// share a colour; the id under each box tells them apart.
    /// </summary>
    public static string Colour(int id)
    {
        double hue = id * 137.50776405 % 360;
        double lightness = 0.78 + 0.08 * (id / 3 % 2); // two lightnesses, so ids whose hues nearly meet still differ
        return HslToHex(hue, 0.65, lightness);
    }

    /// <summary>The strip as SVG inside a <c>div</c>; the default title names the tokenizer and counts tokens and characters.</summary>
    public string ToHtml(string? title = null)
    {
        title ??= $"{TokenizerName}: {Tokens.Count} token{(Tokens.Count == 1 ? "" : "s")} for {Text.Length} character{(Text.Length == 1 ? "" : "s")}";
        var boxes = new StringBuilder();
        double x = 0, y = TitleHeight, width = 0;
        foreach (var (id, text) in Tokens)
        {
            string shown = Visible(text), idText = id.ToString(CultureInfo.InvariantCulture);
            double w = Math.Max(DisplayWidth(shown), idText.Length * 0.85) * CharWidth + 2 * Padding;
            if (x > 0 && x + w > MaxWidth) (x, y) = (0, y + BoxHeight + RowGap);
            string cx = Html.Coordinate(x + w / 2);
            boxes.Append($"<g class=\"dlk-token\" data-id=\"{idText}\"><title>id {idText}: {Html.Encode(shown)}</title>")
                .Append($"<rect x=\"{Html.Coordinate(x)}\" y=\"{Html.Coordinate(y)}\" width=\"{Html.Coordinate(w)}\" height=\"{BoxHeight}\" rx=\"3\" fill=\"{Colour(id)}\" stroke=\"#888\" stroke-width=\"0.5\"/>")
                .Append($"<text x=\"{cx}\" y=\"{Html.Coordinate(y + 17)}\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"13\" fill=\"#000\">{Html.Encode(shown)}</text>")
                .Append($"<text x=\"{cx}\" y=\"{Html.Coordinate(y + 33)}\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"11\" fill=\"#444\">{idText}</text></g>");
            x += w + BoxGap;
            width = Math.Max(width, x);
        }
        double height = y + BoxHeight + 2;
        width = Math.Max(width, Math.Min(MaxWidth, DisplayWidth(title) * 8.5)); // bold 14 px sans-serif: about 8.5 px a character
        return $"<div class=\"dlk dlk-tokens\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Html.Coordinate(width)}\" height=\"{Html.Coordinate(height)}\" " +
            $"viewBox=\"0 0 {Html.Coordinate(width)} {Html.Coordinate(height)}\" role=\"img\">" +
            $"<text x=\"0\" y=\"15\" font-family=\"system-ui,sans-serif\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">{Html.Encode(title)}</text>" +
            boxes + "</svg></div>";
    }

    /// <summary>The tokens in one line: <c>GPT-2 BPE, 2 tokens: Hello(15496), ␣world(995)</c>.</summary>
    public override string ToString() =>
        $"{TokenizerName}, {Tokens.Count} tokens: " + string.Join(", ", Tokens.Select(t => $"{Visible(t.Text)}({t.Id})"));

    // Wide characters (CJK, emoji) take about two monospace cells.
    private static double DisplayWidth(string text)
    {
        double cells = 0;
        foreach (var rune in text.EnumerateRunes())
            cells += rune.Value >= 0x1100 && (rune.Value <= 0x115F || rune.Value is >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3
                or >= 0xF900 and <= 0xFAFF or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F000) ? 2 : 1;
        return Math.Max(cells, 1);
    }

    private static string HslToHex(double hue, double saturation, double lightness)
    {
        double chroma = (1 - Math.Abs(2 * lightness - 1)) * saturation, h = hue / 60, second = chroma * (1 - Math.Abs(h % 2 - 1));
        var (r, g, b) = (int)h switch
        {
            0 => (chroma, second, 0.0),
            1 => (second, chroma, 0.0),
            2 => (0.0, chroma, second),
            3 => (0.0, second, chroma),
            4 => (second, 0.0, chroma),
            _ => (chroma, 0.0, second),
        };
        double m = lightness - chroma / 2;
        static int Byte(double v) => (int)Math.Round(Math.Clamp(v, 0, 1) * 255);
        return $"#{Byte(r + m):x2}{Byte(g + m):x2}{Byte(b + m):x2}";
    }
}
