// The evaluation pictures: one-vs-rest ROC curves named by class with their AUCs, the reliability diagram of a
// calibration report, a sweep's curves, and attribution maps blended over their images by the stated formula; each
// chart with a complete static form.
using DeepLearnKit.Formatters.Pictures;
using DeepLearnKit.Tests.Shared;
using DeepLearnKit.Training;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class EvaluationChartsTests : IDisposable
{
    public EvaluationChartsTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    [Fact]
    public void Multiclass_roc_draws_each_classs_curve_named_with_its_auc_over_the_chance_line()
    {
        // Three classes, four examples; scores worked so classes 0 and 1 rank perfectly (AUC 1) and class 2 has one negative above its positive.
        var scores = Tensor.FromArray([0.8f, 0.1f, 0.1f, 0.6f, 0.3f, 0.65f, 0.1f, 0.7f, 0.2f, 0.2f, 0.2f, 0.6f], 4, 3);
        var targets = Tensor.FromArray([0f, 0f, 1f, 2f]);
        var roc = Metrics.RocCurves(scores, targets, ["cat", "dog", "fox"]);
        var figure = SingleFigure(HtmlOf(roc));
        var data = figure.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["cat (AUC 1.000)", "dog (AUC 1.000)", "fox (AUC 0.667)", "chance (AUC 0.5)"],
            data.Select(d => d.GetProperty("name").GetString()!));
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(roc.Curves[c].FalsePositiveRate, Numbers(data[c].GetProperty("x")));
            Assert.Equal(roc.Curves[c].TruePositiveRate, Numbers(data[c].GetProperty("y")));
        }
        // fox: its positive scores 0.6 against the negatives' 0.1, 0.65, 0.1: it beats 2 of 3, AUC 2/3.
        Assert.Equal(2.0 / 3, roc.Auc[2], 12);
        Assert.Equal($"One-vs-rest ROC curves of 3 classes, macro AUC = {roc.MacroAuc:0.000}", figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        StaticCharts.AssertComplete(Assert.Single(StaticCharts.Read(HtmlOf(roc))));
        Assert.Contains("3 class names for 2 classes", Assert.Throws<ArgumentException>(() => Metrics.RocCurves(scores[.., ..2], targets.Clamp(0, 1), ["a", "b", "c"])).Message);
    }

    [Fact]
    public void The_reliability_diagram_draws_each_bins_accuracy_at_its_mean_confidence_and_the_counts()
    {
        // Confidences 0.95, 0.92 (one right) and 0.55 (right): bins (0.9, 1] with accuracy ½ and (0.5, 0.6] with 1.
        var probabilities = Tensor.FromArray([0.95f, 0.05f, 0.92f, 0.08f, 0.45f, 0.55f], 3, 2);
        var report = Metrics.Calibration(probabilities, Tensor.FromArray([0f, 1f, 1f]));
        var figure = SingleFigure(HtmlOf(report));
        var data = figure.GetProperty("data").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        var confidence = Numbers(data["accuracy of the bin"].GetProperty("x"));
        Assert.Equal(2, confidence.Length);
        Assert.Equal(0.55, confidence[0], 6);
        Assert.Equal((0.95 + 0.92) / 2, confidence[1], 6);
        Assert.Equal([1.0, 0.5], Numbers(data["accuracy of the bin"].GetProperty("y")));
        Assert.Equal([0, 0, 0, 0, 0, 1, 0, 0, 0, 2], Numbers(data["predictions per bin"].GetProperty("y")));
        Assert.Equal([0.0, 1.0], Numbers(data["perfect calibration"].GetProperty("y")));
        // ECE = (1/3)·|1 − 0.55| + (2/3)·|0.5 − 0.935|
        double ece = (1.0 / 3) * 0.45 + (2.0 / 3) * 0.435;
        Assert.Equal(ece, report.ExpectedCalibrationError, 6);
        Assert.Contains($"ECE = {ece:0.0000}", figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        StaticCharts.AssertComplete(Assert.Single(StaticCharts.Read(HtmlOf(report))));
    }

    [Fact]
    public void A_sweep_draws_one_line_per_series_over_its_settings_and_refuses_a_ragged_series()
    {
        var sweep = new Sweep("Accuracy against sparsity", "sparsity", "test accuracy", [0, 0.5, 0.9],
            [new SweepSeries("pruned", [0.9, 0.88, 0.6]), new SweepSeries("fine-tuned", [0.9, 0.89, 0.85])]);
        var figure = SingleFigure(HtmlOf(sweep));
        var data = figure.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["pruned", "fine-tuned"], data.Select(d => d.GetProperty("name").GetString()!));
        Assert.Equal([0, 0.5, 0.9], Numbers(data[1].GetProperty("x")));
        Assert.Equal([0.9, 0.89, 0.85], Numbers(data[1].GetProperty("y")));
        Assert.Equal("sparsity", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal([0.9, 0.88, 0.6], sweep["pruned"]);
        Assert.Contains("no series 'dense'", Assert.Throws<KeyNotFoundException>(() => sweep["dense"]).Message);
        var chart = Assert.Single(StaticCharts.Read(HtmlOf(sweep)));
        StaticCharts.AssertComplete(chart);
        Assert.Equal(["pruned", "fine-tuned"], chart.TextsIn("dlk-legend"));
        Assert.Contains("series 'b' has 1 values for 2 settings",
            Assert.Throws<ArgumentException>(() => new Sweep("t", "x", "y", [1, 2], [new SweepSeries("a", [1, 2]), new SweepSeries("b", [1])])).Message);
    }

    [Fact]
    public void Attribution_maps_blend_red_and_blue_over_the_grey_image_with_opacity_by_magnitude()
    {
        // One 4×4 image of grey 0.4 (102); a map with +2 at (0, 0), −1 at (0, 1), 0 elsewhere; and a coarse 2×2 map.
        var image = Tensor.Full(0.4f, 1, 1, 4, 4);
        var fine = Tensor.Zeros(1, 4, 4);
        fine[0, 0, 0] = 2f;
        fine[0, 0, 1] = -1f;
        var coarse = Tensor.FromArray([0f, 1f, 0f, 0f], 1, 2, 2);
        var maps = new AttributionMaps(image, ["a test image"], [("fine", fine), ("coarse", coarse)]);

        var overlay = maps.Overlay(0, 0);
        static byte Blend(double alpha, byte under, byte over) => (byte)Math.Round((1 - alpha) * under + alpha * over);
        var (r, g, b) = AttributionMaps.Positive;
        Assert.Equal([r, g, b], overlay[..3]);                                                                   // α = 2/2
        var (nr, ng, nb) = AttributionMaps.Negative;
        Assert.Equal([Blend(0.5, 102, nr), Blend(0.5, 102, ng), Blend(0.5, 102, nb)], overlay[3..6]);           // α = 1/2
        Assert.Equal([102, 102, 102], overlay[6..9]);                                                            // α = 0
        // The coarse map's value 1 covers the top-right 2×2 block, full red.
        var coarseOverlay = maps.Overlay(1, 0);
        foreach (int p in new[] { 2, 3, 6, 7 }) Assert.Equal([r, g, b], coarseOverlay[(p * 3)..(p * 3 + 3)]);
        foreach (int p in new[] { 0, 1, 4, 5, 8, 15 }) Assert.Equal([102, 102, 102], coarseOverlay[(p * 3)..(p * 3 + 3)]);

        string html = HtmlOf(maps);
        var pngs = InlinePngs(html);
        Assert.Equal(3, pngs.Count);                                  // the image, then one overlay per method
        Assert.Equal(overlay, DecodePng(pngs[1]).Pixels);
        Assert.Contains("<th>fine</th><th>coarse</th>", html);
        Assert.Contains("red raises the class score, blue lowers it", html);
        Assert.Contains("must be [1, 4, 4]", Assert.Throws<ArgumentException>(() => new AttributionMaps(image, ["x"], [("odd", Tensor.Zeros(1, 3, 3))])).Message);
        Assert.Contains("1 captions for 2 images", Assert.Throws<ArgumentException>(() => new AttributionMaps(Tensor.Zeros(2, 4, 4), ["x"], [("m", Tensor.Zeros(2, 4, 4))])).Message);
    }
}
