// Figures of a training run: loss and metric curves (History), gradient flow per layer (one step, and over steps),
// the LR range test's curve, and the ROC curve. Each is a Figure (data a test can read) and its HTML.
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters.Pictures;

/// <summary>Charts of training: <see cref="History"/>, gradient flow, <see cref="LRFinderResult"/>, <see cref="RocCurve"/>.</summary>
public static class TrainingCharts
{
    /// <summary>
    /// Loss per epoch (train, and validation when present) on the left, every other metric per epoch on the right
    /// (a second subplot); the per-step batch loss in the background. Before the first epoch ends, the step loss alone.
    /// </summary>
    /// <param name="history">The run.</param>
    /// <param name="title">The chart's title; by default what was trained (<see cref="Training.History.Description"/>) and how far.</param>
    public static Figure History(History history, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var data = new List<Trace>();
        var epochs = Enumerable.Range(1, history.Epochs).Select(e => (object)e).ToArray();
        if (history.Epochs == 0)
        {
            data.Add(new Scatter { Name = "step loss", Mode = "lines", X = Enumerable.Range(1, history.Steps).Select(s => (object)s).ToArray(), Y = history.StepLoss.ToArray() });
        }
        else
        {
            data.Add(new Scatter { Name = "step loss", Mode = "lines", X = StepPositions(history), Y = history.StepLoss.ToArray(), Line = new Line("rgba(31,119,180,0.3)", 1) });
            data.Add(new Scatter { Name = "loss", Mode = "lines+markers", X = epochs, Y = history.EpochLoss.ToArray(), Line = new Line(StaticFigureSvg.Colors[0], 2) });
            if (history.ValidationLoss.Count > 0)
                data.Add(new Scatter { Name = "val_loss", Mode = "lines+markers", X = epochs[..history.ValidationLoss.Count], Y = history.ValidationLoss.ToArray(), Line = new Line(StaticFigureSvg.Colors[1], 2) });
        }
        var metricKeys = history.Keys.Where(k => k is not (Training.History.LossKey or Training.History.ValidationLossKey)).ToList();
        int color = 2;
        foreach (var key in metricKeys)
        {
            var series = history[key];
            data.Add(new Scatter { Name = key, Mode = "lines+markers", X = epochs[..series.Count], Y = series.ToArray(), XAxis = "x2", YAxis = "y2", Line = new Line(StaticFigureSvg.Colors[color++ % StaticFigureSvg.Colors.Length]) });
        }
        bool twoPlots = metricKeys.Count > 0;
        var status = history.Epochs == 0 ? $"step {history.Steps}" : $"epoch {history.Epochs}, step {history.Steps}";
        return new Figure
        {
            Data = data,
            Layout = new Layout
            {
                Title = new Title(title ?? $"Training{(history.Description is { } d ? " " + Html.Short(d) : "")} ({status}{(history.StopReason is { } r ? $", stopped: {r}" : "")})"),
                XAxis = new Axis { Title = new Title(history.Epochs == 0 ? "step" : "epoch"), Domain = twoPlots ? [0, 0.45] : null },
                YAxis = new Axis { Title = new Title("loss") },
                XAxis2 = twoPlots ? new Axis { Title = new Title("epoch"), Domain = [0.55, 1], Anchor = "y2" } : null,
                YAxis2 = twoPlots ? new Axis { Title = new Title("metric"), Anchor = "x2" } : null,
                Height = 380,
            },
        };
    }

    // Step i of epoch e (0-based, n steps in that epoch) sits at e + (i + 1) / n on the epoch axis, so the batch losses
    // line up under the epoch means; an unfinished epoch uses the previous epoch's step count.
    private static object[] StepPositions(History history)
    {
        var perEpoch = history.StepEpoch.GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        int typical = perEpoch.GetValueOrDefault(0, 1);
        var positions = new object[history.Steps];
        var seen = new Dictionary<int, int>();
        for (int s = 0; s < history.Steps; s++)
        {
            int e = history.StepEpoch[s];
            int i = seen[e] = seen.GetValueOrDefault(e, -1) + 1;
            int n = e < history.Epochs ? perEpoch[e] : Math.Max(typical, perEpoch[e]);
            positions[s] = e + (i + 1.0) / n;
        }
        return positions;
    }

