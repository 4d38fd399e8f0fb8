// plotly.js's named colour scales that the pictures use, with plotly.js 4's own stops, so a chart's static form paints
// the same colours plotly.js does (a test reads the stops back out of the embedded plotly.min.js).
using System.Globalization;

namespace DeepLearnKit.Formatters.Plotly;

/// <summary>Named colour scales as plotly.js defines them: stops (t in [0, 1], colour), interpolated linearly in RGB.</summary>
internal static class ColorScales
{
    /// <summary>The stops of each scale, exactly as plotly.js 4's <c>src/components/colorscale/scales.js</c> writes them.</summary>
    public static readonly IReadOnlyDictionary<string, (double T, string Color)[]> Stops = new Dictionary<string, (double, string)[]>
    {
        ["Viridis"] =
        [
            (0, "#440154"), (0.06274509803921569, "#48186a"), (0.12549019607843137, "#472d7b"), (0.18823529411764706, "#424086"),
            (0.25098039215686274, "#3b528b"), (0.3137254901960784, "#33638d"), (0.3764705882352941, "#2c728e"), (0.4392156862745098, "#26828e"),
            (0.5019607843137255, "#21918c"), (0.5647058823529412, "#1fa088"), (0.6274509803921569, "#28ae80"), (0.6901960784313725, "#3fbc73"),
            (0.7529411764705882, "#5ec962"), (0.8156862745098039, "#84d44b"), (0.8784313725490196, "#addc30"), (0.9411764705882353, "#d8e219"),
            (1, "#fde725"),
        ],
        // plotly.js's Blues runs from dark blue (0) to light grey (1); a picture that wants high = dark sets reversescale.
        ["Blues"] = [(0, "rgb(5,10,172)"), (0.35, "rgb(40,60,190)"), (0.5, "rgb(70,100,245)"), (0.6, "rgb(90,120,245)"), (0.7, "rgb(106,137,247)"), (1, "rgb(220,220,220)")],
        ["RdBu"] = [(0, "rgb(5,10,172)"), (0.35, "rgb(106,137,247)"), (0.5, "rgb(190,190,190)"), (0.6, "rgb(220,170,132)"), (0.7, "rgb(230,145,90)"), (1, "rgb(178,10,28)")],
        ["Greys"] = [(0, "rgb(0,0,0)"), (1, "rgb(255,255,255)")],
    };

    /// <summary>The scale plotly.js uses when a trace names none (its <c>colorscale</c> default for heatmaps and contours).</summary>
    public const string Default = "Viridis";

    /// <summary>The colour at <paramref name="t"/> (clamped to [0, 1]) of scale <paramref name="name"/>, as <c>#rrggbb</c>; reversed flips t.</summary>
    public static string At(string? name, double t, bool reversed = false)
    {
        var stops = Stops.TryGetValue(name ?? Default, out var s) ? s : Stops[Default];
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        if (reversed) t = 1 - t;
        int i = 1;
        while (i < stops.Length - 1 && stops[i].T < t) i++;
        var (t0, c0) = stops[i - 1];
        var (t1, c1) = stops[i];
        double f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
        var (r0, g0, b0) = Rgb(c0);
        var (r1, g1, b1) = Rgb(c1);
        return $"#{Mix(r0, r1, f):x2}{Mix(g0, g1, f):x2}{Mix(b0, b1, f):x2}";
    }

    private static int Mix(int a, int b, double f) => (int)Math.Round(a + (b - a) * f);

    /// <summary>Reads <c>#rrggbb</c> or <c>rgb(r,g,b)</c>.</summary>
    public static (int R, int G, int B) Rgb(string color)
    {
        if (color.StartsWith('#'))
            return (Convert.ToInt32(color[1..3], 16), Convert.ToInt32(color[3..5], 16), Convert.ToInt32(color[5..7], 16));
        var parts = color[(color.IndexOf('(') + 1)..color.IndexOf(')')].Split(',');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
