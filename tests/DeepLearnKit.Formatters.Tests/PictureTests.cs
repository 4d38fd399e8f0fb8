// Each picture through the registry: ToDisplayString("text/html") after Register shows the parts a learner needs,
// and text/plain gives a readable line.
using System.Text.Json;
using DeepLearnKit.Formatters.Graphs;
using DeepLearnKit.Formatters.Images;
using DeepLearnKit.Formatters.Pictures;
using DeepLearnKit.Data;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class PictureTests : IDisposable
{
    public PictureTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    [Fact]
    public void A_small_matrix_is_a_table_under_its_header()
    {
        var t = Tensor.FromArray(new float[,] { { 1.5f, -2 }, { 3, 4.25f } }).RequireGrad();
        var html = HtmlOf(t * 2f);
        Assert.Contains("Tensor [2, 2] · float32 · cpu · requires grad · grad fn MulScalar", html);
        Assert.Contains("<td>3</td>", html);
        Assert.Contains("<td>-4</td>", html);
        Assert.Contains("<td>8.5</td>", html);
        Assert.DoesNotContain(TensorHtml.Ellipsis, html);
        Assert.StartsWith("Tensor [2, 2] · float32 · cpu", TextOf(t));
        Assert.Contains("tensor([[", TextOf(t));
    }

    [Fact]
    public void A_long_vector_is_elided_numpy_style()
    {
        var html = HtmlOf(Tensor.Arange(2000));
        Assert.Contains($"<th class=\"dlk-elided\">{TensorHtml.Ellipsis}</th>", html);
        foreach (var shown in new[] { "<td>0</td>", "<td>2</td>", "<td>1997</td>", "<td>1999</td>" }) Assert.Contains(shown, html);
        Assert.DoesNotContain("<td>3</td>", html);
        Assert.DoesNotContain("<td>1996</td>", html);
    }

    [Fact]
    public void A_large_signed_matrix_is_a_heatmap_of_its_values()
    {
        var t = Tensor.Arange(40 * 50).Reshape(40, 50) - 1000f;
        var figure = SingleFigure(HtmlOf(t));
        var trace = figure.GetProperty("data")[0];
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        Assert.Equal(40, trace.GetProperty("z").GetArrayLength());
        Assert.Equal(new double[] { -1000, -999 }, Numbers(trace.GetProperty("z")[0])[..2]);
        Assert.Equal(999, trace.GetProperty("z")[39][49].GetDouble());
        Assert.Equal(0, trace.GetProperty("zmid").GetDouble());
    }

    [Fact]
    public void An_image_batch_is_a_grid_of_pngs_with_the_same_pixels()
    {
        var values = new float[2 * 1 * 3 * 4];
        for (int i = 0; i < values.Length; i++) values[i] = i / (float)(values.Length - 1);
        var html = HtmlOf(Tensor.FromArray(values, 2, 1, 3, 4));
        Assert.Contains("Tensor [2, 1, 3, 4]", html);
        var pngs = InlinePngs(html);
        Assert.Equal(2, pngs.Count);
        var (w, h, c, pixels) = DecodePng(pngs[1]);
        Assert.Equal((4, 3, 1), (w, h, c));
        Assert.Equal(values[12..].Select(v => (byte)MathF.Round(v * 255)).ToArray(), pixels);
    }

    [Fact]
    public void An_rgb_image_keeps_its_channels_apart()
    {
        // [1, 3, 1, 2]: pixel 0 is red, pixel 1 is blue, values 0–255.
        var t = Tensor.FromArray([255f, 0, 0, 0, 0, 255], 1, 3, 1, 2);
        var (w, h, c, pixels) = DecodePng(Assert.Single(InlinePngs(HtmlOf(t))));
        Assert.Equal((2, 1, 3), (w, h, c));
        Assert.Equal(new byte[] { 255, 0, 0, 0, 0, 255 }, pixels);
    }

    [Fact]
    public void A_model_is_a_summary_table()
    {
        var model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        var html = HtmlOf(model.Summary(5, 4));
        Assert.Contains("Input [5, 4] → output [5, 2]", html);
        Assert.Contains("<td style=\"text-align:left\">Linear</td><td>[5, 3]</td><td>15</td><td>yes</td>", html);
        Assert.Contains("<th style=\"text-align:left\">Total params</th><td>23</td>", html);
        var plain = HtmlOf(model);   // a Module without an input: the same rows, no shapes
        Assert.Contains("<td style=\"text-align:left\">ReLU</td><td>–</td><td>0</td>", plain);
        Assert.Contains("Total params", TextOf(model.Summary(5, 4)));
    }

    [Fact]
    public void A_computation_graph_is_an_svg_with_a_node_per_op()
    {
        var a = Tensor.Scalar(2f).RequireGrad();
        a.Name = "a";
        var b = Tensor.Scalar(-3f).RequireGrad();
        b.Name = "b";
        var loss = (a * b + a).Tanh();
        loss.Backward();
        var graph = ComputationGraph.Of(loss);
        var html = HtmlOf(graph);
        Assert.Contains("<svg", html);
        Assert.Equal(3, graph.Nodes.Count(n => n.IsOp));
        foreach (var op in new[] { ">Mul<", ">Add<", ">Tanh<" }) Assert.Contains(op, html);
        Assert.Contains(">a []<", html);
        Assert.Contains("data 2<", html);
        // ∂/∂a tanh(ab + a) = (1 − tanh²(−4))·(b + 1)
        double gradA = (1 - Math.Pow(Math.Tanh(-4), 2)) * -2;
        Assert.Contains($"grad {Html.Number(gradA)}<", html);
        Assert.Contains("Tanh(value []) → value []", TextOf(graph));
    }

    [Fact]
    public void A_large_graph_is_collapsed_beyond_the_limit()
    {
        var x = Tensor.Scalar(1f).RequireGrad();
        var y = x;
        for (int i = 0; i < 40; i++) y = y * 1.01f + 0.5f;
        var graph = ComputationGraph.Of(y, maxNodes: 50);
        Assert.True(graph.Nodes.Count <= 50);
        Assert.True(graph.HiddenNodes > 0);
        Assert.Contains($"… {graph.HiddenNodes} more", HtmlOf(graph));
    }

    /// <summary>A value of a learner's own scalar autograd, as chapter 02 writes one.</summary>
    private sealed class Scalar(double data, string? op = null, params Scalar[] inputs)
    {
        public double Data = data, Grad;
        public string? Op = op, Label;
        public Scalar[] Inputs = inputs;
    }

    [Fact]
    public void A_graph_of_a_learners_own_values_is_drawn_with_one_node_per_value_and_op()
    {
        var a = new Scalar(2) { Label = "a", Grad = 7 };
        var b = new Scalar(-3) { Label = "b" };
        var ab = new Scalar(-6, "*", a, b);
        var sum = new Scalar(-4, "+", ab, a) { Label = "L" }; // a is read twice: one node, two edges out
        var graph = ComputationGraph.Of(sum, v => v.Inputs, v => v.Op, v => v.Label, v => v.Data, v => v.Grad);

        Assert.Equal(2, graph.Nodes.Count(n => n.IsOp));
        Assert.Equal(4, graph.Nodes.Count(n => !n.IsOp)); // L, ab, a, b
        Assert.Single(graph.Nodes, n => n.Label == "a");
        int aId = graph.Nodes.Single(n => n.Label == "a").Id;
        Assert.Equal(2, graph.Edges.Count(e => e.From == aId));
        Assert.All(graph.Edges, e => Assert.True(graph.Nodes[e.From].Layer > graph.Nodes[e.To].Layer));
        Assert.Equal("value", graph.Nodes.Single(n => n.Data == Html.Number(-6)).Label);
        var html = HtmlOf(graph);
        Assert.Contains(">*<", html);
        Assert.Contains(">+<", html);
        Assert.Contains("grad 7<", html);
        Assert.Contains("+(value, a) → L", TextOf(graph));
    }

    [Fact]
    public void A_graph_of_a_learners_own_values_treats_an_empty_op_as_a_leaf_and_collapses_beyond_the_limit()
    {
        var leaf = new Scalar(1, "", new Scalar(5)) { Label = "x" }; // an empty op: a leaf, its inputs not walked
        Assert.Single(ComputationGraph.Of(leaf, v => v.Inputs, v => v.Op, v => v.Label, v => v.Data, v => v.Grad).Nodes);
        var y = leaf;
        for (int i = 0; i < 40; i++) y = new Scalar(y.Data + 1, "+", y, new Scalar(1));
        var graph = ComputationGraph.Of(y, v => v.Inputs, v => v.Op, v => v.Label, v => v.Data, v => null, maxNodes: 20);
        Assert.True(graph.Nodes.Count <= 20);
        Assert.True(graph.HiddenNodes > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => ComputationGraph.Of(y, v => v.Inputs, v => v.Op, v => v.Label, v => v.Data, v => v.Grad, maxNodes: 1));
    }

    [Fact]
    public void A_history_is_loss_and_metric_curves()
    {
        var history = new History();
        for (int e = 0; e < 3; e++)
        {
            for (int s = 0; s < 2; s++) history.AddStep(new StepInfo(e, 3, s, 2, e * 2 + s, 1.0 / (e * 2 + s + 1), 8, 0.1, TimeSpan.FromSeconds(e * 2 + s)));
            history.AddEpoch(new EpochInfo(e, 3, 1.0 / (e + 1), 1.5 / (e + 1),
                new Dictionary<string, double> { ["accuracy"] = 0.5 + 0.1 * e }, new Dictionary<string, double> { ["accuracy"] = 0.4 + 0.1 * e }, TimeSpan.FromSeconds(2 * e + 2)));
        }
        var figure = SingleFigure(HtmlOf(history));
        var traces = figure.GetProperty("data").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(new[] { "step loss", "loss", "val_loss", "accuracy", "val_accuracy" }, traces.Keys);
        Assert.All(traces.Values, t => Assert.Equal("scatter", t.GetProperty("type").GetString()));
        Assert.Equal(new[] { 1, 0.5, 1.0 / 3 }, Numbers(traces["loss"].GetProperty("y")));
        Assert.Equal(new[] { 1.5, 0.75, 0.5 }, Numbers(traces["val_loss"].GetProperty("y")));
        Assert.Equal("x2", traces["val_accuracy"].GetProperty("xaxis").GetString());
        Assert.Equal(new[] { 0.5, 1, 1.5, 2, 2.5, 3 }, Numbers(traces["step loss"].GetProperty("x")));
        Assert.Equal(new double[] { 0.55, 1 }, Numbers(figure.GetProperty("layout").GetProperty("xaxis2").GetProperty("domain")));
        Assert.StartsWith("History(3 epochs, 6 steps", TextOf(history));
    }

    [Fact]
    public void Gradient_flow_is_bars_for_a_step_and_log_lines_over_steps()
    {
        var model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 1));
        var step = Step(model);
        var bars = SingleFigure(HtmlOf(step));
        Assert.Equal("bar", bars.GetProperty("data")[0].GetProperty("type").GetString());
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, Strings(bars.GetProperty("data")[0].GetProperty("x")));
        Assert.Equal(step.Parameters.Select(p => p.MaxAbs).ToArray(), Numbers(bars.GetProperty("data")[1].GetProperty("y")));
        Assert.Equal("log", bars.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString());

        var recorder = new GradientFlowRecorder();
        var data = new TensorDataset(Tensor.Randn(16, 3), Tensor.Randn(16, 1));
        var optimizer = new SGD(model.Parameters(), 0.1);
        model.Fit(new DataLoader(data, 8), Loss.MSE, optimizer, epochs: 2, callbacks: [recorder], live: false);
        var lines = SingleFigure(HtmlOf(recorder));
        Assert.Equal(4, lines.GetProperty("data").GetArrayLength());
        Assert.Equal(recorder.Series("2.weight", s => s.Norm).ToArray(), Numbers(lines.GetProperty("data")[2].GetProperty("y")));
        Assert.Equal("log", lines.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Contains("GradientFlowRecorder(4 steps", TextOf(recorder));
    }

    private static GradientFlowStep Step(Module model)
    {
        var loss = model.Call(Tensor.FromArray(new float[,] { { 1, 2, 3 } })).Sum();
        loss.Backward();
        return GradientFlowStep.Measure(model);
    }

    [Fact]
    public void A_confusion_matrix_is_a_heatmap_of_counts_and_a_metrics_table()
    {
        var matrix = ConfusionMatrix.Of(Tensor.FromArray([0f, 1, 1, 2, 2, 2]), Tensor.FromArray([0f, 1, 2, 2, 2, 1]), classNames: ["cat", "dog", "owl"]);
        var html = HtmlOf(matrix);
        var figure = SingleFigure(html);
        var trace = figure.GetProperty("data")[0];
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        Assert.Equal(new[] { "cat", "dog", "owl" }, Strings(trace.GetProperty("x")));
        Assert.Equal(new double[] { 0, 1, 1 }, Numbers(trace.GetProperty("z")[1]));   // true dog: one dog, one owl
        Assert.Equal(new double[] { 0, 1, 2 }, Numbers(trace.GetProperty("z")[2]));
        var annotations = figure.GetProperty("layout").GetProperty("annotations");
        Assert.Equal(9, annotations.GetArrayLength());
        Assert.Equal("2", annotations[8].GetProperty("text").GetString());
        // owl: precision 2/3, recall 2/3
        Assert.Contains("<td style=\"text-align:left\">owl</td><td>0.667</td><td>0.667</td><td>0.667</td><td>3</td>", html);
        Assert.StartsWith("ConfusionMatrix(3 classes", TextOf(matrix));
    }

    [Fact]
    public void Trajectories_are_contours_with_the_optimizers_paths()
    {
        static Tensor Bowl(Tensor p) => (p * p * Tensor.FromArray([1f, 10f])).Sum();
        var start = Tensor.FromArray([-1.5f, 0.8f]).RequireGrad();
        var sgd = Trajectory.Record("SGD", new SGD([start], 0.05), start, Bowl, 20);
        var surface = Trajectories.On((x, y) => x * x + 10 * y * y, -2, 2, -1, 1, resolution: 30).Add(sgd);
        var figure = SingleFigure(HtmlOf(surface));
        var data = figure.GetProperty("data");
        Assert.Equal("contour", data[0].GetProperty("type").GetString());
        Assert.Equal(30, data[0].GetProperty("z").GetArrayLength());
        Assert.Equal(surface.Z[3][7], data[0].GetProperty("z")[3][7].GetDouble());
        Assert.Equal("SGD", data[1].GetProperty("name").GetString());
        Assert.Equal(21, data[1].GetProperty("x").GetArrayLength());
        Assert.Equal(-1.5, data[1].GetProperty("x")[0].GetDouble(), 6);
        // Plain gradient descent on x²: x ← x − η·2x = 0.9x per step.
        Assert.Equal(-1.5 * Math.Pow(0.9, 20), sgd.X[^1], 4);
        Assert.Contains("SGD: 21 points", TextOf(surface));
    }

    [Fact]
    public void Attention_weights_are_a_heatmap_labelled_with_tokens()
    {
        var weights = Tensor.FromArray(new float[,] { { 0.9f, 0.1f, 0 }, { 0.2f, 0.2f, 0.6f }, { 0, 0, 1 } });
        var map = new AttentionMap(weights, ["the", "cat", "sat"]);
        var figure = SingleFigure(HtmlOf(map));
        var trace = figure.GetProperty("data")[0];
        Assert.Equal(new[] { "the", "cat", "sat" }, Strings(trace.GetProperty("x")));
        Assert.Equal(0.6, trace.GetProperty("z")[1][2].GetDouble(), 6);
        Assert.Equal("reversed", figure.GetProperty("layout").GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Contains("cat→sat", TextOf(map));

        var attention = new MultiHeadAttention(8, 2);
        attention.Call(Tensor.Randn(1, 4, 8));
        var heads = AttentionMap.Of(attention, ["a", "b", "c", "a"], head: 1);
        Assert.Equal(new[] { "a (0)", "b", "c", "a (3)" }, Strings(SingleFigure(HtmlOf(heads)).GetProperty("data")[0].GetProperty("y")));
        Assert.All(heads.Weights, row => Assert.Equal(1, row.Sum(), 5));
        Assert.Throws<ArgumentException>(() => new AttentionMap(weights, ["a", "b"]));
    }

    [Fact]
    public void A_roc_curve_and_an_lr_finder_curve_are_line_charts()
    {
        var roc = Metrics.RocCurve([0.9f, 0.8f, 0.3f, 0.1f], [1f, 0, 1, 0]);
        var rocFigure = SingleFigure(HtmlOf(roc));
        Assert.Equal(roc.TruePositiveRate.ToArray(), Numbers(rocFigure.GetProperty("data")[0].GetProperty("y")));
        Assert.Contains("AUC = 0.75", rocFigure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());

        var lr = new LRFinderResult([1e-4, 1e-3, 1e-2, 1e-1], [2.0, 1.5, 0.7, 3.0], [2.0, 1.4, 0.6, 3.5], 1e-2, true);
        var lrFigure = SingleFigure(HtmlOf(lr));
        Assert.Equal("log", lrFigure.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal(new[] { 2.0, 1.5, 0.7, 3.0 }, Numbers(lrFigure.GetProperty("data")[0].GetProperty("y")));
        Assert.Equal(0.7, lrFigure.GetProperty("data")[1].GetProperty("y")[0].GetDouble());
        Assert.Equal(-2, lrFigure.GetProperty("layout").GetProperty("annotations")[0].GetProperty("x").GetDouble(), 9);
        Assert.Contains("AUC 0.75", TextOf(roc));
    }

    [Fact]
    public void Misclassified_samples_are_a_captioned_image_grid()
    {
        var images = Tensor.Rand(4, 1, 5, 5);
        var outputs = Tensor.FromArray(new float[,] { { 2, 0 }, { 0, 2 }, { 2, 0 }, { 0, 2 } });
        var grid = ImageGrid.Misclassified(images, outputs, Tensor.FromArray([0f, 0, 1, 1]), ["shirt", "shoe"]);
        var html = HtmlOf(grid);
        Assert.Equal(2, InlinePngs(html).Count);
        Assert.Contains("<figcaption>shirt → shoe</figcaption>", html);
        Assert.Contains("<figcaption>shoe → shirt</figcaption>", html);
        var (_, _, _, pixels) = DecodePng(InlinePngs(html)[1]);
        Assert.Equal(images.Select(0, 2).ToArray().Select(v => (byte)MathF.Round(v * 255)).ToArray(), pixels);
        Assert.Contains("shirt → shoe", TextOf(grid));
    }

    [Fact]
    public void Charts_carry_a_static_svg_that_plotly_replaces()
    {
        var html = HtmlOf(Metrics.RocCurve([0.9f, 0.2f], [1f, 0]));
        Assert.Matches("<div class=\"dlk-plotly\" id=\"(dlk-chart-[^\"]+)\"[^>]*><svg class=\"dlk-static\"[^>]*>.*<polyline", html);
        Assert.Contains("Plotly.newPlot(el, figure.data, figure.layout", html);
        Assert.Contains(Plotly.PlotlyJs.CdnPath, html);
        Assert.DoesNotContain("Copyright 2012", html);   // the CDN, not the inlined library, by default
    }

    [Fact]
    public void Registering_twice_adds_no_second_formatter()
    {
        DeepLearnKitFormatters.Register();
        int count = Microsoft.DotNet.Interactive.Formatting.Formatter.RegisteredFormatters().Count();
        DeepLearnKitFormatters.Register();
        Assert.Equal(count, Microsoft.DotNet.Interactive.Formatting.Formatter.RegisteredFormatters().Count());
        Assert.True(DeepLearnKitFormatters.IsRegistered);
    }
}
