// Shear, zoom, rotation with both fill modes, padded crops that fill, and rescaling: hand-worked pictures on tiny
// images, then every pixel against a loop written here from the documented formula (bilinear sampling at
// c + A·(p − c), each neighbour outside the image read as the fill mode says).
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

[Collection(SharedRngCollection.Name)]
public class AffineAugmentTests
{
    /// <summary>x[i, j] = 10·i + j + 1 on one [1, h, w] image, so every pixel names its place.</summary>
    private static Tensor Ramp(int h, int w) =>
        Tensor.FromArray(Enumerable.Range(0, h * w).Select(k => 10f * (k / w) + k % w + 1).ToArray(), 1, h, w);

    private const float F = -7; // a fill value no pixel has

    [Fact]
    public void A_45_degree_shear_slides_each_row_by_its_distance_from_the_centre()
    {
        // 3 × 3, c_y = 1, tan 45° = 1: out[i, j] = x[i, j − (i − 1)]; row 0 moves left, row 2 right.
        var x = Ramp(3, 3); // [[1, 2, 3], [11, 12, 13], [21, 22, 23]]
        TensorAssert.Close([2, 3, F, 11, 12, 13, F, 21, 22], Augment.RandomShear(45, 45, FillMode.Constant, F)(x).ToArray(), atol: 1e-5);
        TensorAssert.Close([2, 3, 3, 11, 12, 13, 21, 21, 22], Augment.RandomShear(45, 45, FillMode.Nearest)(x).ToArray(), atol: 1e-5);
        TensorAssert.Close([0, 1, 2, 11, 12, 13, 22, 23, 0], Augment.RandomShear(-45, -45)(x).ToArray(), atol: 1e-5);
    }

    [Fact]
    public void Zooming_in_by_2_magnifies_the_centre_and_out_by_2_fills_the_border()
    {
        var x = Ramp(5, 5); // c = (2, 2)
        var zoomIn = Augment.RandomZoom(2, 2)(x).ToArray(); // out(p) = x(2 + (p − 2)/2)
        Assert.Equal(12f, zoomIn[0], 5);              // out[0, 0] = x[1, 1]
        Assert.Equal((12f + 13f) / 2, zoomIn[1], 5);  // out[0, 1] = x[1, 1.5]
        Assert.Equal(23f, zoomIn[2 * 5 + 2], 5);      // the centre stays
        Assert.Equal(34f, zoomIn[4 * 5 + 4], 5);      // out[4, 4] = x[3, 3]

        var constant = Augment.RandomZoom(0.5f, 0.5f, FillMode.Constant, F)(x).ToArray(); // out(p) = x(2 + 2·(p − 2))
        Assert.Equal(1f, constant[1 * 5 + 1], 5);     // out[1, 1] = x[0, 0]
        Assert.Equal(5f, constant[1 * 5 + 3], 5);     // out[1, 3] = x[0, 4]
        Assert.Equal(F, constant[0], 5);              // out[0, 0] = x[−2, −2]: outside
        var nearest = Augment.RandomZoom(0.5f, 0.5f, FillMode.Nearest)(x).ToArray();
        Assert.Equal(1f, nearest[0], 5);              // x[−2, −2] → the corner x[0, 0]
        Assert.Equal(3f, nearest[2], 5);              // out[0, 2] = x[−2, 2] → x[0, 2]
        Assert.Equal(x.ToArray(), Augment.RandomZoom(0)(x).ToArray()); // U[1, 1]: the identity
    }

    /// <summary>Bilinear sampling of one plane at (sy, sx), each neighbour outside read as <paramref name="fill"/> says.</summary>
    private static double Sample(float[] plane, int h, int w, double sy, double sx, FillMode fill, float fillValue)
    {
        double Read(int r, int c) => r >= 0 && r < h && c >= 0 && c < w ? plane[r * w + c]
            : fill == FillMode.Constant ? fillValue : plane[Math.Clamp(r, 0, h - 1) * w + Math.Clamp(c, 0, w - 1)];
        int r0 = (int)Math.Floor(sy), c0 = (int)Math.Floor(sx);
        double fy = sy - r0, fx = sx - c0;
        return (1 - fy) * (1 - fx) * Read(r0, c0) + (1 - fy) * fx * Read(r0, c0 + 1)
             + fy * (1 - fx) * Read(r0 + 1, c0) + fy * fx * Read(r0 + 1, c0 + 1);
    }

    public static TheoryData<string, FillMode> Transforms() => new()
    {
        { "shear 20°", FillMode.Constant }, { "shear 20°", FillMode.Nearest },
        { "zoom 1.3", FillMode.Constant }, { "zoom 0.7", FillMode.Nearest },
        { "rotation 30°", FillMode.Constant }, { "rotation 30°", FillMode.Nearest },
    };

