// Pooling modules: they pass their settings to the ops (stride defaulting to the kernel), have no
// parameters, and let gradients through.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class PoolingLayerTests
{
    [Fact]
    public void MaxPool2d_takes_the_maximum_of_each_window_with_stride_defaulting_to_the_kernel()
    {
        var x = Tensor.Arange(16).Reshape(1, 1, 4, 4);
        var pool = new MaxPool2d(2);
        Assert.Equal((2, 2), (pool.Stride.H, pool.Stride.W));
        TensorAssert.Close([1, 1, 2, 2], [5, 7, 13, 15], pool.Forward(x));
        // Overlapping windows with padding: OH = ⌊(4 + 2 − 3)/2⌋ + 1 = 2.
        var y = new MaxPool2d(3, stride: 2, padding: 1).Forward(x);
        TensorAssert.Close([1, 1, 2, 2], [5, 7, 13, 15], y);
        Assert.Equal(0, pool.ParameterCount());
    }

    [Fact]
    public void AvgPool2d_and_AdaptiveAvgPool2d_average_their_windows()
    {
        var x = Tensor.Arange(16).Reshape(1, 1, 4, 4);
        TensorAssert.Close([1, 1, 2, 2], [2.5f, 4.5f, 10.5f, 12.5f], new AvgPool2d(2).Forward(x));
        // Padding counted as zeros by default: the corner window (3×3 around (0,0)) sums 0+1+4+5 = 10 over 9.
        var padded = new AvgPool2d(3, stride: 2, padding: 1).Forward(x);
        Assert.Equal(10f / 9, padded.ToArray()[0], 5);
        Assert.Equal(10f / 4, new AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false).Forward(x).ToArray()[0], 5);
        TensorAssert.Close([1, 1, 1, 1], [7.5f], new AdaptiveAvgPool2d(1).Forward(x));
        // 4 rows into 3 bins: {0,1}, {1,2}, {2,3}; columns alike.
        var a = new AdaptiveAvgPool2d((3, 3)).Forward(x).ToArray();
        Assert.Equal((0 + 1 + 4 + 5) / 4f, a[0], 5);
        Assert.Equal((10 + 11 + 14 + 15) / 4f, a[8], 5);
    }

    [Fact]
    public void Gradients_through_the_pooling_layers_match_finite_differences()
    {
        var x = TensorAssert.Distinct(8, 0.05f, 1, 2, 5, 5);   // no ties, so the max is differentiable
        TensorAssert.Passes(GradCheck.Check(t => new MaxPool2d(2, stride: 1).Call(t), x));
        TensorAssert.Passes(GradCheck.Check(t => new AvgPool2d(3, stride: 2, padding: 1).Call(t), x));
        TensorAssert.Passes(GradCheck.Check(t => new AdaptiveAvgPool2d((2, 3)).Call(t), x));
    }

    [Fact]
    public void Printed_forms_show_the_window()
    {
        Assert.Equal("MaxPool2d(kernel: (2, 2))", new MaxPool2d(2).ToString());
        Assert.Equal("AvgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1))", new AvgPool2d(3, 2, 1).ToString());
        Assert.Equal("AdaptiveAvgPool2d((1, 1))", new AdaptiveAvgPool2d(1).ToString());
    }
}
