// A small typed model of a plotly.js figure (data + layout), serialized with System.Text.Json to exactly the
// attribute names plotly.js documents (https://plotly.com/javascript/reference/). Only what the pictures use.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepLearnKit.Formatters.Plotly;

/// <summary>A plotly.js figure: <c>Plotly.newPlot(div, figure.data, figure.layout)</c>.</summary>
public sealed class Figure
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Stated, not inherited: file-based apps (`dotnet run app.cs`) turn reflection-based serialization off by default.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The traces, drawn in order.</summary>
    public List<Trace> Data { get; init; } = [];

    /// <summary>Titles, axes, subplots and annotations.</summary>
    public Layout Layout { get; init; } = new();

    /// <summary>The figure as plotly.js JSON: <c>{"data":[…],"layout":{…}}</c>, nulls omitted; NaN and ±∞ are written as strings, which plotly.js draws as gaps.</summary>
    // Traces go out as object so each is written with its runtime type's properties.
    public string ToJson() => JsonSerializer.Serialize(new { data = Data.Cast<object>().ToArray(), layout = Layout }, JsonOptions);

    /// <summary>The same traces and layout under another title.</summary>
    public Figure WithTitle(string title) => new() { Data = Data, Layout = Layout.WithTitle(new Title(title)) };

    /// <summary>The figure as HTML: a plotly chart with a static SVG fallback (see <see cref="PlotlyHtml.Render"/>).</summary>
    public string ToHtml() => PlotlyHtml.Render(this);

    /// <inheritdoc/>
    public override string ToString() =>
        $"Figure({string.Join(", ", Data.Select(t => t.Type))}{(Layout.Title is { Text: { } title } ? $", \"{title}\"" : "")})";
}

/// <summary>A plotly.js trace; <see cref="Type"/> picks which (<c>scatter</c>, <c>bar</c>, <c>heatmap</c>, …).</summary>
public abstract class Trace
{
    /// <summary>The trace type as plotly.js names it.</summary>
    [JsonPropertyOrder(-2)]
    public abstract string Type { get; }

    /// <summary>The legend entry.</summary>
    [JsonPropertyOrder(-1)]
    public string? Name { get; init; }

    /// <summary>Which x axis: <c>x</c> (the default) or <c>x2</c> for the second subplot.</summary>
    [JsonPropertyName("xaxis")]
    public string? XAxis { get; init; }

    /// <summary>Which y axis: <c>y</c> or <c>y2</c>.</summary>
    [JsonPropertyName("yaxis")]
    public string? YAxis { get; init; }

    /// <summary>False hides the trace from the legend.</summary>
    [JsonPropertyName("showlegend")]
    public bool? ShowLegend { get; init; }
}

/// <summary>Points, lines or both (<c>type: "scatter"</c>).</summary>
public sealed class Scatter : Trace
{
    /// <inheritdoc/>
    public override string Type => "scatter";

    /// <summary>x coordinates (numbers or category names).</summary>
    public IReadOnlyList<object>? X { get; init; }

    /// <summary>y coordinates.</summary>
    public IReadOnlyList<double>? Y { get; init; }

    /// <summary><c>lines</c>, <c>markers</c>, <c>lines+markers</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>Line colour, width and dash.</summary>
    public Line? Line { get; init; }

    /// <summary>Marker size and colour.</summary>
    public Marker? Marker { get; init; }

    /// <summary>Hover text per point.</summary>
    public IReadOnlyList<string>? Text { get; init; }
}

/// <summary>Bars (<c>type: "bar"</c>).</summary>
public sealed class Bar : Trace
{
    /// <inheritdoc/>
    public override string Type => "bar";

    /// <summary>Categories (or positions).</summary>
    public IReadOnlyList<object>? X { get; init; }

    /// <summary>Bar heights.</summary>
    public IReadOnlyList<double>? Y { get; init; }

    /// <summary>Bar colour.</summary>
    public Marker? Marker { get; init; }
}

