// RNN, LSTM and GRU cells against their equations computed by hand in float64 loops; the multi-layer
// layers against the cells unrolled by hand; batch-first, unbatched and state plumbing; gradients against
// finite differences with respect to the input, the initial state and a weight.
using DeepLearnKit.NN;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.NN;

public class RecurrentTests
{
    // ---- float64 references: the cell equations in PyTorch's notation, one loop per formula ----

    /// <summary>y[n, o] = Σᵢ x[n, i]·W[row0 + o, i] + b[row0 + o], for rows row0 … row0 + outs of W.</summary>
    private static double[] Affine(float[] x, float[] w, float[]? b, int n, int ins, int row0, int outs)
    {
        var y = new double[n * outs];
        for (int r = 0; r < n; r++)
            for (int o = 0; o < outs; o++)
            {
                double sum = b is null ? 0 : b[row0 + o];
                for (int i = 0; i < ins; i++) sum += (double)x[r * ins + i] * w[(row0 + o) * ins + i];
                y[r * outs + o] = sum;
            }
        return y;
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private sealed record Weights(float[] Wih, float[] Whh, float[]? Bih, float[]? Bhh)
    {
        public static Weights Of(Tensor wih, Tensor whh, Tensor? bih, Tensor? bhh) => new(wih.ToArray(), whh.ToArray(), bih?.ToArray(), bhh?.ToArray());
    }

    /// <summary>h' = act(W_ih x + b_ih + W_hh h + b_hh).</summary>
    private static float[] RNNReference(Weights p, float[] x, float[] h, int n, int ins, int hid, bool relu)
    {
        var a = Affine(x, p.Wih, p.Bih, n, ins, 0, hid);
        var b = Affine(h, p.Whh, p.Bhh, n, hid, 0, hid);
        return a.Select((v, k) => (float)(relu ? Math.Max(0, v + b[k]) : Math.Tanh(v + b[k]))).ToArray();
    }

    /// <summary>i, f, g, o gates (rows 0, H, 2H, 3H); c' = f c + i g; h' = o tanh c'.</summary>
    private static (float[] H, float[] C) LSTMReference(Weights p, float[] x, float[] h, float[] c, int n, int ins, int hid)
    {
        double[] Gate(int k) => Affine(x, p.Wih, p.Bih, n, ins, k * hid, hid).Zip(Affine(h, p.Whh, p.Bhh, n, hid, k * hid, hid), (u, v) => u + v).ToArray();
        double[] i = Gate(0), f = Gate(1), g = Gate(2), o = Gate(3);
        var hNext = new float[n * hid];
        var cNext = new float[n * hid];
        for (int e = 0; e < n * hid; e++)
        {
            double cc = Sigmoid(f[e]) * c[e] + Sigmoid(i[e]) * Math.Tanh(g[e]);
            cNext[e] = (float)cc;
            hNext[e] = (float)(Sigmoid(o[e]) * Math.Tanh(cc));
        }
        return (hNext, cNext);
    }

    /// <summary>r, z, n gates (rows 0, H, 2H); n = tanh(W_in x + b_in + r (W_hn h + b_hn)); h' = (1 − z) n + z h.</summary>
    private static float[] GRUReference(Weights p, float[] x, float[] h, int n, int ins, int hid)
    {
        var xr = Affine(x, p.Wih, p.Bih, n, ins, 0, hid);
        var xz = Affine(x, p.Wih, p.Bih, n, ins, hid, hid);
        var xn = Affine(x, p.Wih, p.Bih, n, ins, 2 * hid, hid);
        var hr = Affine(h, p.Whh, p.Bhh, n, hid, 0, hid);
        var hz = Affine(h, p.Whh, p.Bhh, n, hid, hid, hid);
        var hn = Affine(h, p.Whh, p.Bhh, n, hid, 2 * hid, hid);
        var next = new float[n * hid];
        for (int e = 0; e < n * hid; e++)
        {
            double r = Sigmoid(xr[e] + hr[e]), z = Sigmoid(xz[e] + hz[e]);
            double cand = Math.Tanh(xn[e] + r * hn[e]);
            next[e] = (float)((1 - z) * cand + z * h[e]);
        }
        return next;
    }

    /// <summary>Overwrites every parameter with deterministic values in [−0.8, 0.8) (independent of the shared Rng).</summary>
    private static void Fill(Module m, int seed)
    {
        using var _ = Tensor.NoGrad();
        foreach (var (_, p) in m.NamedParameters()) p.CopyFrom(Between(seed++, -0.8f, 0.8f, p.Shape));
    }

    // ---- cells ----

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void RNNCell_matches_its_equation(bool relu, bool bias)
    {
        const int n = 2, ins = 3, hid = 4;
        var cell = new RNNCell(ins, hid, bias, relu ? Nonlinearity.ReLU : Nonlinearity.Tanh);
        Fill(cell, 10);
        var x = Random(1, n, ins);
        var h = Random(2, n, hid);
        var expected = RNNReference(Weights.Of(cell.WeightIh, cell.WeightHh, cell.BiasIh, cell.BiasHh), x.ToArray(), h.ToArray(), n, ins, hid, relu);
        Close([n, hid], expected, cell.Forward(x, h), atol: 1e-6);
        if (relu) Assert.Contains(0f, expected); // the relu branch really clips something
    }

    [Fact]
    public void LSTMCell_matches_its_equations()
    {
        const int n = 3, ins = 3, hid = 2;
        var cell = new LSTMCell(ins, hid);
        Fill(cell, 20);
        var (x, h, c) = (Random(1, n, ins), Random(2, n, hid), Random(3, n, hid));
        var (eh, ec) = LSTMReference(Weights.Of(cell.WeightIh, cell.WeightHh, cell.BiasIh, cell.BiasHh), x.ToArray(), h.ToArray(), c.ToArray(), n, ins, hid);
        var (hNext, cNext) = cell.Forward(x, (h, c));
        Close([n, hid], eh, hNext, atol: 1e-6);
        Close([n, hid], ec, cNext, atol: 1e-6);
        Close(eh, cell.Forward(x, (h, c)).H.ToArray());
    }

    [Fact]
    public void GRUCell_matches_its_equations()
    {
        const int n = 3, ins = 4, hid = 3;
        var cell = new GRUCell(ins, hid);
        Fill(cell, 30);
        var (x, h) = (Random(1, n, ins), Random(2, n, hid));
        var expected = GRUReference(Weights.Of(cell.WeightIh, cell.WeightHh, cell.BiasIh, cell.BiasHh), x.ToArray(), h.ToArray(), n, ins, hid);
        Close([n, hid], expected, cell.Forward(x, h), atol: 1e-6);
    }

    [Fact]
    public void Cells_start_from_zeros_and_accept_an_unbatched_input()
    {
        var cell = new LSTMCell(3, 2);
        var x = Random(1, 3);
        var (h, c) = cell.Forward(x, null);
        var batched = cell.Forward(x.Unsqueeze(0), (Tensor.Zeros(1, 2), Tensor.Zeros(1, 2)));
        Close([2], batched.H.ToArray(), h);
        Close([2], batched.C.ToArray(), c);
        Close([2], batched.H.ToArray(), cell.Forward(x));

        var gru = new GRUCell(3, 2);
        Close([2], gru.Forward(x.Unsqueeze(0), Tensor.Zeros(1, 2)).ToArray(), gru.Forward(x));
    }

    [Fact]
    public void Cells_and_layers_have_PyTorch_parameter_names_shapes_and_init()
    {
        var lstm = new LSTM(3, 5, numLayers: 2);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"],
            lstm.NamedParameters().Select(p => p.Name));
        Assert.Equal([20, 3], lstm.WeightIh(0).Shape);
        Assert.Equal([20, 5], lstm.WeightIh(1).Shape);
        Assert.Equal([20, 5], lstm.WeightHh(1).Shape);
        Assert.Equal([20], lstm.BiasHh(1)!.Shape);
        Assert.Equal([15, 3], new GRU(3, 5).StateDict()["weight_ih_l0"].Shape);
        Assert.Equal([5, 5], new RNN(3, 5).StateDict()["weight_hh_l0"].Shape);
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], new GRUCell(3, 5).NamedParameters().Select(p => p.Name));
        Assert.Equal(["weight_ih", "weight_hh"], new LSTMCell(3, 5, bias: false).NamedParameters().Select(p => p.Name));
        Assert.Equal(["weight_ih_l0", "weight_hh_l0"], new RNN(3, 5, bias: false).NamedParameters().Select(p => p.Name));

        // U(−1/√H, 1/√H) for every weight and bias, and spread over that range.
        var all = new LSTM(3, 16, numLayers: 2).Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.All(all, v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.True(all.Max() > 0.2f && all.Min() < -0.2f);
    }

    // ---- layers against the cells unrolled by hand ----

    /// <summary>Copies layer l's weight_ih_l{l}, … into a cell's weight_ih, ….</summary>
    private static void CopyLayer(Module layer, Module cell, int l)
    {
        var state = layer.StateDict();
        cell.LoadStateDict(cell.StateDict().Keys.ToDictionary(k => k, k => state[$"{k}_l{l}"]));
    }

    /// <summary>
    /// Runs <paramref name="layers"/> cells (step: x_t, state → state, output) over time and layers, as the
    /// multi-layer module should: returns the top layer's outputs [T, N, H] and every layer's final state.
    /// </summary>
    private static (float[] Output, List<TState> Final) Unroll<TState>(Tensor x, IReadOnlyList<TState> initial,
        Func<int, Tensor, TState, (TState State, Tensor H)> step)
    {
        int steps = x.Size(0);
        var inputs = Enumerable.Range(0, steps).Select(t => x.Select(0, t)).ToArray();
        var final = new List<TState>();
        for (int l = 0; l < initial.Count; l++)
        {
            var state = initial[l];
            for (int t = 0; t < steps; t++) (state, inputs[t]) = step(l, inputs[t], state);
            final.Add(state);
        }
        return (inputs.SelectMany(h => h.ToArray()).ToArray(), final);
    }

    [Fact]
    public void LSTM_equals_its_cells_unrolled_over_two_layers()
    {
        const int steps = 4, n = 3, ins = 3, hid = 5, layers = 2;
        var lstm = new LSTM(ins, hid, layers);
        Fill(lstm, 40);
        var cells = Enumerable.Range(0, layers).Select(l => { var c = new LSTMCell(l == 0 ? ins : hid, hid); CopyLayer(lstm, c, l); return c; }).ToArray();
        var (x, h0, c0) = (Random(1, steps, n, ins), Random(2, layers, n, hid), Random(3, layers, n, hid));

        var (output, (hN, cN)) = lstm.Forward(x, (h0, c0));
        var (expected, final) = Unroll(x, Enumerable.Range(0, layers).Select(l => (H: h0.Select(0, l), C: c0.Select(0, l))).ToArray(),
            (l, xt, s) => { var next = cells[l].Forward(xt, s); return (next, next.H); });

        Close([steps, n, hid], expected, output, atol: 1e-6);
        Close([layers, n, hid], final.SelectMany(s => s.H.ToArray()).ToArray(), hN, atol: 1e-6);
        Close([layers, n, hid], final.SelectMany(s => s.C.ToArray()).ToArray(), cN, atol: 1e-6);
        // h_n of the top layer is the last output.
        Close(output.Select(0, steps - 1).ToArray(), hN.Select(0, layers - 1).ToArray());
    }

    [Fact]
    public void GRU_equals_its_cells_unrolled_over_three_layers()
    {
        const int steps = 5, n = 2, ins = 4, hid = 3, layers = 3;
        var gru = new GRU(ins, hid, layers);
        Fill(gru, 50);
        var cells = Enumerable.Range(0, layers).Select(l => { var c = new GRUCell(l == 0 ? ins : hid, hid); CopyLayer(gru, c, l); return c; }).ToArray();
        var (x, h0) = (Random(1, steps, n, ins), Random(2, layers, n, hid));

        var (output, hN) = gru.Forward(x, h0);
        var (expected, final) = Unroll(x, Enumerable.Range(0, layers).Select(l => h0.Select(0, l)).ToArray(),
            (l, xt, h) => { var next = cells[l].Forward(xt, h); return (next, next); });

        Close([steps, n, hid], expected, output, atol: 1e-6);
        Close([layers, n, hid], final.SelectMany(h => h.ToArray()).ToArray(), hN, atol: 1e-6);
        Close(output.Select(0, steps - 1).ToArray(), hN.Select(0, layers - 1).ToArray());
    }

    [Theory]
    [InlineData(Nonlinearity.Tanh)]
    [InlineData(Nonlinearity.ReLU)]
    public void RNN_equals_its_cells_unrolled_over_two_layers(Nonlinearity nonlinearity)
    {
        const int steps = 19, n = 2, ins = 2, hid = 4, layers = 2; // more steps than one input-projection block
        var rnn = new RNN(ins, hid, layers, nonlinearity);
        Fill(rnn, 60);
        var cells = Enumerable.Range(0, layers).Select(l => { var c = new RNNCell(l == 0 ? ins : hid, hid, nonlinearity: nonlinearity); CopyLayer(rnn, c, l); return c; }).ToArray();
        var x = Random(1, steps, n, ins);

        var (output, hN) = rnn.Forward(x, null);
        var (expected, final) = Unroll(x, Enumerable.Range(0, layers).Select(_ => Tensor.Zeros(n, hid)).ToArray(),
            (l, xt, h) => { var next = cells[l].Forward(xt, h); return (next, next); });

        Close([steps, n, hid], expected, output, atol: 1e-6);
        Close([layers, n, hid], final.SelectMany(h => h.ToArray()).ToArray(), hN, atol: 1e-6);
    }

    [Fact]
    public void Batch_first_gives_the_transposed_equivalent()
    {
        const int steps = 11, n = 3, ins = 3, hid = 2;
        var timeMajor = new LSTM(ins, hid, numLayers: 2);
        var batchFirst = new LSTM(ins, hid, numLayers: 2, batchFirst: true);
        Fill(timeMajor, 70);
        batchFirst.LoadStateDict(timeMajor.StateDict());
        var x = Random(1, steps, n, ins);
        var state = (Random(2, 2, n, hid), Random(3, 2, n, hid));

        var (y, (h, c)) = timeMajor.Forward(x, state);
        var (yb, (hb, cb)) = batchFirst.Forward(x.Transpose(0, 1).Contiguous(), state);
        Close([n, steps, hid], y.Transpose(0, 1).ToArray(), yb);
        Close([2, n, hid], h.ToArray(), hb);
        Close([2, n, hid], c.ToArray(), cb);
        // A non-contiguous batch-first input reads the same.
        Close([n, steps, hid], yb.ToArray(), batchFirst.Forward(x.Transpose(0, 1), state).Output);
    }

    [Fact]
    public void Unbatched_input_equals_a_batch_of_one()
    {
        var gru = new GRU(3, 4, numLayers: 2, batchFirst: true);
        var x = Random(1, 5, 3);
        var h0 = Random(2, 2, 4);
        var (y, h) = gru.Forward(x, h0);
        var (y1, h1) = gru.Forward(x.Unsqueeze(0), h0.Unsqueeze(1));
        Close([5, 4], y1.ToArray(), y);
        Close([2, 4], h1.ToArray(), h);
    }

    [Fact]
    public void The_single_input_Forward_returns_the_output_and_fits_in_Sequential()
    {
        var model = new Sequential(new LSTM(3, 4, batchFirst: true), new Linear(4, 2));
        var x = Random(1, 2, 5, 3);
        Assert.Equal([2, 5, 2], model.Forward(x).Shape);
        var lstm = (LSTM)model[0];
        Close(lstm.Forward(x, null).Output.ToArray(), lstm.Forward(x).ToArray());
    }

    [Fact]
    public void Dropout_acts_between_layers_in_training_only()
    {
        var gru = new GRU(3, 8, numLayers: 2, dropout: 0.5f);
        var plain = new GRU(3, 8, numLayers: 2);
        plain.LoadStateDict(gru.StateDict());
        var x = Random(1, 4, 2, 3);
        var expected = plain.Forward(x).ToArray();
        Assert.NotEqual(expected, gru.Forward(x).ToArray());
        gru.Eval();
        Close(expected, gru.Forward(x).ToArray());
        // No dropout after the last layer: a one-layer GRU ignores it even in training.
        var single = new GRU(3, 8, dropout: 0.5f);
        var singlePlain = new GRU(3, 8);
        singlePlain.LoadStateDict(single.StateDict());
        Close(singlePlain.Forward(x).ToArray(), single.Forward(x).ToArray());
    }

    [Fact]
    public void Wrong_shapes_are_rejected_with_the_expected_shape()
    {
        var lstm = new LSTM(3, 4, numLayers: 2, batchFirst: true);
        var e1 = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(2, 5, 4)));
        Assert.Contains("LSTM", e1.Message);
        Assert.Contains("[N, T, 3]", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(2, 5, 3), (Tensor.Zeros(1, 2, 4), Tensor.Zeros(2, 2, 4))));
        Assert.Contains("[2, 2, 4]", e2.Message);
        Assert.Throws<ArgumentException>(() => new GRUCell(3, 4).Forward(Tensor.Zeros(2, 3), Tensor.Zeros(3, 4)));
        Assert.Throws<ArgumentException>(() => new RNN(3, 4, nonlinearity: Nonlinearity.Linear));
    }

    // ---- gradients ----

    /// <summary>
    /// Central differences of L = Σ v ⊙ f() with respect to every element of <paramref name="weight"/>, a module
    /// parameter, against the gradient autograd leaves in weight.Grad.
    /// </summary>
    private static void WeightGradCheck(Module module, Tensor weight, Func<Tensor> f, double eps = 1e-3, double tol = 1e-2)
    {
        var output = f();
        var v = Values((int)output.NumEl, 99, 0.5f, 1.5f);
        module.ZeroGrad();
        (output * Tensor.FromArray(v, output.Shape)).Sum().Backward();
        var analytic = weight.Grad!.ToArray();
        var values = weight.ToArray();
        double Loss(int e, float value)
        {
            var shifted = (float[])values.Clone();
            shifted[e] = value;
            using var _ = Tensor.NoGrad();
            weight.CopyFrom(Tensor.FromArray(shifted, weight.Shape));
            var y = f().ToArray();
            return y.Select((o, k) => (double)o * v[k]).Sum();
        }
        try
        {
            for (int e = 0; e < values.Length; e++)
            {
                float plus = (float)(values[e] + eps), minus = (float)(values[e] - eps);
                double numeric = (Loss(e, plus) - Loss(e, minus)) / ((double)plus - minus);
                Assert.True(Math.Abs(analytic[e] - numeric) <= tol + tol * Math.Abs(numeric),
                    $"{weight.Name}[{e}]: autograd {analytic[e]:G6}, finite differences {numeric:G6}");
            }
        }
        finally
        {
            using var _ = Tensor.NoGrad();
            weight.CopyFrom(Tensor.FromArray(values, weight.Shape));
        }
    }

    [Fact]
    public void LSTM_gradients_match_finite_differences()
    {
        const int steps = 3, n = 2, ins = 3, hid = 2;
        var lstm = new LSTM(ins, hid, numLayers: 2, batchFirst: true);
        Fill(lstm, 80);
        var x = Random(1, n, steps, ins);
        var c0 = Random(2, 2, n, hid);
        Passes(GradCheck.Check(xs =>
        {
            var (y, (h, c)) = lstm.Forward(xs[0], (xs[1], xs[2]));
            return Tensor.Cat([y.Flatten(), h.Flatten(), c.Flatten()]);
        }, [x, Random(3, 2, n, hid), c0]));
        WeightGradCheck(lstm, lstm.WeightHh(0), () => lstm.Forward(x, (Tensor.Zeros(2, n, hid), c0)).Output);
        WeightGradCheck(lstm, lstm.WeightIh(1), () => lstm.Forward(x, (Tensor.Zeros(2, n, hid), c0)).State.C);
        // b_hh is added to all steps at once and W_hh's gradient is one product over all steps: check both layers'.
        WeightGradCheck(lstm, lstm.BiasHh(0)!, () => lstm.Forward(x, (Tensor.Zeros(2, n, hid), c0)).Output);
        WeightGradCheck(lstm, lstm.WeightHh(1), () => lstm.Forward(x, (Random(4, 2, n, hid), c0)).State.H);
        WeightGradCheck(lstm, lstm.BiasHh(1)!, () => lstm.Forward(x, (Tensor.Zeros(2, n, hid), c0)).State.C);
    }

    [Fact]
    public void Bidirectional_GRU_gradients_match_finite_differences_for_input_state_and_reverse_weights()
    {
        const int steps = 3, n = 2, ins = 3, hid = 2;
        var gru = new GRU(ins, hid, numLayers: 2, batchFirst: true, bidirectional: true);
        Fill(gru, 81);
        var x = Random(1, n, steps, ins);
        Passes(GradCheck.Check(xs =>
        {
            var (y, h) = gru.Forward(xs[0], xs[1]);
            return Tensor.Cat([y.Flatten(), h.Flatten()]);
        }, [x, Random(3, 4, n, hid)]));
        WeightGradCheck(gru, gru.WeightHh(0, reverse: true), () => gru.Forward(x, null).Output);
        WeightGradCheck(gru, gru.WeightIh(1, reverse: true), () => gru.Forward(x, null).HN);
    }

    [Fact]
    public void Bidirectional_LSTM_gradients_match_finite_differences_for_the_reverse_hidden_weights()
    {
        const int steps = 3, n = 2, ins = 3, hid = 2;
        var lstm = new LSTM(ins, hid, numLayers: 2, batchFirst: true, bidirectional: true);
        Fill(lstm, 82);
        var x = Random(1, n, steps, ins);
        Passes(GradCheck.Check(xs =>
        {
            var (y, (h, c)) = lstm.Forward(xs[0], (xs[1], xs[2]));
            return Tensor.Cat([y.Flatten(), h.Flatten(), c.Flatten()]);
        }, [x, Random(3, 4, n, hid), Random(2, 4, n, hid)]));
        WeightGradCheck(lstm, lstm.WeightHh(0, reverse: true), () => lstm.Forward(x, null).Output);
        WeightGradCheck(lstm, lstm.WeightHh(1, reverse: true), () => lstm.Forward(x, (Random(4, 4, n, hid), Random(5, 4, n, hid))).State.H);
        WeightGradCheck(lstm, lstm.BiasHh(1, reverse: true)!, () => lstm.Forward(x, null).State.C);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ReturnSequences_false_gives_the_forward_last_step_and_the_backward_first_step(bool bidirectional, bool batchFirst)
    {
        const int steps = 4, n = 2, ins = 3, hid = 2;
        var full = new LSTM(ins, hid, numLayers: 2, batchFirst: batchFirst, bidirectional: bidirectional);
        var last = new LSTM(ins, hid, numLayers: 2, batchFirst: batchFirst, bidirectional: bidirectional, returnSequences: false);
        Fill(full, 83);
        last.LoadStateDict(full.StateDict());
        var x = batchFirst ? Random(1, n, steps, ins) : Random(1, steps, n, ins);
        var all = full.Call(x).ToArray(); // (T, N, D·H) or (N, T, D·H)
        var y = last.Call(x);
        int features = hid * (bidirectional ? 2 : 1);
        Assert.Equal([n, features], y.Shape);
        var expected = new float[n * features];
        for (int b = 0; b < n; b++)
            for (int f = 0; f < features; f++)
            {
                int t = f < hid ? steps - 1 : 0; // the backward half's final state is its output at t = 0
                int row = batchFirst ? b * steps + t : t * n + b;
                expected[b * features + f] = all[row * features + f];
            }
        Close(expected, y.ToArray(), 1e-6, 1e-6);
    }

    [Fact]
    public void A_frozen_hidden_weight_gets_no_gradient_and_the_others_still_do()
    {
        var lstm = new LSTM(3, 2, batchFirst: true);
        Fill(lstm, 85);
        var reference = new LSTM(3, 2, batchFirst: true);
        reference.LoadStateDict(lstm.StateDict());
        lstm.WeightHh(0).RequiresGrad = false;
        var x = Random(1, 2, 4, 3);
        (lstm.Forward(x).Square()).Sum().Backward();
        (reference.Forward(x).Square()).Sum().Backward();
        Assert.Null(lstm.WeightHh(0).Grad);
        Close(reference.WeightIh(0).Grad!.ToArray(), lstm.WeightIh(0).Grad!.ToArray());
        Close(reference.BiasHh(0)!.Grad!.ToArray(), lstm.BiasHh(0)!.Grad!.ToArray());
    }

    [Fact]
    public void GRU_gradients_match_finite_differences()
    {
        const int steps = 3, n = 2, ins = 3, hid = 2;
        var gru = new GRU(ins, hid);
        Fill(gru, 90);
        var x = Random(1, steps, n, ins);
        Passes(GradCheck.Check(xs =>
        {
            var (y, h) = gru.Forward(xs[0], xs[1]);
            return Tensor.Cat([y.Flatten(), h.Flatten()]);
        }, [x, Random(2, 1, n, hid)]));
        WeightGradCheck(gru, gru.WeightHh(0), () => gru.Forward(x));
        WeightGradCheck(gru, gru.BiasHh(0)!, () => gru.Forward(x));
    }

    [Fact]
    public void RNN_gradients_match_finite_differences()
    {
        var rnn = new RNN(3, 2, numLayers: 2);
        Fill(rnn, 100);
        var x = Random(1, 3, 2, 3);
        Passes(GradCheck.Check(t => rnn.Forward(t), x));
        WeightGradCheck(rnn, rnn.WeightIh(0), () => rnn.Forward(x));
        WeightGradCheck(rnn, rnn.WeightHh(1), () => rnn.Forward(x));
        WeightGradCheck(rnn, rnn.BiasHh(0)!, () => rnn.Forward(x));
    }
}
