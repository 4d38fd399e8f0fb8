// A model as a summary table (layer, type, output shape, parameters, trainable) with totals, from ModelSummary.
using System.Globalization;
using System.Text;
using DeepLearnKit.NN;

namespace DeepLearnKit.Formatters.Pictures;

/// <summary>Draws a <see cref="Module"/> or a <see cref="ModelSummary"/>.</summary>
public static class ModuleHtml
{
    /// <summary>
    /// The summary's table: one row per module, indented by depth, with its output shape for the sample input, its own
    /// parameter count and whether it trains; then total, trainable and frozen parameters.
    /// </summary>
    public static string Render(ModelSummary summary, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string header = $"{(title is null ? "Input" : title + ": input")} {Html.Shape(summary.InputShape)} → output {Html.Shape(summary.OutputShape)}";
        return Table(summary.Layers, header, summary.TotalParameters, summary.TrainableParameters);
    }

    /// <summary>
    /// A model without a sample input: the same table from <see cref="Module.NamedModules"/>, output shapes left as
    /// "–" (call <c>model.Summary(inputShape)</c> to have them).
    /// </summary>
    public static string Render(Module model, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Table(Layers(model), title ?? model.GetType().Name, model.ParameterCount(), model.ParameterCount(trainableOnly: true));
    }

    /// <summary>The rows of <see cref="ModelSummary"/> that need no forward pass: names, types, parameters, trainable.</summary>
    public static IReadOnlyList<LayerSummary> Layers(Module model) => model.NamedModules().Select(m =>
    {
        long own = m.Module.NamedParameters().Where(p => !p.Name.Contains('.')).Sum(p => (long)p.Parameter.NumEl);
        var all = m.Module.Parameters().ToList();
        int depth = m.Name.Length == 0 ? 0 : m.Name.Count(c => c == '.') + 1;
        return new LayerSummary(m.Name, m.Module.GetType().Name, null, own, all.Count == 0 || all.Any(p => p.RequiresGrad), depth);
    }).ToList();

    private static string Table(IReadOnlyList<LayerSummary> layers, string header, long total, long trainable)
    {
        var html = new StringBuilder($"<div class=\"dlk dlk-module\">{Html.Style}<div class=\"dlk-header\">{Html.Encode(header)}</div><table>");
        html.Append("<tr><th style=\"text-align:left\">Layer</th><th style=\"text-align:left\">Type</th><th>Output shape</th><th>Params</th><th>Trainable</th></tr>");
        foreach (var layer in layers)
        {
            string name = layer.Name.Length == 0 ? "(model)" : layer.Name;
            html.Append($"<tr><td style=\"text-align:left;padding-left:{6 + 14 * layer.Depth}px\">{Html.Encode(name)}</td>")
                .Append($"<td style=\"text-align:left\">{Html.Encode(layer.Type)}</td>")
                .Append($"<td>{(layer.OutputShape is { } s ? Html.Shape(s) : "–")}</td>")
                .Append($"<td>{Count(layer.Parameters)}</td><td>{(layer.Trainable ? "yes" : "frozen")}</td></tr>");
        }
        html.Append("</table><table>")
            .Append($"<tr><th style=\"text-align:left\">Total params</th><td>{Count(total)}</td></tr>")
            .Append($"<tr><th style=\"text-align:left\">Trainable params</th><td>{Count(trainable)}</td></tr>")
            .Append($"<tr><th style=\"text-align:left\">Non-trainable params</th><td>{Count(total - trainable)}</td></tr>");
        return html.Append("</table></div>").ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
