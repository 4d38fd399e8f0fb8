// The display surface inside a notebook kernel. In the .NET Interactive kernel it publishes the display events
// itself (found by reflection, no compile-time reference to the kernel) and keeps the display id it published, so
// Update redraws that same output; `display(x).Update(y)` in the last kernel returns a handle with a different id and
// updates nothing. Elsewhere (the dlk runner) it calls the `display` function the extension passed in.
using DeepLearnKit.Display;
using DeepLearnKit.Formatters.Plotly;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearnKit.Formatters.Surfaces;

/// <summary>
/// Shows values in the running notebook: through the .NET Interactive kernel's <c>KernelInvocationContext</c> when
/// one is current, otherwise through the host's <c>display</c> function, whose result's <c>Update(object)</c> redraws.
/// </summary>
public sealed class NotebookDisplaySurface(Func<object, object?> display) : IDisplaySurface
{
    private readonly Func<object, object?> display = display ?? throw new ArgumentNullException(nameof(display));

    /// <summary>The MIME types each display carries.</summary>
    public static IReadOnlyList<string> MimeTypes { get; } = [DeepLearnKitFormatters.HtmlMimeType, DeepLearnKitFormatters.PlainTextMimeType];

    /// <summary>
    /// Shows <paramref name="value"/> as a display that <see cref="IDisplayHandle.Update"/> redraws. With
    /// <see cref="PlotlyJs.Loading"/> = <see cref="PlotlyLoading.Inline"/>, the first display of the process is preceded
    /// by <see cref="PlotlyLibrary"/> as a display of its own: an update replaces its display's content, so the library
    /// must not live inside one.
    /// </summary>
    public IDisplayHandle Display(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (PlotlyJs.Loading == PlotlyLoading.Inline && PlotlyJs.TakeInlining()) Show(new PlotlyLibrary());
        return Show(value);
    }

    private IDisplayHandle Show(object value)
    {
        if (KernelEvents.Current() is { } context) return KernelEvents.Display(context, value);
        var shown = display(value)
            ?? throw new InvalidOperationException("NotebookDisplaySurface: the host's display function returned null; it must return a value with Update(object).");
        return new DynamicHandle(shown);
    }

    /// <summary>A handle the host's <c>display</c> returned; its type is the host's, so <c>Update</c> is found at run time.</summary>
    private sealed class DynamicHandle(object shown) : IDisplayHandle
    {
        public void Update(object value)
        {
            try
            {
                ((dynamic)shown).Update(value);
            }
            catch (Microsoft.CSharp.RuntimeBinder.RuntimeBinderException e)
            {
                throw new InvalidOperationException($"NotebookDisplaySurface: the display handle {shown.GetType().FullName} has no Update(object) method.", e);
            }
        }
    }

    /// <summary>The values of <paramref name="value"/> for <see cref="MimeTypes"/> as the registered formatters write them.</summary>
    internal static IEnumerable<(string MimeType, string Text)> Format(object value) =>
        MimeTypes.Select(mime => (mime, value.ToDisplayString(mime)));
}
