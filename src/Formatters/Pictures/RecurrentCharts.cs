// Pictures of a recurrent network at work: an LSTM's gates as heatmaps over a sequence (unit × time step, the steps
// labelled with what was read), and the gradient norm through time on a log axis. Plain SVG, no script, so they read
// the same in a notebook, the book and GitHub's renderer.
using System.Globalization;
using System.Text;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters;

/// <summary>Static SVG pictures of <see cref="LstmGateRecord"/> and <see cref="GradientThroughTime"/>.</summary>
public static class RecurrentCharts
{
    private const double CellSize = 14, LabelWidth = 34, PanelTitle = 18, AxisLabels = 18, PanelGap = 14, ScaleWidth = 150;

    /// <summary>
    /// Each quantity of <paramref name="record"/> as a heatmap, one row per unit (the first <paramref name="maxUnits"/>),
    /// one column per step labelled with <see cref="LstmGateRecord.StepLabels"/>. The gates i, f, o are coloured on
    /// [0, 1] (white → blue), g and h on [−1, 1] and c on [−m, m] with m = max |c| (red → white → blue), each with its
    /// colour scale. Every cell carries its value in <c>data-value</c> and a tooltip.
    /// </summary>
    public static string GateHeatmaps(LstmGateRecord record, string? title = null, int maxUnits = 16)
    {
        ArgumentNullException.ThrowIfNull(record);
        int units = Math.Min(maxUnits, record.Units), steps = record.Steps;
        title ??= $"{record.Description}: gates and states over {steps} steps (units 0–{units - 1} of {record.Units})";
        double panelWidth = LabelWidth + steps * CellSize, panelHeight = PanelTitle + units * CellSize + AxisLabels + 22;
        int columns = panelWidth * 2 + PanelGap <= 960 ? 2 : 1;
        double width = Math.Max(columns * (panelWidth + PanelGap), LabelWidth + ScaleWidth + 20);
        width = Math.Max(width, Math.Min(960, title.Length * 8.5));
        var svg = new StringBuilder();
        var quantities = record.Quantities;
        for (int q = 0; q < quantities.Count; q++)
        {
            var (name, symbol, values) = quantities[q];
            double x0 = q % columns * (panelWidth + PanelGap), y0 = 24 + q / columns * (panelHeight + PanelGap);
            double bound = symbol switch
            {
                "i" or "f" or "o" => 1,
                "c" => Math.Max(1e-6, MaxAbs(values)),
                _ => 1,
            };
            bool diverging = symbol is "g" or "h" or "c";
            svg.Append($"<g class=\"dlk-gate\" data-gate=\"{symbol}\">")
                .Append($"<text x=\"{C(x0)}\" y=\"{C(y0 + 13)}\" font-family=\"system-ui,sans-serif\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">{symbol}_t: {name}</text>");
            double top = y0 + PanelTitle;
            for (int j = 0; j < units; j++)
                svg.Append($"<text x=\"{C(x0 + LabelWidth - 4)}\" y=\"{C(top + j * CellSize + 11)}\" text-anchor=\"end\" font-family=\"monospace\" font-size=\"10\" fill=\"#555\">{j}</text>");
            for (int t = 0; t < steps; t++)
            {
                double x = x0 + LabelWidth + t * CellSize;
                for (int j = 0; j < units; j++)
                {
                    float v = values[t, j];
                    string shown = v.ToString("R", CultureInfo.InvariantCulture);
                    svg.Append($"<rect x=\"{C(x)}\" y=\"{C(top + j * CellSize)}\" width=\"{CellSize}\" height=\"{CellSize}\" fill=\"{Colour(v, bound, diverging)}\" data-step=\"{t}\" data-unit=\"{j}\" data-value=\"{shown}\">")
                        .Append($"<title>{symbol} step {t + 1} ({Html.Encode(Visible(record.StepLabels[t]))}), unit {j}: {v.ToString("G4", CultureInfo.InvariantCulture)}</title></rect>");
                }
                svg.Append($"<text x=\"{C(x + CellSize / 2)}\" y=\"{C(top + units * CellSize + 13)}\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"11\" fill=\"#222\">{Html.Encode(Visible(record.StepLabels[t]))}</text>");
            }
            // the colour scale of this panel
            double scaleY = top + units * CellSize + AxisLabels + 4, scaleX = x0 + LabelWidth, scaleW = Math.Min(ScaleWidth, steps * CellSize);
            double low = diverging ? -bound : 0;
            for (int k = 0; k < 20; k++)
            {
                double v = low + (bound - low) * (k + 0.5) / 20;
                svg.Append($"<rect x=\"{C(scaleX + k * scaleW / 20)}\" y=\"{C(scaleY)}\" width=\"{C(scaleW / 20 + 0.3)}\" height=\"8\" fill=\"{Colour(v, bound, diverging)}\"/>");
            }
            svg.Append($"<text x=\"{C(scaleX - 4)}\" y=\"{C(scaleY + 8)}\" text-anchor=\"end\" font-family=\"system-ui,sans-serif\" font-size=\"10\" fill=\"#555\">{N(low)}</text>")
                .Append($"<text x=\"{C(scaleX + scaleW + 4)}\" y=\"{C(scaleY + 8)}\" font-family=\"system-ui,sans-serif\" font-size=\"10\" fill=\"#555\">{N(bound)}</text>")
                .Append("</g>");
        }
        int rows = (quantities.Count + columns - 1) / columns;
        double height = 24 + rows * (panelHeight + PanelGap);
        svg.Append($"<text x=\"0\" y=\"{C(height - 2)}\" font-family=\"system-ui,sans-serif\" font-size=\"11\" fill=\"#555\">rows: hidden units · columns: time steps, labelled with the input read at that step</text>");
        height += 6;
        return $"<div class=\"dlk dlk-lstm-gates\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{C(width)}\" height=\"{C(height)}\" viewBox=\"0 0 {C(width)} {C(height)}\" role=\"img\">" +
            $"<text x=\"0\" y=\"15\" font-family=\"system-ui,sans-serif\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">{Html.Encode(title)}</text>" +
            svg + "</svg></div>";
    }

    /// <summary>
    /// ‖∂L/∂h_t‖ against the step t, one line per network, on a log y axis with a decade grid; each point carries its
    /// value in <c>data-value</c>.
    /// </summary>
    public static string GradientNorms(GradientThroughTime record, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Series.Count == 0)
            return $"<div class=\"dlk\">GradientThroughTime: no networks measured</div>";
        title ??= "‖∂L/∂h_t‖ through time" + (record.Description is null ? "" : $": {record.Description}");
        const double left = 70, right = 170, top = 30, plotW = 560, plotH = 300, bottom = 44;
        double width = left + plotW + right, height = top + plotH + bottom;
        var all = record.Series.SelectMany(s => s.Norms).ToArray();
        int lowDecade = (int)Math.Floor(Math.Log10(all.Min())), highDecade = (int)Math.Ceiling(Math.Log10(all.Max()));
        if (highDecade == lowDecade) highDecade++;
        int steps = record.Series.Max(s => s.Norms.Length);
        double X(int t) => left + (steps == 1 ? plotW / 2 : (t - 1) * plotW / (steps - 1));
        double Y(double v) => top + plotH - (Math.Log10(v) - lowDecade) / (highDecade - lowDecade) * plotH;
        string[] colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
        var svg = new StringBuilder();
        int decadeStep = Math.Max(1, (highDecade - lowDecade) / 10);
        for (int d = lowDecade; d <= highDecade; d += decadeStep)
            svg.Append($"<line x1=\"{C(left)}\" x2=\"{C(left + plotW)}\" y1=\"{C(Y(Math.Pow(10, d)))}\" y2=\"{C(Y(Math.Pow(10, d)))}\" stroke=\"#e4e4e4\"/>")
                .Append($"<text x=\"{C(left - 6)}\" y=\"{C(Y(Math.Pow(10, d)) + 4)}\" text-anchor=\"end\" font-family=\"system-ui,sans-serif\" font-size=\"11\" fill=\"#444\">1e{d}</text>");
        int tickStep = steps <= 12 ? 1 : (int)Math.Ceiling(steps / 10.0 / 5) * 5;
        for (int t = 1; t <= steps; t += t == 1 && tickStep > 1 ? tickStep - 1 : tickStep)
            svg.Append($"<text x=\"{C(X(t))}\" y=\"{C(top + plotH + 16)}\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" font-size=\"11\" fill=\"#444\">{t}</text>");
        svg.Append($"<rect x=\"{C(left)}\" y=\"{C(top)}\" width=\"{C(plotW)}\" height=\"{C(plotH)}\" fill=\"none\" stroke=\"#999\"/>")
            .Append($"<text x=\"{C(left + plotW / 2)}\" y=\"{C(height - 6)}\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" font-size=\"12\" fill=\"#222\">time step t</text>")
            .Append($"<text transform=\"translate(16 {C(top + plotH / 2)}) rotate(-90)\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" font-size=\"12\" fill=\"#222\">‖∂L/∂h_t‖ (log scale)</text>");
        for (int s = 0; s < record.Series.Count; s++)
        {
            var (network, norms) = record.Series[s];
            string colour = colours[s % colours.Length];
            var points = string.Join(" ", norms.Select((v, i) => $"{C(X(i + 1))},{C(Y(v))}"));
            svg.Append($"<g class=\"dlk-series\" data-network=\"{Html.Encode(network)}\"><polyline points=\"{points}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            for (int i = 0; i < norms.Length; i++)
                svg.Append($"<circle cx=\"{C(X(i + 1))}\" cy=\"{C(Y(norms[i]))}\" r=\"2.5\" fill=\"{colour}\" data-step=\"{i + 1}\" data-value=\"{norms[i].ToString("R", CultureInfo.InvariantCulture)}\"><title>{Html.Encode(network)}, t = {i + 1}: {norms[i].ToString("G4", CultureInfo.InvariantCulture)}</title></circle>");
            double ly = top + 10 + s * 20;
            svg.Append($"<line x1=\"{C(left + plotW + 12)}\" x2=\"{C(left + plotW + 32)}\" y1=\"{C(ly)}\" y2=\"{C(ly)}\" stroke=\"{colour}\" stroke-width=\"2\"/>")
                .Append($"<text x=\"{C(left + plotW + 36)}\" y=\"{C(ly + 4)}\" font-family=\"system-ui,sans-serif\" font-size=\"12\" fill=\"#222\">{Html.Encode(network)}</text></g>");
        }
        return $"<div class=\"dlk dlk-gradient-through-time\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{C(width)}\" height=\"{C(height)}\" viewBox=\"0 0 {C(width)} {C(height)}\" role=\"img\">" +
            $"<text x=\"0\" y=\"16\" font-family=\"system-ui,sans-serif\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">{Html.Encode(title)}</text>" +
            svg + "</svg></div>";
    }

    private static string C(double v) => Html.Coordinate(v);

    private static string N(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    private static string Visible(string label) => TokenStrip.Visible(label);

    private static double MaxAbs(float[,] values)
    {
        double m = 0;
        foreach (float v in values) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    // Sequential: white → blue over [0, bound]; diverging: red → white → blue over [−bound, bound].
    private static string Colour(double value, double bound, bool diverging)
    {
        double u = Math.Clamp(value / bound, diverging ? -1 : 0, 1);
        (double r, double g, double b) = u >= 0
            ? (255 - u * (255 - 33), 255 - u * (255 - 102), 255 - u * (255 - 172))
            : (255 + u * (255 - 178), 255 + u * (255 - 24), 255 + u * (255 - 43));
        return $"#{(int)Math.Round(r):x2}{(int)Math.Round(g):x2}{(int)Math.Round(b):x2}";
    }
}
