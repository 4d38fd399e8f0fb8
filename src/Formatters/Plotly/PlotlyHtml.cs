// A figure as notebook HTML: a div holding the chart's static SVG form (what a saved notebook shows when no script
// runs), the figure JSON, and a script that loads plotly.js and replaces the static form with the live chart.
using System.Text;

namespace DeepLearnKit.Formatters.Plotly;

/// <summary>Renders a <see cref="Figure"/> as HTML.</summary>
public static class PlotlyHtml
{
    /// <summary>The class of the div a chart is drawn into.</summary>
    public const string ChartClass = "dlk-plotly";

    /// <summary>The width of a chart's static form when its layout sets none: fits a 960 px page column with room to spare.</summary>
    public const int StaticWidth = 760;

    /// <summary>
    /// <c>&lt;div class="dlk-plotly" id="…"&gt;</c> holding the chart's static form (<c>svg.dlk-static</c>, the same chart:
    /// axes, ticks, legend, labels, colour scale, at the layout's size), then
    /// <c>&lt;script type="application/json" id="…-figure"&gt;</c> with <see cref="Figure.ToJson"/>, then the script that
    /// calls <c>Plotly.newPlot</c> in its place. plotly.js comes as <paramref name="loading"/> says (default
    /// <see cref="PlotlyJs.Loading"/>; inlined at most once per process); a page that already defines
    /// <c>window.Plotly</c> is used as it is, and without one the chart falls back to the CDN.
    /// </summary>
    public static string Render(Figure figure, PlotlyLoading? loading = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var id = Html.NewId("chart");
        int height = figure.Layout.Height ?? 420, width = figure.Layout.Width ?? StaticWidth;
        var html = new StringBuilder();
        if ((loading ?? PlotlyJs.Loading) == PlotlyLoading.Inline && PlotlyJs.TakeInlining()) html.Append(PlotlyJs.InlineScriptElement());
        html.Append($"<div class=\"{ChartClass}\" id=\"{id}\" style=\"width:100%\">")
            .Append(StaticFigureSvg.Render(figure, width, height))
            .Append("</div>")
            .Append($"<script type=\"application/json\" id=\"{id}-figure\">").Append(figure.ToJson()).Append("</script>")
            .Append("<script>").Append(LoaderScript(id)).Append("</script>");
        return html.ToString();
    }

    // With require.js on the page (classic Jupyter) plotly.js is fetched through it, in a context of our own as .NET
    // Interactive's plotly support does; plotly.js 4 is not an AMD module and sets window.Plotly itself. Without
    // require.js (VS Code, JupyterLab) a script element loads it once per page.
    private static string LoaderScript(string id) => $$"""
(function () {
  var id = '{{id}}';
  function draw(Plotly) {
    var el = document.getElementById(id);
    if (!el || !Plotly) return;
    var figure = JSON.parse(document.getElementById(id + '-figure').textContent);
    el.innerHTML = '';
    Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false });
  }
  if (window.Plotly) { draw(window.Plotly); return; }
  if (typeof requirejs === 'function' && typeof requirejs.config === 'function') {
    var load = requirejs.config({ context: 'deeplearnkit-plotly-{{PlotlyJs.Version}}', paths: { plotly: '{{PlotlyJs.CdnPath}}' } });
    load(['plotly'], function (p) { draw(p || window.Plotly); });
    return;
  }
  window.__deepLearnKitPlotly = window.__deepLearnKitPlotly || new Promise(function (resolve, reject) {
    var script = document.createElement('script');
    script.src = '{{PlotlyJs.CdnPath}}.js';
    script.onload = function () { resolve(window.Plotly); };
    script.onerror = reject;
    document.head.appendChild(script);
  });
  window.__deepLearnKitPlotly.then(draw);
})();
""";
}
