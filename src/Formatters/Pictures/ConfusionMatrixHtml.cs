// A confusion matrix as a heatmap of counts with class names (truth down, prediction across), and the per-class
// precision / recall / F1 table under it.
using System.Globalization;
using System.Text;
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters.Pictures;

/// <summary>Draws a <see cref="ConfusionMatrix"/>.</summary>
public static class ConfusionMatrixHtml
{
    /// <summary>Cells get their count written on them up to this many classes.</summary>
    public const int MaxAnnotatedClasses = 20;

    /// <summary>The heatmap: z = counts, rows the true class (first at the top), columns the predicted class.</summary>
    /// <param name="matrix">The counts.</param>
    /// <param name="title">The chart's title; by default the class set, the number of examples and the accuracy.</param>
    public static Figure Figure(ConfusionMatrix matrix, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.NumClasses;
        var names = matrix.ClassNames.Cast<object>().ToArray();
        var z = Enumerable.Range(0, n).Select(i => (IReadOnlyList<double>)Enumerable.Range(0, n).Select(j => (double)matrix[i, j]).ToArray()).ToArray();
        long max = matrix.Counts.Cast<long>().DefaultIfEmpty().Max();
        var annotations = n > MaxAnnotatedClasses ? null : (
            from i in Enumerable.Range(0, n)
            from j in Enumerable.Range(0, n)
            select new Annotation
            {
                X = names[j], Y = names[i], ShowArrow = false,
                Text = matrix[i, j].ToString(CultureInfo.InvariantCulture),
                Font = new Font(matrix[i, j] > max / 2.0 ? "#fff" : "#000"),
            }).ToList();
        return new Figure
        {
            Data = [new Heatmap { Z = z, X = names, Y = names, ColorScale = "Blues", ReverseScale = true }],
            Layout = new Layout
            {
                Title = new Title(title ?? $"Confusion matrix of {n} classes ({ClassSet(matrix.ClassNames)}): {matrix.Total} examples, accuracy {matrix.Accuracy:0.###}"),
                XAxis = new Axis { Title = new Title("predicted"), Type = "category" },
                YAxis = new Axis { Title = new Title("true"), Type = "category", AutoRange = "reversed" },
                Annotations = annotations,
                Height = Math.Clamp(120 + 36 * n, 320, 720),
            },
        };
    }

    /// <summary>The heatmap, then a table: per class its precision, recall, F1 and support, and the macro averages.</summary>
    public static string Render(ConfusionMatrix matrix, string? title = null)
    {
        var html = new StringBuilder($"<div class=\"dlk dlk-confusion\">{Html.Style}").Append(Figure(matrix, title).ToHtml());
        html.Append("<table><tr><th style=\"text-align:left\">class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
        var (p, r, f, s) = (matrix.Precision, matrix.Recall, matrix.F1, matrix.Support);
        for (int c = 0; c < matrix.NumClasses; c++)
            html.Append($"<tr><td style=\"text-align:left\">{Html.Encode(matrix.ClassNames[c])}</td><td>{p[c]:0.000}</td><td>{r[c]:0.000}</td><td>{f[c]:0.000}</td><td>{s[c]}</td></tr>");
        html.Append($"<tr><th style=\"text-align:left\">macro avg</th><td>{matrix.MacroPrecision:0.000}</td><td>{matrix.MacroRecall:0.000}</td><td>{matrix.MacroF1:0.000}</td><td>{matrix.Total}</td></tr>");
        return html.Append("</table></div>").ToString();
    }

    // "a, b, c" or "T-shirt/top … Ankle boot" for many classes.
    private static string ClassSet(IReadOnlyList<string> names) =>
        names.Count <= 4 ? string.Join(", ", names) : $"{names[0]} … {names[^1]}";
}
