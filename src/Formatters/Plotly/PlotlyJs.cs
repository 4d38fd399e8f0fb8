// Where plotly.js comes from: the CDN by default inside a kernel, or the copy embedded in this assembly (from the npm
// package plotly.js-dist-min at build time) for pages that must open offline.
using System.Reflection;

namespace DeepLearnKit.Formatters.Plotly;

/// <summary>How a chart's HTML gets plotly.js.</summary>
public enum PlotlyLoading
{
    /// <summary>From the jsDelivr CDN through require.js, as .NET Interactive's own plotly support loads it (VS Code and Jupyter).</summary>
    Cdn,

    /// <summary>Every chart carries the embedded plotly.js (about 4.8 MB): works offline, but makes outputs large.</summary>
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

    /// <summary>How the registered formatters load plotly.js; <see cref="PlotlyLoading.Cdn"/> unless set.</summary>
    public static PlotlyLoading Loading { get; set; } = PlotlyLoading.Cdn;

    /// <summary>The embedded plotly.min.js source.</summary>
    public static string Source => Embedded.Value;

    /// <summary>
    /// A script element that defines <c>window.Plotly</c> from the embedded copy, even on a page with require.js
    /// (the library's UMD header would otherwise register an anonymous AMD module and define no global).
    /// </summary>
    public static string InlineScriptElement() =>
        "<script>(function(define, exports, module){\n" + Source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase) + "\n})();</script>";
}
