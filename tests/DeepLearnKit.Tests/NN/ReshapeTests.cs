// Reshape keeps the batch dimension and each sample's elements in order, works out one −1, and names both shapes
// when they do not fit.
using DeepLearnKit.NN;
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.NN;

public class ReshapeTests
{
    [Fact]
    public void Each_sample_is_reshaped_in_row_major_order_and_the_batch_stays()
    {
        var x = Random(1, 2, 12); // (N = 2, 12)
        var y = new Reshape(3, 2, 2).Call(x);
        Assert.Equal([2, 3, 2, 2], y.Shape);
        var xs = x.ToArray();
        var expected = new float[24];
        for (int n = 0; n < 2; n++)
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 2; b++)
                    for (int c = 0; c < 2; c++)
                        expected[((n * 3 + a) * 2 + b) * 2 + c] = xs[n * 12 + a * 4 + b * 2 + c];
        Assert.Equal(expected, y.ToArray());
    }

    [Fact]
    public void Minus_one_is_worked_out_from_the_elements_per_sample()
    {
        Assert.Equal([5, 4, 6], new Reshape(4, -1).Call(Random(2, 5, 2, 3, 4)).Shape);
        Assert.Equal([5, 24], new Reshape(-1).Call(Random(2, 5, 2, 3, 4)).Shape);
    }

    [Fact]
    public void An_input_that_does_not_fit_names_Reshape_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Reshape(5, 2).Call(Random(3, 2, 12)));
        Assert.Contains("Reshape", e.Message);
        Assert.Contains("[2, 12]", e.Message);
        Assert.Contains("[5, 2]", e.Message);
        var withMinusOne = Assert.Throws<ArgumentException>(() => new Reshape(5, -1).Call(Random(3, 2, 12)));
        Assert.Contains("[5, -1]", withMinusOne.Message);
        Assert.Throws<ArgumentException>(() => new Reshape(-1, -1));
        Assert.Throws<ArgumentException>(() => new Reshape(0, 3));
    }
}