/// <summary>A colour grid (<c>type: "heatmap"</c>): <c>z[row][column]</c>, rows along y.</summary>
public sealed class Heatmap : Trace
{
    /// <inheritdoc/>
    public override string Type => "heatmap";

    /// <summary>The values, one array per row.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Z { get; init; }

    /// <summary>Column labels.</summary>
    public IReadOnlyList<object>? X { get; init; }

    /// <summary>Row labels.</summary>
    public IReadOnlyList<object>? Y { get; init; }

    /// <summary>A plotly colour scale name, e.g. <c>Viridis</c>, <c>Blues</c>, <c>RdBu</c>.</summary>
    [JsonPropertyName("colorscale")]
    public string? ColorScale { get; init; }

    /// <summary>Pins the colour scale's middle (0 for signed values).</summary>
    public double? Zmid { get; init; }

    /// <summary>True runs the colour scale backwards (plotly.js's <c>Blues</c> is dark at the low end; reversed, high values are dark).</summary>
    [JsonPropertyName("reversescale")]
    public bool? ReverseScale { get; init; }

    /// <summary>False hides the colour bar.</summary>
    [JsonPropertyName("showscale")]
    public bool? ShowScale { get; init; }
}

/// <summary>Contour lines of <c>z</c> over the grid <c>x</c> × <c>y</c> (<c>type: "contour"</c>).</summary>
public sealed class Contour : Trace
{
    /// <inheritdoc/>
    public override string Type => "contour";

    /// <summary>The values, one array per y.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Z { get; init; }

    /// <summary>Grid x coordinates (columns).</summary>
    public IReadOnlyList<double>? X { get; init; }

    /// <summary>Grid y coordinates (rows).</summary>
    public IReadOnlyList<double>? Y { get; init; }

    /// <summary>A plotly colour scale name.</summary>
    [JsonPropertyName("colorscale")]
    public string? ColorScale { get; init; }

    /// <summary>How many contour levels plotly may draw at most.</summary>
    [JsonPropertyName("ncontours")]
    public int? NContours { get; init; }

    /// <summary>False hides the colour bar.</summary>
    [JsonPropertyName("showscale")]
    public bool? ShowScale { get; init; }
}

/// <summary>Counts of <c>x</c> in bins (<c>type: "histogram"</c>).</summary>
public sealed class Histogram : Trace
{
    /// <inheritdoc/>
    public override string Type => "histogram";

    /// <summary>The samples.</summary>
    public required IReadOnlyList<double> X { get; init; }

    /// <summary>How many bins plotly may use at most.</summary>
    [JsonPropertyName("nbinsx")]
    public int? NBinsX { get; init; }
}

/// <summary>An RGB image (<c>type: "image"</c>), <c>z[row][column] = [r, g, b]</c> in 0–255, or a PNG <c>source</c> data URL.</summary>
public sealed class Image : Trace
{
    /// <inheritdoc/>
    public override string Type => "image";

    /// <summary>A <c>data:image/png;base64,…</c> URL.</summary>
    public string? Source { get; init; }

    /// <summary>Pixels as [r, g, b] per cell, when no <see cref="Source"/> is given.</summary>
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>? Z { get; init; }
}

/// <summary>A line's style.</summary>
public sealed record Line(string? Color = null, double? Width = null, string? Dash = null);

/// <summary>A marker's style; <paramref name="Line"/> outlines it (plotly.js's <c>marker.line</c>), so points stay visible over a coloured surface.</summary>
public sealed record Marker(string? Color = null, double? Size = null, string? Symbol = null, MarkerLine? Line = null);

/// <summary>A marker's outline: colour and width in pixels.</summary>
public sealed record MarkerLine(string Color, double Width = 1);

/// <summary>A title; plotly.js's <c>{text: …}</c> form.</summary>
public sealed record Title(string Text);

/// <summary>The figure's layout: titles, axes, legend, annotations.</summary>
public sealed class Layout
{
    /// <summary>A copy with <paramref name="title"/> as the chart title.</summary>
    public Layout WithTitle(Title title)
    {
        var copy = (Layout)MemberwiseClone();
        copy.Title = title;
        return copy;
    }

