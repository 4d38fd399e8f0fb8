// A tensor as HTML: a header (shape, dtype, device, requires-grad, grad-fn), then the values in the form that reads
// best: a table (with NumPy-style "…" elision), a heatmap for a large matrix, or an image grid for image shapes.
using System.Text;
using DeepLearnKit.Formatters.Images;
using DeepLearnKit.Formatters.Plotly;

namespace DeepLearnKit.Formatters.Pictures;

/// <summary>Draws a <see cref="Tensor"/>.</summary>
public static class TensorHtml
{
    /// <summary>At most this many images of a batch are drawn.</summary>
    public const int MaxImages = 64;

    /// <summary>The mark an elided run of rows or columns shows.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// The header, then: images [N, 1|3, H, W] (or an image-like [H, W], see <see cref="TensorImages.LooksLikeImages"/>)
    /// as an image grid; a 2-D tensor with more than <see cref="Tensor.PrintThreshold"/> elements and both sides ≥ 8 as
    /// a heatmap; a scalar, vector or other matrix as a table showing <see cref="Tensor.PrintEdgeItems"/> items at each
    /// end of a side once the tensor has more than <see cref="Tensor.PrintThreshold"/> elements; higher ranks as text.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="title">A title shown above the header (and on the heatmap); by default the tensor's name, when it has one.</param>
    public static string Render(Tensor tensor, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var html = new StringBuilder($"<div class=\"dlk dlk-tensor\">{Html.Style}");
        if (title is not null) html.Append($"<div class=\"dlk-title\"><strong>{Html.Encode(title)}</strong></div>");
        html.Append($"<div class=\"dlk-header\">{Html.Encode(Header(tensor))}</div>");
        var shape = tensor.Shape;
        if (tensor.NumEl > 0 && TensorImages.LooksLikeImages(tensor))
        {
            var shown = shape.Length == 4 && shape[0] > MaxImages ? tensor.Narrow(0, 0, MaxImages) : tensor;
            if (!ReferenceEquals(shown, tensor)) html.Append($"<div class=\"dlk-header\">the first {MaxImages} of {shape[0]} images</div>");
            html.Append(new ImageGrid(shown, columns: 8, scale: Math.Max(1, 84 / Math.Max(shape[^1], 1))).ToHtml());
        }
        else if (shape.Length == 2 && tensor.NumEl > Tensor.PrintThreshold && shape[0] >= 8 && shape[1] >= 8)
            html.Append(Heatmap(tensor, title).ToHtml());
        else if (shape.Length <= 2)
            html.Append(Table(tensor));
        else
            html.Append("<pre>").Append(Html.Encode(tensor.ToString())).Append("</pre>");
        return html.Append("</div>").ToString();
    }

    /// <summary><c>Tensor [2, 3] · float32 · cpu · requires grad · grad fn MatMul</c>.</summary>
    public static string Header(Tensor tensor)
    {
        var parts = new List<string> { $"Tensor {Html.Shape(tensor.Shape)}", tensor.DType, tensor.Device.Name };
        if (tensor.Name is { } name) parts.Insert(0, name);
        if (tensor.RequiresGrad) parts.Add("requires grad");
        if (tensor.GradFn is { } fn) parts.Add($"grad fn {fn.Name}");
        if (tensor.Grad is not null) parts.Add("grad set");
        return string.Join(" · ", parts);
    }

    /// <summary>The header line and the engine's NumPy-style text (<see cref="Tensor.ToString"/>).</summary>
    public static string RenderText(Tensor tensor) => Header(tensor) + "\n" + tensor;

    private static Figure Heatmap(Tensor tensor, string? title)
    {
        var m = tensor.ToArray2D();
        int rows = m.GetLength(0), cols = m.GetLength(1);
        var z = Enumerable.Range(0, rows).Select(i => (IReadOnlyList<double>)Enumerable.Range(0, cols).Select(j => (double)m[i, j]).ToArray()).ToArray();
        bool signed = z.Any(r => r.Any(v => v < 0)) && z.Any(r => r.Any(v => v > 0));
        return new Figure
        {
            Data = [new Heatmap { Z = z, ColorScale = signed ? "RdBu" : "Viridis", Zmid = signed ? 0 : null }],
            Layout = new Layout
            {
                Title = new Title(title ?? $"{(tensor.Name is { } name ? name + " " : "")}{Html.Shape(tensor.Shape)} values"),
                XAxis = new Axis { Title = new Title("column") },
                YAxis = new Axis { Title = new Title("row"), AutoRange = "reversed" },
                Height = 420,
            },
        };
    }

    private static string Table(Tensor tensor)
    {
        var values = tensor.ToArray();
        var shape = tensor.Shape;
        bool elide = values.Length > Tensor.PrintThreshold;
        int rows = shape.Length == 2 ? shape[0] : 1, cols = shape.Length == 0 ? 1 : shape[^1];
        var rowIndices = Positions(rows, elide);
        var colIndices = Positions(cols, elide);
        var html = new StringBuilder("<table>");
        if (shape.Length >= 1)
        {
            html.Append("<tr>").Append(shape.Length == 2 ? "<th></th>" : "");
            foreach (int j in colIndices) html.Append(j < 0 ? $"<th class=\"dlk-elided\">{Ellipsis}</th>" : $"<th>{j}</th>");
            html.Append("</tr>");
        }
        foreach (int i in rowIndices)
        {
            html.Append("<tr>");
            if (shape.Length == 2) html.Append(i < 0 ? $"<th class=\"dlk-elided\">⋮</th>" : $"<th>{i}</th>");
            foreach (int j in colIndices)
                html.Append(i < 0 || j < 0 ? $"<td class=\"dlk-elided\">{(i < 0 ? "⋮" : Ellipsis)}</td>" : $"<td>{Html.Number(values[i * cols + j])}</td>");
            html.Append("</tr>");
        }
        return html.Append("</table>").ToString();
    }

    /// <summary>The indices shown along a side; −1 marks the elided gap.</summary>
    private static List<int> Positions(int size, bool elide)
    {
        int edge = Tensor.PrintEdgeItems;
        if (!elide || size <= 2 * edge) return Enumerable.Range(0, size).ToList();
        return [.. Enumerable.Range(0, edge), -1, .. Enumerable.Range(size - edge, edge)];
    }
}
