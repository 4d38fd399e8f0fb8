// Registration: every picture becomes the text/html formatter of its type, with a text/plain formatter beside it,
// in Microsoft.DotNet.Interactive.Formatting's registry (which the kernel and ToDisplayString read).
using DeepLearnKit.Formatters.Graphs;
using DeepLearnKit.Formatters.Images;
using DeepLearnKit.Formatters.Pictures;
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.NN;
using DeepLearnKit.Training;
using Microsoft.DotNet.Interactive.Formatting;

namespace DeepLearnKit.Formatters;

/// <summary>
/// The pictures as pure functions (<see cref="ToHtml"/>, <see cref="ToText"/>) and their registration with
/// <see cref="Formatter"/>: after <see cref="Register"/>, <c>tensor.ToDisplayString("text/html")</c> and a notebook
/// output draw DeepLearnKit's pictures.
/// </summary>
public static class DeepLearnKitFormatters
{
    /// <summary>The HTML MIME type.</summary>
    public const string HtmlMimeType = "text/html";

    /// <summary>The plain text MIME type.</summary>
    public const string PlainTextMimeType = "text/plain";

    private static readonly object Gate = new();

    /// <summary>Every type that draws itself, with its HTML (given a title, or null for the picture's own) and text.</summary>
    private static readonly (Type Type, Func<object, string?, string> Html, Func<object, string> Text)[] Pictures =
    [
        (typeof(Titled), (v, _) => ToHtml(((Titled)v).Value, ((Titled)v).Title) ?? Html.Encode(((Titled)v).Title), v => v.ToString()!),
        (typeof(Tensor), (v, t) => TensorHtml.Render((Tensor)v, t), v => TensorHtml.RenderText((Tensor)v)),
        (typeof(ModelSummary), (v, t) => ModuleHtml.Render((ModelSummary)v, t), v => v.ToString()!),
        (typeof(Module), (v, t) => ModuleHtml.Render((Module)v, t), v => v.ToString()!),
        (typeof(ComputationGraph), (v, t) => GraphSvg.Render((ComputationGraph)v, t), v => v.ToString()!),
        (typeof(History), (v, t) => TrainingCharts.History((History)v, t).ToHtml(), v => v.ToString()!),
        (typeof(GradientFlowStep), (v, t) => TrainingCharts.GradientFlow((GradientFlowStep)v, t).ToHtml(), v => GradientText((GradientFlowStep)v)),
        (typeof(GradientFlowRecorder), (v, t) => TrainingCharts.GradientFlow((GradientFlowRecorder)v, t).ToHtml(), v => RecorderText((GradientFlowRecorder)v)),
        (typeof(ConfusionMatrix), (v, t) => ConfusionMatrixHtml.Render((ConfusionMatrix)v, t), v => v.ToString()!),
        (typeof(Trajectories), (v, t) => ((Trajectories)v).ToHtml(t), v => v.ToString()!),
        (typeof(DecisionBoundary), (v, t) => ((DecisionBoundary)v).ToHtml(t), v => v.ToString()!),
        (typeof(TrainingComparison), (v, t) => ((TrainingComparison)v).ToHtml(t), v => v.ToString()!),
        (typeof(AttentionMap), (v, t) => ((AttentionMap)v).ToHtml(t), v => v.ToString()!),
        (typeof(TokenStrip), (v, t) => ((TokenStrip)v).ToHtml(t), v => v.ToString()!),
        (typeof(RocCurve), (v, t) => TrainingCharts.Roc((RocCurve)v, t).ToHtml(), v => v.ToString()!),
        (typeof(MulticlassRoc), (v, t) => EvaluationCharts.Roc((MulticlassRoc)v, t).ToHtml(), v => v.ToString()!),
        (typeof(CalibrationReport), (v, t) => EvaluationCharts.Reliability((CalibrationReport)v, t).ToHtml(), v => v.ToString()!),
        (typeof(Sweep), (v, t) => EvaluationCharts.Sweep((Sweep)v, t).ToHtml(), v => v.ToString()!),
        (typeof(LRFinderResult), (v, t) => TrainingCharts.LRFinder((LRFinderResult)v, t).ToHtml(), v => v.ToString()!),
        (typeof(GanHistory), (v, t) => GanCharts.Losses((GanHistory)v, t).ToHtml(), v => v.ToString()!),
        (typeof(DistributionSnapshots), (v, t) => GanCharts.Distributions((DistributionSnapshots)v, t).ToHtml(), v => v.ToString()!),
        (typeof(LstmGateRecord), (v, t) => RecurrentCharts.GateHeatmaps((LstmGateRecord)v, t), v => v.ToString()!),
        (typeof(GradientThroughTime), (v, t) => RecurrentCharts.GradientNorms((GradientThroughTime)v, t), v => v.ToString()!),
        (typeof(ImageGrid), (v, t) => ((ImageGrid)v).ToHtml(t), v => v.ToString()!),
        (typeof(AttributionMaps), (v, t) => ((AttributionMaps)v).ToHtml(t), v => v.ToString()!),
        (typeof(Figure), (v, t) => (t is null ? (Figure)v : ((Figure)v).WithTitle(t)).ToHtml(), v => v.ToString()!),
        (typeof(PlotlyLibrary), (v, _) => ((PlotlyLibrary)v).ToHtml(), v => v.ToString()!),
        (typeof(ExerciseResult), (v, t) => Exercise.ToHtml((ExerciseResult)v, t), v => v.ToString()!),
        (typeof(GradCheckResult), (v, t) => GradCheckHtml.Render((GradCheckResult)v, t), v => v.ToString()!),
    ];

