// Image augmentation for chapter 06: random flips, padded crops, small rotations and noise, each drawn per
// image from Rng, composable into one pipeline that a DataLoader applies to every batch (its Transform).
namespace DeepLearnKit.Data;

/// <summary>
/// Random image transforms in torchvision's names. Each factory returns a function of an image batch
/// [N, C, H, W] (or one image [C, H, W]) that draws its randomness per image from <see cref="Rng"/> and returns a new
/// tensor of the same shape on the same device; the input is not changed and no gradient flows through.
/// </summary>
public static class Augment
{
    /// <summary>Applies <paramref name="transforms"/> in order: <c>Compose(f, g)(x) = g(f(x))</c>.</summary>
    public static Func<Tensor, Tensor> Compose(params Func<Tensor, Tensor>[] transforms) =>
        x => transforms.Aggregate(x, (current, transform) => transform(current));

    /// <summary>Mirrors each image left ↔ right with probability <paramref name="p"/>: <c>out[c, i, j] = x[c, i, W−1−j]</c>.</summary>
    public static Func<Tensor, Tensor> RandomHorizontalFlip(double p = 0.5) => x => PerImage("RandomHorizontalFlip", x, (image, result, c, h, w) =>
    {
        if (!Rng.Bernoulli(p))
        {
            image.CopyTo(result);
            return;
        }
        for (int row = 0; row < c * h; row++)
            for (int j = 0; j < w; j++)
                result[row * w + j] = image[row * w + w - 1 - j];
    });

    /// <summary>
    /// Pads each image with <paramref name="padding"/> zeros on every side, then cuts out an H × W window at a random
    /// offset (0 … 2·padding each way): the image shifts by up to <paramref name="padding"/> pixels.
    /// </summary>
    public static Func<Tensor, Tensor> RandomCrop(int padding)
    {
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"RandomCrop: padding must be ≥ 0, got {padding}.");
        return x => PerImage("RandomCrop", x, (image, result, c, h, w) =>
        {
            // A window at (top, left) of the padded image reads x[i + top − padding, j + left − padding], or 0 outside.
            int dy = Rng.Int(0, 2 * padding + 1) - padding, dx = Rng.Int(0, 2 * padding + 1) - padding;
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                    {
                        int si = i + dy, sj = j + dx;
                        result[(ch * h + i) * w + j] = si >= 0 && si < h && sj >= 0 && sj < w ? image[(ch * h + si) * w + sj] : 0;
                    }
        });
    }

    /// <summary>Rotates each image about its centre by an angle drawn from U[−degrees, degrees] (see the two-bound overload).</summary>
    public static Func<Tensor, Tensor> RandomRotation(float degrees) => RandomRotation(-degrees, degrees);

    /// <summary>
    /// Rotates each image counter-clockwise (as displayed, row 0 on top) about its centre c by θ ~ U[<paramref name="minDegrees"/>,
    /// <paramref name="maxDegrees"/>] with bilinear interpolation: <c>out(p) = x(c + R(−θ)(p − c))</c>, 0 where that falls
    /// outside the image. 90° maps <c>out[i, j] = x[j, W−1−i]</c> (numpy's rot90).
    /// </summary>
    public static Func<Tensor, Tensor> RandomRotation(float minDegrees, float maxDegrees) => x => PerImage("RandomRotation", x, (image, result, c, h, w) =>
    {
        var angle = new float[1];
        Rng.Uniform(angle, minDegrees, maxDegrees);
        double theta = (minDegrees == maxDegrees ? minDegrees : angle[0]) * Math.PI / 180;
        double cos = Math.Cos(theta), sin = Math.Sin(theta), cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
            {
                // The source of output pixel (i, j): turn its offset from the centre back by θ. Rows grow downwards,
                // so the signs are those of a clockwise turn in (col, row), which is counter-clockwise on screen.
                double sx = cos * (j - cx) - sin * (i - cy) + cx, sy = sin * (j - cx) + cos * (i - cy) + cy;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                for (int ch = 0; ch < c; ch++)
                {
                    var p = image.Slice(ch * h * w, h * w);
                    double value = (1 - fy) * ((1 - fx) * Pixel(p, h, w, y0, x0) + fx * Pixel(p, h, w, y0, x0 + 1))
                                 + fy * ((1 - fx) * Pixel(p, h, w, y0 + 1, x0) + fx * Pixel(p, h, w, y0 + 1, x0 + 1));
                    result[ch * h * w + i * w + j] = (float)value;
                }
            }
    });

    /// <summary>Adds independent N(0, std²) noise to every pixel: <c>out = x + std·ε</c>.</summary>
    public static Func<Tensor, Tensor> GaussianNoise(float std)
    {
        if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), $"GaussianNoise: std must be ≥ 0, got {std}.");
        return x =>
        {
            var values = x.ToArray();
            var noise = new float[values.Length];
            Rng.Normal(noise, 0, std);
            for (int i = 0; i < values.Length; i++) values[i] += noise[i];
            return Tensor.FromArray(values, x.Shape).To(x.Device);
        };
    }

    /// <summary>Pixel (row, col) of one [H, W] plane, 0 outside it (the zero padding bilinear sampling reads).</summary>
    private static float Pixel(ReadOnlySpan<float> plane, int h, int w, int row, int col) =>
        row >= 0 && row < h && col >= 0 && col < w ? plane[row * w + col] : 0;

    private delegate void ImageTransform(ReadOnlySpan<float> image, Span<float> result, int channels, int height, int width);

    /// <summary>Runs <paramref name="transform"/> on each [C, H, W] image of x (host copies), in batch order so the Rng draws are repeatable.</summary>
    private static Tensor PerImage(string name, Tensor x, ImageTransform transform)
    {
        if (x.Rank is not (3 or 4))
            throw new ArgumentException($"{name}: expected images [N, C, H, W] or [C, H, W], got shape {Shapes.Format(x.Shape)}.");
        int n = x.Rank == 4 ? x.Size(0) : 1, c = x.Size(-3), h = x.Size(-2), w = x.Size(-1), size = c * h * w;
        var values = x.ToArray();
        var result = new float[values.Length];
        for (int k = 0; k < n; k++)
            transform(values.AsSpan(k * size, size), result.AsSpan(k * size, size), c, h, w);
        return Tensor.FromArray(result, x.Shape).To(x.Device);
    }
}
