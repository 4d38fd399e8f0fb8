// The counter-based generator behind every device's random fill: Random123's published known answers for
// Philox4x32-10, and the two distributions built on it checked against their CDFs (Kolmogorov–Smirnov).
using DeepLearnKit.Backends;
using MathNet.Numerics.Distributions;

namespace DeepLearnKit.Tests.Backends;

public class PhiloxTests
{
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Blocks_equal_Random123s_known_answers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Assert.Equal((e0, e1, e2, e3), Philox.Block(c0, c1, c2, c3, k0, k1));
    }

    /// <summary>The largest gap between the empirical CDF of <paramref name="draws"/> and <paramref name="cdf"/>.</summary>
    private static double KolmogorovSmirnov(float[] draws, Func<double, double> cdf)
    {
        var sorted = draws.Select(d => (double)d).Order().ToArray();
        double worst = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = cdf(sorted[i]);
            worst = Math.Max(worst, Math.Max(f - (double)i / sorted.Length, (double)(i + 1) / sorted.Length - f));
        }
        return worst;
    }

    // With n = 200 000 draws, a KS distance above 1.63/√n ≈ 0.0036 rejects the distribution at the 1% level.
    private const int Draws = 200_000;
    private static readonly double Critical = 1.63 / Math.Sqrt(Draws);

    [Fact]
    public void Uniform_draws_follow_U01_and_differ_between_seeds()
    {
        var a = Enumerable.Range(0, Draws).Select(i => Philox.Uniform(42, i)).ToArray();
        Assert.All(a, u => Assert.InRange(u, 0f, 0.99999995f));
        Assert.True(KolmogorovSmirnov(a, u => Math.Clamp(u, 0, 1)) < Critical);
        var b = Enumerable.Range(0, Draws).Select(i => Philox.Uniform(43, i)).ToArray();
        Assert.True(a.Zip(b).Count(p => p.First == p.Second) < 10);
    }

    [Fact]
    public void Normal_draws_follow_N01_through_the_inverse_CDF()
    {
        var z = Enumerable.Range(0, Draws).Select(i => Philox.Normal(7, i)).ToArray();
        Assert.All(z, v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 5.5f, $"draw {v}"));
        Assert.True(KolmogorovSmirnov(z, x => Normal.CDF(0, 1, x)) < Critical);
        // The inverse CDF itself, against MathNet's: the draw from word w is Φ⁻¹(u) with u = (⌊w / 2⁹⌋ + ½)·2⁻²³.
        for (int i = 0; i < 1000; i++)
        {
            var (w, _, _, _) = Philox.Block((uint)i, 0, 0, 0, 7, 0);
            double u = ((w >> 9) + 0.5) / 8388608.0;
            Assert.Equal(Normal.InvCDF(0, 1, u), z[i], 2e-5 * Math.Max(1, Math.Abs(z[i])));
        }
    }
}
