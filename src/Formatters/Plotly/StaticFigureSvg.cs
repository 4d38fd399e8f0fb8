// The static form of a plotly chart: the same chart as an SVG (title, axes with ticks and titles, subplots, lines,
// markers, bars, histograms, heatmap and contour cells in plotly.js's colour scale with its colour bar, annotations,
// the legend), which is what a viewer that runs no script shows (GitHub, nbviewer, an offline page, a PDF) and what
// plotly.js replaces when it loads.
using System.Text;

namespace DeepLearnKit.Formatters.Plotly;

internal static class StaticFigureSvg
{
    /// <summary>plotly.js's default trace colours (its <c>layout.colorway</c>, D3's category10), in order.</summary>
    public static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const double CharWidth = 6.4, TickFont = 11;
    private const int MaxCells = 64, MaxLinePoints = 800, MaxMarkers = 300, MaxLegendChars = 28;

    private sealed record Subplot(string XName, string YName, StaticAxis X, StaticAxis Y, List<Trace> Traces, List<Trace> All);

    /// <summary>The chart as an <c>&lt;svg class="dlk-static"&gt;</c> of <paramref name="width"/> × <paramref name="height"/> pixels that shrinks to narrower columns.</summary>
    public static string Render(Figure figure, int width, int height)
    {
        var layout = figure.Layout;
        var subplots = figure.Data.GroupBy(t => (t.XAxis ?? "x", t.YAxis ?? "y"))
            .Select(g => MakeSubplot(layout, g.Key.Item1, g.Key.Item2, g.ToList(), figure.Data)).ToList();
        var legend = LegendEntries(figure);
        var scaled = figure.Data.FirstOrDefault(t => t is Heatmap { ShowScale: not false } or Contour { ShowScale: not false });

        double top = layout.Title is null ? 14 : 40;
        foreach (var s in subplots)
        {
            s.Y.Start = height - 60;   // provisional, so the y tick labels (and the left margin they need) are known
            s.Y.End = top;
        }
        double legendWidth = legend.Count == 0 ? 0 : 34 + CharWidth * legend.Max(e => Math.Min(e.Name.Length, MaxLegendChars));
        double right = 14 + legendWidth + (scaled is null ? 0 : 70);
        double left = 14 + subplots.Select(s => YLabelWidth(s.Y) + (s.Y.Title is null ? 0 : 20)).DefaultIfEmpty(40).Max();
        double plotWidth = Math.Max(60, width - left - right);
        foreach (var s in subplots)
        {
            var domain = (s.XName == "x2" ? layout.XAxis2 : layout.XAxis)?.Domain ?? [0, 1];
            s.X.Start = left + domain[0] * plotWidth;
            s.X.End = left + domain[1] * plotWidth;
        }
        double bottom = 16 + subplots.Select(s => XLabelHeight(s.X) + (s.X.Title is null ? 0 : 20)).DefaultIfEmpty(20).Max();
        foreach (var s in subplots)
        {
            s.Y.Start = height - bottom;
            s.Y.End = top;
        }

        var svg = new StringBuilder($"<svg class=\"dlk-static\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" style=\"max-width:100%;height:auto\" font-family=\"sans-serif\">");
        svg.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>");
        foreach (var s in subplots) DrawSubplot(svg, s);
        foreach (var a in layout.Annotations ?? []) DrawAnnotation(svg, a, subplots, left, plotWidth, top, height - bottom);
        if (layout.Title is { } title)
            svg.Append($"<text class=\"dlk-title\" x=\"{Html.Coordinate(left + plotWidth / 2)}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{Html.Encode(title.Text)}</text>");
        if (scaled is not null) DrawColorBar(svg, scaled, left + plotWidth + 18, top, height - bottom);
        if (legend.Count > 0) DrawLegend(svg, legend, width - legendWidth - 4, top);
        return svg.Append("</svg>").ToString();
    }