    /// <summary>Per parameter (input side first): mean |g| and max |g| at one step, as grouped bars on a log axis.</summary>
    /// <param name="step">The measured step.</param>
    /// <param name="title">The chart's title; by default the step and the model measured.</param>
    public static Figure GradientFlow(GradientFlowStep step, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Parameters.Count == 0) throw new ArgumentException("GradientFlow: the step has no parameter with a gradient; call Backward() first.", nameof(step));
        var names = step.Parameters.Select(p => (object)p.Name).ToArray();
        return new Figure
        {
            Data =
            [
                new Bar { Name = "mean |grad|", X = names, Y = step.Parameters.Select(p => p.MeanAbs).ToArray() },
                new Bar { Name = "max |grad|", X = names, Y = step.Parameters.Select(p => p.MaxAbs).ToArray() },
            ],
            Layout = new Layout
            {
                Title = new Title(title ?? $"Gradient flow at step {step.GlobalStep}{(step.Model is { } m ? ": " + Html.Short(m) : "")}"),
                XAxis = new Axis { Title = new Title("parameter (input → output)"), Type = "category" },
                YAxis = new Axis { Title = new Title("|gradient|"), Type = "log" },
                Height = 380,
            },
        };
    }

    /// <summary>Each parameter's gradient norm ‖g‖₂ over the recorded steps, one line each, log y: vanishing gradients fall apart.</summary>
    /// <param name="recorder">The recorded run.</param>
    /// <param name="title">The chart's title; by default the model recorded.</param>
    public static Figure GradientFlow(GradientFlowRecorder recorder, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        if (recorder.Steps.Count == 0) throw new ArgumentException("GradientFlow: the recorder has no steps yet; pass it to Fit as a callback first.", nameof(recorder));
        var steps = recorder.Steps.Select(s => (object)s.GlobalStep).ToArray();
        return new Figure
        {
            Data = recorder.ParameterNames.Select(name => (Trace)new Scatter { Name = name, Mode = "lines", X = steps, Y = recorder.Series(name, s => s.Norm).ToArray() }).ToList(),
            Layout = new Layout
            {
                Title = new Title(title ?? $"Gradient norm per parameter{(recorder.Steps[0].Model is { } m ? ": " + Html.Short(m) : "")}"),
                XAxis = new Axis { Title = new Title("step") },
                YAxis = new Axis { Title = new Title("‖grad‖₂"), Type = "log" },
                Height = 380,
            },
        };
    }

    /// <summary>The smoothed loss against the learning rate (log x), with the suggested rate marked.</summary>
    /// <param name="result">The range test's result.</param>
    /// <param name="title">The chart's title; by default the test and whether it diverged.</param>
    public static Figure LRFinder(LRFinderResult result, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        int best = Enumerable.Range(0, result.LearningRates.Count).MinBy(i => Math.Abs(Math.Log(result.LearningRates[i] / result.SuggestedLearningRate)));
        return new Figure
        {
            Data =
            [
                new Scatter { Name = "smoothed loss", Mode = "lines", X = result.LearningRates.Cast<object>().ToArray(), Y = result.Losses.ToArray() },
                new Scatter { Name = "suggested", Mode = "markers", X = [result.SuggestedLearningRate], Y = [result.Losses[best]], Marker = new Marker("#ef553b", 10) },
            ],
            Layout = new Layout
            {
                Title = new Title(title ?? $"LR range test{(result.Diverged ? " (stopped: loss diverged)" : "")}"),
                XAxis = new Axis { Title = new Title("learning rate"), Type = "log" },
                YAxis = new Axis { Title = new Title("loss") },
                Annotations = [new Annotation { X = Math.Log10(result.SuggestedLearningRate), Y = result.Losses[best], Text = $"η = {result.SuggestedLearningRate:0.0e+00}", ShowArrow = true }],
                Height = 380,
            },
        };
    }

    /// <summary>The ROC curve (true against false positive rate) with chance's diagonal, AUC in the title.</summary>
    /// <param name="roc">The curve.</param>
    /// <param name="title">The chart's title; by default the AUC.</param>
    public static Figure Roc(RocCurve roc, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(roc);
        return new Figure
        {
            Data =
            [
                new Scatter { Name = $"ROC (AUC {roc.Auc:0.###})", Mode = "lines", X = roc.FalsePositiveRate.Cast<object>().ToArray(), Y = roc.TruePositiveRate.ToArray() },
                new Scatter { Name = "chance", Mode = "lines", X = [0.0, 1.0], Y = [0.0, 1.0], Line = new Line("#999", 1, "dash") },
            ],
            Layout = new Layout
            {
                Title = new Title(title ?? $"ROC curve, AUC = {roc.Auc:0.###}"),
                XAxis = new Axis { Title = new Title("false positive rate") },
                YAxis = new Axis { Title = new Title("true positive rate"), ScaleAnchor = "x" },
                Height = 420,
            },
        };
    }
}
