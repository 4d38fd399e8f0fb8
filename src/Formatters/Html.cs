// Small helpers every picture shares: HTML encoding, invariant number text, unique element ids, the shared CSS.
using System.Globalization;

namespace DeepLearnKit.Formatters;

internal static class Html
{
    private static long nextId;

    /// <summary>Text made safe for HTML content and attribute values; other characters (·, →, ‖) stay as they are.</summary>
    public static string Encode(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);

    /// <summary>A number in 4 significant digits, invariant culture (<c>0.1235</c>, <c>1.235e+04</c>, <c>nan</c>).</summary>
    public static string Number(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("G4", CultureInfo.InvariantCulture),
    };

    /// <summary>A number for SVG coordinates.</summary>
    public static string Coordinate(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>An id unique within the process, so several pictures can share one page.</summary>
    public static string NewId(string prefix) => $"dlk-{prefix}-{Interlocked.Increment(ref nextId)}-{Environment.ProcessId:x}";

    /// <summary><paramref name="text"/> cut to <paramref name="length"/> characters, ending in "…" when cut.</summary>
    public static string Short(string text, int length = 60) => text.Length <= length ? text : text[..(length - 1)] + "…";

    /// <summary>Shape as <c>[2, 3]</c>.</summary>
    public static string Shape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The style the pictures' tables and headers use, scoped to <c>.dlk</c>.</summary>
    public const string Style =
        "<style>.dlk{font-family:system-ui,sans-serif;font-size:13px}.dlk table{border-collapse:collapse;margin:4px 0}" +
        ".dlk td,.dlk th{border:1px solid #ddd;padding:2px 6px;text-align:right;font-family:monospace}" +
        ".dlk th{background:#f4f4f4}.dlk .dlk-header{color:#555;margin-bottom:4px}.dlk .dlk-elided{color:#999;text-align:center}" +
        ".dlk .dlk-grid{display:flex;flex-wrap:wrap;gap:6px}.dlk figure{margin:0;text-align:center}" +
        ".dlk figcaption{font-size:11px;color:#333}.dlk img{image-rendering:pixelated}</style>";
}