    private static Subplot MakeSubplot(Layout layout, string xName, string yName, List<Trace> traces, List<Trace> all)
    {
        var xSpec = xName == "x2" ? layout.XAxis2 : layout.XAxis;
        var ySpec = yName == "y2" ? layout.YAxis2 : layout.YAxis;
        var grid = traces.FirstOrDefault(t => t is Heatmap or Contour or Image);
        StaticAxis x, y;
        switch (grid)
        {
            case Heatmap h:
                int cols = h.Z.Max(r => r.Count), rows = h.Z.Count;
                x = h.X is { Count: > 0 } hx && hx.Any(v => v is string) ? StaticAxis.For(xSpec, hx, false, false) : StaticAxis.Range(xSpec, -0.5, cols - 0.5);
                y = h.Y is { Count: > 0 } hy && hy.Any(v => v is string) ? StaticAxis.For(ySpec, hy, false, false) : StaticAxis.Range(ySpec, -0.5, rows - 0.5);
                break;
            case Contour c:
                x = StaticAxis.Range(xSpec, c.X?.Min() ?? 0, c.X?.Max() ?? c.Z.Max(r => r.Count) - 1);
                y = StaticAxis.Range(ySpec, c.Y?.Min() ?? 0, c.Y?.Max() ?? c.Z.Count - 1);
                break;
            default:
                bool bars = traces.Any(t => t is Bar or Histogram);
                bool markers = traces.OfType<Scatter>().Any(s => s.Mode?.Contains("markers") == true);
                x = StaticAxis.For(xSpec, traces.SelectMany(XValues).ToList(), false, markers && !bars);
                y = StaticAxis.For(ySpec, traces.SelectMany(YValues).Select(v => (object)v).ToList(), bars, true);
                break;
        }
        return new Subplot(xName, yName, x, y, traces, all);
    }

    private static IEnumerable<object> XValues(Trace trace) => trace switch
    {
        Scatter { Y: { } y } s => s.X ?? Enumerable.Range(0, y.Count).Select(i => (object)i).ToArray(),
        // Bars on a numeric axis are one unit wide around their position.
        Bar { Y: { } y } b => (b.X ?? Enumerable.Range(0, y.Count).Select(i => (object)i).ToArray())
            .SelectMany(v => v is string ? [v] : new object[] { Convert.ToDouble(v) - 0.5, Convert.ToDouble(v) + 0.5 }),
        Histogram h => Bins(h).Select(bin => (object)bin.Center).Concat(Bins(h).SelectMany(bin => new object[] { bin.Center - bin.Width / 2, bin.Center + bin.Width / 2 })),
        _ => [],
    };

    private static IEnumerable<double> YValues(Trace trace) => trace switch
    {
        Scatter { Y: { } y } => y,
        Bar { Y: { } y } => y,
        Histogram h => Bins(h).Select(bin => bin.Count),
        _ => [],
    };

    private static double YLabelWidth(StaticAxis axis) =>
        CharWidth * axis.Ticks(40).Select(t => t.Label.Length).DefaultIfEmpty(3).Max() + 8;

    private static bool Rotated(StaticAxis axis) =>
        axis.AxisKind == StaticAxis.Kind.Category && axis.Categories.Select(c => c.Length).DefaultIfEmpty(0).Max() * CharWidth > axis.Band - 4;

    private static double XLabelHeight(StaticAxis axis) =>
        Rotated(axis) ? 12 + 0.72 * CharWidth * axis.Categories.Max(c => c.Length) : 18;

    private static void DrawSubplot(StringBuilder svg, Subplot s)
    {
        double x0 = s.X.Start, x1 = s.X.End, y0 = s.Y.End, y1 = s.Y.Start;
        var clip = Html.NewId("clip");
        svg.Append($"<clipPath id=\"{clip}\"><rect x=\"{Html.Coordinate(x0)}\" y=\"{Html.Coordinate(y0)}\" width=\"{Html.Coordinate(x1 - x0)}\" height=\"{Html.Coordinate(y1 - y0)}\"/></clipPath>");
        svg.Append($"<rect x=\"{Html.Coordinate(x0)}\" y=\"{Html.Coordinate(y0)}\" width=\"{Html.Coordinate(x1 - x0)}\" height=\"{Html.Coordinate(y1 - y0)}\" fill=\"#fff\"/>");
        bool grid = s.Traces.Any(t => t is Heatmap or Contour or Image);
        if (!grid) GridLines(svg, s);
        svg.Append($"<g clip-path=\"url(#{clip})\">");
        foreach (var trace in s.Traces)
        {
            switch (trace)
            {
                case Heatmap h: HeatmapCells(svg, h, s); break;
                case Contour c: ContourCells(svg, c, s); break;
                case Image { Source: { } source }:
                    svg.Append($"<image href=\"{Html.Encode(source)}\" x=\"{Html.Coordinate(x0)}\" y=\"{Html.Coordinate(y0)}\" width=\"{Html.Coordinate(x1 - x0)}\" height=\"{Html.Coordinate(y1 - y0)}\" preserveAspectRatio=\"xMidYMid meet\"/>");
                    break;
            }
        }
        var barTraces = s.Traces.Where(t => t is Bar or Histogram).ToList();
        for (int k = 0; k < barTraces.Count; k++) Bars(svg, barTraces[k], k, barTraces.Count, s, ColorOf(barTraces[k], IndexOf(s, barTraces[k])));
        foreach (var line in s.Traces.OfType<Scatter>()) Line(svg, line, s, ColorOf(line, IndexOf(s, line)));
        svg.Append("</g>");
        Axes(svg, s);
    }

