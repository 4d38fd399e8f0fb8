// Conv2d and ConvTranspose2d against the definitions written as plain loops (seven nested loops for
// the convolution, a scatter for the transpose), their gradients against finite differences, and
// their error messages.
using DeepLearnKit.Backends.Cpu;

namespace DeepLearnKit.Tests.Ops;

public class ConvolutionTests
{
    /// <summary>Conv2d by its definition, in double: y[n,k,oh,ow] = b[k] + Σ_{c,i,j} W[k,c,i,j]·x[n, g·Cg + c, oh·s − p + i·d, ow·s − p + j·d].</summary>
    private static float[] DirectConv2d(float[] x, int[] xs, float[] w, int[] ws, float[]? b,
        (int H, int W) s, (int H, int W) p, (int H, int W) d, int groups, out int[] ys)
    {
        int n = xs[0], cin = xs[1], h = xs[2], wd = xs[3], cout = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        int oh = (h + 2 * p.H - d.H * (kh - 1) - 1) / s.H + 1, ow = (wd + 2 * p.W - d.W * (kw - 1) - 1) / s.W + 1;
        int kg = cout / groups;
        ys = [n, cout, oh, ow];
        var y = new float[n * cout * oh * ow];
        for (int b0 = 0; b0 < n; b0++)
            for (int k = 0; k < cout; k++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                    {
                        double sum = b?[k] ?? 0;
                        for (int c = 0; c < cg; c++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int ih = r * s.H - p.H + i * d.H, iw = q * s.W - p.W + j * d.W;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    int ci = k / kg * cg + c;
                                    sum += (double)w[((k * cg + c) * kh + i) * kw + j] * x[((b0 * cin + ci) * h + ih) * wd + iw];
                                }
                        y[((b0 * cout + k) * oh + r) * ow + q] = (float)sum;
                    }
        return y;
    }

    /// <summary>ConvTranspose2d by its definition: every input pixel scatters x·W[c, k] into the output.</summary>
    private static float[] DirectConvTranspose2d(float[] x, int[] xs, float[] w, int[] ws, float[]? b,
        (int H, int W) s, (int H, int W) p, (int H, int W) op, (int H, int W) d, int groups, out int[] ys)
    {
        int n = xs[0], cin = xs[1], h = xs[2], wd = xs[3], kg = ws[1], kh = ws[2], kw = ws[3];
        int cout = kg * groups, cg = cin / groups;
        int oh = (h - 1) * s.H - 2 * p.H + d.H * (kh - 1) + op.H + 1, ow = (wd - 1) * s.W - 2 * p.W + d.W * (kw - 1) + op.W + 1;
        ys = [n, cout, oh, ow];
        var y = new double[n * cout * oh * ow];
        for (int b0 = 0; b0 < n; b0++)
            for (int k = 0; k < cout; k++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                        y[((b0 * cout + k) * oh + r) * ow + q] = b?[k] ?? 0;
        for (int b0 = 0; b0 < n; b0++)
            for (int c = 0; c < cin; c++)
                for (int r = 0; r < h; r++)
                    for (int q = 0; q < wd; q++)
                        for (int k = 0; k < kg; k++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int yh = r * s.H - p.H + i * d.H, yw = q * s.W - p.W + j * d.W;
                                    if (yh < 0 || yh >= oh || yw < 0 || yw >= ow) continue;
                                    int ko = c / cg * kg + k;
                                    y[((b0 * cout + ko) * oh + yh) * ow + yw] += (double)x[((b0 * cin + c) * h + r) * wd + q] * w[((c * kg + k) * kh + i) * kw + j];
                                }
        return y.Select(v => (float)v).ToArray();
    }

    [Theory]
    // n, cin, h, w, cout, kh, kw, stride, padding, dilation, groups, bias
    [InlineData(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, false)]
    [InlineData(2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true)]
    [InlineData(2, 3, 8, 9, 5, 3, 2, 2, 2, 0, 0, 1, 1, 1, true)]
    [InlineData(3, 2, 9, 7, 4, 2, 3, 2, 1, 2, 1, 1, 1, 1, false)]
    [InlineData(2, 4, 9, 9, 6, 3, 3, 1, 1, 2, 2, 2, 2, 2, true)]
    [InlineData(2, 4, 10, 8, 4, 3, 3, 1, 2, 1, 0, 1, 2, 4, true)]   // depthwise
    [InlineData(1, 4, 8, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 4, false)]   // depthwise, 2 filters per channel
    [InlineData(2, 6, 7, 7, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, true)]    // 1×1
    [InlineData(2, 2, 6, 11, 3, 1, 5, 1, 3, 0, 2, 1, 2, 1, true)]   // wide kernel
    [InlineData(4, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 1, 1, 1, true)]  // LeNet's first layer
    [InlineData(2, 3, 16, 16, 8, 4, 4, 2, 2, 1, 1, 1, 1, 1, false)] // DCGAN's discriminator layer
    [InlineData(1, 2, 5, 5, 2, 5, 5, 1, 1, 0, 0, 1, 1, 2, true)]    // kernel as large as the image
    public void Conv2d_matches_the_direct_loops(int n, int cin, int h, int w, int cout, int kh, int kw,
        int sh, int sw, int ph, int pw, int dh, int dw, int groups, bool withBias)
    {
        int seed = n * 1000 + cin * 100 + h + kh;
        int[] xs = [n, cin, h, w], ws = [cout, cin / groups, kh, kw];
        var x = TensorAssert.Values(TensorAssert.Count(xs), seed);
        var wt = TensorAssert.Values(TensorAssert.Count(ws), seed + 1);
        var b = withBias ? TensorAssert.Values(cout, seed + 2) : null;

        var expected = DirectConv2d(x, xs, wt, ws, b, (sh, sw), (ph, pw), (dh, dw), groups, out var ys);
        var y = Tensor.Conv2d(Tensor.FromArray(x, xs), Tensor.FromArray(wt, ws), b is null ? null : Tensor.FromArray(b, cout),
            stride: (sh, sw), padding: (ph, pw), dilation: (dh, dw), groups: groups);

        TensorAssert.Close(ys, expected, y, atol: 1e-4, rtol: 1e-4);
    }

    [Theory]
    // n, cin, h, w, cout, kh, kw, stride, padding, outputPadding, dilation, groups, bias
    [InlineData(1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, false)]
    [InlineData(2, 3, 4, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true)]
    [InlineData(2, 4, 4, 4, 3, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, true)]  // DCGAN's generator layer
    [InlineData(1, 8, 1, 1, 4, 4, 4, 1, 1, 0, 0, 0, 0, 1, 1, 1, false)] // DCGAN's first layer, 1×1 → 4×4
    [InlineData(2, 4, 5, 3, 6, 2, 3, 3, 2, 1, 0, 2, 1, 2, 1, 2, true)]
    [InlineData(1, 4, 4, 4, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 4, false)]
    [InlineData(2, 2, 4, 5, 3, 3, 2, 1, 2, 0, 1, 0, 1, 2, 2, 1, true)]  // dilation
    public void ConvTranspose2d_matches_the_direct_scatter(int n, int cin, int h, int w, int cout, int kh, int kw,
        int sh, int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups, bool withBias)
    {
        int seed = n * 1000 + cin * 100 + h + kh + 7;
        int[] xs = [n, cin, h, w], ws = [cin, cout / groups, kh, kw];
        var x = TensorAssert.Values(TensorAssert.Count(xs), seed);
        var wt = TensorAssert.Values(TensorAssert.Count(ws), seed + 1);
        var b = withBias ? TensorAssert.Values(cout, seed + 2) : null;

        var expected = DirectConvTranspose2d(x, xs, wt, ws, b, (sh, sw), (ph, pw), (oph, opw), (dh, dw), groups, out var ys);
        var y = Tensor.ConvTranspose2d(Tensor.FromArray(x, xs), Tensor.FromArray(wt, ws), b is null ? null : Tensor.FromArray(b, cout),
            stride: (sh, sw), padding: (ph, pw), outputPadding: (oph, opw), dilation: (dh, dw), groups: groups);

        TensorAssert.Close(ys, expected, y, atol: 1e-4, rtol: 1e-4);
    }

    [Fact]
    public void ConvTranspose2d_is_the_adjoint_of_Conv2d()
    {
        // ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ for the same weight.
        var x = TensorAssert.Random(1, 2, 4, 9, 8);
        var w = TensorAssert.Random(2, 6, 2, 3, 3);
        var cx = Tensor.Conv2d(x, w, stride: 2, padding: 1, groups: 2);
        var y = TensorAssert.Random(3, cx.Shape);
        var ty = Tensor.ConvTranspose2d(y, w, stride: 2, padding: 1, outputPadding: (0, 1), groups: 2);
        Assert.Equal(x.Shape, ty.Shape);
        float left = (cx * y).Sum().Item(), right = (x * ty).Sum().Item();
        Assert.True(Math.Abs(left - right) <= 1e-4 * (1 + Math.Abs(left)), $"⟨conv(x), y⟩ = {left} but ⟨x, convT(y)⟩ = {right}");
    }

    [Fact]
    public void Conv2d_reads_views_and_unbatched_images()
    {
        var x = TensorAssert.Random(4, 3, 6, 5, 2).Permute(0, 3, 2, 1);   // [3, 2, 5, 6], not contiguous
        var w = TensorAssert.Random(5, 4, 2, 3, 3);
        var expected = Tensor.Conv2d(x.Contiguous().Clone(), w, padding: 1).ToArray();
        TensorAssert.Close(expected, Tensor.Conv2d(x, w, padding: 1).ToArray());

        var second = x.Select(0, 1);                             // [2, 5, 6] at a storage offset
        var single = Tensor.Conv2d(second, w, padding: 1);
        Assert.Equal([4, 5, 6], single.Shape);
        TensorAssert.Close(expected.Skip(4 * 5 * 6).Take(4 * 5 * 6).ToArray(), single.ToArray());
    }

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 2, 2, 1)]
    [InlineData(2, 1, 1, 2)]
    [InlineData(1, 1, 1, 4)]
    public void Conv2d_gradients_match_finite_differences(int stride, int padding, int dilation, int groups)
    {
        int seed = 10 * stride + padding + 100 * groups;
        var x = TensorAssert.Random(seed, 2, 4, 6, 5);
        var w = TensorAssert.Random(seed + 1, 4, 4 / groups, 3, 2);
        var b = TensorAssert.Random(seed + 2, 4);
        var result = GradCheck.Check(t => Tensor.Conv2d(t[0], t[1], t[2], stride, padding, dilation, groups), [x, w, b], eps: 1e-2);
        TensorAssert.Passes(result);
    }

