// The comparison of training runs: each run one colour, training solid and validation dashed, loss on the left and the
// metric on the right, with every run in the static form's legend.
using DeepLearnKit.Tests.Shared;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class TrainingComparisonTests : IDisposable
{
    public TrainingComparisonTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    private static DeepLearnKit.Training.History Run(params (double Loss, double ValLoss, double Acc, double ValAcc)[] epochs)
    {
        var h = new DeepLearnKit.Training.History();
        for (int e = 0; e < epochs.Length; e++)
            h.AddEpoch(new DeepLearnKit.Training.EpochInfo(e, epochs.Length, epochs[e].Loss, epochs[e].ValLoss,
                new Dictionary<string, double> { ["accuracy"] = epochs[e].Acc }, new Dictionary<string, double> { ["accuracy"] = epochs[e].ValAcc }, TimeSpan.Zero));
        return h;
    }

    [Fact]
    public void Each_run_is_one_colour_training_solid_validation_dashed_loss_left_metric_right()
    {
        var plain = Run((1.0, 1.1, 0.5, 0.4), (0.5, 1.3, 0.8, 0.45));
        var dropout = Run((1.2, 1.0, 0.4, 0.5), (0.9, 0.8, 0.6, 0.6));
        var comparison = new TrainingComparison(("plain", plain), ("dropout", dropout));
        var figure = SingleFigure(HtmlOf(comparison));
        var data = figure.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(8, data.Count);
        Assert.Equal("plain: training", data[0].GetProperty("name").GetString());
        Assert.Equal(new double[] { 1.0, 0.5 }, Numbers(data[0].GetProperty("y")));
        Assert.Equal("plain: validation", data[1].GetProperty("name").GetString());
        Assert.Equal("dash", data[1].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal(new double[] { 1.1, 1.3 }, Numbers(data[1].GetProperty("y")));
        Assert.Equal("y2", data[3].GetProperty("yaxis").GetString());
        Assert.Equal(new double[] { 0.4, 0.45 }, Numbers(data[3].GetProperty("y")));
        Assert.Equal(data[0].GetProperty("line").GetProperty("color").GetString(), data[3].GetProperty("line").GetProperty("color").GetString());
        Assert.NotEqual(data[0].GetProperty("line").GetProperty("color").GetString(), data[4].GetProperty("line").GetProperty("color").GetString());
        Assert.Equal("accuracy", figure.GetProperty("layout").GetProperty("yaxis2").GetProperty("title").GetProperty("text").GetString());
        Assert.Contains("plain vs dropout", figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Contains("dropout: loss 0.9, val_loss 0.8, val_accuracy 0.6", TextOf(comparison));

        var chart = Assert.Single(StaticCharts.Read(HtmlOf(comparison)));
        StaticCharts.AssertComplete(chart);
        Assert.Equal(["plain: training", "plain: validation", "dropout: training", "dropout: validation"], chart.TextsIn("dlk-legend"));
    }

    [Fact]
    public void A_run_without_a_finished_epoch_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingComparison(("empty", new DeepLearnKit.Training.History())));
        Assert.Contains("'empty'", e.Message);
    }
}