    // A trace's default colour follows its position among the figure's traces, as plotly.js's colorway does.
    private static int IndexOf(Subplot s, Trace t) => s.All.IndexOf(t);

    private static string ColorOf(Trace t, int index) => t switch
    {
        Scatter { Line.Color: { } c } => c,
        Scatter { Marker.Color: { } c } => c,
        Bar { Marker.Color: { } c } => c,
        _ => Colors[index % Colors.Length],
    };

    private static void GridLines(StringBuilder svg, Subplot s)
    {
        if (s.X.AxisKind != StaticAxis.Kind.Category)
            foreach (var (px, _) in s.X.Ticks(90))
                svg.Append($"<line x1=\"{Html.Coordinate(px)}\" y1=\"{Html.Coordinate(s.Y.End)}\" x2=\"{Html.Coordinate(px)}\" y2=\"{Html.Coordinate(s.Y.Start)}\" stroke=\"#eee\"/>");
        foreach (var (py, _) in s.Y.Ticks(45))
            svg.Append($"<line x1=\"{Html.Coordinate(s.X.Start)}\" y1=\"{Html.Coordinate(py)}\" x2=\"{Html.Coordinate(s.X.End)}\" y2=\"{Html.Coordinate(py)}\" stroke=\"#eee\"/>");
    }

    private static void Axes(StringBuilder svg, Subplot s)
    {
        var xAxis = new StringBuilder($"<g class=\"dlk-axis dlk-xaxis\" font-size=\"{TickFont}\" fill=\"#444\">");
        bool rotated = Rotated(s.X);
        foreach (var (px, label) in s.X.Ticks(90))
        {
            string x = Html.Coordinate(px), y = Html.Coordinate(s.Y.Start + 14);
            xAxis.Append(rotated
                ? $"<text x=\"{x}\" y=\"{y}\" text-anchor=\"end\" transform=\"rotate(-45 {x} {y})\">{Html.Encode(label)}</text>"
                : $"<text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\">{Html.Encode(label)}</text>");
        }
        if (s.X.Title is { } xt)
            xAxis.Append($"<text class=\"dlk-axis-title\" x=\"{Html.Coordinate((s.X.Start + s.X.End) / 2)}\" y=\"{Html.Coordinate(s.Y.Start + XLabelHeight(s.X) + 16)}\" text-anchor=\"middle\" font-size=\"12\">{Html.Encode(xt)}</text>");
        svg.Append(xAxis).Append("</g>");

        var yAxis = new StringBuilder($"<g class=\"dlk-axis dlk-yaxis\" font-size=\"{TickFont}\" fill=\"#444\">");
        foreach (var (py, label) in s.Y.Ticks(45))
            yAxis.Append($"<text x=\"{Html.Coordinate(s.X.Start - 5)}\" y=\"{Html.Coordinate(py + 4)}\" text-anchor=\"end\">{Html.Encode(label)}</text>");
        if (s.Y.Title is { } yt)
        {
            string x = Html.Coordinate(s.X.Start - YLabelWidth(s.Y) - 8), y = Html.Coordinate((s.Y.Start + s.Y.End) / 2);
            yAxis.Append($"<text class=\"dlk-axis-title\" x=\"{x}\" y=\"{y}\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 {x} {y})\">{Html.Encode(yt)}</text>");
        }
        svg.Append(yAxis).Append("</g>");
    }

