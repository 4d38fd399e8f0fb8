// What a cell sees besides its own code: the kernel's display function. Names follow the .NET Interactive C# kernel
// (lower-case `display`), so chapter cells and a package's extension.dib run unchanged in both.
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearnKit.Cli.Execution;

/// <summary>The globals object of a notebook session's scripts.</summary>
public sealed class KernelGlobals
{
    private readonly Func<OutputList> currentOutputs;

    internal KernelGlobals(Func<OutputList> currentOutputs) => this.currentOutputs = currentOutputs;

    /// <summary>
    /// Shows <paramref name="value"/> as an output of the running cell, formatted for <paramref name="mimeTypes"/>
    /// (default: the registered formatters' preferred type, plus <c>text/plain</c>); the returned value redraws it.
    /// </summary>
#pragma warning disable IDE1006 // the kernel's name
    public DisplayedValue display(object? value, params string[] mimeTypes)
#pragma warning restore IDE1006
    {
        var outputs = currentOutputs();
        int index = outputs.Add(new DisplayOutput(OutputFormatter.Format(value, mimeTypes)));
        return new DisplayedValue(outputs, index, mimeTypes);
    }
}

/// <summary>An output shown with <c>display(...)</c>; <see cref="Update"/> redraws it where it stands.</summary>
public sealed class DisplayedValue
{
    private readonly OutputList outputs;
    private readonly int index;
    private readonly string[] mimeTypes;

    internal DisplayedValue(OutputList outputs, int index, string[] mimeTypes)
    {
        this.outputs = outputs;
        this.index = index;
        this.mimeTypes = mimeTypes;
    }

    /// <summary>A unique id of this display (the kernel's <c>DisplayId</c>).</summary>
    public string DisplayId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Replaces the shown value with <paramref name="value"/>, formatted as the first one was.</summary>
    public void Update(object? value) => outputs.Replace(index, new DisplayOutput(OutputFormatter.Format(value, mimeTypes)));
}

/// <summary>Formats values through the registered .NET Interactive formatters, as the kernel does.</summary>
internal static class OutputFormatter
{
    public const string PlainText = "text/plain";

    /// <summary>The value formatted for each MIME type: the given ones, or its preferred ones plus text/plain.</summary>
    public static IReadOnlyDictionary<string, string> Format(object? value, IReadOnlyCollection<string> mimeTypes)
    {
        if (value is null) return new Dictionary<string, string> { [PlainText] = "<null>" };
        var types = mimeTypes.Count > 0 ? mimeTypes : Formatter.GetPreferredMimeTypesFor(value.GetType()).Append(PlainText).Distinct().ToList();
        var data = new Dictionary<string, string>();
        foreach (string mime in types)
            data[mime] = mime == "text/html" && PlotlyNetCharts.TryHtml(value) is { } chart ? chart : value.ToDisplayString(mime);
        return data;
    }
}
