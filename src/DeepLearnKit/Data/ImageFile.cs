// Decoding one PNG, JPEG or BMP file into a tensor [C, H, W] of values in [0, 1] (StbImageSharp, a managed port of
// stb_image), with an optional bilinear resize. Errors name the file.
using StbImageSharp;

namespace DeepLearnKit.Data;

/// <summary>The channels an image is decoded to (torchvision's ImageReadMode, Keras' <c>color_mode</c>).</summary>
public enum ColorMode
{
    /// <summary>One channel, stb_image's luma <c>Y = (77·R + 150·G + 29·B) ≫ 8</c> (≈ 0.299R + 0.587G + 0.114B).</summary>
    Grayscale,

    /// <summary>Three channels R, G, B (gray is repeated, alpha dropped).</summary>
    RGB,
}

/// <summary>Reads image files as tensors.</summary>
public static class ImageFile
{
    /// <summary>The file name endings read as images, compared without case.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>
    /// Decodes <paramref name="path"/> (PNG, baseline or progressive JPEG, BMP) into [C, H, W] with <c>x = byte / 255</c>,
    /// C = 1 or 3 by <paramref name="color"/>, then resizes it to <paramref name="size"/> when given (see
    /// <see cref="Resize"/>). Throws <see cref="InvalidDataException"/> naming the file when it is not a readable image, and
    /// <see cref="FileNotFoundException"/> when it does not exist.
    /// </summary>
    public static Tensor Load(string path, ColorMode color = ColorMode.RGB, (int Height, int Width)? size = null)
    {
        var (pixels, height, width) = Decode(path, color);
        int channels = color == ColorMode.RGB ? 3 : 1;
        var image = new float[pixels.Length];
        // stb gives interleaved rows (H, W, C); the engine's images are planar [C, H, W].
        for (int i = 0; i < height * width; i++)
            for (int c = 0; c < channels; c++)
                image[c * height * width + i] = pixels[i * channels + c] / 255f;
        var tensor = Tensor.FromArray(image, channels, height, width);
        return size is { } s ? Resize(tensor, s.Height, s.Width) : tensor;
    }

    /// <summary>
    /// Bilinear resize of [C, H, W] (or [N, C, H, W]) to [C, h, w] (or [N, C, h, w]), as PyTorch's <c>interpolate(mode="bilinear",
    /// align_corners=False)</c> without antialiasing: output pixel (i, j) reads the input at
    /// <c>(y, x) = ((i + ½)·H/h − ½, (j + ½)·W/w − ½)</c>, each clamped to [0, H − 1] and [0, W − 1], weighting the four
    /// neighbours by distance. The same size returns the values unchanged.
    /// </summary>
    public static Tensor Resize(Tensor images, int height, int width)
    {
        if (images.Rank is not (3 or 4))
            throw new ArgumentException($"Resize: expected images [C, H, W] or [N, C, H, W], got shape {Shapes.Format(images.Shape)}.");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"Resize: the size must be at least 1×1, got {height}×{width}.");
        int h = images.Size(-2), w = images.Size(-1), planes = checked((int)(images.NumEl / (h * w)));
        var source = images.ToArray();
        var result = new float[planes * height * width];
        for (int i = 0; i < height; i++)
        {
            var (y0, y1, fy) = Neighbours(i, h, height);
            for (int j = 0; j < width; j++)
            {
                var (x0, x1, fx) = Neighbours(j, w, width);
                for (int p = 0; p < planes; p++)
                {
                    int o = p * h * w;
                    float top = (1 - fx) * source[o + y0 * w + x0] + fx * source[o + y0 * w + x1];
                    float bottom = (1 - fx) * source[o + y1 * w + x0] + fx * source[o + y1 * w + x1];
                    result[(p * height + i) * width + j] = (1 - fy) * top + fy * bottom;
                }
            }
        }
        int[] shape = [.. images.Shape[..^2], height, width];
        return Tensor.FromArray(result, shape, images.Device);
    }

    /// <summary>The two source indices around output index <paramref name="k"/> and the weight of the second.</summary>
    private static (int Low, int High, float Weight) Neighbours(int k, int inSize, int outSize)
    {
        double s = Math.Clamp((k + 0.5) * inSize / outSize - 0.5, 0, inSize - 1);
        int low = (int)Math.Floor(s);
        return (low, Math.Min(low + 1, inSize - 1), (float)(s - low));
    }

    /// <summary>Whether <paramref name="path"/> ends in one of <see cref="Extensions"/>.</summary>
    public static bool HasImageExtension(string path) =>
        Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The width, height and channels stored in the file's header, or an error naming the file.</summary>
    internal static ImageInfo ReadHeader(string path)
    {
        using var stream = Open(path);
        return ImageInfo.FromStream(stream) ?? throw NotAnImage(path, "the header is not that of a PNG, JPEG or BMP image");
    }

    private static (byte[] Pixels, int Height, int Width) Decode(string path, ColorMode color)
    {
        using var stream = Open(path);
        ImageResult result;
        try
        {
            result = ImageResult.FromStream(stream, color == ColorMode.RGB ? ColorComponents.RedGreenBlue : ColorComponents.Grey);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw NotAnImage(path, e.Message);
        }
        int channels = color == ColorMode.RGB ? 3 : 1;
        if (result is null || result.Width < 1 || result.Height < 1 || result.Data is null || result.Data.Length != result.Width * result.Height * channels)
            throw NotAnImage(path, "the decoder returned no complete image");
        return (result.Data, result.Height, result.Width);
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Image file '{path}' cannot be read: {e.Message}", e);
        }
    }

    private static InvalidDataException NotAnImage(string path, string reason) =>
        new($"Image file '{path}' is not a readable PNG, JPEG or BMP image: {reason}.");
}
