// Image augmentation for chapter 06: random flips, padded crops, noise and rescaling, each drawn per image from Rng,
// composable into one pipeline that a DataLoader applies to every batch (its Transform). The geometric ones that
// resample (rotation, shear, zoom) and their fill modes are in Augment.Affine.cs.
namespace DeepLearnKit.Data;

/// <summary>What a geometric augmentation reads where its source pixel lies outside the image (Keras' <c>fill_mode</c>).</summary>
public enum FillMode
{
    /// <summary>A constant value (Keras' <c>cval</c>, 0 by default): <c>x[i, j] = fillValue</c> outside.</summary>
    Constant,

    /// <summary>The nearest edge pixel: <c>x[clamp(i, 0, H−1), clamp(j, 0, W−1)]</c> (torchvision's <c>edge</c> padding).</summary>
    Nearest,
}

/// <summary>
/// Random image transforms in torchvision's names. Each factory returns a function of an image batch
/// [N, C, H, W] (or one image [C, H, W]) that draws its randomness per image from <see cref="Rng"/> and returns a new
/// tensor of the same shape on the same device; the input is not changed and no gradient flows through.
/// </summary>
public static partial class Augment
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
    /// Pads each image with <paramref name="padding"/> pixels on every side (zeros, or as <paramref name="fill"/> says),
    /// then cuts out an H × W window at a random offset (0 … 2·padding each way): the image shifts by up to
    /// <paramref name="padding"/> pixels, <c>out[c, i, j] = x[c, i + dy, j + dx]</c> with dy, dx ~ U{−padding … padding}.
    /// </summary>
    public static Func<Tensor, Tensor> RandomCrop(int padding, FillMode fill = FillMode.Constant, float fillValue = 0)
    {
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"RandomCrop: padding must be ≥ 0, got {padding}.");
        return x => PerImage("RandomCrop", x, (image, result, c, h, w) =>
        {
            // A window at (top, left) of the padded image reads x[i + top − padding, j + left − padding], or the fill outside.
            int dy = Rng.Int(0, 2 * padding + 1) - padding, dx = Rng.Int(0, 2 * padding + 1) - padding;
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        result[(ch * h + i) * w + j] = Pixel(image.Slice(ch * h * w, h * w), h, w, i + dy, j + dx, fill, fillValue);
        });
    }

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
            return Tensor.FromArray(values, x.Shape, x.Device);
        };
    }

    /// <summary>
    /// Multiplies every pixel by <paramref name="scale"/> and adds <paramref name="offset"/> (Keras' <c>rescale</c> and
    /// <c>Rescaling</c>): <c>out = scale·x + offset</c>; <c>Rescale(1f / 255)</c> maps bytes 0…255 to 0…1. Not random.
    /// </summary>
    public static Func<Tensor, Tensor> Rescale(float scale, float offset = 0)
    {
        if (!float.IsFinite(scale) || !float.IsFinite(offset))
            throw new ArgumentOutOfRangeException(nameof(scale), $"Rescale: scale and offset must be finite, got {scale} and {offset}.");
        return x =>
        {
            using var _ = Tensor.NoGrad();
            return x.Detach() * scale + offset;
        };
    }

    /// <summary>Pixel (row, col) of one [H, W] plane; outside it, <paramref name="fillValue"/> or the nearest edge pixel.</summary>
    private static float Pixel(ReadOnlySpan<float> plane, int h, int w, int row, int col, FillMode fill, float fillValue)
    {
        if (row >= 0 && row < h && col >= 0 && col < w) return plane[row * w + col];
        if (fill == FillMode.Constant) return fillValue;
        return plane[Math.Clamp(row, 0, h - 1) * w + Math.Clamp(col, 0, w - 1)];
    }

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
        return Tensor.FromArray(result, x.Shape, x.Device);
    }
}
