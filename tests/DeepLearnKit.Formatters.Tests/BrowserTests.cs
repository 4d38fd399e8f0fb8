// One page with one of each picture, plotly.js inlined, opened in headless Chromium (Debian's `chromium`): every
// chart must end up drawn by plotly (its svg.main-svg), every image must decode, and no script may report an error.
// tests/Shared/HeadlessChromium.cs adds the probe and keeps the screenshot in the test output (browser/pictures.png).
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeepLearnKit.Formatters.Graphs;
using DeepLearnKit.Formatters.Images;
using DeepLearnKit.Formatters.Pictures;
using DeepLearnKit.Formatters.Surfaces;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using DeepLearnKit.Tests.Shared;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class BrowserTests : IDisposable
{
    public BrowserTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    private static List<object> OneOfEach()
    {
        var model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 2));
        var x = Tensor.Randn(6, 3);
        var loss = Loss.CrossEntropy(model.Call(x), Tensor.FromArray([0f, 1, 0, 1, 1, 0]));
        loss.Backward(retainGraph: true);
        var history = new History();
        for (int e = 0; e < 3; e++)
        {
            history.AddStep(new StepInfo(e, 3, 0, 1, e, 1.0 / (e + 1), 6, 0.1, TimeSpan.FromSeconds(e)));
            history.AddEpoch(new EpochInfo(e, 3, 1.0 / (e + 1), 1.2 / (e + 1), new Dictionary<string, double> { ["accuracy"] = 0.6 + 0.1 * e },
                new Dictionary<string, double> { ["accuracy"] = 0.5 + 0.1 * e }, TimeSpan.FromSeconds(e + 1)));
        }
        var recorder = new GradientFlowRecorder();
        var data = new Data.TensorDataset(x, Tensor.FromArray([0f, 1, 0, 1, 1, 0]));
        model.Fit(new Data.DataLoader(data, 3), Loss.CrossEntropy, new SGD(model.Parameters(), 0.1), epochs: 2, callbacks: [recorder], live: false);
        var start = Tensor.FromArray([-1.5f, 0.8f]).RequireGrad();
        var attention = new MultiHeadAttention(8, 2);
        attention.Call(Tensor.Randn(1, 3, 8));
        return
        [
            Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } }),
            Tensor.Randn(40, 40),
            Tensor.Rand(3, 1, 8, 8),
            model.Summary(2, 3),
            ComputationGraph.Of(loss),
            history,
            GradientFlowStep.Measure(model),
            recorder,
            ConfusionMatrix.Of(Tensor.FromArray([0f, 1, 1, 2]), Tensor.FromArray([0f, 1, 2, 2]), classNames: ["a", "b", "c"]),
            Trajectories.On((u, v) => u * u + 10 * v * v, -2, 2, -1, 1, 25)
                .Add(Trajectory.Record("SGD", new SGD([start], 0.05), start, p => (p * p * Tensor.FromArray([1f, 10f])).Sum(), 15)),
            AttentionMap.Of(attention, ["I", "am", "here"]),
            Metrics.RocCurve([0.9f, 0.7f, 0.4f, 0.2f], [1f, 1, 0, 0]),
            new LRFinderResult([1e-4, 1e-3, 1e-2, 1e-1], [2.0, 1.5, 0.7, 3.0], [2.0, 1.4, 0.6, 3.5], 1e-2, true),
            new ImageGrid(Tensor.Rand(4, 3, 6, 6), ["a", "b", "c", "d"]),
        ];
    }

    [Fact]
    public void Every_picture_renders_in_headless_chromium_without_errors()
    {
        var pictures = OneOfEach();
        var fragments = pictures.Select(p => HtmlOf(p)).ToList();
        var folder = Path.Combine(AppContext.BaseDirectory, "browser");
        Directory.CreateDirectory(folder);
        var page = Path.Combine(folder, "pictures.html");
        File.WriteAllText(page, ReportPageSurface.RenderPage("DeepLearnKit pictures", fragments));
        int expectedCharts = Regex.Matches(string.Concat(fragments), "class=\"dlk-plotly\"").Count;
        int expectedImages = Regex.Matches(string.Concat(fragments), "<img ").Count;
        Assert.Equal(9, expectedCharts);   // heatmap tensor, history, 2 gradient flows, confusion, trajectories, attention, ROC, LR finder
        Assert.Equal(3 + 4, expectedImages);

        var results = HeadlessChromium.Probe(page, "pictures.png");
        Assert.Equal("[]", results.GetProperty("errors").GetRawText());
        Assert.Equal(expectedCharts, results.GetProperty("charts").GetInt32());
        Assert.Equal(expectedCharts, results.GetProperty("drawn").GetInt32());
        Assert.Equal(0, results.GetProperty("staticLeft").GetInt32());
        Assert.Equal(expectedImages, results.GetProperty("images").GetInt32());
        Assert.Equal(expectedImages, results.GetProperty("decoded").GetInt32());
        Assert.True(results.GetProperty("graphs").GetInt32() >= 3);
    }

    [Fact]
    public void With_scripts_off_every_chart_shows_its_complete_static_form()
    {
        var fragments = OneOfEach().Select(p => HtmlOf(p)).ToList();
        var folder = Path.Combine(AppContext.BaseDirectory, "browser");
        Directory.CreateDirectory(folder);
        var page = Path.Combine(folder, "pictures-static.html");
        File.WriteAllText(page, ReportPageSurface.RenderPage("DeepLearnKit pictures, scripts off", fragments));

        var charts = StaticCharts.Read(HeadlessChromium.StaticDom(page));
        Assert.Equal(9, charts.Count);
        foreach (var chart in charts) StaticCharts.AssertComplete(chart);
        HeadlessChromium.Screenshot(page, "pictures-static.png", scriptsOff: true);

        // The class names of the confusion matrix and the tokens of the attention map are on their axes.
        var confusion = Assert.Single(charts, c => c.Title.StartsWith("Confusion matrix", StringComparison.Ordinal));
        Assert.Equal(["a", "b", "c"], confusion.TextsIn("dlk-xaxis").Take(3));
        var attention = Assert.Single(charts, c => c.Title.StartsWith("Attention", StringComparison.Ordinal));
        Assert.Equal(["I", "am", "here"], attention.TextsIn("dlk-yaxis").Take(3));
    }
}
