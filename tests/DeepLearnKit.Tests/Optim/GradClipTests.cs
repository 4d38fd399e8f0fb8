// Gradient clipping against a hand computation of the total norm and PyTorch's scale factor.
using DeepLearnKit.Optim;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Optim;

public class GradClipTests
{
    private static (Tensor A, Tensor B, Tensor NoGrad) Parameters()
    {
        var a = Tensor.Zeros(2, 2).RequireGrad();
        var b = Tensor.Zeros(3).RequireGrad();
        a.Grad = Tensor.FromArray([3f, -4f, 1f, 2f], 2, 2);
        b.Grad = Tensor.FromArray([0.5f, -6f, 2f]);
        return (a, b, Tensor.Zeros(1).RequireGrad());
    }

    private static readonly double[] AllGrads = [3, -4, 1, 2, 0.5, -6, 2];

    [Theory]
    [InlineData(2.0, 2.5)]
    [InlineData(2.0, 8.0)] // just below the norm √70.25 ≈ 8.38: a scale near 1 still applies
    [InlineData(1.0, 2.5)]
    [InlineData(3.0, 2.5)]
    [InlineData(double.PositiveInfinity, 2.5)]
    public void ClipGradNorm_returns_the_total_norm_and_scales_to_max_norm(double normType, double maxNorm)
    {
        var (a, b, none) = Parameters();
        double norm = double.IsPositiveInfinity(normType)
            ? AllGrads.Max(Math.Abs)
            : Math.Pow(AllGrads.Sum(g => Math.Pow(Math.Abs(g), normType)), 1 / normType);
        double total = GradClip.ClipGradNorm([a, b, none], maxNorm, normType);
        Assert.Equal(norm, total, 5);
        double scale = maxNorm / (norm + 1e-6);
        var scaled = AllGrads.Select(g => (float)(g * scale)).ToArray();
        Close(scaled[..4], a.Grad!.ToArray(), rtol: 1e-6);
        Close(scaled[4..], b.Grad!.ToArray(), rtol: 1e-6);
        Assert.Null(none.Grad);
    }

    [Fact]
    public void ClipGradNorm_leaves_gradients_below_max_norm_untouched()
    {
        var (a, b, _) = Parameters();
        double total = GradClip.ClipGradNorm([a, b], maxNorm: 100);
        Assert.Equal(Math.Sqrt(AllGrads.Sum(g => g * g)), total, 5);
        Assert.Equal([3f, -4f, 1f, 2f], a.Grad!.ToArray());
        Assert.Equal([0.5f, -6f, 2f], b.Grad!.ToArray());
    }

    [Fact]
    public void ClipGradValue_clamps_each_element()
    {
        var (a, b, _) = Parameters();
        GradClip.ClipGradValue([a, b], 2.5);
        Assert.Equal([2.5f, -2.5f, 1f, 2f], a.Grad!.ToArray());
        Assert.Equal([0.5f, -2.5f, 2f], b.Grad!.ToArray());
    }
}
