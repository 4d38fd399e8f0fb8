// Attribution maps (saliency, occlusion, integrated gradients, LIME) drawn over the images they explain: one row per
// image, the image itself first, then one column per method. Plain inline PNGs, so the picture needs no script.
using System.Text;
using DeepLearnKit.Formatters.Images;

namespace DeepLearnKit.Formatters;

/// <summary>
/// Images with what each attribution method says about them: <c>new AttributionMaps(x, captions, [("saliency", g.Abs()),
/// ("occlusion", o)])</c>. Each map is drawn over its image in grey: red where the value is positive (the pixel raises the
/// class score), blue where negative, with opacity <c>|v| / max|v|</c> over that map, so every map uses its full range.
/// </summary>
public sealed class AttributionMaps
{
    /// <summary>The overlay colour of positive values (raises the class's score).</summary>
    public static readonly (byte R, byte G, byte B) Positive = (214, 39, 40);

    /// <summary>The overlay colour of negative values (lowers it).</summary>
    public static readonly (byte R, byte G, byte B) Negative = (31, 119, 180);

    /// <param name="images">The explained images, [N, 1|3, H, W] or [N, H, W], values as <see cref="ImageGrid"/> reads them.</param>
    /// <param name="captions">One caption per image (its class, the prediction).</param>
    /// <param name="methods">Each method's name and its maps: [N, H, W], [N, 1, H, W], or a coarser [N, h, w] whose h and
    /// w divide H and W (LIME's squares), each value then covering an (H/h)×(W/w) block.</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    public AttributionMaps(Tensor images, IReadOnlyList<string> captions, IReadOnlyList<(string Method, Tensor Maps)> methods, int scale = 4)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(captions);
        ArgumentNullException.ThrowIfNull(methods);
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), $"AttributionMaps: scale must be at least 1, got {scale}.");
        if (methods.Count == 0) throw new ArgumentException("AttributionMaps: no method's maps were given.", nameof(methods));
        Images = TensorImages.ToPixels(images.Rank == 3 ? images.Unsqueeze(1) : images);
        if (captions.Count != Images.Count)
            throw new ArgumentException($"AttributionMaps: {captions.Count} captions for {Images.Count} images.", nameof(captions));
        var (_, width, height, _) = Images[0];
        Captions = captions;
        Methods = methods.Select(m => m.Method).ToArray();
        Maps = methods.Select(m => Upsampled(m.Method, m.Maps, Images.Count, height, width)).ToArray();
        Scale = scale;
    }

    /// <summary>The images as 8-bit pixels.</summary>
    public IReadOnlyList<(byte[] Pixels, int Width, int Height, int Channels)> Images { get; }

    /// <summary>The captions, one per image.</summary>
    public IReadOnlyList<string> Captions { get; }

    /// <summary>The methods' names, one column each.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>Each method's maps at the images' size: <c>Maps[method][image][y·W + x]</c>.</summary>
    public IReadOnlyList<float[][]> Maps { get; }

    /// <summary>Screen pixels per image pixel.</summary>
    public int Scale { get; }

    /// <summary>
    /// Image <paramref name="image"/> with method <paramref name="method"/>'s map over it as RGB pixels (row-major, 3 bytes
    /// each): <c>rgb = (1 − α)·grey + α·colour</c> with <c>α = |v| / max|v|</c> over the map and colour
    /// <see cref="Positive"/> or <see cref="Negative"/> by the sign of v.
    /// </summary>
    public byte[] Overlay(int method, int image)
    {
        var (pixels, width, height, channels) = Images[image];
        var map = Maps[method][image];
        float max = map.Select(MathF.Abs).Where(float.IsFinite).DefaultIfEmpty(0).Max();
        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
        {
            float alpha = max > 0 && float.IsFinite(map[p]) ? MathF.Abs(map[p]) / max : 0;
            var (r, g, b) = map[p] >= 0 ? Positive : Negative;
            for (int ch = 0; ch < 3; ch++)
            {
                byte under = pixels[p * channels + (channels == 3 ? ch : 0)];
                byte over = ch == 0 ? r : ch == 1 ? g : b;
                rgb[p * 3 + ch] = (byte)MathF.Round((1 - alpha) * under + alpha * over);
            }
        }
        return rgb;
    }

    /// <summary>
    /// A table: a header row naming the methods, then per image its caption, the image, and each method's overlay; a
    /// legend says what the colours mean. Wide rows wrap inside the page.
    /// </summary>
    public string ToHtml(string? title = null)
    {
        var (_, width, height, _) = Images[0];
        string header = $"{(title is null ? "Attribution maps" : title)}: {Images.Count} image{(Images.Count == 1 ? "" : "s")}, {width}×{height}, " +
                        "red raises the class score, blue lowers it, opacity |value| / max |value| of each map";
        var html = new StringBuilder($"<div class=\"dlk\">{Html.Style}<div class=\"dlk-header\">{Html.Encode(header)}</div>");
        html.Append("<div style=\"overflow-x:auto;max-width:100%\"><table><tr><th></th><th>image</th>");
        foreach (var method in Methods) html.Append($"<th>{Html.Encode(method)}</th>");
        html.Append("</tr>");
        for (int i = 0; i < Images.Count; i++)
        {
            var (pixels, w, h, c) = Images[i];
            html.Append($"<tr><td>{Html.Encode(Captions[i])}</td>{Cell(Png.DataUrl(pixels, w, h, c), Captions[i])}");
            for (int m = 0; m < Methods.Count; m++) html.Append(Cell(Png.DataUrl(Overlay(m, i), w, h, 3), $"{Methods[m]}: {Captions[i]}"));
            html.Append("</tr>");
        }
        return html.Append("</table></div></div>").ToString();

        string Cell(string source, string alt) =>
            $"<td><img src=\"{source}\" width=\"{width * Scale}\" height=\"{height * Scale}\" alt=\"{Html.Encode(alt)}\"/></td>";
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"AttributionMaps({Images.Count} images × {Methods.Count} methods: {string.Join(", ", Methods)})";

    private static float[][] Upsampled(string method, Tensor maps, int count, int height, int width)
    {
        var s = maps.Shape;
        (int n, int h, int w) = s.Length switch
        {
            3 => (s[0], s[1], s[2]),
            4 when s[1] == 1 => (s[0], s[2], s[3]),
            _ => (-1, 0, 0),
        };
        if (n != count || h < 1 || w < 1 || height % h != 0 || width % w != 0)
            throw new ArgumentException(
                $"AttributionMaps: '{method}' maps have shape {Html.Shape(s)}; they must be [{count}, {height}, {width}], [{count}, 1, {height}, {width}] " +
                $"or [{count}, h, w] with h dividing {height} and w dividing {width}.", nameof(maps));
        var values = maps.ToArray();
        int blockY = height / h, blockX = width / w;
        return Enumerable.Range(0, n).Select(i =>
        {
            var map = new float[height * width];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    map[y * width + x] = values[(i * h + y / blockY) * w + x / blockX];
            return map;
        }).ToArray();
    }
}
