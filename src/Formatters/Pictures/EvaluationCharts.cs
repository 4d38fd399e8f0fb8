// Charts of how good a trained classifier is (chapters 12 and 13): one-vs-rest ROC curves for every class, the
// reliability diagram of its confidence, and a measure swept over a setting (accuracy against ε or against sparsity).
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters.Pictures;

/// <summary>Charts of <see cref="MulticlassRoc"/>, <see cref="CalibrationReport"/> and <see cref="Sweep"/>.</summary>
public static class EvaluationCharts
{
    /// <summary>One ROC curve per class (one-vs-rest), each named with its AUC, over the dashed chance diagonal.</summary>
    /// <param name="roc">The curves.</param>
    /// <param name="title">The chart's title; by default the number of classes and the macro AUC.</param>
    public static Figure Roc(MulticlassRoc roc, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(roc);
        var data = new List<Trace>();
        for (int c = 0; c < roc.Curves.Count; c++)
        {
            var curve = roc.Curves[c];
            data.Add(new Scatter
            {
                Name = $"{roc.ClassName(c)} (AUC {curve.Auc:0.000})", Mode = "lines",
                X = curve.FalsePositiveRate.Cast<object>().ToArray(), Y = curve.TruePositiveRate.ToArray(),
                Line = new Line(StaticFigureSvg.Colors[c % StaticFigureSvg.Colors.Length], 1.5),
            });
        }
        data.Add(new Scatter { Name = "chance (AUC 0.5)", Mode = "lines", X = [0.0, 1.0], Y = [0.0, 1.0], Line = new Line("#999", 1, "dash") });
        return new Figure
        {
            Data = data,
            Layout = new Layout
            {
                Title = new Title(title ?? $"One-vs-rest ROC curves of {roc.Curves.Count} classes, macro AUC = {roc.MacroAuc:0.000}"),
                XAxis = new Axis { Title = new Title("false positive rate (other classes scored ≥ t)") },
                YAxis = new Axis { Title = new Title("true positive rate (the class scored ≥ t)") },
                Height = 460,
            },
        };
    }

    /// <summary>
    /// The reliability diagram: each non-empty bin's accuracy against its mean confidence (left), on the dashed diagonal
    /// of perfect calibration (accuracy = confidence), and how many predictions fell in each bin (right). Points under the
    /// diagonal are overconfident.
    /// </summary>
    /// <param name="report">The bins.</param>
    /// <param name="title">The chart's title; by default the number of predictions and the ECE.</param>
    public static Figure Reliability(CalibrationReport report, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var filled = report.Bins.Where(b => b.Count > 0).ToList();
        string[] c = StaticFigureSvg.Colors;
        return new Figure
        {
            Data =
            [
                new Scatter { Name = "perfect calibration", Mode = "lines", X = [0.0, 1.0], Y = [0.0, 1.0], Line = new Line("#999", 1, "dash") },
                new Scatter
                {
                    Name = "accuracy of the bin", Mode = "lines+markers", X = filled.Select(b => (object)b.MeanConfidence).ToArray(),
                    Y = filled.Select(b => b.Accuracy).ToArray(), Line = new Line(c[0], 2),
                    Text = filled.Select(b => $"({b.Lower:0.0#}, {b.Upper:0.0#}]: {b.Count} predictions").ToArray(),
                },
                new Bar
                {
                    Name = "predictions per bin", X = report.Bins.Select(b => (object)$"{b.Lower:0.0#}–{b.Upper:0.0#}").ToArray(),
                    Y = report.Bins.Select(b => (double)b.Count).ToArray(), Marker = new Marker(c[1]), XAxis = "x2", YAxis = "y2",
                },
            ],
            Layout = new Layout
            {
                Title = new Title(title ?? $"Reliability diagram: {report.Count} predictions in {report.Bins.Count} bins, ECE = {report.ExpectedCalibrationError:0.0000}"),
                XAxis = new Axis { Title = new Title("mean confidence in the bin (max softmax probability)"), Domain = [0, 0.55] },
                YAxis = new Axis { Title = new Title("accuracy in the bin") },
                XAxis2 = new Axis { Title = new Title("confidence bin"), Domain = [0.65, 1], Anchor = "y2", Type = "category" },
                YAxis2 = new Axis { Title = new Title("predictions"), Anchor = "x2" },
                Height = 420,
            },
        };
    }

    /// <summary>One line with markers per series of the sweep, over the setting's values.</summary>
    /// <param name="sweep">The measurements.</param>
    /// <param name="title">The chart's title; by default the sweep's own.</param>
    public static Figure Sweep(Sweep sweep, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var settings = sweep.Settings.Cast<object>().ToArray();
        return new Figure
        {
            Data = sweep.Series.Select((s, k) => (Trace)new Scatter
            {
                Name = s.Name, Mode = "lines+markers", X = settings, Y = s.Values.ToArray(),
                Line = new Line(StaticFigureSvg.Colors[k % StaticFigureSvg.Colors.Length], 2),
            }).ToList(),
            Layout = new Layout
            {
                Title = new Title(title ?? sweep.Title),
                XAxis = new Axis { Title = new Title(sweep.Setting) },
                YAxis = new Axis { Title = new Title(sweep.Measure) },
                Height = 400,
            },
        };
    }
}
