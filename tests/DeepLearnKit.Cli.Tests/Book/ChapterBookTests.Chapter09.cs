// Chapter 09's claims, read from the executed chapter: the losses' formulas and gradients, the 1-D GAN's match to
// N(4, 1.25²), the ring GAN's mode collapse counted from its own table, and the DCGAN's pixel statistics.
using System.Text.RegularExpressions;

namespace DeepLearnKit.Cli.Tests.Book;

public partial class ChapterBookTests
{
    private const string Chapter09 = "09-gan.ipynb";

    [Fact]
    public void Chapter_09s_losses_match_their_formulas_and_the_non_saturating_gradient_is_99_times_the_saturating_one_at_001()
    {
        string text = ExecutedText(Chapter09);
        var loss = Regex.Match(text, @"L_D matches −mean log D\(x\) − mean log\(1 − D\(G\(z\)\)\) to ([0-9.E+-]+); at D = ½ it is ([0-9.]+) = 2 ln 2");
        Assert.True(loss.Success, text);
        Assert.InRange(Number(loss, 1), 0, 1e-5);
        Assert.Equal(2 * Math.Log(2), Number(loss, 2), 3);
        // The table's rows: D(G(z)) = p, then autograd's −p and −(1 − p).
        foreach (double p in new[] { 0.001, 0.01, 0.1, 0.5, 0.9 })
        {
            var row = Regex.Match(text, $@"\n\s*{Regex.Escape(p.ToString(System.Globalization.CultureInfo.InvariantCulture))}\s+(-[0-9.]+)\s+(-[0-9.]+)\n");
            Assert.True(row.Success, $"the gradient table's row for {p}:\n{text}");
            Assert.Equal(-p, Number(row, 1), 3);
            Assert.Equal(-(1 - p), Number(row, 2), 3);
        }
        var ratio = Regex.Match(text, @"at D\(G\(z\)\) = 0\.01 the non-saturating loss's gradient is (\d+) times the saturating loss's");
        Assert.True(ratio.Success, text);
        Assert.Equal(99, Number(ratio, 1));
    }

    [Fact]
    public void Chapter_09s_1D_generator_matches_the_gaussian_within_the_stated_tolerance_and_its_losses_settle_at_D_one_half()
    {
        string text = ExecutedText(Chapter09);
        (double Mean, double Std) At(int step)
        {
            var m = Regex.Match(text, $@"step\s+{step}: the generator's samples have mean (\S+) and std (\S+)\n");
            Assert.True(m.Success, $"chapter 09 prints its step-{step} snapshot:\n{text}");
            return (Number(m, 1), Number(m, 2));
        }
        var (startMean, startStd) = At(0);
        Assert.True(Math.Abs(startMean) <= 1 && startStd <= 0.3, $"before training: mean {startMean}, std {startStd}");
        var (midMean, midStd) = At(300);
        Assert.True(Math.Abs(midMean - 4) <= 1 && midStd < 1, $"step 300: mean {midMean}, std {midStd}");
        var (finalMean, finalStd) = At(2000);
        Assert.InRange(finalMean, 4 - 0.3, 4 + 0.3);
        Assert.InRange(finalStd, 1.25 - 0.25, 1.25 + 0.25);
        Assert.Contains(FormattableString.Invariant($"after 2000 steps: mean {finalMean:F2} (the data's 4, tolerance ±0.3), std {finalStd:F2} (the data's 1.25, tolerance ±0.25)"), text);

        var tails = Regex.Match(text, @"tails: ([0-9.]+) % of the generated samples below 2\.5 and ([0-9.]+) % above 5\.5");
        Assert.True(tails.Success, text);
        Assert.InRange(Number(tails, 1), 11.5 - 4, 11.5 + 4);
        Assert.InRange(Number(tails, 2), 11.5 - 4, 11.5 + 4);

        var settled = Regex.Match(text, @"mean of the last 500 steps: L_D ([0-9.]+) \(2 ln 2 = 1\.386\), L_G ([0-9.]+) \(ln 2 = 0\.693\), D\(x\) ([0-9.]+), D\(G\(z\)\) ([0-9.]+)");
        Assert.True(settled.Success, text);
        Assert.InRange(Number(settled, 1), 2 * Math.Log(2) - 0.1, 2 * Math.Log(2) + 0.1);
        Assert.InRange(Number(settled, 2), Math.Log(2) - 0.1, Math.Log(2) + 0.1);
        Assert.InRange(Number(settled, 3), 0.45, 0.55);
        Assert.InRange(Number(settled, 4), 0.45, 0.55);
    }