    private static void Line(StringBuilder svg, Scatter line, Subplot s, string color)
    {
        if (line.Y is not { Count: > 0 } ys) return;
        var xs = line.X ?? Enumerable.Range(0, ys.Count).Select(i => (object)i).ToArray();
        var points = new List<(double X, double Y)>();
        int n = Math.Min(xs.Count, ys.Count), stride = Math.Max(1, (int)Math.Ceiling(n / (double)MaxLinePoints));
        for (int i = 0; i < n; i++)
        {
            if (i % stride != 0 && i != n - 1) continue;
            double px = s.X.Map(xs[i]), py = s.Y.Map(ys[i]);
            if (double.IsFinite(px) && double.IsFinite(py)) points.Add((px, py));
        }
        string mode = line.Mode ?? (n <= 20 ? "lines+markers" : "lines");
        if (mode.Contains("lines") && points.Count > 1)
        {
            string dash = line.Line?.Dash == "dash" ? " stroke-dasharray=\"6,4\"" : "";
            svg.Append($"<polyline class=\"dlk-line\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{Html.Coordinate(line.Line?.Width ?? 2)}\"{dash} points=\"")
               .AppendJoin(' ', points.Select(p => Html.Coordinate(p.X) + "," + Html.Coordinate(p.Y))).Append("\"/>");
        }
        if (mode.Contains("markers") && points.Count <= MaxMarkers)
        {
            double r = (line.Marker?.Size ?? 6) / 2;
            string fill = line.Marker?.Color ?? color;
            string outline = line.Marker?.Line is { } o ? $" stroke=\"{o.Color}\" stroke-width=\"{Html.Coordinate(o.Width)}\"" : "";
            foreach (var (px, py) in points)
                svg.Append($"<circle cx=\"{Html.Coordinate(px)}\" cy=\"{Html.Coordinate(py)}\" r=\"{Html.Coordinate(r)}\" fill=\"{fill}\"{outline}/>");
        }
    }

    private static void Bars(StringBuilder svg, Trace trace, int k, int groups, Subplot s, string color)
    {
        var (xs, ys, width) = trace switch
        {
            Bar { Y: { } y } b => ((IReadOnlyList<object>)(b.X ?? Enumerable.Range(0, y.Count).Select(i => (object)i).ToArray()), y, 1.0),
            Histogram h => (Bins(h).Select(bin => (object)bin.Center).ToArray(), Bins(h).Select(bin => bin.Count).ToArray(), Bins(h).FirstOrDefault().Width),
            _ => ((IReadOnlyList<object>)[], (IReadOnlyList<double>)[], 1.0),
        };
        double slot = (trace is Histogram ? width : 0.8) * s.X.Band, barWidth = trace is Histogram ? slot : slot / groups;
        double baseline = s.Y.AxisKind == StaticAxis.Kind.Log ? s.Y.Start : s.Y.Map(0.0);
        for (int i = 0; i < Math.Min(xs.Count, ys.Count); i++)
        {
            double center = s.X.Map(xs[i]), top = s.Y.Map(ys[i]);
            if (!double.IsFinite(center) || !double.IsFinite(top)) continue;
            double left = trace is Histogram ? center - slot / 2 : center - slot / 2 + k * barWidth;
            svg.Append($"<rect class=\"dlk-bar\" x=\"{Html.Coordinate(left)}\" y=\"{Html.Coordinate(Math.Min(top, baseline))}\" width=\"{Html.Coordinate(Math.Max(barWidth - 1, 1))}\" height=\"{Html.Coordinate(Math.Abs(baseline - top))}\" fill=\"{color}\"/>");
        }
    }

    private static (double Min, double Max) ColorRange(IReadOnlyList<IReadOnlyList<double>> z, double? mid)
    {
        var finite = z.SelectMany(r => r).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double min = finite.Min(), max = finite.Max();
        if (mid is { } m)
        {
            double half = Math.Max(Math.Abs(max - m), Math.Abs(min - m));
            (min, max) = (m - half, m + half);
        }
        return (min, max);
    }

    private static string Shade(double value, (double Min, double Max) range, string? scale, bool reversed) =>
        ColorScales.At(scale, range.Max > range.Min ? (value - range.Min) / (range.Max - range.Min) : 0.5, reversed);

