// The static form of the pictures, read as a viewer without scripts reads it: colours from plotly.js's own scales
// (read back out of the embedded plotly.min.js), invariant numbers, titles the caller gives and defaults that name what
// a picture shows, graphs that fit the page and say why a gradient is missing.
using System.Globalization;
using System.Text.RegularExpressions;
using DeepLearnKit.Formatters.Graphs;
using DeepLearnKit.Formatters.Pictures;
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed partial class StaticFormTests : IDisposable
{
    public StaticFormTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    private static string StaticSvg(string html) => StaticPart().Match(html) is { Success: true } m ? m.Value : throw new Xunit.Sdk.XunitException("no static svg in:\n" + html[..Math.Min(400, html.Length)]);

    private static List<string> Texts(string svg) => SvgText().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [Theory]
    [InlineData("Viridis")]
    [InlineData("Blues")]
    [InlineData("RdBu")]
    [InlineData("Greys")]
    public void The_static_colour_scales_are_plotly_js_s_own(string name)
    {
        // plotly.min.js writes each scale as Name:[[0,"rgb(…)"],[.35,"rgb(…)"],…].
        var definition = Regex.Match(PlotlyJs.Source, name + @":\[(\[[-.0-9e]+,""[^""]+""\](,\[[-.0-9e]+,""[^""]+""\])*)\]");
        Assert.True(definition.Success, $"plotly.js defines no scale {name}");
        var stops = Regex.Matches(definition.Groups[1].Value, @"\[([-.0-9e]+),""([^""]+)""\]")
            .Select(m => (T: double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Color: m.Groups[2].Value)).ToList();
        Assert.Equal(stops, ColorScales.Stops[name].Select(s => (s.T, s.Color)).ToList());
        // Between stops the colour is the straight mix of its neighbours, as plotly.js interpolates.
        var (r0, g0, b0) = ColorScales.Rgb(stops[0].Color);
        var (r1, g1, b1) = ColorScales.Rgb(stops[1].Color);
        double t = stops[1].T / 2;
        Assert.Equal($"#{(int)Math.Round((r0 + r1) / 2.0):x2}{(int)Math.Round((g0 + g1) / 2.0):x2}{(int)Math.Round((b0 + b1) / 2.0):x2}", ColorScales.At(name, t));
        Assert.Equal(ColorScales.At(name, 0), ColorScales.At(name, 1, reversed: true));
    }

    [Fact]
    public void A_confusion_matrix_is_darkest_where_the_counts_are_highest_in_both_forms()
    {
        var matrix = ConfusionMatrix.Of(Tensor.FromArray([0f, 0, 0, 0, 1, 1, 2]), Tensor.FromArray([0f, 0, 0, 0, 1, 2, 2]), classNames: ["cat", "dog", "bird"]);
        var html = HtmlOf(matrix);
        var trace = SingleFigure(html).GetProperty("data")[0];
        Assert.True(trace.GetProperty("reversescale").GetBoolean(), "plotly.js's Blues is dark at 0: reversed, the largest count is darkest");
        var cells = Regex.Matches(StaticSvg(html), "<rect x=\"[^\"]+\" y=\"[^\"]+\" width=\"[^\"]+\" height=\"[^\"]+\" fill=\"(#[0-9a-f]{6})\"/>")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        static int Brightness(string c) { var (r, g, b) = ColorScales.Rgb(c); return r + g + b; }
        Assert.Contains(ColorScales.At("Blues", 1, reversed: true), cells);          // the 4 on the diagonal
        Assert.Equal(cells.MinBy(Brightness), ColorScales.At("Blues", 1, reversed: true));
        Assert.Contains("Confusion matrix of 3 classes (cat, dog, bird)", html);
    }

    [Fact]
    public void Static_numbers_are_invariant_whatever_the_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // A culture that writes 0,5 (this machine runs in globalization-invariant mode, so one is made by hand).
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal("0,5", 0.5.ToString());
            var roc = Metrics.RocCurve([0.9f, 0.7f, 0.4f, 0.2f], [1f, 0, 1, 0]);
            var svg = StaticSvg(HtmlOf(roc));
            Assert.DoesNotMatch(" (x|y|x1|x2|y1|y2|cx|cy|r|width|height)=\"[^\"]*,", svg);   // no decimal commas in coordinates
            foreach (Match points in Regex.Matches(svg, "points=\"([^\"]*)\""))
                Assert.All(points.Groups[1].Value.Split(' '), p => Assert.Matches(@"^-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?$", p));
            Assert.Contains("0.2", Texts(svg));                                         // tick labels with a point
            Assert.DoesNotContain("0,2", Texts(svg));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void The_static_form_has_the_layouts_size_and_the_chart_leaves_no_gap()
    {
        var history = new History();
        history.AddStep(new StepInfo(0, 1, 0, 1, 0, 0.5, 4, 0.1, TimeSpan.Zero));
        history.AddEpoch(new EpochInfo(0, 1, 0.5, null, new Dictionary<string, double>(), new Dictionary<string, double>(), TimeSpan.Zero));
        var figure = TrainingCharts.History(history);
        var html = figure.ToHtml();
        Assert.Contains($"width=\"{PlotlyHtml.StaticWidth}\" height=\"{figure.Layout.Height}\"", StaticSvg(html));
        Assert.DoesNotContain("min-height", html);
    }

    [Fact]
    public void Every_picture_takes_a_title_of_the_callers()
    {
        var model = new Sequential(new Linear(2, 3), new Sigmoid(), new Linear(3, 1));
        var loss = model.Call(Tensor.Randn(4, 2)).Sum();
        loss.Backward();
        var recorder = new GradientFlowRecorder();
        var x = Tensor.Randn(8, 2);
        model.Fit(new Data.DataLoader(new Data.TensorDataset(x, x.Sum(1, keepDim: true)), 4), Loss.MSE, new SGD(model.Parameters(), 0.01), epochs: 1, callbacks: [recorder], live: false);
        object[] pictures =
        [
            Tensor.Randn(2, 2), Tensor.Randn(20, 20), model, model.Summary(1, 2), ComputationGraph.Of(loss), GradientFlowStep.Measure(model), recorder,
            ConfusionMatrix.Of(Tensor.FromArray([0f, 1]), Tensor.FromArray([0f, 1])), Metrics.RocCurve([0.9f, 0.1f], [1f, 0]),
            Trajectories.On((u, v) => u * u + v * v, -1, 1, -1, 1, 10), new ImageGrid(Tensor.Rand(2, 1, 4, 4)),
        ];
        foreach (var picture in pictures)
        {
            string title = $"My title for {picture.GetType().Name} <&>";
            var html = HtmlOf(Picture.Titled(picture, title));
            Assert.Contains(System.Net.WebUtility.HtmlEncode(title), html);
        }
    }

    [Fact]
    public void Default_titles_name_the_model_the_optimizers_and_the_classes()
    {
        var sigmoid = new Sequential(new Linear(2, 3), new Sigmoid(), new Linear(3, 1));
        sigmoid.Call(Tensor.Randn(4, 2)).Sum().Backward();
        Assert.Contains("Sigmoid", SingleFigure(HtmlOf(GradientFlowStep.Measure(sigmoid))).GetProperty("layout").GetProperty("title").GetProperty("text").GetString());

        var start = Tensor.FromArray([1f, 1f]).RequireGrad();
        var surface = Trajectories.On((u, v) => u * u + v * v, -1, 1, -1, 1, 10)
            .Add(Trajectory.Record("Adam 0.1", new Adam([start], 0.1), start, p => (p * p).Sum(), 5));
        Assert.Contains("Optimizer trajectories: Adam 0.1", HtmlOf(surface));

        var x = Tensor.Randn(8, 2);
        var history = sigmoid.Fit(new Data.DataLoader(new Data.TensorDataset(x, x.Sum(1, keepDim: true)), 4), Loss.MSE, new SGD(sigmoid.Parameters(), 0.01), epochs: 1, live: false);
        var title = SingleFigure(HtmlOf(history)).GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!;
        Assert.Contains("Sequential(Linear(2→3), Sigmoid", title);
        Assert.Contains("with SGD", title);

        // A named model is titled by its name and size: LeNet-5 has 6·25 + 6 + 16·6·25 + 16 + 400·120 + 120 + 120·84 + 84 + 84·10 + 10 parameters.
        var lenet = new Models.LeNet5();
        var images = Tensor.Randn(4, 1, 28, 28);
        var lenetRun = lenet.Fit(new Data.DataLoader(new Data.TensorDataset(images, Tensor.FromArray([0f, 1f, 2f, 3f])), 4), Loss.CrossEntropy, new Adam(lenet.Parameters()), epochs: 1, live: false);
        int parameters = 6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10;
        Assert.StartsWith($"Training LeNet5 ({parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters) with Adam",
            SingleFigure(HtmlOf(lenetRun)).GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!);
    }

    [Fact]
    public void A_wide_graph_is_scaled_to_the_page_and_every_value_says_what_its_gradient_is()
    {
        var x = Tensor.Randn(3).RequireGrad();
        var h = x;
        for (int i = 0; i < 12; i++) h = (h * 1.1f).Tanh();   // a long chain: far wider than a page at full size
        var loss = h.Sum();
        var constant = Tensor.Ones(3);
        var kept = (x * constant).RetainGrad();
        var total = loss + kept.Sum();
        total.Backward();
        var html = HtmlOf(ComputationGraph.Of(total, maxNodes: 200));
        var svg = Regex.Match(html, "<svg [^>]*>").Value;
        double width = double.Parse(Regex.Match(svg, "width=\"([0-9.]+)\"").Groups[1].Value, CultureInfo.InvariantCulture);
        double natural = double.Parse(Regex.Match(svg, "viewBox=\"0 0 ([0-9.]+) ").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(natural > GraphSvg.MaxWidth, $"the test graph is {natural} wide");
        Assert.True(width <= GraphSvg.MaxWidth, $"drawn {width} px wide");
        var texts = Texts(html);
        Assert.Contains("grad none (constant)", texts);                                 // Tensor.Ones(3)
        Assert.Contains("grad not kept", texts);                                        // the tanh chain's values
        Assert.Contains(texts, t => t.StartsWith("grad mean", StringComparison.Ordinal));  // x, and the retained product
        Assert.Contains("RetainGrad()", html[..html.IndexOf("<svg", StringComparison.Ordinal)]);   // the header says how to keep one
    }

    [GeneratedRegex("<svg class=\"dlk-static\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex StaticPart();

    [GeneratedRegex("<text[^>]*>([^<]*)</text>")]
    private static partial Regex SvgText();
}
