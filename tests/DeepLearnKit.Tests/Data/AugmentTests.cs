// Augmentations: exact identities (flip twice, crop with no padding, rotation by 0), exact flips, shifts and
// quarter turns, and Gaussian noise with the stated std.
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

public class AugmentTests
{
    private static readonly Tensor Images = TensorAssert.Random(seed: 11, 3, 2, 5, 5);

    [Fact]
    public void Flipping_twice_is_the_identity_and_once_mirrors_the_columns()
    {
        var flip = Augment.RandomHorizontalFlip(p: 1);
        Assert.Equal(Images.ToArray(), flip(flip(Images)).ToArray());
        Assert.Equal(Images.ToArray(), Augment.Compose(flip, flip)(Images).ToArray());
        var once = flip(Tensor.FromArray([1f, 2, 3, 4, 5, 6], 1, 2, 3));
        Assert.Equal([1, 2, 3], once.Shape);
        Assert.Equal([3f, 2, 1, 6, 5, 4], once.ToArray());
        Assert.Equal(Images.ToArray(), Augment.RandomHorizontalFlip(p: 0)(Images).ToArray());
    }

    [Fact]
    public void Cropping_without_padding_is_the_identity()
    {
        Assert.Equal(Images.ToArray(), Augment.RandomCrop(padding: 0)(Images).ToArray());
    }

    [Fact]
    public void Cropping_with_padding_shifts_each_image_by_at_most_the_padding()
    {
        var ones = Tensor.Ones(40, 1, 5, 5);
        var sums = Enumerable.Range(0, 40).Select(i => Augment.RandomCrop(padding: 2)(ones)[i].ToArray().Sum()).ToArray();
        // A shift by (dy, dx) keeps (5 − |dy|)·(5 − |dx|) ones.
        var possible = from a in new[] { 3, 4, 5 } from b in new[] { 3, 4, 5 } select (float)(a * b);
        Assert.All(sums, s => Assert.Contains(s, possible));
        Assert.Contains(sums, s => s < 25);

        var ramp = Tensor.FromArray(Enumerable.Range(1, 25).Select(v => (float)v).ToArray(), 1, 5, 5);
        var shifted = Augment.RandomCrop(padding: 1)(ramp).ToArray();
        Assert.All(shifted, v => Assert.True(v == 0 || (v == MathF.Floor(v) && v is >= 1 and <= 25)));
    }

    [Fact]
    public void Rotating_by_zero_is_the_identity_and_by_90_is_rot90()
    {
        Assert.Equal(Images.ToArray(), Augment.RandomRotation(0)(Images).ToArray());
        var x = Tensor.FromArray(Enumerable.Range(0, 16).Select(v => (float)v).ToArray(), 1, 4, 4);
        var turned = Augment.RandomRotation(90, 90)(x).ToArray();
        var expected = new float[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                expected[i * 4 + j] = j * 4 + (3 - i); // out[i, j] = x[j, W−1−i]
        TensorAssert.Close(expected, turned, atol: 1e-4);
    }

    [Fact]
    public void Small_rotations_move_pixels_smoothly_and_keep_the_centre()
    {
        var x = Tensor.Zeros(1, 1, 9, 9);
        x[0, 0, 4, 4] = 1f;
        var turned = Augment.RandomRotation(10)(x).ToArray();
        Assert.Equal(1f, turned[4 * 9 + 4], 5);
        var image = TensorAssert.Between(5, 0, 1, 1, 1, 9, 9);
        var rotated = Augment.RandomRotation(-15, 15)(image).ToArray();
        Assert.All(rotated, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Gaussian_noise_has_the_stated_std()
    {
        var noisy = Augment.GaussianNoise(0.2f)(Tensor.Zeros(16, 1, 32, 32)).ToArray();
        double mean = noisy.Average(v => (double)v), std = Math.Sqrt(noisy.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.194, 0.206);
    }

    [Fact]
    public void Compose_applies_in_order_and_shapes_are_checked()
    {
        var order = new List<string>();
        var pipeline = Augment.Compose(t => { order.Add("f"); return t; }, t => { order.Add("g"); return t; });
        pipeline(Images);
        Assert.Equal(["f", "g"], order);
        var error = Assert.Throws<ArgumentException>(() => Augment.RandomHorizontalFlip()(Tensor.Zeros(4, 4)));
        Assert.Contains("RandomHorizontalFlip", error.Message);
        Assert.Contains("[4, 4]", error.Message);
    }
}