    /// <summary>The chart title.</summary>
    public Title? Title { get; set; }

    /// <summary>The (first) x axis.</summary>
    [JsonPropertyName("xaxis")]
    public Axis? XAxis { get; init; }

    /// <summary>The (first) y axis.</summary>
    [JsonPropertyName("yaxis")]
    public Axis? YAxis { get; init; }

    /// <summary>The second subplot's x axis (traces with <c>xaxis: "x2"</c>).</summary>
    [JsonPropertyName("xaxis2")]
    public Axis? XAxis2 { get; init; }

    /// <summary>The second subplot's y axis.</summary>
    [JsonPropertyName("yaxis2")]
    public Axis? YAxis2 { get; init; }

    /// <summary>Text placed on the chart.</summary>
    public List<Annotation>? Annotations { get; init; }

    /// <summary>Height in pixels.</summary>
    public int? Height { get; init; }

    /// <summary>Width in pixels (null: fill the output).</summary>
    public int? Width { get; init; }

    /// <summary>Margins in pixels.</summary>
    public Margin? Margin { get; init; }

    /// <summary>Whether to show the legend.</summary>
    [JsonPropertyName("showlegend")]
    public bool? ShowLegend { get; init; }

    /// <summary>Where plotly.js puts the legend (the static form keeps it at the right, beside any colour bar).</summary>
    public Legend? Legend { get; init; }
}

/// <summary>
/// The legend's placement, in paper coordinates (0–1 across the plot area): <c>new Legend("h", 0, -0.2)</c> lays it out
/// in a row under the plot, clear of a colour bar at the right.
/// </summary>
/// <param name="Orientation"><c>v</c> (a column, plotly.js's default) or <c>h</c> (a row).</param>
/// <param name="X">The legend's x anchor position.</param>
/// <param name="Y">The legend's y anchor position.</param>
public sealed record Legend(string? Orientation = null, double? X = null, double? Y = null);

/// <summary>An axis: title, <c>linear</c>/<c>log</c>/<c>category</c> type, range, and its subplot domain.</summary>
public sealed class Axis
{
    /// <summary>The axis title.</summary>
    public Title? Title { get; init; }

    /// <summary><c>linear</c>, <c>log</c> or <c>category</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The part of the figure's width (x) or height (y) the axis spans, e.g. [0, 0.45].</summary>
    public IReadOnlyList<double>? Domain { get; init; }

    /// <summary>The axis it is anchored to, e.g. <c>x2</c> for <c>yaxis2</c>.</summary>
    public string? Anchor { get; init; }

    /// <summary><c>reversed</c> puts the first row of a heatmap at the top.</summary>
    [JsonPropertyName("autorange")]
    public string? AutoRange { get; init; }

    /// <summary><c>x</c> with y makes one x unit as long as one y unit.</summary>
    [JsonPropertyName("scaleanchor")]
    public string? ScaleAnchor { get; init; }
}

/// <summary>A text label at (x, y) in data coordinates (or paper coordinates with <c>xref: "paper"</c>).</summary>
public sealed class Annotation
{
    /// <summary>x position.</summary>
    public object? X { get; init; }

    /// <summary>y position.</summary>
    public object? Y { get; init; }

    /// <summary>The label.</summary>
    public required string Text { get; init; }

    /// <summary>Whether an arrow points at (x, y).</summary>
    [JsonPropertyName("showarrow")]
    public bool ShowArrow { get; init; }

    /// <summary><c>x</c>, <c>x2</c> or <c>paper</c>.</summary>
    [JsonPropertyName("xref")]
    public string? XRef { get; init; }

    /// <summary><c>y</c>, <c>y2</c> or <c>paper</c>.</summary>
    [JsonPropertyName("yref")]
    public string? YRef { get; init; }

    /// <summary>Font colour and size.</summary>
    public Font? Font { get; init; }
}

/// <summary>A font's colour and size.</summary>
public sealed record Font(string? Color = null, double? Size = null);

/// <summary>Margins in pixels.</summary>
public sealed record Margin(int L, int R, int T, int B);
