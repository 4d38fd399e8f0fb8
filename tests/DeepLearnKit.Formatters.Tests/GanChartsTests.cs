// The GAN charts: a 1-D generator's distribution at several steps over the data's, each curve a histogram of area 1 on
// one set of bins, and the two losses and D's verdicts per step with their equilibrium values; both with a complete
// static form.
using DeepLearnKit.Formatters.Pictures;
using DeepLearnKit.Tests.Shared;
using DeepLearnKit.Training;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class GanChartsTests : IDisposable
{
    public GanChartsTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    [Fact]
    public void Each_distribution_is_a_histogram_of_area_one_on_the_bins_of_all_the_samples()
    {
        float[] real = [0, 1, 1, 2, 2, 2, 3, 4], early = [-4, -4, 0], late = [1, 2, 2, 3];
        var snapshots = new DistributionSnapshots(Tensor.FromArray(real), "a test set").Add(0, Tensor.FromArray(early)).Add(500, Tensor.FromArray(late, 2, 2));
        var figure = SingleFigure(HtmlOf(snapshots));
        var data = figure.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["data", "generated, step 0", "generated, step 500"], data.Select(d => d.GetProperty("name").GetString()!));
        Assert.Equal("dash", data[0].GetProperty("line").GetProperty("dash").GetString());

        // The bins span [−4, 4], the smallest and the largest sample of all three sets: width 8 / 40 = 0.2.
        double width = 8.0 / GanCharts.Bins;
        var centres = Numbers(data[0].GetProperty("x"));
        Assert.Equal(GanCharts.Bins, centres.Length);
        Assert.Equal(-4 + width / 2, centres[0], 9);
        Assert.Equal(4 - width / 2, centres[^1], 9);
        foreach (var (trace, samples) in data.Zip(new[] { real, early, late }))
        {
            var density = Numbers(trace.GetProperty("y"));
            Assert.Equal(1.0, density.Sum() * width, 9);
            for (int b = 0; b < GanCharts.Bins; b++)   // count / (N · width), the count by a loop over the samples
            {
                double lowEdge = -4 + b * width;
                int count = samples.Count(v => v >= lowEdge - 1e-9 && (v < lowEdge + width - 1e-9 || b == GanCharts.Bins - 1));
                Assert.Equal(count / (samples.Length * width), density[b], 9);
            }
        }
        Assert.Equal("Data a test set (dashed) vs generated, steps 0, 500",
            figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("DistributionSnapshots(real: mean 1.88, std 1.17; step 0: mean -2.67, std 1.89; step 500: mean 2, std 0.707)", TextOf(snapshots));

        var chart = Assert.Single(StaticCharts.Read(HtmlOf(snapshots)));
        StaticCharts.AssertComplete(chart);
        Assert.Equal(["data", "generated, step 0", "generated, step 500"], chart.TextsIn("dlk-legend"));
    }

    [Fact]
    public void The_losses_chart_draws_each_step_beside_the_values_at_D_equal_one_half()
    {
        var history = new GanHistory { Description = "a test GAN" };
        history.AddStep(1.5, 0.6, 0.55, 0.45);
        history.AddStep(1.2, 0.9, 0.62, 0.40);
        history.AddStep(1.0, 1.1, 0.70, 0.33);
        var figure = SingleFigure(HtmlOf(history));
        var data = figure.GetProperty("data").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal([1.5, 1.2, 1.0], Numbers(data["L_D (discriminator)"].GetProperty("y")));
        Assert.Equal([0.6, 0.9, 1.1], Numbers(data["L_G (generator)"].GetProperty("y")));
        Assert.Equal([1.0, 2.0, 3.0], Numbers(data["L_G (generator)"].GetProperty("x")));
        Assert.Equal([0.55, 0.62, 0.70], Numbers(data["mean D(x), real"].GetProperty("y")));
        Assert.Equal("y2", data["mean D(G(z)), generated"].GetProperty("yaxis").GetString());
        // With D = ½ everywhere: L_D = −log ½ − log(1 − ½) = 2 ln 2 and L_G = −log ½ = ln 2.
        Assert.All(Numbers(data["L_D at D = ½: 2 ln 2"].GetProperty("y")), v => Assert.Equal(-2 * Math.Log(0.5), v, 12));
        Assert.All(Numbers(data["L_G at D = ½: ln 2"].GetProperty("y")), v => Assert.Equal(-Math.Log(0.5), v, 12));
        Assert.Equal("a test GAN: losses and D's outputs, 3 steps", figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("GanHistory(a test GAN, 3 steps, last step: L_D 1, L_G 1.1, D(x) 0.7, D(G(z)) 0.33)", TextOf(history));
        StaticCharts.AssertComplete(Assert.Single(StaticCharts.Read(HtmlOf(history))));
    }

    [Fact]
    public void Bad_gan_records_are_refused_with_what_was_wrong()
    {
        var history = new GanHistory();
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => history.AddStep(double.NaN, 1, 0.5, 0.5)).Message);
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentException>(() => history.AddStep(1, 1, 1.5, 0.5)).Message);
        Assert.Equal(0, history.Steps);
        Assert.Contains("no steps", Assert.Throws<ArgumentException>(() => GanCharts.Losses(history)).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new DistributionSnapshots(Tensor.Zeros(0))).Message);
        Assert.Contains("step 3", Assert.Throws<ArgumentException>(() => new DistributionSnapshots(Tensor.Ones(2)).Add(3, Tensor.FromArray([1f, float.NaN]))).Message);
    }
}
