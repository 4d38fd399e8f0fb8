// Multi-head attention against a direct float64 loop over batch, heads, queries and keys with the
// module's own projection weights; causal and additive masks; the kept attention weights; gradients.
// The transformer block: shape, causality, gradients.
using DeepLearnKit.NN;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.NN;

public class AttentionTests
{
    /// <summary>Overwrites every parameter with deterministic values in [−0.8, 0.8) (biases too, which start at 0).</summary>
    private static void Fill(Module m, int seed)
    {
        using var _ = Tensor.NoGrad();
        foreach (var (_, p) in m.NamedParameters()) p.CopyFrom(Between(seed++, -0.8f, 0.8f, p.Shape));
    }

    /// <summary>y[r, o] = Σᵢ x[r, i]·W[row0 + o, i] + b[row0 + o] over the rows of a [rows, E] input.</summary>
    private static double[] Project(float[] x, int rows, int e, float[] w, float[] b, int row0, int outs)
    {
        var y = new double[rows * outs];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outs; o++)
            {
                double sum = b[row0 + o];
                for (int i = 0; i < e; i++) sum += (double)x[r * e + i] * w[(row0 + o) * e + i];
                y[r * outs + o] = sum;
            }
        return y;
    }

    /// <summary>
    /// The attention by its definition: per batch element and head, weights[t, s] = softmax over s of
    /// q_t·k_s/√d (s ≤ t only when causal), head output Σ_s weights[t, s] v_s, heads concatenated, then W_o.
    /// Keys with <paramref name="padded"/>[n·S + s] set are left out of the softmax (PyTorch's key_padding_mask).
    /// Returns the output [N, T, E] and the weights [N, h, T, S].
    /// </summary>
    private static (float[] Output, float[] Weights) Reference(MultiHeadAttention mha, Tensor query, Tensor key, Tensor value, bool causal, bool[]? padded = null)
    {
        int n = query.Size(0), t = query.Size(1), s = key.Size(1), e = mha.EmbedDim, heads = mha.NumHeads, d = e / heads;
        float[] w = mha.InProjWeight.ToArray(), b = mha.InProjBias!.ToArray();
        float[] wo = mha.OutProj.Weight.ToArray(), bo = mha.OutProj.Bias!.ToArray();
        var q = Project(query.ToArray(), n * t, e, w, b, 0, e);
        var k = Project(key.ToArray(), n * s, e, w, b, e, e);
        var v = Project(value.ToArray(), n * s, e, w, b, 2 * e, e);
        var concat = new float[n * t * e];
        var weights = new float[n * heads * t * s];
        for (int bi = 0; bi < n; bi++)
            for (int h = 0; h < heads; h++)
                for (int ti = 0; ti < t; ti++)
                {
                    var scores = new double[s];
                    for (int si = 0; si < s; si++)
                    {
                        double dot = 0;
                        for (int j = 0; j < d; j++) dot += q[(bi * t + ti) * e + h * d + j] * k[(bi * s + si) * e + h * d + j];
                        scores[si] = (causal && si > ti) || (padded?[bi * s + si] ?? false) ? double.NegativeInfinity : dot / Math.Sqrt(d);
                    }
                    double max = scores.Max();
                    var exp = scores.Select(x => Math.Exp(x - max)).ToArray();
                    double total = exp.Sum();
                    for (int si = 0; si < s; si++) weights[((bi * heads + h) * t + ti) * s + si] = (float)(exp[si] / total);
                    for (int j = 0; j < d; j++)
                    {
                        double sum = 0;
                        for (int si = 0; si < s; si++) sum += exp[si] / total * v[(bi * s + si) * e + h * d + j];
                        concat[(bi * t + ti) * e + h * d + j] = (float)sum;
                    }
                }
        var output = Project(concat, n * t, e, wo, bo, 0, e).Select(x => (float)x).ToArray();
        return (output, weights);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Attention_matches_a_direct_loop_over_heads_queries_and_keys(bool causal)
    {
        const int n = 2, t = 3, s = 4, e = 6, heads = 2;
        var mha = new MultiHeadAttention(e, heads);
        Fill(mha, 10);
        var (query, key, value) = (Random(1, n, t, e), Random(2, n, s, e), Random(3, n, s, e));
        var (expected, weights) = Reference(mha, query, key, value, causal);
        Close([n, t, e], expected, mha.Forward(query, key, value, causal), atol: 1e-5);
        Close([n, heads, t, s], weights, mha.LastAttentionWeights!, atol: 1e-6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_key_padding_mask_gives_padded_keys_weight_zero_as_the_loop_leaves_them_out(bool causal)
    {
        const int n = 2, t = 4, s = 4, e = 6, heads = 2;
        var mha = new MultiHeadAttention(e, heads);
        Fill(mha, 15);
        var (query, key, value) = (Random(1, n, t, e), Random(2, n, s, e), Random(3, n, s, e));
        // Sequence 0 has its last key padded, sequence 1 its last two; key 0 is never padded, so no row is all −∞.
        bool[] padded = [false, false, false, true, false, false, true, true];
        var keyPaddingMask = Tensor.FromArray(padded.Select(p => p ? 1f : 0f).ToArray(), n, s);
        var (expected, weights) = Reference(mha, query, key, value, causal, padded);
        Close([n, t, e], expected, mha.Forward(query, key, value, causal, keyPaddingMask: keyPaddingMask), atol: 1e-5);
        Close([n, heads, t, s], weights, mha.LastAttentionWeights!, atol: 1e-6);
        var w = mha.LastAttentionWeights!.ToArray();
        for (int i = 0; i < w.Length; i++)
            if (padded[i / (heads * t * s) * s + i % s]) Assert.Equal(0f, w[i]);
        Assert.NotEqual(mha.Forward(query, key, value, causal).ToArray(), mha.Forward(query, key, value, causal, keyPaddingMask: keyPaddingMask).ToArray());
    }

    [Fact]
    public void A_key_padding_mask_of_the_wrong_shape_names_the_op_and_both_shapes()
    {
        var mha = new MultiHeadAttention(4, 2);
        var x = Random(1, 2, 3, 4);
        var e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, keyPaddingMask: Tensor.Zeros(2, 4)));
        Assert.Contains("MultiHeadAttention", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.Null(mha.LastAttentionWeights);
    }

    [Fact]
    public void Self_attention_is_Forward_of_one_tensor()
    {
        var mha = new MultiHeadAttention(4, 2);
        Fill(mha, 20);
        var x = Random(1, 2, 5, 4);
        var (expected, _) = Reference(mha, x, x, x, causal: false);
        Close([2, 5, 4], expected, mha.Forward(x), atol: 1e-5);
        Close([2, 5, 4], expected, new Sequential(mha).Forward(x), atol: 1e-5);
    }

    [Fact]
    public void Causal_weights_are_zero_above_the_diagonal_and_rows_sum_to_one()
    {
        const int n = 2, t = 5, heads = 3;
        var mha = new MultiHeadAttention(6, heads);
        Fill(mha, 30);
        var x = Random(1, n, t, 6);
        mha.Forward(x, x, x, causal: true);
        var w = mha.LastAttentionWeights!;
        Assert.Equal([n, heads, t, t], w.Shape);
        Assert.False(w.RequiresGrad);
        Assert.Null(w.GradFn);
        var values = w.ToArray();
        for (int row = 0; row < n * heads * t; row++)
        {
            int ti = row % t;
            double sum = 0;
            for (int si = 0; si < t; si++)
            {
                float v = values[row * t + si];
                if (si > ti) Assert.Equal(0f, v);
                else Assert.True(v > 0, $"row {row}, key {si}: {v}");
                sum += v;
            }
            Assert.Equal(1, sum, 5);
        }
    }

    [Fact]
    public void An_additive_mask_equals_the_causal_flag()
    {
        var mha = new MultiHeadAttention(4, 2);
        Fill(mha, 40);
        var x = Random(1, 2, 4, 4);
        var mask = MultiHeadAttention.CausalMask(4, 4);
        Assert.Equal(float.NegativeInfinity, mask.ToArray()[1]);
        Assert.Equal(0f, mask.ToArray()[4]);
        Close(mha.Forward(x, x, x, causal: true).ToArray(), mha.Forward(x, x, x, mask: mask).ToArray());
        Assert.NotEqual(mha.Forward(x).ToArray(), mha.Forward(x, x, x, mask: mask).ToArray());
    }

    [Fact]
    public void LastAttentionWeights_has_shape_batch_heads_queries_keys()
    {
        var mha = new MultiHeadAttention(8, 4);
        Assert.Null(mha.LastAttentionWeights);
        mha.Forward(Random(1, 3, 2, 8), Random(2, 3, 7, 8), Random(3, 3, 7, 8));
        Assert.Equal([3, 4, 2, 7], mha.LastAttentionWeights!.Shape);
    }

    [Fact]
    public void ScaledDotProductAttention_weights_values_by_softmax_of_scaled_scores()
    {
        // One query, two keys with scores 0 and 2·2/√4 = 2: weights softmax(0, 2).
        var q = Tensor.FromArray([2f, 0, 0, 0], 1, 4);
        var k = Tensor.FromArray([0f, 0, 0, 0, 2, 0, 0, 0], 2, 4);
        var v = Tensor.FromArray([1f, 10, 3, 30], 2, 2);
        var y = MultiHeadAttention.ScaledDotProductAttention(q, k, v, null, out var weights);
        double w1 = Math.Exp(2) / (1 + Math.Exp(2));
        Close([1, 2], [(float)(1 - w1), (float)w1], weights, atol: 1e-6);
        Close([1, 2], [(float)((1 - w1) * 1 + w1 * 3), (float)((1 - w1) * 10 + w1 * 30)], y, atol: 1e-5);
    }

    [Fact]
    public void Parameters_have_PyTorch_names_and_init()
    {
        var mha = new MultiHeadAttention(8, 2);
        Assert.Equal(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"], mha.NamedParameters().Select(p => p.Name));
        Assert.Equal([24, 8], mha.InProjWeight.Shape);
        Assert.All(mha.InProjBias!.ToArray().Concat(mha.OutProj.Bias!.ToArray()), v => Assert.Equal(0f, v));
        Assert.Equal(["in_proj_weight", "out_proj.weight"], new MultiHeadAttention(8, 2, bias: false).NamedParameters().Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(6, 4));

        var block = new TransformerBlock(8, 2);
        Assert.Equal(
            ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
             "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"],
            block.NamedParameters().Select(p => p.Name));
        Assert.Equal([32, 8], block.Linear1.Weight.Shape);
    }

    [Fact]
    public void Attention_gradients_match_finite_differences()
    {
        var mha = new MultiHeadAttention(4, 2);
        Fill(mha, 50);
        var x = Random(1, 1, 3, 4);
        Passes(GradCheck.Check(t => mha.Forward(t), x));
        Passes(GradCheck.Check(t => mha.Forward(t, t, t, causal: true), x));
        Passes(GradCheck.Check(xs => mha.Forward(xs[0], xs[1], xs[1]), [x, Random(2, 1, 2, 4)]));
    }

    [Fact]
    public void TransformerBlock_keeps_the_shape_and_is_causal()
    {
        const int n = 2, t = 5, e = 8;
        var block = new TransformerBlock(e, 2);
        Fill(block, 60);
        var x = Random(1, n, t, e);
        var y = block.Forward(x);
        Assert.Equal([n, t, e], y.Shape);

        // Changing the token at position 3 changes outputs 3 and 4 only.
        var changed = x.Clone();
        changed[.., 3] = Random(2, n, e);
        var y2 = block.Forward(changed);
        Close(y.Narrow(1, 0, 3).ToArray(), y2.Narrow(1, 0, 3).ToArray(), atol: 0, rtol: 0);
        Assert.NotEqual(y.Narrow(1, 3, 2).ToArray(), y2.Narrow(1, 3, 2).ToArray());

        // Without the causal flag the earlier positions see it too.
        var open = new TransformerBlock(e, 2, causal: false);
        open.LoadStateDict(block.StateDict());
        Assert.NotEqual(open.Forward(x).Narrow(1, 0, 3).ToArray(), open.Forward(changed).Narrow(1, 0, 3).ToArray());
    }

    [Fact]
    public void TransformerBlock_matches_its_formula()
    {
        var block = new TransformerBlock(4, 2);
        Fill(block, 70);
        var x = Random(1, 2, 3, 4);
        var ln1 = block.Norm1.Forward(x);
        var h = x + block.SelfAttn.Forward(ln1, ln1, ln1, causal: true);
        var expected = h + block.Linear2.Forward(block.Linear1.Forward(block.Norm2.Forward(h)).GELU());
        Close(expected.ToArray(), block.Forward(x).ToArray(), atol: 1e-6);
        
    }

    [Fact]
    public void TransformerBlock_gradients_match_finite_differences()
    {
        var block = new TransformerBlock(4, 2);
        Fill(block, 80);
        Passes(GradCheck.Check(t => block.Forward(t), Random(1, 1, 3, 4)));
    }
}
