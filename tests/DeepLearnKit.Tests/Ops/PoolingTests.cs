// MaxPool2d, AvgPool2d and AdaptiveAvgPool2d against their definitions written as plain loops
// (PyTorch's floor mode), gradients against finite differences, and error messages.
namespace DeepLearnKit.Tests.Ops;

public class PoolingTests
{
    /// <summary>
    /// Pooling by its definition over each window's taps inside the image: the max, or the sum divided by
    /// kH·kW (padding counted) or by the number of taps inside.
    /// </summary>
    private static float[] DirectPool(float[] x, int[] xs, bool max, (int H, int W) k, (int H, int W) s, (int H, int W) p,
        (int H, int W) d, bool countPadding, out int[] ys)
    {
        int n = xs[0], c = xs[1], h = xs[2], w = xs[3];
        int oh = (h + 2 * p.H - d.H * (k.H - 1) - 1) / s.H + 1, ow = (w + 2 * p.W - d.W * (k.W - 1) - 1) / s.W + 1;
        ys = [n, c, oh, ow];
        var y = new float[n * c * oh * ow];
        for (int plane = 0; plane < n * c; plane++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int inside = 0;
                    for (int i = 0; i < k.H; i++)
                        for (int j = 0; j < k.W; j++)
                        {
                            int ih = r * s.H - p.H + i * d.H, iw = q * s.W - p.W + j * d.W;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                            double v = x[(plane * h + ih) * w + iw];
                            best = Math.Max(best, v);
                            sum += v;
                            inside++;
                        }
                    y[(plane * oh + r) * ow + q] = (float)(max ? best : sum / (countPadding ? k.H * k.W : inside));
                }
        return y;
    }

    [Theory]
    // n, c, h, w, kernel, stride, padding, dilation
    [InlineData(1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1)]
    [InlineData(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1)]
    [InlineData(2, 2, 9, 8, 3, 2, 1, 2, 1, 1, 1, 1)]
    [InlineData(1, 2, 9, 9, 2, 3, 2, 1, 1, 0, 2, 2)]
    [InlineData(3, 4, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1)]  // LeNet
    [InlineData(1, 1, 5, 7, 5, 3, 1, 2, 2, 1, 1, 1)]
    public void MaxPool2d_matches_the_direct_loops(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw)
    {
        int[] xs = [n, c, h, w];
        var x = TensorAssert.Values(TensorAssert.Count(xs), n + c + h + kh);
        var expected = DirectPool(x, xs, max: true, (kh, kw), (sh, sw), (ph, pw), (dh, dw), false, out var ys);
        TensorAssert.Close(ys, expected, Tensor.FromArray(x, xs).MaxPool2d((kh, kw), (sh, sw), (ph, pw), (dh, dw)));
    }

    [Theory]
    // n, c, h, w, kernel, stride, padding, countIncludePad
    [InlineData(1, 1, 4, 4, 2, 2, 2, 2, 0, 0, true)]
    [InlineData(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, true)]
    [InlineData(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, false)]
    [InlineData(2, 2, 9, 8, 3, 2, 1, 2, 1, 1, false)]
    [InlineData(1, 2, 8, 5, 4, 2, 3, 1, 2, 0, true)]
    [InlineData(1, 2, 8, 5, 4, 2, 3, 1, 2, 0, false)]
    public void AvgPool2d_matches_the_direct_loops(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, bool countIncludePad)
    {
        int[] xs = [n, c, h, w];
        var x = TensorAssert.Values(TensorAssert.Count(xs), n + c + h + kh);
        var expected = DirectPool(x, xs, max: false, (kh, kw), (sh, sw), (ph, pw), (1, 1), countIncludePad, out var ys);
        TensorAssert.Close(ys, expected, Tensor.FromArray(x, xs).AvgPool2d((kh, kw), (sh, sw), (ph, pw), countIncludePad));
    }

    [Fact]
    public void Pooling_stride_defaults_to_the_kernel_and_reads_views()
    {
        var x = TensorAssert.Random(1, 2, 6, 6, 3).Permute(0, 3, 1, 2);   // [2, 3, 6, 6], not contiguous
        var packed = x.Contiguous().Clone();
        Assert.Equal([2, 3, 3, 3], x.MaxPool2d(2).Shape);
        TensorAssert.Close(packed.MaxPool2d(2, 2).ToArray(), x.MaxPool2d(2).ToArray());
        TensorAssert.Close(packed.AvgPool2d(3, 3).ToArray(), x.AvgPool2d(3).ToArray());
        // An unbatched [C, H, W] image gives [C, OH, OW].
        TensorAssert.Close([3, 3, 3], packed.MaxPool2d(2).ToArray()[27..], x.Select(0, 1).MaxPool2d(2));
    }

    [Fact]
    public void MaxPool2d_sends_the_gradient_to_each_maximum()
    {
        var x = Tensor.FromArray([1, 5, 2, 0,
                                  3, 4, 7, 1,
                                  0, 0, 2, 2,
                                  9, 1, 3, 6], 1, 1, 4, 4).RequireGrad();
        var y = x.MaxPool2d(2);
        TensorAssert.Close([1, 1, 2, 2], [5, 7, 9, 6], y);
        y.Backward(Tensor.FromArray([10, 20, 30, 40], 1, 1, 2, 2));
        TensorAssert.Close([0, 10, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0, 30, 0, 0, 40], x.Grad!.ToArray());
    }

