// What every chapter page carries inline so it works offline.
using DeepLearnKit.Formatters.Plotly;

namespace DeepLearnKit.Cli.Book;

internal static class BookAssets
{
    /// <summary>
    /// The head element that defines <c>window.Plotly</c> from the plotly.js built into DeepLearnKit.Formatters; the
    /// charts in the outputs find it and draw with no network.
    /// </summary>
    public static string PlotlyHead() => PlotlyJs.InlineScriptElement();
}