    [Fact]
    public void Chapter_09s_ring_GAN_collapses_onto_at_most_three_modes_for_1250_steps_hopping_between_them_then_covers_all_eight()
    {
        string text = ExecutedText(Chapter09);
        // The table's rows: step, the samples near each of the 8 modes, modes covered, share near a mode.
        var rows = Regex.Matches(text, @"(?m)^\s*(\d+)((?:\s+\d+){8})\s+(\d+)\s+(\d+) %$")
            .Select(m => (Step: int.Parse(m.Groups[1].Value), Counts: m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray(),
                          Covered: int.Parse(m.Groups[3].Value)))
            .ToList();
        Assert.Equal(Enumerable.Range(1, 8).Select(k => 250 * k), rows.Select(r => r.Step));
        foreach (var row in rows) Assert.Equal(row.Counts.Count(c => c >= 20), row.Covered);   // covered: at least 1 % of 2,000
        var early = rows.Where(r => r.Step <= 1250).ToList();
        Assert.All(early, r => Assert.True(r.Covered <= 3, $"step {r.Step}: {r.Covered} modes covered"));
        var sets = early.Select(r => string.Join(",", Enumerable.Range(0, 8).Where(k => r.Counts[k] >= 20))).ToList();
        Assert.Equal(sets.Count, sets.Distinct().Count());
        Assert.Contains("  " + string.Join(" → ", sets.Select(s => "{" + s + "}")), text);
        Assert.Equal(8, rows[^1].Covered);
        Assert.True(rows.Single(r => r.Step == 500).Counts.Sum() <= 20, "at step 500 at most 1 % of the samples are near a mode");
        Assert.True(rows[^1].Counts.Sum() < 1000, "at step 2000 fewer than half of the samples are near a mode");
        Assert.Contains("step 2000: 8 of 8 modes covered", text);
    }

    [Fact]
    public void Chapter_09s_DCGAN_samples_move_from_grey_noise_to_the_training_images_pixel_statistics_as_G_catches_up_with_D()
    {
        string text = ExecutedText(Chapter09);
        (double Mean, double Dark, double Correlation) Row(string name)
        {
            var m = Regex.Match(text, $@"(?m)^{Regex.Escape(name)}\s+([0-9.]+)\s+(\d+) %\s+(-?[0-9.]+)$");
            Assert.True(m.Success, $"chapter 09's pixel statistics for {name}:\n{text}");
            return (Number(m, 1), Number(m, 2) / 100, Number(m, 3));
        }
        var data = Row("training images");
        var start = Row("step 0");
        var end = Row("step 400");
        Assert.Equal(1.0, data.Correlation, 3);
        Assert.True(Math.Abs(start.Dark - data.Dark) > 0.3, $"at step 0 the samples are grey: {start}");
        Assert.True(Math.Abs(end.Mean - data.Mean) < 0.05, $"mean pixel after 400 steps {end.Mean}, the data's {data.Mean}");
        Assert.True(Math.Abs(end.Dark - data.Dark) < 0.1, $"dark pixels after 400 steps {end.Dark}, the data's {data.Dark}");
        Assert.True(end.Correlation > 0.9, $"the average sample's correlation with the average image: {end.Correlation}");

        var phases = Regex.Match(text, @"steps 11–100: mean D\(G\(z\)\) ([0-9.]+), mean L_D ([0-9.]+); steps 301–400: mean D\(G\(z\)\) ([0-9.]+), mean L_D ([0-9.]+)");
        Assert.True(phases.Success, text);
        Assert.True(Number(phases, 1) < 0.2 && Number(phases, 2) < 0.5, $"D wins the first 100 steps: {phases.Value}");
        Assert.True(Number(phases, 3) > 0.25 && Number(phases, 4) > 0.8, $"G catches up by the last 100: {phases.Value}");
    }
}
