// A learner's own Plotly.NET chart after Register: text/html is Plotly.NET's div and Plotly.newPlot script with the
// chart's data, through the formatter PlotlyNetCharts registers by reflection.
using DeepLearnKit.Formatters.Pictures;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.FSharp.Core;
using Plotly.NET;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class PlotlyNetChartTests : IDisposable
{
    public PlotlyNetChartTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    /// <summary>A scatter of three points, built the way C# reaches Plotly.NET's F# API: a trace and ofTraceObject.</summary>
    private static GenericChart PointChart()
    {
        var trace = Trace2D.initScatter(FuncConvert.FromFunc<Trace2D, Trace2D>(t =>
        {
            t.SetProperty("x", new[] { 1.25, 2.5, 3.75 });
            t.SetProperty("y", new[] { 10.5, 20.25, 30.125 });
            t.SetProperty("mode", "markers");
            return t;
        }));
        return GenericChart.ofTraceObject(true, trace);
    }

    [Fact]
    public void Reflection_finds_Plotly_NETs_toChartHTML_for_GenericChart()
    {
        var method = PlotlyNetCharts.FindChartHtml(typeof(GenericChart).Assembly);
        Assert.NotNull(method);
        Assert.Equal("toChartHTML", method.Name);
        Assert.Equal(typeof(GenericChart), Assert.Single(method.GetParameters()).ParameterType);
        Assert.Null(PlotlyNetCharts.FindChartHtml(typeof(PlotlyNetCharts).Assembly));
    }

    [Fact]
    public void A_GenericChart_is_a_div_and_its_newPlot_script_with_the_data()
    {
        Assert.DoesNotContain(Formatter.RegisteredFormatters(), f => f.Type == typeof(GenericChart));
        var html = HtmlOf(PointChart());
        Assert.Contains(Formatter.RegisteredFormatters(), f => f.Type == typeof(GenericChart) && f.MimeType == "text/html");
        Assert.Contains("<div id=\"", html);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.DoesNotContain("<html", html);
        foreach (var value in new[] { "1.25", "2.5", "3.75", "10.5", "20.25", "30.125" }) Assert.Contains(value, html);
    }

    [Fact]
    public void Registering_twice_keeps_one_GenericChart_formatter()
    {
        DeepLearnKitFormatters.Register();
        PlotlyNetCharts.Register();
        DeepLearnKitFormatters.Register();
        Assert.Single(Formatter.RegisteredFormatters(), f => f.Type == typeof(GenericChart));
    }
}
