// A learner's own Plotly.NET charts in a notebook: when the Plotly.NET assembly is loaded (before Register or later),
// its GenericChart gets a text/html formatter that calls Plotly.NET's own GenericChart.toChartHTML, found by
// reflection, so DeepLearnKit.Formatters has no compile-time reference to Plotly.NET. Not found: nothing happens.
using System.Reflection;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearnKit.Formatters.Pictures;

/// <summary>
/// Renders Plotly.NET's <c>GenericChart</c> as HTML (a div and the script that calls <c>Plotly.newPlot</c>) through
/// <see cref="Formatter"/>, when an assembly named <c>Plotly.NET</c> is loaded; by reflection only.
/// </summary>
public static class PlotlyNetCharts
{
    /// <summary>The simple name of the assembly whose charts this draws.</summary>
    public const string AssemblyName = "Plotly.NET";

    private static readonly object Gate = new();
    private static bool hooked;

    /// <summary>
    /// Registers the GenericChart formatter if Plotly.NET is already loaded, and (once per process) watches for it being
    /// loaded later, registering then while DeepLearnKit's formatters are registered. Never throws for a missing or
    /// unexpected Plotly.NET.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!hooked)
            {
                hooked = true;
                AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
                {
                    if (IsPlotly(e.LoadedAssembly) && DeepLearnKitFormatters.IsRegistered) TryRegister(e.LoadedAssembly);
                };
            }
        }
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            if (IsPlotly(assembly)) TryRegister(assembly);
    }

    /// <summary>
    /// Plotly.NET's <c>GenericChart.toChartHTML : GenericChart -> string</c> in <paramref name="assembly"/> (the chart's
    /// div and the script calling <c>Plotly.newPlot</c>, not a whole page like <c>toEmbeddedHTML</c>): the public static
    /// method of that name taking one <c>Plotly.NET.GenericChart</c> and returning a string, or null.
    /// </summary>
    public static MethodInfo? FindChartHtml(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        try
        {
            var chartType = assembly.GetType("Plotly.NET.GenericChart", throwOnError: false);
            if (chartType is null) return null;
            // A static member of GenericChart itself (Plotly.NET 4 and later), else a function of a module in Plotly.NET.
            foreach (var type in assembly.GetExportedTypes().Where(t => t.Namespace == "Plotly.NET").Prepend(chartType))
            {
                var method = type.GetMethod("toChartHTML", BindingFlags.Public | BindingFlags.Static, [chartType]);
                if (method is not null && method.ReturnType == typeof(string)) return method;
            }
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException or BadImageFormatException)
        {
        }
        return null;
    }

    private static bool IsPlotly(Assembly assembly) => assembly.GetName().Name == AssemblyName;

    private static void TryRegister(Assembly assembly)
    {
        var toChartHtml = FindChartHtml(assembly);
        if (toChartHtml is null) return;
        var chartType = toChartHtml.GetParameters()[0].ParameterType;
        lock (Gate)
        {
            if (Formatter.RegisteredFormatters().OfType<ChartFormatter>().Any(f => f.Type == chartType)) return;
            Formatter.Register(new ChartFormatter(chartType, toChartHtml));
        }
    }

    /// <summary>The text/html formatter of GenericChart; its own class so a second registration can be skipped.</summary>
    private sealed class ChartFormatter(Type type, MethodInfo toChartHtml) : ITypeFormatter
    {
        public string MimeType => DeepLearnKitFormatters.HtmlMimeType;

        public Type Type => type;

        public bool Format(object value, FormatContext context)
        {
            if (toChartHtml.Invoke(null, [value]) is not string html) return false;
            context.Writer.Write(html);
            return true;
        }
    }
}
