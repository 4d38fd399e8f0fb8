// Show(x): the one call that displays a picture wherever the program runs: inline in a notebook (or the dlk runner),
// and in a console program or file-based app on a report page it writes and names on the console.
using DeepLearnKit.Display;
using DeepLearnKit.Formatters.Surfaces;

namespace DeepLearnKit.Formatters;

/// <summary>Shows values as pictures: <c>Picture.Show(model.Summary(1, 784));</c>.</summary>
public static class Picture
{
    private static readonly object Gate = new();

    /// <summary>
    /// Shows <paramref name="value"/> on <see cref="DisplaySurface.Current"/>. When no surface is installed (a console
    /// program), installs a <see cref="ReportPageSurface"/> writing <c>&lt;program&gt;-pictures.html</c> in the current
    /// folder and prints its path once; later shows, and <c>Fit</c>'s live chart, land on that page too.
    /// </summary>
    /// <returns>The handle that redraws this display with another value.</returns>
    public static IDisplayHandle Show(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        IDisplaySurface surface;
        lock (Gate)
        {
            if (DisplaySurface.Current is null)
            {
                var name = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "deeplearnkit";
                UseReportPage(Path.Combine(Environment.CurrentDirectory, $"{name}-pictures.html"));
            }
            surface = DisplaySurface.Current!;
        }
        return surface.Display(value);
    }

    /// <summary>
    /// <paramref name="value"/> as its usual picture under <paramref name="title"/>: a cell that ends with
    /// <c>Picture.Titled(recorder, "Sigmoid network")</c> shows the recorder's chart with that title.
    /// </summary>
    public static Titled Titled(object value, string title)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        return new Titled(value, title);
    }

    /// <summary>Installs a report page at <paramref name="path"/> as <see cref="DisplaySurface.Current"/> and names it on the console.</summary>
    public static ReportPageSurface UseReportPage(string path)
    {
        DeepLearnKitFormatters.Register();
        var page = new ReportPageSurface(path);
        DisplaySurface.Current = page;
        Console.WriteLine($"DeepLearnKit: pictures are written to {new Uri(page.Path)}");
        return page;
    }
}
