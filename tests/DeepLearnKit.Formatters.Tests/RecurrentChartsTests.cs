// The recurrent pictures: an LSTM's gates recorded step by step equal the formulas worked in plain loops from the cell's
// weights and the library's own LSTMCell, and the heatmaps draw exactly the recorded numbers; the gradient-through-time
// chart draws each network's norms on a log axis. Both are plain SVG without script.
using System.Globalization;
using System.Text.RegularExpressions;
using DeepLearnKit.NN;
using DeepLearnKit.Training;
using static DeepLearnKit.Formatters.Tests.TestSupport;

namespace DeepLearnKit.Formatters.Tests;

[Collection(StaticStateCollection.Name)]
public sealed class RecurrentChartsTests : IDisposable
{
    public RecurrentChartsTests() => ResetStaticState();

    public void Dispose() => ResetStaticState();

    [Fact]
    public void Lstm_gates_equal_the_formulas_worked_from_the_cell_weights()
    {
        Rng.Seed(5);
        const int input = 3, hidden = 4, steps = 5;
        var cell = new LSTMCell(input, hidden);
        var sequence = Tensor.Randn(steps, input);
        var record = LstmGateRecord.Record(cell, sequence, ["a", "b", "c", "d", " "]);

        float[,] wIh = cell.WeightIh.ToArray2D(), wHh = cell.WeightHh.ToArray2D();
        float[] bIh = cell.BiasIh!.ToArray(), bHh = cell.BiasHh!.ToArray(), x = sequence.ToArray();
        var h = new double[hidden];
        var c = new double[hidden];
        static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));
        Tensor? hCell = null, cCell = null;
        for (int t = 0; t < steps; t++)
        {
            var pre = new double[4 * hidden];
            for (int r = 0; r < 4 * hidden; r++)
            {
                double a = bIh[r] + bHh[r];
                for (int k = 0; k < input; k++) a += wIh[r, k] * x[t * input + k];
                for (int k = 0; k < hidden; k++) a += wHh[r, k] * h[k];
                pre[r] = a;
            }
            for (int j = 0; j < hidden; j++)
            {
                double i = Sigmoid(pre[j]), f = Sigmoid(pre[hidden + j]), g = Math.Tanh(pre[2 * hidden + j]), o = Sigmoid(pre[3 * hidden + j]);
                c[j] = f * c[j] + i * g;
                h[j] = o * Math.Tanh(c[j]);
                Assert.Equal(i, record.Input[t, j], 1e-5);
                Assert.Equal(f, record.Forget[t, j], 1e-5);
                Assert.Equal(g, record.Candidate[t, j], 1e-5);
                Assert.Equal(o, record.Output[t, j], 1e-5);
                Assert.Equal(c[j], record.Cell[t, j], 1e-5);
                Assert.Equal(h[j], record.Hidden[t, j], 1e-5);
            }
            // and the library's fused cell gives the same states
            using (Tensor.NoGrad())
                (hCell, cCell) = cell.Forward(sequence.Narrow(0, t, 1), hCell is null ? null : (hCell, cCell!));
            var (hs, cs) = (hCell!.ToArray(), cCell!.ToArray());
            for (int j = 0; j < hidden; j++)
            {
                Assert.Equal(hs[j], record.Hidden[t, j], 1e-5);
                Assert.Equal(cs[j], record.Cell[t, j], 1e-5);
            }
        }
    }

    [Fact]
    public void Gate_heatmaps_draw_the_recorded_numbers_labelled_by_step()
    {
        Rng.Seed(6);
        var lstm = new LSTM(2, 20);
        var record = LstmGateRecord.Record(lstm, Tensor.Randn(4, 2), ["\n", "h", "i", "\n"], "a test LSTM");
        var html = HtmlOf(record);

        Assert.DoesNotContain("<script", html);
        Assert.Contains("a test LSTM: gates and states over 4 steps (units 0–15 of 20)", html);
        foreach (var (name, symbol, values) in record.Quantities)
        {
            var panel = Regex.Match(html, $"<g class=\"dlk-gate\" data-gate=\"{symbol}\">(.*?)</g>").Groups[1].Value;
            Assert.Contains($"{symbol}_t: {name}", panel);
            var cells = Regex.Matches(panel, "data-step=\"(\\d+)\" data-unit=\"(\\d+)\" data-value=\"([^\"]+)\"");
            Assert.Equal(4 * 16, cells.Count);   // the first 16 units by default
            foreach (Match m in cells)
            {
                int t = int.Parse(m.Groups[1].Value), j = int.Parse(m.Groups[2].Value);
                Assert.Equal(values[t, j], float.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            }
            // the time axis: the characters read, newlines made visible
            Assert.Equal(["↵", "h", "i", "↵"], Regex.Matches(panel, "font-size=\"11\" fill=\"#222\">([^<]*)</text>").Select(m => m.Groups[1].Value));
        }
        Assert.Throws<ArgumentException>(() => LstmGateRecord.Record(lstm, Tensor.Randn(4, 3), ["a", "b", "c", "d"]));
        Assert.Throws<ArgumentException>(() => LstmGateRecord.Record(lstm, Tensor.Randn(4, 2), ["a", "b"]));
    }

    [Fact]
    public void Gradient_norms_are_drawn_per_network_on_a_log_axis()
    {
        double[] vanishing = Enumerable.Range(1, 30).Select(t => Math.Pow(0.7, 30 - t)).ToArray();
        double[] exploding = Enumerable.Range(1, 30).Select(t => Math.Pow(1.4, 30 - t)).ToArray();
        var record = new GradientThroughTime { Description = "L = Σ h_T" }.Add("tanh RNN", vanishing).Add("ReLU RNN", exploding);
        var html = HtmlOf(record);

        Assert.DoesNotContain("<script", html);
        Assert.Contains("‖∂L/∂h_t‖ through time: L = Σ h_T", html);
        Assert.Contains("time step t", html);
        Assert.Contains("(log scale)", html);
        Assert.Equal(Math.Pow(0.7, 29), record.FirstOverLast("tanh RNN"), 1e-12);
        foreach (var (network, norms) in record.Series)
        {
            var series = Regex.Match(html, $"<g class=\"dlk-series\" data-network=\"{network}\">(.*?)</g>").Groups[1].Value;
            Assert.Contains($">{network}</text>", series);   // the legend
            var points = Regex.Matches(series, "data-step=\"(\\d+)\" data-value=\"([^\"]+)\"");
            Assert.Equal(norms, points.Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
            Assert.Equal(Enumerable.Range(1, 30), points.Select(m => int.Parse(m.Groups[1].Value)));
            // log axis: equal ratios are equal heights, so a geometric series is a straight line
            var ys = Regex.Matches(series, "cy=\"([^\"]+)\"").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
            var steps = ys.Zip(ys.Skip(1), (a, b) => b - a).ToArray();
            Assert.All(steps, d => Assert.Equal(steps[0], d, 0.02));
        }
        // the decade grid spans the data: 1.4^29 ≈ 1.7e4 and 0.7^29 ≈ 3.2e-5
        Assert.Contains(">1e-5</text>", html);
        Assert.Contains(">1e5</text>", html);
        Assert.Throws<ArgumentException>(() => record.Add("bad", [1.0, 0.0]));
        Assert.Equal(2, record.Series.Count);
    }
}