    /// <summary>The types <see cref="Register"/> gives formatters (a subclass of <see cref="Module"/> is drawn as a module).</summary>
    public static IReadOnlyList<Type> FormattedTypes { get; } = Pictures.Select(p => p.Type).ToArray();

    /// <summary>True when <see cref="Formatter"/> currently holds DeepLearnKit's formatters.</summary>
    public static bool IsRegistered => Formatter.RegisteredFormatters().OfType<PictureFormatter>().Any();

    /// <summary>
    /// Registers a text/html and a text/plain formatter for each of <see cref="FormattedTypes"/>, and a text/html one for
    /// a learner's Plotly.NET charts when Plotly.NET is loaded (<see cref="PlotlyNetCharts"/>). Idempotent: a second
    /// call (another <c>#r</c>, a rerun cell) changes nothing; after <c>Formatter.ResetToDefault()</c> it registers again.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (IsRegistered) return;
            foreach (var (type, html, text) in Pictures)
            {
                Formatter.Register(new PictureFormatter(type, HtmlMimeType, v => html(v, null)));
                Formatter.Register(new PictureFormatter(type, PlainTextMimeType, text));
            }
            PlotlyNetCharts.Register();
        }
    }

    /// <summary>
    /// DeepLearnKit's HTML for <paramref name="value"/> without the registry (the most specific picture for its type),
    /// or null when no picture draws it.
    /// </summary>
    /// <param name="value">The value to draw.</param>
    /// <param name="title">The picture's title instead of its default one (which names what it shows).</param>
    public static string? ToHtml(object value, string? title = null) => Find(value)?.Html(value, title);

    /// <summary>The text/plain counterpart of <see cref="ToHtml"/>, or null when no picture draws the value.</summary>
    public static string? ToText(object value) => Find(value)?.Text(value);

    private static (Type Type, Func<object, string?, string> Html, Func<object, string> Text)? Find(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var picture in Pictures)
            if (picture.Type.IsInstanceOfType(value)) return picture;
        return null;
    }

    private static string GradientText(GradientFlowStep step) =>
        $"GradientFlowStep(step {step.GlobalStep}: " + string.Join(", ", step.Parameters.Select(p => $"{p.Name} mean|g| {Html.Number(p.MeanAbs)} max|g| {Html.Number(p.MaxAbs)}")) + ")";

    private static string RecorderText(GradientFlowRecorder recorder) =>
        $"GradientFlowRecorder({recorder.Steps.Count} steps" + (recorder.Steps.Count == 0 ? ")" :
            ": last ‖g‖₂ " + string.Join(", ", recorder.Steps[^1].Parameters.Select(p => $"{p.Name} {Html.Number(p.Norm)}")) + ")");

    /// <summary>One picture registered for one MIME type; its own class so <see cref="IsRegistered"/> can find it.</summary>
    private sealed class PictureFormatter(Type type, string mimeType, Func<object, string> render) : ITypeFormatter
    {
        public string MimeType => mimeType;

        public Type Type => type;

        public bool Format(object value, FormatContext context)
        {
            context.Writer.Write(render(value));
            return true;
        }
    }
}