    [Theory]
    [InlineData(1, 0, 0, 1, 1)]
    [InlineData(2, 1, 1, 1, 1)]
    [InlineData(2, 1, 0, 2, 2)]
    [InlineData(3, 0, 2, 1, 2)]
    public void ConvTranspose2d_gradients_match_finite_differences(int stride, int padding, int outputPadding, int dilation, int groups)
    {
        int seed = 10 * stride + padding + 100 * groups + 1000 * outputPadding;
        var x = TensorAssert.Random(seed, 2, 4, 3, 4);
        var w = TensorAssert.Random(seed + 1, 4, 6 / groups, 3, 2);
        var b = TensorAssert.Random(seed + 2, 6);
        var result = GradCheck.Check(t => Tensor.ConvTranspose2d(t[0], t[1], t[2], stride, padding, outputPadding, dilation, groups), [x, w, b], eps: 1e-2);
        TensorAssert.Passes(result);
    }

    [Fact]
    public void Conv2d_backward_without_bias_fills_input_and_weight_grads()
    {
        var x = TensorAssert.Random(6, 2, 3, 5, 5).RequireGrad();
        var w = TensorAssert.Random(7, 2, 3, 3, 3).RequireGrad();
        Tensor.Conv2d(x, w).Sum().Backward();
        // ∂Σy/∂W[k, c, i, j] = Σ over windows of x: the same for both output channels.
        var gw = w.Grad!.ToArray();
        TensorAssert.Close(gw[..27], gw[27..]);
        Assert.Equal(x.Shape, x.Grad!.Shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Batch_gradients_are_the_sums_of_per_image_gradients(bool inParts)
    {
        // 16×16 outputs: parts of 2 images (a 512-column GEMM), shared by two workers, each with its own partial ∂L/∂W.
        // With the columns budget cut to one image, 8 parts of 1, where ∂L/∂x needs no gather.
        var x = TensorAssert.Random(8, 8, 3, 16, 16).RequireGrad();
        var w = TensorAssert.Random(9, 8, 3, 3, 3).RequireGrad();
        var g = TensorAssert.Random(10, 8, 8, 16, 16);
        var whole = Tensor.Conv2d(x.Detach(), w.Detach(), padding: 1).ToArray();
        Tensor.ColumnBudgetOnThisThread = inParts ? 3 * 3 * 3 * 16 * 16 : null;
        int threads = CpuParallel.MaxThreads;
        CpuParallel.MaxThreads = 2; // two workers whatever the machine, so each sums several parts into its partial ∂L/∂W
        try
        {
            var y = Tensor.Conv2d(x, w, padding: 1);
            TensorAssert.Close(whole, y.ToArray(), atol: 1e-5, rtol: 1e-5);
            y.Backward(g);
        }
        finally
        {
            Tensor.ColumnBudgetOnThisThread = null;
            CpuParallel.MaxThreads = threads;
        }

        var expected = new float[w.NumEl];
        for (int n = 0; n < 8; n++)
        {
            var wn = w.Detach().Clone().RequireGrad();
            var xn = x.Detach().Narrow(0, n, 1).RequireGrad();
            Tensor.Conv2d(xn, wn, padding: 1).Backward(g.Narrow(0, n, 1));
            var gwn = wn.Grad!.ToArray();
            for (int i = 0; i < gwn.Length; i++) expected[i] += gwn[i];
            TensorAssert.Close(x.Grad!.Narrow(0, n, 1).ToArray(), xn.Grad!.ToArray(), atol: 1e-4, rtol: 1e-4);
        }
        TensorAssert.Close(expected, w.Grad!.ToArray(), atol: 1e-3, rtol: 1e-4);
    }

    [Fact]
    public void Conv2d_channel_mismatch_names_the_op_and_both_shapes()
    {
        var x = Tensor.Zeros(2, 3, 8, 8);
        var w = Tensor.Zeros(8, 4, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, w));
        Assert.Equal("Conv2d: input [2, 3, 8, 8] has 3 channels but weight [8, 4, 3, 3] expects 4 (groups 1).", e.Message);
    }

    [Fact]
    public void Conv2d_rejects_bad_ranks_groups_bias_and_sizes_before_computing()
    {
        var x = Tensor.Zeros(2, 4, 8, 8);
        var w = Tensor.Zeros(6, 2, 3, 3);
        Assert.Contains("Conv2d: expected input [N, C, H, W]", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(8, 8), w)).Message);
        Assert.Contains("[6, 2, 3]", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(6, 2, 3))).Message);
        Assert.Contains("groups 3 does not divide", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, w, groups: 3)).Message);
        Assert.Contains("bias [5]", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, w, Tensor.Zeros(5), groups: 2)).Message);
        Assert.Contains("smaller than the 5×5 window", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 4, 4, 4), w, dilation: 2, groups: 2)).Message);
        Assert.Contains("stride must be at least 1", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, w, stride: 0, groups: 2)).Message);
        Assert.Contains("output channels", Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(5, 1, 3, 3), groups: 4)).Message);
    }

    [Fact]
    public void ConvTranspose2d_errors_name_the_op_and_shapes()
    {
        var x = Tensor.Zeros(1, 3, 4, 4);
        var e = Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(x, Tensor.Zeros(4, 2, 3, 3)));
        Assert.StartsWith("ConvTranspose2d: input [1, 3, 4, 4] has 3 channels but weight [4, 2, 3, 3] expects 4", e.Message);
        Assert.Contains("outputPadding", Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(x, Tensor.Zeros(3, 2, 3, 3), stride: 2, outputPadding: 2)).Message);
        Assert.Contains("bias [3]", Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(x, Tensor.Zeros(3, 2, 3, 3), Tensor.Zeros(3), groups: 3)).Message);
    }

    [Fact]
    public void Size2_reads_an_int_or_a_pair()
    {
        Size2 both = 3, pair = (2, 5);
        Assert.Equal(new Size2(3, 3), both);
        Assert.Equal((2, 5), (pair.H, pair.W));
        Assert.Equal("(2, 5)", pair.ToString());
    }
}
