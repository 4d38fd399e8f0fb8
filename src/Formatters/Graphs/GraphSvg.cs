// Draws a ComputationGraph as SVG in layers: the drawn tensor on the right, its inputs to the left. Tensors are boxes
// "label | data | grad" as in micrograd's draw_dot; ops are ellipses between them.
using System.Text;

namespace DeepLearnKit.Formatters.Graphs;

/// <summary>Renders a <see cref="ComputationGraph"/>.</summary>
public static class GraphSvg
{
    private const int Gap = 26, RowHeight = 58, BoxWidth = 150, BoxHeight = 40, OpWidth = 92, OpHeight = 30, Pad = 16;

    /// <summary>The widest a graph is drawn: wider graphs are scaled down to fit a 960 px page column.</summary>
    public const int MaxWidth = 940;

    /// <summary>
    /// An inline <c>&lt;svg&gt;</c>: one <c>&lt;g class="dlk-node dlk-op|dlk-value"&gt;</c> per node with its text, one line per
    /// edge; at most <see cref="MaxWidth"/> pixels wide (scaled down, never clipped). A value node without a gradient says why.
    /// </summary>
    public static string Render(ComputationGraph graph, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int maxLayer = graph.Nodes.Max(n => n.Layer);
        // Columns from the inputs (the highest layer) to the drawn tensor, each as wide as its widest node: value boxes
        // and op ellipses alternate, so op columns are narrower.
        var columnWidth = new double[maxLayer + 1];
        foreach (var node in graph.Nodes) columnWidth[node.Layer] = Math.Max(columnWidth[node.Layer], node.IsOp ? OpWidth : BoxWidth);
        var columnCenter = new double[maxLayer + 1];
        double right = Pad;
        for (int layer = maxLayer; layer >= 0; layer--)
        {
            columnCenter[layer] = right + columnWidth[layer] / 2;
            right += columnWidth[layer] + Gap;
        }
        var rows = new Dictionary<int, int>();
        var position = new (double X, double Y)[graph.Nodes.Count];
        foreach (var node in graph.Nodes)
        {
            int row = rows[node.Layer] = rows.GetValueOrDefault(node.Layer, -1) + 1;
            position[node.Id] = (columnCenter[node.Layer], Pad + row * RowHeight + BoxHeight / 2.0);
        }
        int width = (int)Math.Ceiling(right - Gap + Pad), height = 2 * Pad + rows.Values.Max() * RowHeight + BoxHeight;

        double scale = Math.Min(1, (double)MaxWidth / width);
        string header = (title is null ? "" : title + ": ") + Summary(graph);
        var svg = new StringBuilder($"<div class=\"dlk dlk-graph\">{Html.Style}<div class=\"dlk-header\">{Html.Encode(header)}</div>");
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Html.Coordinate(width * scale)}\" height=\"{Html.Coordinate(height * scale)}\" viewBox=\"0 0 {width} {height}\" style=\"max-width:100%;height:auto\" font-family=\"monospace\" font-size=\"11\">");
        svg.Append("<defs><marker id=\"dlk-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#888\"/></marker></defs>");
        foreach (var (from, to) in graph.Edges)
        {
            var (x1, y1) = position[from];
            var (x2, y2) = position[to];
            x1 += HalfWidth(graph.Nodes[from]);
            x2 -= HalfWidth(graph.Nodes[to]);
            svg.Append($"<line class=\"dlk-edge\" x1=\"{Html.Coordinate(x1)}\" y1=\"{Html.Coordinate(y1)}\" x2=\"{Html.Coordinate(x2)}\" y2=\"{Html.Coordinate(y2)}\" stroke=\"#888\" marker-end=\"url(#dlk-arrow)\"/>");
        }
        foreach (var node in graph.Nodes)
        {
            var (x, y) = position[node.Id];
            if (node.IsOp)
            {
                svg.Append($"<g class=\"dlk-node dlk-op\"><ellipse cx=\"{Html.Coordinate(x)}\" cy=\"{Html.Coordinate(y)}\" rx=\"{OpWidth / 2}\" ry=\"{OpHeight / 2}\" fill=\"#eef3ff\" stroke=\"#5b7bd5\"/>")
                   .Append($"<text x=\"{Html.Coordinate(x)}\" y=\"{Html.Coordinate(y + 4)}\" text-anchor=\"middle\">{Html.Encode(node.Label)}</text></g>");
                continue;
            }
            double left = x - BoxWidth / 2.0, top = y - BoxHeight / 2.0;
            svg.Append($"<g class=\"dlk-node dlk-value\"><rect x=\"{Html.Coordinate(left)}\" y=\"{Html.Coordinate(top)}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"3\" fill=\"#fff\" stroke=\"#333\"/>")
               .Append($"<text x=\"{Html.Coordinate(x)}\" y=\"{Html.Coordinate(top + 13)}\" text-anchor=\"middle\" font-weight=\"bold\">{Html.Encode(node.Label)}</text>")
               .Append($"<text x=\"{Html.Coordinate(x)}\" y=\"{Html.Coordinate(top + 25)}\" text-anchor=\"middle\">data {Html.Encode(node.Data ?? "")}</text>")
               .Append($"<text x=\"{Html.Coordinate(x)}\" y=\"{Html.Coordinate(top + 37)}\" text-anchor=\"middle\" fill=\"{(node.Grad is null ? "#888" : "#b33")}\">grad {Html.Encode(node.Grad ?? node.NoGradReason ?? "–")}</text></g>");
        }
        return svg.Append("</svg></div>").ToString();
    }

    private static double HalfWidth(GraphNode node) => (node.IsOp ? OpWidth : BoxWidth) / 2.0;

    private static string Summary(ComputationGraph graph) =>
        $"Computation graph: {graph.Nodes.Count(n => n.IsOp && !n.Label.StartsWith('…'))} ops, {graph.Nodes.Count(n => !n.IsOp)} tensors" +
        (graph.HiddenNodes > 0 ? $", {graph.HiddenNodes} more nodes collapsed" : "") +
        (graph.Nodes.Any(n => n.NoGradReason == ComputationGraph.NotKept)
            ? ". \"not kept\": Backward keeps the gradients of leaves only; call RetainGrad() on a value before Backward() to keep its"
            : "") +
        (graph.Nodes.Any(n => n.NoGradReason == ComputationGraph.NoneYet) ? ". \"none yet\": a leaf's gradient appears after Backward()" : "");
}
