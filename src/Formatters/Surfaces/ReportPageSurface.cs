// The display surface outside a notebook: every shown value is appended to one self-contained HTML page (plotly.js
// inlined once), rewritten whole on each Display and Update (through a temporary file and a rename, so a browser
// never reads half a page); Update replaces that value's entry in place.
using System.Text;
using DeepLearnKit.Display;
using DeepLearnKit.Formatters.Plotly;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearnKit.Formatters.Surfaces;

/// <summary>Shows values by writing them into a report page at <see cref="Path"/>.</summary>
public sealed class ReportPageSurface : IDisplaySurface
{
    private readonly List<string> entries = [];
    private readonly object gate = new();

    /// <summary>A surface writing to <paramref name="path"/> (its folder is created); the page is written on the first Display.</summary>
    public ReportPageSurface(string path, string title = "DeepLearnKit pictures")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Title = title;
    }

    /// <summary>The page's full path.</summary>
    public string Path { get; }

    /// <summary>The page's title.</summary>
    public string Title { get; }

    /// <summary>How many values the page shows.</summary>
    public int Count
    {
        get
        {
            lock (gate) return entries.Count;
        }
    }

    /// <inheritdoc/>
    public IDisplayHandle Display(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int index;
        lock (gate)
        {
            index = entries.Count;
            entries.Add(ToHtml(value));
            Write();
        }
        return new Handle(this, index);
    }

    private void Replace(int index, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            entries[index] = ToHtml(value);
            Write();
        }
    }

    /// <summary>DeepLearnKit's picture of <paramref name="value"/>, else the registered text/html formatter's output (text as <c>&lt;pre&gt;</c>).</summary>
    public static string ToHtml(object value) => DeepLearnKitFormatters.ToHtml(value)
        ?? (value is string text ? $"<pre>{Html.Encode(text)}</pre>" : value.ToDisplayString(DeepLearnKitFormatters.HtmlMimeType));

    /// <summary>
    /// A self-contained page: plotly.js inlined once in the head, then each fragment in a
    /// <c>&lt;section class="dlk-entry"&gt;</c>. Opens offline; the charts draw with the inlined copy.
    /// </summary>
    public static string RenderPage(string title, IEnumerable<string> fragments, string? headExtra = null)
    {
        var page = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">")
            .Append($"<title>{Html.Encode(title)}</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px}.dlk-entry{margin:0 0 28px}</style>")
            .Append(headExtra)
            .Append(PlotlyJs.InlineScriptElement())
            .Append($"</head><body><h1>{Html.Encode(title)}</h1>\n");
        int i = 0;
        foreach (var fragment in fragments) page.Append($"<section class=\"dlk-entry\" id=\"entry-{i++}\">").Append(fragment).Append("</section>\n");
        return page.Append("</body></html>\n").ToString();
    }

    private void Write() => DeepLearnKit.IO.AtomicFile.WriteAllText(Path, RenderPage(Title, entries));

    private sealed class Handle(ReportPageSurface page, int index) : IDisplayHandle
    {
        public void Update(object value) => page.Replace(index, value);
    }
}
