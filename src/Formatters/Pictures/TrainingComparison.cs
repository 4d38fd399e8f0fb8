// Several training runs side by side: each run's training and validation loss per epoch (left) and a metric per epoch
// (right), one colour per run, training solid and validation dashed, so "with and without" reads at a glance.
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters;

/// <summary>
/// Training runs compared: <c>new TrainingComparison(("no regularisation", plain), ("dropout 0.5", dropout))</c> draws,
/// per run, the loss per epoch (training solid, validation dashed) on the left and <see cref="Metric"/> per epoch on the
/// right, in one colour per run.
/// </summary>
public sealed class TrainingComparison
{
    /// <summary>The runs to compare, each under its legend name.</summary>
    public TrainingComparison(params (string Name, History History)[] runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Length == 0) throw new ArgumentException("TrainingComparison: give at least one run.", nameof(runs));
        foreach (var (name, history) in runs)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentNullException.ThrowIfNull(history);
            if (history.Epochs == 0) throw new ArgumentException($"TrainingComparison: run '{name}' has no completed epoch.", nameof(runs));
        }
        Runs = runs;
    }

    /// <summary>The runs, in legend order.</summary>
    public IReadOnlyList<(string Name, History History)> Runs { get; }

    /// <summary>The per-epoch metric drawn on the right (a key of <see cref="History.Metrics"/>); <c>accuracy</c> by default.</summary>
    public string Metric { get; init; } = "accuracy";

    /// <summary>Loss per epoch (left) and <see cref="Metric"/> per epoch (right); training solid, validation dashed.</summary>
    /// <param name="title">The chart's title; by default the runs compared.</param>
    public Figure Figure(string? title = null)
    {
        var data = new List<Trace>();
        bool metric = Runs.Any(r => r.History.Metrics.ContainsKey(Metric));
        for (int k = 0; k < Runs.Count; k++)
        {
            var (name, h) = Runs[k];
            string color = StaticFigureSvg.Colors[k % StaticFigureSvg.Colors.Length];
            data.Add(Curve($"{name}: training", h.EpochLoss, color, null, "x", "y", true));
            if (h.ValidationLoss.Count > 0) data.Add(Curve($"{name}: validation", h.ValidationLoss, color, "dash", "x", "y", true));
            if (h.Metrics.TryGetValue(Metric, out var train)) data.Add(Curve($"{name}: training {Metric}", train, color, null, "x2", "y2", false));
            if (h.ValidationMetrics.TryGetValue(Metric, out var val)) data.Add(Curve($"{name}: validation {Metric}", val, color, "dash", "x2", "y2", false));
        }
        return new Figure
        {
            Data = data,
            Layout = new Layout
            {
                Title = new Title(title ?? "Training (solid) and validation (dashed): " + Html.Short(string.Join(" vs ", Runs.Select(r => r.Name)), 80)),
                XAxis = new Axis { Title = new Title("epoch"), Domain = metric ? [0, 0.45] : null },
                YAxis = new Axis { Title = new Title("loss") },
                XAxis2 = metric ? new Axis { Title = new Title("epoch"), Domain = [0.55, 1], Anchor = "y2" } : null,
                YAxis2 = metric ? new Axis { Title = new Title(Metric), Anchor = "x2" } : null,
                Height = 400,
            },
        };
    }

    private static Scatter Curve(string name, IReadOnlyList<double> values, string color, string? dash, string xAxis, string yAxis, bool legend) => new()
    {
        Name = name, Mode = "lines", X = Enumerable.Range(1, values.Count).Select(e => (object)e).ToArray(), Y = values.ToArray(),
        Line = new Line(color, 2, dash), XAxis = xAxis == "x" ? null : xAxis, YAxis = yAxis == "y" ? null : yAxis, ShowLegend = legend ? null : false,
    };

    /// <summary>The figure as HTML.</summary>
    public string ToHtml(string? title = null) => Figure(title).ToHtml();

    /// <summary><c>TrainingComparison(plain: loss 0.01, val_loss 0.9; dropout: loss 0.1, val_loss 0.5)</c>, the last epoch of each run.</summary>
    public override string ToString() =>
        "TrainingComparison(" + string.Join("; ", Runs.Select(r => $"{r.Name}: loss {Html.Number(r.History.EpochLoss[^1])}" +
            (r.History.ValidationLoss.Count > 0 ? $", val_loss {Html.Number(r.History.ValidationLoss[^1])}" : "") +
            (r.History.ValidationMetrics.TryGetValue(Metric, out var m) ? $", val_{Metric} {Html.Number(m[^1])}" : ""))) + ")";
}