    private static void HeatmapCells(StringBuilder svg, Heatmap h, Subplot s)
    {
        var range = ColorRange(h.Z, h.Zmid);
        Cells(svg, h.Z, s, i => h.Y is { Count: > 0 } ys && i < ys.Count && s.Y.AxisKind == StaticAxis.Kind.Category ? ys[i] : i,
            j => h.X is { Count: > 0 } xs && j < xs.Count && s.X.AxisKind == StaticAxis.Kind.Category ? xs[j] : j,
            s.X.Band, s.Y.Band, v => Shade(v, range, h.ColorScale, h.ReverseScale == true));
    }

    private static void ContourCells(StringBuilder svg, Contour c, Subplot s)
    {
        var range = ColorRange(c.Z, null);
        double dx = c.X is { Count: > 1 } xs ? (xs[^1] - xs[0]) / (xs.Count - 1) : 1, dy = c.Y is { Count: > 1 } ys ? (ys[^1] - ys[0]) / (ys.Count - 1) : 1;
        Cells(svg, c.Z, s, i => c.Y is { } y && i < y.Count ? y[i] : i, j => c.X is { } x && j < x.Count ? x[j] : j,
            Math.Abs(dx) * s.X.Band, Math.Abs(dy) * s.Y.Band, v => Shade(v, range, c.ColorScale, false));
    }

    // Cells centred on their row's and column's position; a grid larger than MaxCells a side is drawn every k-th cell, k cells wide.
    private static void Cells(StringBuilder svg, IReadOnlyList<IReadOnlyList<double>> z, Subplot s, Func<int, object> rowAt, Func<int, object> colAt,
        double cellWidth, double cellHeight, Func<double, string> shade)
    {
        int rows = z.Count, cols = z.Max(r => r.Count);
        int rowStep = (rows + MaxCells - 1) / MaxCells, colStep = (cols + MaxCells - 1) / MaxCells;
        double w = cellWidth * colStep, h = cellHeight * rowStep;
        for (int i = 0; i < rows; i += rowStep)
            for (int j = 0; j < z[i].Count; j += colStep)
            {
                double cx = s.X.Map(colAt(j)) + (colStep - 1) * cellWidth / 2, cy = s.Y.Map(rowAt(i));
                if (!double.IsFinite(cx) || !double.IsFinite(cy) || !double.IsFinite(z[i][j])) continue;
                svg.Append($"<rect x=\"{Html.Coordinate(cx - cellWidth / 2)}\" y=\"{Html.Coordinate(cy - h / 2)}\" width=\"{Html.Coordinate(w + 0.6)}\" height=\"{Html.Coordinate(h + 0.6)}\" fill=\"{shade(z[i][j])}\"/>");
            }
    }

