// A labelled grid of images (samples, generated images, misclassified examples), drawn as inline PNGs. In the root
// namespace with the other pictures a chapter makes; the PNG encoder and tensor-to-pixels code stay in Images.
using System.Text;
using DeepLearnKit.Formatters.Images;
using DeepLearnKit.Training;

namespace DeepLearnKit.Formatters;

/// <summary>
/// Images to show side by side with optional captions: <c>new ImageGrid(x[..16], labels)</c> or
/// <see cref="Misclassified"/>. Formatted as a grid of <c>&lt;img src="data:image/png;base64,…"&gt;</c>.
/// </summary>
public sealed class ImageGrid
{
    /// <summary>A grid of <paramref name="images"/> ([N, 1|3, H, W], [N, H, W], [1|3, H, W] or [H, W]) with one caption per image.</summary>
    /// <param name="images">The images; values in [0, 1], [0, 255], or any range (stretched).</param>
    /// <param name="labels">One caption per image, or null.</param>
    /// <param name="columns">Images per row.</param>
    /// <param name="scale">Each pixel is drawn this many screen pixels wide.</param>
    public ImageGrid(Tensor images, IReadOnlyList<string>? labels = null, int columns = 8, int scale = 3)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), $"ImageGrid: columns must be at least 1, got {columns}.");
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), $"ImageGrid: scale must be at least 1, got {scale}.");
        Pixels = TensorImages.ToPixels(images);
        if (labels is not null && labels.Count != Pixels.Count)
            throw new ArgumentException($"ImageGrid: {labels.Count} labels for {Pixels.Count} images.", nameof(labels));
        Labels = labels;
        Columns = columns;
        Scale = scale;
    }

    /// <summary>
    /// The examples a classifier got wrong, captioned <c>true → predicted</c>: <paramref name="outputs"/> are [N, C]
    /// scores (or [N] predicted ids), <paramref name="targets"/> [N] class ids, at most <paramref name="limit"/> shown.
    /// </summary>
    public static ImageGrid Misclassified(Tensor images, Tensor outputs, Tensor targets, IReadOnlyList<string>? classNames = null, int limit = 32, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(images);
        var wrong = Metrics.Misclassified(outputs, targets).Take(limit).ToArray();
        if (images.Size(0) != targets.Size(0))
            throw new ArgumentException($"ImageGrid.Misclassified: images {Html.Shape(images.Shape)}, outputs {Html.Shape(outputs.Shape)} and targets {Html.Shape(targets.Shape)} must have the same N.");
        if (wrong.Length == 0) throw new ArgumentException("ImageGrid.Misclassified: every example is classified correctly; there is nothing to show.");
        string Name(int c) => classNames is not null && c >= 0 && c < classNames.Count ? classNames[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var picked = Tensor.Stack(wrong.Select(w => images.Select(0, w.Index)).ToArray());
        return new ImageGrid(picked, wrong.Select(w => $"{Name(w.Actual)} → {Name(w.Predicted)}").ToArray(), columns);
    }

    /// <summary>The images as 8-bit pixels.</summary>
    public IReadOnlyList<(byte[] Pixels, int Width, int Height, int Channels)> Pixels { get; }

    /// <summary>The captions, or null.</summary>
    public IReadOnlyList<string>? Labels { get; }

    /// <summary>Images per row.</summary>
    public int Columns { get; }

    /// <summary>Screen pixels per image pixel.</summary>
    public int Scale { get; }

    /// <summary>
    /// The grid as HTML: a header (<paramref name="title"/> when given, then the count and size), then one
    /// <c>&lt;figure&gt;</c> with an inline PNG and its caption per image, wrapping to the page's width.
    /// </summary>
    public string ToHtml(string? title = null)
    {
        string header = $"{(title is null ? "" : title + ": ")}{Pixels.Count} image{(Pixels.Count == 1 ? "" : "s")}, {Pixels[0].Width}×{Pixels[0].Height}";
        var html = new StringBuilder($"<div class=\"dlk\">{Html.Style}<div class=\"dlk-header\">{Html.Encode(header)}</div>");
        int width = Columns * (Pixels[0].Width * Scale + 6);
        html.Append($"<div class=\"dlk-grid\" style=\"max-width:{width}px\">");
        for (int i = 0; i < Pixels.Count; i++)
        {
            var (pixels, w, h, c) = Pixels[i];
            html.Append($"<figure><img src=\"{Png.DataUrl(pixels, w, h, c)}\" width=\"{w * Scale}\" height=\"{h * Scale}\" alt=\"{Html.Encode(Labels?[i] ?? $"image {i}")}\"/>");
            if (Labels is not null) html.Append($"<figcaption>{Html.Encode(Labels[i])}</figcaption>");
            html.Append("</figure>");
        }
        return html.Append("</div></div>").ToString();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ImageGrid({Pixels.Count} images, {Pixels[0].Width}×{Pixels[0].Height}×{Pixels[0].Channels}{(Labels is null ? "" : ": " + string.Join(", ", Labels.Take(8)) + (Labels.Count > 8 ? ", …" : ""))})";
}
