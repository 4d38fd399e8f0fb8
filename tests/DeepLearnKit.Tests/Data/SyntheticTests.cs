// Synthetic sets: shapes, balanced labels, repeatable under Rng.Seed, and the geometry each one promises.
using DeepLearnKit.Data;

namespace DeepLearnKit.Tests.Data;

[Collection(SharedRngCollection.Name)]
public class SyntheticTests
{
    private static int[] Counts(Tensor labels, int classes)
    {
        var counts = new int[classes];
        foreach (float y in labels.ToArray()) counts[(int)y]++;
        return counts;
    }

    [Fact]
    public void Spirals_have_balanced_classes_and_radius_i_over_n_minus_1()
    {
        var data = Synthetic.Spirals(pointsPerClass: 50, classes: 4, noise: 0.3f);
        Assert.Equal([200, 2], data.Inputs.Shape);
        Assert.Equal([200], data.Targets.Shape);
        Assert.Equal([50, 50, 50, 50], Counts(data.Targets, 4));
        var x = data.Inputs.ToArray();
        for (int row = 0; row < 200; row++)
        {
            // Noise moves the angle only, so each point keeps its radius.
            double r = Math.Sqrt(x[2 * row] * x[2 * row] + x[2 * row + 1] * x[2 * row + 1]);
            Assert.Equal((row % 50) / 49.0, r, 5);
        }
    }

    [Fact]
    public void Spirals_without_noise_wind_by_four_radians_per_class()
    {
        var x = Synthetic.Spirals(pointsPerClass: 11, classes: 2, noise: 0).Inputs.ToArray();
        // Class 1, last point: r = 1, θ = 4 + 4 = 8 → (sin 8, cos 8).
        int row = 21;
        Assert.Equal(Math.Sin(8), x[2 * row], 5);
        Assert.Equal(Math.Cos(8), x[2 * row + 1], 5);
    }

    [Fact]
    public void Moons_without_noise_lie_on_two_unit_half_circles()
    {
        var data = Synthetic.Moons(101, noise: 0);
        Assert.Equal([101, 2], data.Inputs.Shape);
        Assert.Equal([50, 51], Counts(data.Targets, 2));
        var x = data.Inputs.ToArray();
        var y = data.Targets.ToArray();
        for (int i = 0; i < 101; i++)
        {
            // Class 0 is centred on (0, 0) and lies above it; class 1 on (1, 0.5) and lies below.
            double cx = y[i] == 0 ? 0 : 1, cy = y[i] == 0 ? 0 : 0.5;
            Assert.Equal(1.0, Math.Sqrt((x[2 * i] - cx) * (x[2 * i] - cx) + (x[2 * i + 1] - cy) * (x[2 * i + 1] - cy)), 5);
            Assert.True(y[i] == 0 ? x[2 * i + 1] >= -1e-6 : x[2 * i + 1] <= 0.5 + 1e-6);
        }
    }

    [Fact]
    public void Moons_noise_has_the_stated_std()
    {
        var clean = Synthetic.Moons(4000, noise: 0).Inputs.ToArray();
        var noisy = Synthetic.Moons(4000, noise: 0.1f).Inputs.ToArray();
        var diff = clean.Zip(noisy, (a, b) => (double)b - a).ToArray();
        double std = Math.Sqrt(diff.Average(d => d * d));
        Assert.InRange(std, 0.095, 0.105);
    }

    [Fact]
    public void Sine_sequences_are_next_step_pairs_of_unit_sines()
    {
        var data = Synthetic.SineSequences(count: 8, length: 40);
        Assert.Equal([8, 40, 1], data.Inputs.Shape);
        Assert.Equal([8, 40, 1], data.Targets.Shape);
        var x = data.Inputs.ToArray();
        var y = data.Targets.ToArray();
        for (int j = 0; j < 8; j++)
        {
            for (int t = 0; t + 1 < 40; t++) Assert.Equal(x[j * 40 + t + 1], y[j * 40 + t]);
            // A sampled sinusoid obeys s(t+1) + s(t−1) = 2 cos(2π/P) s(t) with 2 cos(2π/P) ∈ [2 cos(2π/8), 2 cos(2π/32)].
            double ratio = (x[j * 40 + 11] + x[j * 40 + 9]) / x[j * 40 + 10];
            if (Math.Abs(x[j * 40 + 10]) > 0.2) Assert.InRange(ratio, 2 * Math.Cos(2 * Math.PI / 8) - 1e-3, 2 * Math.Cos(2 * Math.PI / 32) + 1e-3);
        }
        Assert.All(x, v => Assert.InRange(v, -1f, 1f));
        Assert.True(x.Max() > 0.9f && x.Min() < -0.9f);
    }

    [Fact]
    public void Every_set_is_repeatable_after_Rng_Seed()
    {
        static float[][] Draw()
        {
            Rng.Seed(123);
            return [Synthetic.Spirals(20, 3, 0.2f).Inputs.ToArray(), Synthetic.Moons(30, 0.1f).Inputs.ToArray(),
                    Synthetic.SineSequences(4, 10, noise: 0.05f).Inputs.ToArray()];
        }
        var a = Draw();
        var b = Draw();
        for (int k = 0; k < a.Length; k++) Assert.Equal(a[k], b[k]);
        Assert.NotEqual(a[0], Synthetic.Spirals(20, 3, 0.2f).Inputs.ToArray());
    }
}
