// The static stand-in of a plotly chart: a small SVG of the same data (lines as polylines, bars and histograms as
// rects, heatmaps and contours as coloured cells) that a notebook viewer without scripts still shows.
using System.Text;

namespace DeepLearnKit.Formatters.Plotly;

internal static class StaticFigureSvg
{
    public static readonly string[] Colors = ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692", "#b6e880"];
    private const int MaxCells = 48;

    public static string Render(Figure figure, int width, int height)
    {
        var svg = new StringBuilder($"<svg class=\"dlk-static\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        svg.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\" stroke=\"#ccc\"/>");
        if (figure.Layout.Title is { } title)
            svg.Append($"<text x=\"{width / 2}\" y=\"14\" text-anchor=\"middle\" font-size=\"12\" font-family=\"sans-serif\">{Html.Encode(title.Text)}</text>");
        var box = (X: 30.0, Y: 22.0, W: width - 40.0, H: height - 36.0);
        var grids = figure.Data.Select(t => t switch
        {
            Heatmap h => h.Z,
            Contour c => c.Z,
            _ => null,
        }).Where(z => z is { Count: > 0 }).ToList();
        if (grids.Count > 0) Cells(svg, grids[0]!, box);
        var lines = figure.Data.OfType<Scatter>().Where(s => s.Y is { Count: > 0 }).ToList();
        var bars = figure.Data.OfType<Bar>().Where(b => b.Y is { Count: > 0 }).Select(b => b.Y!).ToList();
        bars.AddRange(figure.Data.OfType<Histogram>().Where(h => h.X.Count > 0).Select(h => Bins(h.X)));
        if (bars.Count > 0) Bars(svg, bars, box);
        if (lines.Count > 0) Polylines(svg, lines, box, overGrid: grids.Count > 0);
        return svg.Append("</svg>").ToString();
    }

    private static void Cells(StringBuilder svg, IReadOnlyList<IReadOnlyList<double>> z, (double X, double Y, double W, double H) box)
    {
        int rows = z.Count, cols = z.Max(r => r.Count);
        int rowStep = (rows + MaxCells - 1) / MaxCells, colStep = (cols + MaxCells - 1) / MaxCells;
        var finite = z.SelectMany(r => r).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double min = finite.Min(), max = finite.Max();
        double cw = box.W / Math.Ceiling((double)cols / colStep), ch = box.H / Math.Ceiling((double)rows / rowStep);
        for (int i = 0, ri = 0; i < rows; i += rowStep, ri++)
            for (int j = 0, cj = 0; j < z[i].Count; j += colStep, cj++)
                svg.Append($"<rect x=\"{Html.Coordinate(box.X + cj * cw)}\" y=\"{Html.Coordinate(box.Y + ri * ch)}\" width=\"{Html.Coordinate(cw + 0.5)}\" height=\"{Html.Coordinate(ch + 0.5)}\" fill=\"{Shade(z[i][j], min, max)}\"/>");
    }

    private static void Bars(StringBuilder svg, List<IReadOnlyList<double>> series, (double X, double Y, double W, double H) box)
    {
        double max = series.SelectMany(s => s).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
        if (max == 0) max = 1;
        int count = series.Max(s => s.Count);
        double slot = box.W / count, bw = slot / (series.Count + 1);
        for (int k = 0; k < series.Count; k++)
            for (int i = 0; i < series[k].Count; i++)
            {
                double v = double.IsFinite(series[k][i]) ? Math.Abs(series[k][i]) : 0, h = v / max * box.H;
                svg.Append($"<rect x=\"{Html.Coordinate(box.X + i * slot + (k + 0.5) * bw)}\" y=\"{Html.Coordinate(box.Y + box.H - h)}\" width=\"{Html.Coordinate(bw)}\" height=\"{Html.Coordinate(h)}\" fill=\"{Colors[k % Colors.Length]}\"/>");
            }
    }

    private static void Polylines(StringBuilder svg, List<Scatter> lines, (double X, double Y, double W, double H) box, bool overGrid)
    {
        var xs = lines.Select(XValues).ToList();
        var allX = xs.SelectMany(x => x).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var allY = lines.SelectMany(l => l.Y!).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double x0 = allX.Min(), x1 = allX.Max(), y0 = allY.Min(), y1 = allY.Max();
        if (x1 == x0) x1 = x0 + 1;
        if (y1 == y0) y1 = y0 + 1;
        for (int k = 0; k < lines.Count; k++)
        {
            var points = new StringBuilder();
            for (int i = 0; i < lines[k].Y!.Count && i < xs[k].Count; i++)
            {
                double x = xs[k][i], y = lines[k].Y![i];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                points.Append(Html.Coordinate(box.X + (x - x0) / (x1 - x0) * box.W)).Append(',')
                      .Append(Html.Coordinate(box.Y + box.H - (y - y0) / (y1 - y0) * box.H)).Append(' ');
            }
            string color = lines[k].Line?.Color ?? (overGrid ? "#fff" : Colors[k % Colors.Length]);
            svg.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points.ToString().TrimEnd()}\"/>");
        }
    }

    private static IReadOnlyList<double> XValues(Scatter s) =>
        s.X is { } x && x.All(v => v is double or float or int or long)
            ? x.Select(Convert.ToDouble).ToArray()
            : Enumerable.Range(0, s.Y!.Count).Select(i => (double)i).ToArray();

    private static IReadOnlyList<double> Bins(IReadOnlyList<double> samples)
    {
        var finite = samples.Where(double.IsFinite).ToArray();
        var counts = new double[20];
        if (finite.Length == 0) return counts;
        double min = finite.Min(), span = Math.Max(finite.Max() - min, 1e-12);
        foreach (var v in finite) counts[Math.Min(19, (int)((v - min) / span * 20))]++;
        return counts;
    }

    /// <summary>A blue (low) to yellow (high) colour, roughly Viridis.</summary>
    public static string Shade(double value, double min, double max)
    {
        double t = max > min && double.IsFinite(value) ? (value - min) / (max - min) : 0;
        int r = (int)(68 + t * (253 - 68)), g = (int)(1 + t * (231 - 1)), b = (int)(84 + t * (37 - 84));
        return $"#{r:x2}{g:x2}{b:x2}";
    }
}
