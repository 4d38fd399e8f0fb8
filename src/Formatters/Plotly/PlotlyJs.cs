// Where plotly.js comes from: the CDN by default inside a kernel, or the copy embedded in this assembly (from the npm
// package plotly.js-dist-min at build time) for pages that must open offline.
using System.Reflection;

namespace DeepLearnKit.Formatters.Plotly;

/// <summary>How a chart's HTML gets plotly.js.</summary>
public enum PlotlyLoading
{
    /// <summary>From the jsDelivr CDN through require.js, as .NET Interactive's own plotly support loads it (VS Code and Jupyter).</summary>
    Cdn,

    /// <summary>
    /// The embedded plotly.js (about 4.8 MB) goes into the page once per process (one kernel session: one notebook) —
    /// with the first chart drawn, or as a display of its own before the first live display, which later updates
    /// never replace — so a saved notebook opens offline; later charts and every update carry the figure only.
    /// </summary>
    Inline,
}

/// <summary>The plotly.js this assembly renders with.</summary>
public static class PlotlyJs
{
    /// <summary>The version of npm's <c>plotly.js-dist-min</c> pinned in src/Formatters/package.json and embedded here.</summary>
    public const string Version = "4.1.2";

    /// <summary>The CDN address require.js loads (without <c>.js</c>, as require.js paths are written).</summary>
    public const string CdnPath = "https://cdn.jsdelivr.net/npm/plotly.js-dist-min@" + Version + "/plotly.min";

    /// <summary>Where require.js comes from when the page has none (VS Code's notebook renderer).</summary>
    public const string RequireJsUrl = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js";

    private static readonly Lazy<string> Embedded = new(() =>
    {
        using var stream = typeof(PlotlyJs).Assembly.GetManifestResourceStream("DeepLearnKit.Formatters.plotly.min.js")
            ?? throw new InvalidOperationException("DeepLearnKit.Formatters: the embedded plotly.min.js is missing; build after `npm ci` in src/Formatters.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static int inlined;

    /// <summary>How the registered formatters load plotly.js; <see cref="PlotlyLoading.Cdn"/> unless set.</summary>
    public static PlotlyLoading Loading { get; set; } = PlotlyLoading.Cdn;

    /// <summary>True once this process has put the embedded plotly.js into an output (see <see cref="PlotlyLoading.Inline"/>).</summary>
    public static bool Inlined => Volatile.Read(ref inlined) != 0;

    /// <summary>True for exactly one caller per process: the one whose output carries the embedded plotly.js.</summary>
    internal static bool TakeInlining() => Interlocked.Exchange(ref inlined, 1) == 0;

    /// <summary>Forgets that plotly.js was inlined (a new page or notebook begins in this process; tests).</summary>
    public static void ResetInlining() => Volatile.Write(ref inlined, 0);

    /// <summary>The embedded plotly.min.js source.</summary>
    public static string Source => Embedded.Value;

    /// <summary>
    /// A script element that defines <c>window.Plotly</c> from the embedded copy, even on a page with require.js
    /// (the library's UMD header would otherwise register an anonymous AMD module and define no global).
    /// </summary>
    public static string InlineScriptElement() =>
        "<script>(function(define, exports, module){\n" + Source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) + "\n})();</script>";
}

/// <summary>
/// plotly.js as an output of its own: what <see cref="Surfaces.NotebookDisplaySurface"/> shows before the first live
/// display when <see cref="PlotlyJs.Loading"/> is <see cref="PlotlyLoading.Inline"/>, so the library sits in an output
/// that no update replaces.
/// </summary>
public sealed class PlotlyLibrary
{
    /// <summary>The script element and a one-line note naming the version.</summary>
    public string ToHtml() => PlotlyJs.InlineScriptElement() +
        $"<div style=\"color:#888;font:11px sans-serif\">plotly.js {PlotlyJs.Version} is built into this notebook, so its charts draw offline.</div>";

    /// <inheritdoc/>
    public override string ToString() => $"plotly.js {PlotlyJs.Version} (inlined)";
}
