// One axis of a chart's static form: how data values map to pixels (linear, log or category, optionally reversed)
// and which ticks it labels, chosen as plotly.js would: round steps of 1, 2 or 5 × 10ᵏ, decades on a log axis.
using System.Globalization;

namespace DeepLearnKit.Formatters.Plotly;

internal sealed class StaticAxis
{
    public enum Kind { Linear, Log, Category }

    private readonly double min, max;   // data range; log10 of it on a log axis; category indices −0.5 … n − 0.5
    private readonly bool reversed;

    private StaticAxis(Kind kind, double min, double max, IReadOnlyList<string> categories, bool reversed, string? title)
    {
        AxisKind = kind;
        this.min = min;
        this.max = max > min ? max : min + 1;
        Categories = categories;
        this.reversed = reversed;
        Title = title;
    }

    public Kind AxisKind { get; }

    public IReadOnlyList<string> Categories { get; }

    public string? Title { get; }

    /// <summary>The pixel span the axis is drawn over (left to right, or bottom to top for a y axis); set by the layout.</summary>
    public double Start { get; set; }

    public double End { get; set; } = 1;

    /// <summary>The width of one category band (or one unit on a numeric axis) in pixels.</summary>
    public double Band => Math.Abs(End - Start) / (max - min);

    /// <summary>
    /// The axis for <paramref name="values"/> (numbers or category names, in order of appearance): its type is the
    /// spec's, else category when any value is text. <paramref name="fromZero"/> keeps 0 in a linear range (bars).
    /// </summary>
    public static StaticAxis For(Axis? spec, IReadOnlyList<object> values, bool fromZero, bool pad)
    {
        string? title = spec?.Title?.Text;
        bool reversed = spec?.AutoRange == "reversed";
        bool anyText = values.Any(v => v is string);
        if (spec?.Type == "category" || (spec?.Type is null && anyText))
        {
            var categories = values.Select(Label).Distinct().ToList();
            return new StaticAxis(Kind.Category, -0.5, Math.Max(categories.Count, 1) - 0.5, categories, reversed, title);
        }
        var numbers = values.Where(v => v is not string).Select(Convert.ToDouble).Where(double.IsFinite).ToList();
        if (spec?.Type == "log")
        {
            var logs = numbers.Where(v => v > 0).Select(Math.Log10).DefaultIfEmpty(0).ToList();
            double lo = logs.Min(), hi = logs.Max();
            if (hi - lo < 1e-9) (lo, hi) = (lo - 0.5, hi + 0.5);
            double margin = pad ? (hi - lo) * 0.05 : 0;
            return new StaticAxis(Kind.Log, lo - margin, hi + margin, [], reversed, title);
        }
        if (fromZero) numbers.Add(0);
        double a = numbers.DefaultIfEmpty(0).Min(), b = numbers.DefaultIfEmpty(1).Max();
        if (b - a < 1e-12) (a, b) = (a - 1, b + 1);
        double m = pad ? (b - a) * 0.05 : 0;
        return new StaticAxis(Kind.Linear, fromZero && a >= 0 ? a : a - m, b + m, [], reversed, title);
    }

    /// <summary>A numeric axis over exactly [lo, hi] (heatmap cells by index, contour grids).</summary>
    public static StaticAxis Range(Axis? spec, double lo, double hi) =>
        new(Kind.Linear, lo, hi, [], spec?.AutoRange == "reversed", spec?.Title?.Text);

    public static string Label(object value) => value switch
    {
        string s => s,
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The pixel of a value: its band's centre on a category axis, its position otherwise; NaN when it has none.</summary>
    public double Map(object value)
    {
        if (AxisKind == Kind.Category)
        {
            int i = value is string s ? IndexOf(s) : IndexOf(Label(value));
            return i < 0 ? double.NaN : MapUnit(i);
        }
        if (value is string) return double.NaN;
        double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (AxisKind == Kind.Log) return v > 0 ? MapUnit(Math.Log10(v)) : double.NaN;
        return MapUnit(v);
    }

    /// <summary>The pixel of a position in the axis's own units (log10 on a log axis, the index on a category axis).</summary>
    public double MapUnit(double unit)
    {
        double t = (unit - min) / (max - min);
        if (reversed) t = 1 - t;
        return Start + t * (End - Start);
    }

    /// <summary>The lowest value of the range in data units (where bars start on a log axis).</summary>
    public double Floor => AxisKind == Kind.Log ? Math.Pow(10, min) : min;

    private int IndexOf(string label)
    {
        for (int i = 0; i < Categories.Count; i++)
            if (Categories[i] == label) return i;
        return -1;
    }

    /// <summary>Ticks with their labels: every category (every k-th when they would crowd), round steps otherwise.</summary>
    public IEnumerable<(double Pixel, string Label)> Ticks(double spacing)
    {
        double length = Math.Abs(End - Start);
        if (AxisKind == Kind.Category)
        {
            int every = Math.Max(1, (int)Math.Ceiling(Categories.Count * 14.0 / Math.Max(length, 1)));
            for (int i = 0; i < Categories.Count; i += every) yield return (MapUnit(i), Categories[i]);
            yield break;
        }
        if (AxisKind == Kind.Log)
        {
            foreach (var (unit, label) in LogTicks(length / spacing)) yield return (MapUnit(unit), label);
            yield break;
        }
        double step = NiceStep((max - min) / Math.Max(2, length / spacing));
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 8);
        bool scientific = step >= 1e5 || step < 1e-5;
        for (double v = Math.Ceiling(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step)
        {
            double shown = Math.Abs(v) < step * 1e-9 ? 0 : v;
            yield return (MapUnit(shown), scientific ? shown.ToString("0.##e+0", CultureInfo.InvariantCulture) : shown.ToString("F" + decimals, CultureInfo.InvariantCulture));
        }
    }

    private IEnumerable<(double Unit, string Label)> LogTicks(double wanted)
    {
        int first = (int)Math.Ceiling(min - 1e-9), last = (int)Math.Floor(max + 1e-9);
        int decades = last - first + 1;
        if (decades >= 2)
        {
            int every = Math.Max(1, (int)Math.Ceiling(decades / Math.Max(wanted, 1)));
            for (int k = first; k <= last; k += every) yield return (k, Power(k, 1));
            yield break;
        }
        // Less than two decades in view: 1, 2 and 5 × 10ᵏ.
        for (int k = first - 1; k <= last; k++)
            foreach (int d in new[] { 1, 2, 5 })
            {
                double unit = k + Math.Log10(d);
                if (unit >= min - 1e-9 && unit <= max + 1e-9) yield return (unit, Power(k, d));
            }
    }

    private static string Power(int k, int digit) =>
        k is >= -4 and <= 5 ? (digit * Math.Pow(10, k)).ToString("0.#####", CultureInfo.InvariantCulture) : $"{digit}e{k}";

    private static double NiceStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double f = rough / power;
        return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
    }
}