    [Theory]
    [MemberData(nameof(Transforms))]
    public void Every_pixel_matches_the_formula_written_as_a_loop(string transform, FillMode fill)
    {
        const int n = 2, channels = 2, h = 4, w = 5; // even h: the centre falls between rows
        var images = TensorAssert.Random(31, n, channels, h, w);
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        // The source (row, col) of output pixel (i, j), from each transform's documented map.
        Func<int, int, (double Sy, double Sx)> source = transform switch
        {
            "shear 20°" => (i, j) => (i, j - Math.Tan(20 * Math.PI / 180) * (i - cy)),
            "zoom 1.3" => (i, j) => (cy + (i - cy) / 1.3f, cx + (j - cx) / 1.3f),
            "zoom 0.7" => (i, j) => (cy + (i - cy) / 0.7f, cx + (j - cx) / 0.7f),
            _ => (i, j) =>
            {
                double t = 30 * Math.PI / 180;
                return (Math.Sin(t) * (j - cx) + Math.Cos(t) * (i - cy) + cy, Math.Cos(t) * (j - cx) - Math.Sin(t) * (i - cy) + cx);
            },
        };
        var augment = transform switch
        {
            "shear 20°" => Augment.RandomShear(20, 20, fill, F),
            "zoom 1.3" => Augment.RandomZoom(1.3f, 1.3f, fill, F),
            "zoom 0.7" => Augment.RandomZoom(0.7f, 0.7f, fill, F),
            _ => Augment.RandomRotation(30, 30, fill, F),
        };
        var values = images.ToArray();
        var expected = new float[values.Length];
        for (int k = 0; k < n * channels; k++)
        {
            var plane = values[(k * h * w)..((k + 1) * h * w)];
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    var (sy, sx) = source(i, j);
                    expected[k * h * w + i * w + j] = (float)Sample(plane, h, w, sy, sx, fill, F);
                }
        }
        var actual = augment(images);
        Assert.Equal(images.Shape, actual.Shape);
        TensorAssert.Close(expected, actual.ToArray(), atol: 1e-5);
        Assert.Equal(values, images.ToArray()); // the input is untouched
    }

    [Fact]
    public void Each_image_draws_its_own_factor_from_the_range()
    {
        var x = Tensor.Stack([Ramp(6, 6), Ramp(6, 6), Ramp(6, 6)]); // [3, 1, 6, 6]
        Rng.Seed(4);
        var zoomed = Augment.RandomZoom(0.8f, 1.2f)(x);
        Rng.Seed(4);
        var factors = new float[3];
        for (int k = 0; k < 3; k++) Rng.Uniform(factors.AsSpan(k, 1), 0.8f, 1.2f); // one draw per image, in batch order
        for (int k = 0; k < 3; k++)
        {
            Assert.InRange(factors[k], 0.8f, 1.2f);
            Assert.Equal(Augment.RandomZoom(factors[k], factors[k])(x[k]).ToArray(), zoomed[k].ToArray());
        }
        Assert.NotEqual(zoomed[0].ToArray(), zoomed[1].ToArray());

        Rng.Seed(5);
        var sheared = Augment.RandomShear(10)(x);
        Rng.Seed(5);
        Span<float> angle = stackalloc float[1];
        Rng.Uniform(angle, -10, 10);
        Assert.Equal(Augment.RandomShear(angle[0], angle[0])(x[0]).ToArray(), sheared[0].ToArray());
    }

    [Fact]
    public void A_padded_crop_fills_as_told()
    {
        var x = Ramp(3, 3);
        // Padding 1 on a 3 × 3 image: every shift is by −1, 0 or 1; with Nearest each pixel is a clamped neighbour.
        for (int trial = 0; trial < 10; trial++)
        {
            var shifted = Augment.RandomCrop(1, FillMode.Nearest)(x).ToArray();
            var possible = from dy in new[] { -1, 0, 1 } from dx in new[] { -1, 0, 1 }
                           select Enumerable.Range(0, 9).Select(k => x.ToArray()[Math.Clamp(k / 3 + dy, 0, 2) * 3 + Math.Clamp(k % 3 + dx, 0, 2)]).ToArray();
            Assert.Contains(possible, p => p.SequenceEqual(shifted));
            Assert.All(Augment.RandomCrop(1, FillMode.Constant, F)(x).ToArray(), v => Assert.True(v == F || v is >= 1 and <= 23));
        }
    }

    [Fact]
    public void Rescale_multiplies_and_offsets_every_pixel()
    {
        var bytes = Tensor.FromArray([0, 51, 255, 128], 1, 1, 2, 2);
        var expected = bytes.ToArray().Select(v => v * (1f / 255)).ToArray();
        Assert.Equal(expected, Augment.Rescale(1f / 255)(bytes).ToArray());
        Assert.Equal(bytes.ToArray().Select(v => v * 2f - 1).ToArray(), Augment.Rescale(2, -1)(bytes).ToArray());
        Assert.False(Augment.Rescale(2)(bytes.Clone().RequireGrad()).RequiresGrad);
    }

    [Fact]
    public void Bad_ranges_are_refused_naming_the_augmentation()
    {
        Assert.Contains("RandomShear", Assert.Throws<ArgumentOutOfRangeException>(() => Augment.RandomShear(90)).Message);
        Assert.Contains("RandomZoom", Assert.Throws<ArgumentOutOfRangeException>(() => Augment.RandomZoom(1.5f)).Message); // 1 − 1.5 < 0
        Assert.Contains("RandomZoom", Assert.Throws<ArgumentOutOfRangeException>(() => Augment.RandomZoom(2, 1)).Message);
        Assert.Contains("Rescale", Assert.Throws<ArgumentOutOfRangeException>(() => Augment.Rescale(float.NaN)).Message);
        Assert.Contains("RandomShear", Assert.Throws<ArgumentException>(() => Augment.RandomShear(5)(Tensor.Zeros(4, 4))).Message);
    }
}
