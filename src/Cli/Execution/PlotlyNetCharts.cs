// A learner's own Plotly.NET chart as HTML. In .NET Interactive, Plotly.NET.Interactive's kernel extension (a DLL that
// needs the Microsoft.DotNet.Interactive kernel, which dlk is not) registers this formatter; dlk does the same job
// with Plotly.NET's own GenericChart.toChartHTML, found on the chart's assembly by the same lookup DeepLearnKit's
// formatters use (so dlk needs no Plotly.NET reference), also in a session that never loaded DeepLearnKit.
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace DeepLearnKit.Cli.Execution;

/// <summary>Formats Plotly.NET <c>GenericChart</c> values as Plotly.NET itself writes them for a notebook.</summary>
internal static class PlotlyNetCharts
{
    private const string ChartType = "Plotly.NET.GenericChart";

    /// <summary>
    /// The chart's HTML (a div and the script that draws it) from <c>Plotly.NET.GenericChart.toChartHTML</c>, or null
    /// when <paramref name="value"/> is not a Plotly.NET chart.
    /// </summary>
    public static string? TryHtml(object value)
    {
        for (var type = value.GetType(); type is not null; type = type.BaseType)
        {
            if (type.FullName != ChartType) continue;
            var toHtml = Formatters.Pictures.PlotlyNetCharts.FindChartHtml(type.Assembly);
            try { return toHtml?.Invoke(null, [value]) as string; }
            catch (TargetInvocationException e) when (e.InnerException is { } inner) { ExceptionDispatchInfo.Throw(inner); throw; }
        }
        return null;
    }
}
