// BatchNorm and LayerNorm against the formulas computed by hand: batch statistics in training, running
// statistics (updated with the unbiased variance, as PyTorch) in evaluation, PyTorch's buffer names, and
// gradients through both layers.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class NormalizationTests
{
    /// <summary>Images whose channels have different means and spreads: channel c is about c·3 ± (c + 1).</summary>
    private static Tensor Images(int seed, int n, int c, int h, int w)
    {
        var x = TensorAssert.Random(seed, n, c, h, w).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            int channel = i / (h * w) % c;
            x[i] = x[i] * (channel + 1) + channel * 3;
        }
        return Tensor.FromArray(x, n, c, h, w);
    }

    /// <summary>Per channel (dim 1) of a [N, C, rest] array: the mean and the biased variance, in double.</summary>
    private static (double[] Mean, double[] BiasedVar, int Count) ChannelStats(float[] x, int n, int c, int rest)
    {
        var mean = new double[c];
        var variance = new double[c];
        int count = n * rest;
        for (int ch = 0; ch < c; ch++)
        {
            var values = Enumerable.Range(0, n).SelectMany(b => Enumerable.Range(0, rest).Select(r => (double)x[(b * c + ch) * rest + r])).ToArray();
            mean[ch] = values.Average();
            variance[ch] = values.Select(v => (v - mean[ch]) * (v - mean[ch])).Sum() / count;
        }
        return (mean, variance, count);
    }

    [Fact]
    public void Training_mode_gives_each_channel_mean_0_and_biased_variance_1()
    {
        var bn = new BatchNorm2d(3);
        var y = bn.Forward(Images(1, 4, 3, 5, 5)).ToArray();
        var (mean, variance, _) = ChannelStats(y, 4, 3, 25);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0, mean[c], 4);
            Assert.Equal(1, variance[c], 3);   // ε = 1e-5 takes a hair off
        }
    }

    [Fact]
    public void One_training_step_moves_the_running_statistics_a_tenth_of_the_way_with_the_unbiased_variance()
    {
        var bn = new BatchNorm2d(3);
        float[] initMean = [0.5f, -1f, 2f], initVar = [2f, 0.5f, 1.5f];
        bn.RunningMean.CopyFrom(Tensor.FromArray(initMean, 3));
        bn.RunningVar.CopyFrom(Tensor.FromArray(initVar, 3));
        var x = Images(2, 4, 3, 5, 5);
        bn.Forward(x);

        var (mean, biased, count) = ChannelStats(x.ToArray(), 4, 3, 25);
        var expectedMean = Enumerable.Range(0, 3).Select(c => (float)(0.9 * initMean[c] + 0.1 * mean[c])).ToArray();
        var expectedVar = Enumerable.Range(0, 3).Select(c => (float)(0.9 * initVar[c] + 0.1 * biased[c] * count / (count - 1))).ToArray();
        TensorAssert.Close([3], expectedMean, bn.RunningMean, atol: 1e-5, rtol: 1e-5);
        TensorAssert.Close([3], expectedVar, bn.RunningVar, atol: 1e-5, rtol: 1e-5);
        Assert.Equal(1f, bn.NumBatchesTracked.Item());
    }

    [Fact]
    public void Evaluation_mode_normalises_with_the_running_statistics_and_leaves_them_alone()
    {
        var bn = new BatchNorm2d(2);
        using (Tensor.NoGrad())
        {
            bn.Weight!.CopyFrom(Tensor.FromArray([2f, 0.5f], 2));
            bn.Bias!.CopyFrom(Tensor.FromArray([1f, -1f], 2));
        }
        var x = Images(3, 2, 2, 3, 3);
        var train = bn.Forward(x).ToArray();
        var (rm, rv) = (bn.RunningMean.ToArray(), bn.RunningVar.ToArray());

        bn.Eval();
        var eval = bn.Forward(x);
        var xs = x.ToArray();
        var expected = new float[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            int c = i / 9 % 2;
            float g = c == 0 ? 2f : 0.5f, b = c == 0 ? 1f : -1f;
            expected[i] = (float)((xs[i] - rm[c]) / Math.Sqrt(rv[c] + 1e-5) * g + b);
        }
        TensorAssert.Close([2, 2, 3, 3], expected, eval, atol: 1e-4, rtol: 1e-4);
        Assert.True(train.Zip(eval.ToArray()).Any(p => Math.Abs(p.First - p.Second) > 0.1), "eval gave the training output");
        TensorAssert.Close(rm, bn.RunningMean.ToArray(), atol: 0, rtol: 0);
        Assert.Equal(1f, bn.NumBatchesTracked.Item());
    }

    [Fact]
    public void Num_batches_tracked_counts_training_batches_and_null_momentum_averages_them()
    {
        var bn = new BatchNorm1d(2, momentum: null);
        var a = TensorAssert.Random(4, 6, 2);
        var b = TensorAssert.Between(5, 2, 4, 6, 2);
        bn.Forward(a);
        Assert.Equal(1f, bn.NumBatchesTracked.Item());
        bn.Forward(b);
        Assert.Equal(2f, bn.NumBatchesTracked.Item());
        // Cumulative average: the first batch replaces the initial 0, the second is averaged with it.
        var meanA = ChannelStats(a.ToArray(), 6, 2, 1).Mean;
        var meanB = ChannelStats(b.ToArray(), 6, 2, 1).Mean;
        TensorAssert.Close([2], [(float)((meanA[0] + meanB[0]) / 2), (float)((meanA[1] + meanB[1]) / 2)], bn.RunningMean, atol: 1e-5);
    }

    [Fact]
    public void BatchNorm1d_normalises_features_and_sequences_per_channel()
    {
        var bn = new BatchNorm1d(3);
        var features = TensorAssert.Between(6, -2, 5, 8, 3);
        var (m1, v1, _) = ChannelStats(bn.Forward(features).ToArray(), 8, 3, 1);
        var sequences = Images(7, 4, 3, 1, 6).Reshape(4, 3, 6);
        var (m2, v2, _) = ChannelStats(bn.Forward(sequences).ToArray(), 4, 3, 6);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0, m1[c], 4);
            Assert.Equal(1, v1[c], 3);
            Assert.Equal(0, m2[c], 4);
            Assert.Equal(1, v2[c], 3);
        }
    }

    [Fact]
    public void Parameters_and_buffers_have_PyTorchs_names()
    {
        var bn = new BatchNorm2d(4);
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Name));
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], bn.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys);
        Assert.Equal(8, bn.ParameterCount());
        Assert.Empty(new BatchNorm2d(4, affine: false).NamedParameters());
        Assert.Equal("BatchNorm2d(4)", bn.ToString());
    }

    [Fact]
    public void Wrong_shapes_are_refused_with_the_expected_layout()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 4, 5, 5)));
        Assert.Contains("3 channels", e.Message);
        Assert.Contains("[2, 4, 5, 5]", e.Message);
        Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 3)));
        Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3)));   // one value per channel
        Assert.Contains("[4, 8]", Assert.Throws<ArgumentException>(() => new LayerNorm(6).Forward(Tensor.Zeros(4, 8))).Message);
    }

    [Fact]
    public void Gradients_through_batch_norm_match_finite_differences_in_both_modes()
    {
        var bn = new BatchNorm2d(2);
        using (Tensor.NoGrad())
        {
            bn.Weight!.CopyFrom(Tensor.FromArray([1.5f, -0.7f], 2));
            bn.Bias!.CopyFrom(Tensor.FromArray([0.3f, 0.2f], 2));
        }
        ModuleGradCheck.Passes(bn, Images(8, 3, 2, 2, 2));
        bn.Eval();
        ModuleGradCheck.Passes(bn, Images(9, 3, 2, 2, 2));
        ModuleGradCheck.Passes(new BatchNorm1d(3), TensorAssert.Random(10, 4, 3));
    }

    [Fact]
    public void LayerNorm_matches_the_formula_written_as_a_loop()
    {
        var ln = new LayerNorm([2, 3]);
        using (Tensor.NoGrad())
        {
            ln.Weight!.CopyFrom(TensorAssert.Between(11, 0.5f, 2, 2, 3));
            ln.Bias!.CopyFrom(TensorAssert.Random(12, 2, 3));
        }
        var x = TensorAssert.Between(13, -3, 3, 4, 2, 3);
        var (xs, g, b) = (x.ToArray(), ln.Weight!.ToArray(), ln.Bias!.ToArray());
        var expected = new float[xs.Length];
        for (int row = 0; row < 4; row++)
        {
            var v = xs[(row * 6)..(row * 6 + 6)].Select(f => (double)f).ToArray();
            double mean = v.Average(), variance = v.Select(t => (t - mean) * (t - mean)).Average();
            for (int k = 0; k < 6; k++) expected[row * 6 + k] = (float)((v[k] - mean) / Math.Sqrt(variance + 1e-5) * g[k] + b[k]);
        }
        TensorAssert.Close([4, 2, 3], expected, ln.Forward(x), atol: 1e-5, rtol: 1e-4);
        Assert.Equal(["weight", "bias"], ln.NamedParameters().Select(p => p.Name));
        Assert.Equal("LayerNorm([2, 3])", ln.ToString());
    }

    [Fact]
    public void Gradients_through_layer_norm_match_finite_differences()
    {
        var ln = new LayerNorm(4);
        using (Tensor.NoGrad()) ln.Weight!.CopyFrom(TensorAssert.Between(14, 0.5f, 2, 4));
        ModuleGradCheck.Passes(ln, TensorAssert.Random(15, 3, 4));
    }
}