    [Fact]
    public void MaxPool2d_with_overlapping_windows_adds_gradients()
    {
        // One large value is the max of all four 2×2 windows with stride 1.
        var x = Tensor.FromArray([0, 0, 0, 0, 9, 0, 0, 0, 0], 1, 1, 3, 3).RequireGrad();
        x.MaxPool2d(2, 1).Sum().Backward();
        TensorAssert.Close([0, 0, 0, 0, 4, 0, 0, 0, 0], x.Grad!.ToArray());
    }

    [Theory]
    [InlineData(2, 2, 0, 1)]
    [InlineData(3, 2, 1, 1)]
    [InlineData(2, 1, 1, 2)]
    public void MaxPool2d_gradient_matches_finite_differences(int kernel, int stride, int padding, int dilation)
    {
        // Values at least 0.05 apart: no ties, so a step of 10⁻³ never changes which element wins.
        var x = TensorAssert.Distinct(kernel * 10 + padding, 0.05f, 2, 2, 6, 5);
        TensorAssert.Passes(GradCheck.Check(t => t.MaxPool2d(kernel, stride, padding, dilation), x));
    }

    [Theory]
    [InlineData(2, 2, 0, true)]
    [InlineData(3, 2, 1, true)]
    [InlineData(3, 1, 1, false)]
    public void AvgPool2d_gradient_matches_finite_differences(int kernel, int stride, int padding, bool countIncludePad)
    {
        var x = TensorAssert.Random(kernel + stride, 2, 2, 6, 5);
        TensorAssert.Passes(GradCheck.Check(t => t.AvgPool2d(kernel, stride, padding, countIncludePad), x, eps: 1e-2));
    }

    /// <summary>PyTorch's adaptive bins: output i averages rows ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1.</summary>
    private static float[] DirectAdaptiveAvg(float[] x, int[] xs, int oh, int ow)
    {
        int planes = xs[0] * xs[1], h = xs[2], w = xs[3];
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++)
                {
                    int h0 = r * h / oh, h1 = ((r + 1) * h + oh - 1) / oh, w0 = q * w / ow, w1 = ((q + 1) * w + ow - 1) / ow;
                    double sum = 0;
                    for (int i = h0; i < h1; i++)
                        for (int j = w0; j < w1; j++) sum += x[(p * h + i) * w + j];
                    y[(p * oh + r) * ow + q] = (float)(sum / ((h1 - h0) * (w1 - w0)));
                }
        return y;
    }

    [Theory]
    [InlineData(2, 3, 8, 6, 1, 1)]   // global average pooling
    [InlineData(2, 3, 8, 6, 4, 3)]   // divisible: AvgPool2d
    [InlineData(2, 3, 7, 5, 3, 2)]   // uneven bins
    [InlineData(1, 2, 3, 4, 5, 6)]   // output larger than input
    public void AdaptiveAvgPool2d_matches_the_direct_loops(int n, int c, int h, int w, int oh, int ow)
    {
        int[] xs = [n, c, h, w];
        var x = TensorAssert.Values(TensorAssert.Count(xs), h * 10 + oh);
        TensorAssert.Close([n, c, oh, ow], DirectAdaptiveAvg(x, xs, oh, ow), Tensor.FromArray(x, xs).AdaptiveAvgPool2d((oh, ow)));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void AdaptiveAvgPool2d_gradient_matches_finite_differences(int oh, int ow)
    {
        var x = TensorAssert.Random(oh, 2, 2, 6, 5);
        TensorAssert.Passes(GradCheck.Check(t => t.AdaptiveAvgPool2d((oh, ow)), x, eps: 1e-2));
    }

    [Fact]
    public void Pooling_errors_name_the_op_and_the_shape()
    {
        var x = Tensor.Zeros(2, 3, 4, 4);
        Assert.Equal("MaxPool2d: expected input [N, C, H, W] (or [C, H, W]), got shape [4, 4].",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(4, 4).MaxPool2d(2)).Message);
        Assert.StartsWith("AvgPool2d: input [2, 3, 4, 4] padded by (0, 0) is 4×4, smaller than the 5×5 window",
            Assert.Throws<ArgumentException>(() => x.AvgPool2d(5)).Message);
        Assert.Contains("padding must be between 0 and half the kernel size (2, 2), got (2, 2)",
            Assert.Throws<ArgumentException>(() => x.MaxPool2d(2, padding: 2)).Message);
        Assert.Contains("stride must be at least 1", Assert.Throws<ArgumentException>(() => x.MaxPool2d(2, stride: 0)).Message);
        Assert.StartsWith("AdaptiveAvgPool2d: output size must be at least 1",
            Assert.Throws<ArgumentException>(() => x.AdaptiveAvgPool2d((0, 1))).Message);
    }
}