    private static void DrawColorBar(StringBuilder svg, Trace trace, double x, double top, double bottom)
    {
        var (z, scale, reversed, mid) = trace switch
        {
            Heatmap h => (h.Z, h.ColorScale, h.ReverseScale == true, h.Zmid),
            Contour c => (c.Z, c.ColorScale, false, (double?)null),
            _ => throw new ArgumentException("no colour scale", nameof(trace)),
        };
        var range = ColorRange(z, mid);
        var gradient = Html.NewId("scale");
        svg.Append($"<linearGradient id=\"{gradient}\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int i = 0; i <= 10; i++)
            svg.Append($"<stop offset=\"{Html.Coordinate(i / 10.0)}\" stop-color=\"{ColorScales.At(scale, i / 10.0, reversed)}\"/>");
        svg.Append("</linearGradient>");
        svg.Append($"<g class=\"dlk-colorbar\" font-size=\"{TickFont}\" fill=\"#444\"><rect x=\"{Html.Coordinate(x)}\" y=\"{Html.Coordinate(top)}\" width=\"14\" height=\"{Html.Coordinate(bottom - top)}\" fill=\"url(#{gradient})\"/>");
        var axis = StaticAxis.Range(null, range.Min, range.Max);
        axis.Start = bottom;
        axis.End = top;
        foreach (var (py, label) in axis.Ticks(45))
            svg.Append($"<text x=\"{Html.Coordinate(x + 18)}\" y=\"{Html.Coordinate(py + 4)}\">{Html.Encode(label)}</text>");
        svg.Append("</g>");
    }

    private static void DrawAnnotation(StringBuilder svg, Annotation a, List<Subplot> subplots, double left, double plotWidth, double top, double bottom)
    {
        var s = subplots.FirstOrDefault(p => p.XName == (a.XRef ?? "x") && p.YName == (a.YRef ?? "y")) ?? subplots.FirstOrDefault();
        double px = a.XRef == "paper" ? left + Convert.ToDouble(a.X ?? 0.5) * plotWidth : s is null || a.X is null ? double.NaN : MapAnnotation(s.X, a.X);
        double py = a.YRef == "paper" ? bottom - Convert.ToDouble(a.Y ?? 0.5) * (bottom - top) : s is null || a.Y is null ? double.NaN : MapAnnotation(s.Y, a.Y);
        if (!double.IsFinite(px) || !double.IsFinite(py)) return;
        string color = a.Font?.Color ?? "#222", size = Html.Coordinate(a.Font?.Size ?? 12);
        double textY = a.ShowArrow ? py - 30 : py + 4;
        if (a.ShowArrow)
            svg.Append($"<line x1=\"{Html.Coordinate(px)}\" y1=\"{Html.Coordinate(py - 24)}\" x2=\"{Html.Coordinate(px)}\" y2=\"{Html.Coordinate(py - 4)}\" stroke=\"#444\"/>");
        svg.Append($"<text class=\"dlk-annotation\" x=\"{Html.Coordinate(px)}\" y=\"{Html.Coordinate(textY)}\" text-anchor=\"middle\" font-size=\"{size}\" fill=\"{color}\">{Html.Encode(a.Text)}</text>");
    }

    // plotly.js places an annotation on a log axis by the log10 of its position; on other axes by the value itself.
    private static double MapAnnotation(StaticAxis axis, object value) =>
        axis.AxisKind == StaticAxis.Kind.Log && value is not string ? axis.MapUnit(Convert.ToDouble(value)) : axis.Map(value);

    private sealed record LegendEntry(string Name, string Color, bool Dashed);

    // plotly.js shows a legend when a figure has two or more traces that can appear in one, unless the layout says otherwise.
    private static List<LegendEntry> LegendEntries(Figure figure)
    {
        var entries = new List<LegendEntry>();
        for (int i = 0; i < figure.Data.Count; i++)
        {
            var t = figure.Data[i];
            if (t is Heatmap or Contour or Image || t.ShowLegend == false) continue;
            entries.Add(new LegendEntry(t.Name ?? $"trace {i}", ColorOf(t, i), t is Scatter { Line.Dash: "dash" }));
        }
        bool show = figure.Layout.ShowLegend ?? entries.Count >= 2;
        return show ? entries : [];
    }

    private static void DrawLegend(StringBuilder svg, List<LegendEntry> entries, double x, double top)
    {
        svg.Append($"<g class=\"dlk-legend\" font-size=\"{TickFont}\" fill=\"#444\">");
        for (int i = 0; i < entries.Count; i++)
        {
            double y = top + 10 + i * 18;
            var e = entries[i];
            string name = e.Name.Length > MaxLegendChars ? e.Name[..(MaxLegendChars - 1)] + "…" : e.Name;
            svg.Append($"<line x1=\"{Html.Coordinate(x)}\" y1=\"{Html.Coordinate(y)}\" x2=\"{Html.Coordinate(x + 22)}\" y2=\"{Html.Coordinate(y)}\" stroke=\"{e.Color}\" stroke-width=\"3\"{(e.Dashed ? " stroke-dasharray=\"5,3\"" : "")}/>")
               .Append($"<text x=\"{Html.Coordinate(x + 28)}\" y=\"{Html.Coordinate(y + 4)}\">{Html.Encode(name)}</text>");
        }
        svg.Append("</g>");
    }

    private static List<(double Center, double Width, double Count)> Bins(Histogram h)
    {
        var finite = h.X.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return [];
        int n = Math.Clamp(h.NBinsX ?? 20, 1, 100);
        double min = finite.Min(), span = Math.Max(finite.Max() - min, 1e-12), width = span / n;
        var counts = new double[n];
        foreach (var v in finite) counts[Math.Min(n - 1, (int)((v - min) / width))]++;
        return counts.Select((c, i) => (min + (i + 0.5) * width, width, c)).ToList();
    }
}
