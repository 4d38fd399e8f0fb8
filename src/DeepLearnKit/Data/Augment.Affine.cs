// The resampling augmentations: rotation, shear and zoom about the image centre. Each is an affine map A of pixel
// offsets from the centre c: output pixel p reads the input at c + A·(p − c), bilinearly, with a fill mode for what
// falls outside (Keras' fill_mode and cval, torchvision's fill).
namespace DeepLearnKit.Data;

public static partial class Augment
{
    /// <summary>Rotates each image about its centre by an angle drawn from U[−degrees, degrees] (see the two-bound overload).</summary>
    public static Func<Tensor, Tensor> RandomRotation(float degrees, FillMode fill = FillMode.Constant, float fillValue = 0) =>
        RandomRotation(-degrees, degrees, fill, fillValue);

    /// <summary>
    /// Rotates each image counter-clockwise (as displayed, row 0 on top) about its centre c by θ ~ U[<paramref name="minDegrees"/>,
    /// <paramref name="maxDegrees"/>] with bilinear interpolation: <c>out(p) = x(c + R(−θ)(p − c))</c>, where a sample
    /// outside the image reads as <paramref name="fill"/> says (0 by default). 90° maps <c>out[i, j] = x[j, W−1−i]</c>
    /// (numpy's rot90).
    /// </summary>
    public static Func<Tensor, Tensor> RandomRotation(float minDegrees, float maxDegrees, FillMode fill = FillMode.Constant, float fillValue = 0) =>
        x => Affine("RandomRotation", x, fill, fillValue, () =>
        {
            double theta = Draw(minDegrees, maxDegrees) * Math.PI / 180;
            double cos = Math.Cos(theta), sin = Math.Sin(theta);
            // Rows grow downwards, so turning the offset back by θ in (col, row) has a clockwise turn's signs, which is
            // counter-clockwise on screen.
            return new(cos, -sin, sin, cos);
        });

    /// <summary>Shears each image by an angle drawn from U[−degrees, degrees] (see the two-bound overload).</summary>
    public static Func<Tensor, Tensor> RandomShear(float degrees, FillMode fill = FillMode.Constant, float fillValue = 0) =>
        RandomShear(-degrees, degrees, fill, fillValue);

    /// <summary>
    /// A horizontal shear by θ ~ U[<paramref name="minDegrees"/>, <paramref name="maxDegrees"/>] about the centre c (Keras'
    /// <c>shear_range</c>, torchvision's x-shear): row i slides right by <c>tan θ·(i − c_y)</c> pixels, so
    /// <c>out[i, j] = x(i, j − tan θ·(i − c_y))</c>, bilinear between columns, <paramref name="fill"/> outside. For θ &gt; 0
    /// the rows below the centre move right and those above move left; vertical lines lean by θ.
    /// </summary>
    public static Func<Tensor, Tensor> RandomShear(float minDegrees, float maxDegrees, FillMode fill = FillMode.Constant, float fillValue = 0)
    {
        if (!(minDegrees > -90 && maxDegrees < 90 && minDegrees <= maxDegrees))
            throw new ArgumentOutOfRangeException(nameof(minDegrees), $"RandomShear: expected −90 < min ≤ max < 90 degrees, got [{minDegrees}, {maxDegrees}].");
        return x => Affine("RandomShear", x, fill, fillValue, () => new(1, -Math.Tan(Draw(minDegrees, maxDegrees) * Math.PI / 180), 0, 1));
    }

    /// <summary>Zooms each image by a factor drawn from U[1 − range, 1 + range] (Keras' <c>zoom_range</c>; see the two-bound overload).</summary>
    public static Func<Tensor, Tensor> RandomZoom(float range, FillMode fill = FillMode.Constant, float fillValue = 0) =>
        RandomZoom(1 - range, 1 + range, fill, fillValue);

    /// <summary>
    /// Scales each image's content about its centre c by s ~ U[<paramref name="minScale"/>, <paramref name="maxScale"/>]
    /// (one factor for both axes, as torchvision's RandomAffine scale): <c>out(p) = x(c + (p − c)/s)</c>, bilinear,
    /// <paramref name="fill"/> outside. s &gt; 1 zooms in (the content grows and its border is cut off), s &lt; 1 zooms out (the
    /// border is filled). Keras draws its factor as the inverse, <c>x(c + z·(p − c))</c>, so its z &lt; 1 zooms in.
    /// </summary>
    public static Func<Tensor, Tensor> RandomZoom(float minScale, float maxScale, FillMode fill = FillMode.Constant, float fillValue = 0)
    {
        if (!(minScale > 0 && minScale <= maxScale && float.IsFinite(maxScale)))
            throw new ArgumentOutOfRangeException(nameof(minScale), $"RandomZoom: expected 0 < min ≤ max scale, got [{minScale}, {maxScale}].");
        return x => Affine("RandomZoom", x, fill, fillValue, () =>
        {
            double s = Draw(minScale, maxScale);
            return new(1 / s, 0, 0, 1 / s);
        });
    }

    /// <summary>The map from an output pixel's offset (dx, dy) from the centre to its source's: (a·dx + b·dy, c·dx + d·dy).</summary>
    private readonly record struct Offsets(double A, double B, double C, double D);

    /// <summary>One draw from U[min, max] through <see cref="Rng"/> (drawn even when min = max, so the stream advances alike).</summary>
    private static double Draw(float min, float max)
    {
        Span<float> value = stackalloc float[1];
        Rng.Uniform(value, min, max);
        return min == max ? min : value[0];
    }

    /// <summary>
    /// Resamples each image through the map <paramref name="draw"/> gives for it: <c>out[i, j] = bilinear x at (sy, sx)</c>
    /// with <c>(sx, sy) = c + A·((j, i) − c)</c>, c = ((W − 1)/2, (H − 1)/2); each of the four neighbours outside the image
    /// reads as <paramref name="fill"/> says.
    /// </summary>
    private static Tensor Affine(string name, Tensor x, FillMode fill, float fillValue, Func<Offsets> draw) =>
        PerImage(name, x, (image, result, c, h, w) =>
        {
            var m = draw();
            double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    double sx = m.A * (j - cx) + m.B * (i - cy) + cx, sy = m.C * (j - cx) + m.D * (i - cy) + cy;
                    int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                    double fx = sx - x0, fy = sy - y0;
                    for (int ch = 0; ch < c; ch++)
                    {
                        var p = image.Slice(ch * h * w, h * w);
                        double value = (1 - fy) * ((1 - fx) * Pixel(p, h, w, y0, x0, fill, fillValue) + fx * Pixel(p, h, w, y0, x0 + 1, fill, fillValue))
                                     + fy * ((1 - fx) * Pixel(p, h, w, y0 + 1, x0, fill, fillValue) + fx * Pixel(p, h, w, y0 + 1, x0 + 1, fill, fillValue));
                        result[ch * h * w + i * w + j] = (float)value;
                    }
                }
        });
}
