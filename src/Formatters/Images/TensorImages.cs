// Turning float tensors into 8-bit pixels: which shapes are images, and how values map to 0–255.
namespace DeepLearnKit.Formatters.Images;

/// <summary>Reads image-shaped tensors as pixels.</summary>
public static class TensorImages
{
    /// <summary>
    /// True for an image batch [N, 1 | 3, H, W], one image [1 | 3, H, W], or a 2-D [H, W] whose values lie in [0, 1]
    /// and whose sides are both at least 8 (smaller or signed matrices read better as numbers or a heatmap).
    /// </summary>
    public static bool LooksLikeImages(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var s = tensor.Shape;
        return s.Length switch
        {
            4 => s[1] is 1 or 3 && s[2] > 0 && s[3] > 0,
            2 => s[0] >= 8 && s[1] >= 8 && tensor.ToArray().All(v => v is >= 0 and <= 1),
            _ => false,
        };
    }

    /// <summary>
    /// The images of <paramref name="tensor"/> ([N, C, H, W], [N, H, W], [C, H, W] with C ∈ {1, 3}, or [H, W]) as
    /// (pixels, width, height, channels). Values in [0, 1] are scaled by 255, values in [0, 255] kept, anything else
    /// stretched from the tensor's min to its max, the same mapping for every image so they compare.
    /// </summary>
    public static IReadOnlyList<(byte[] Pixels, int Width, int Height, int Channels)> ToPixels(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var s = tensor.Shape;
        (int n, int c, int h, int w) = s.Length switch
        {
            4 when s[1] is 1 or 3 => (s[0], s[1], s[2], s[3]),
            3 when s[0] is 1 or 3 => (1, s[0], s[1], s[2]),
            3 => (s[0], 1, s[1], s[2]),
            2 => (1, 1, s[0], s[1]),
            _ => throw new ArgumentException($"TensorImages: expected images [N, 1|3, H, W], [N, H, W], [1|3, H, W] or [H, W], got {Html.Shape(s)}.", nameof(tensor)),
        };
        if (h == 0 || w == 0) throw new ArgumentException($"TensorImages: images must not be empty, got {Html.Shape(s)}.", nameof(tensor));
        var values = tensor.ToArray();
        var finite = values.Where(float.IsFinite).DefaultIfEmpty(0).ToArray();
        float min = finite.Min(), max = finite.Max();
        Func<float, byte> toByte = min >= 0 && max <= 1 ? v => (byte)MathF.Round(Clamp(v) * 255)
            : min >= 0 && max <= 255 ? v => (byte)MathF.Round(Math.Clamp(v, 0, 255))
            : v => (byte)MathF.Round(Clamp((v - min) / (max - min)) * 255);
        var images = new List<(byte[], int, int, int)>(n);
        int plane = h * w;
        for (int i = 0; i < n; i++)
        {
            var pixels = new byte[plane * c];
            for (int p = 0; p < plane; p++)
                for (int ch = 0; ch < c; ch++)
                    pixels[p * c + ch] = toByte(values[(i * c + ch) * plane + p]);   // planar CHW -> interleaved HWC
            images.Add((pixels, w, h, c));
        }
        return images;
    }

    private static float Clamp(float v) => float.IsFinite(v) ? Math.Clamp(v, 0, 1) : 0;
}
