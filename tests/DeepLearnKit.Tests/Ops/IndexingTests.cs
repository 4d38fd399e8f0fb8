// IndexSelect and Gather forward values against loops (their gradients are in Autograd/GradCheckOpsTests).
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Ops;

public class IndexingTests
{
    [Fact]
    public void IndexSelect_picks_rows_or_columns_in_index_order()
    {
        var x = Tensor.Arange(12).Reshape(3, 4);
        Assert.Equal([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11], x.IndexSelect(0, Tensor.FromArray([2, 0, 2])).ToArray());
        Assert.Equal([3, 1, 7, 5, 11, 9], x.IndexSelect(1, Tensor.FromArray([3, 1])).ToArray());
        Assert.Equal([4, 5, 6, 7], x.IndexSelect(0, Tensor.FromArray([1])).ToArray());
        Assert.Equal([1, 4], x.IndexSelect(0, Tensor.FromArray([1])).Shape);
        Assert.Equal([2, 6, 10], x.T.IndexSelect(0, Tensor.FromArray([2])).ToArray());
    }

    [Fact]
    public void Gather_picks_one_element_per_index_position()
    {
        float[] xv = Values(3 * 5, 1);
        var x = Tensor.FromArray(xv, 3, 5);
        float[] iv = [4, 0, 1, 1, 3, 2];
        var y = x.Gather(1, Tensor.FromArray(iv, 3, 2));
        Assert.Equal([3, 2], y.Shape);
        var expected = new float[6];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                expected[i * 2 + j] = xv[i * 5 + (int)iv[i * 2 + j]];
        Assert.Equal(expected, y.ToArray());

        var down = x.Gather(0, Tensor.FromArray([2, 0, 1], 1, 3)); // out[0][j] = x[index[0][j]][j]
        Assert.Equal([xv[2 * 5 + 0], xv[0 * 5 + 1], xv[1 * 5 + 2]], down.ToArray());
    }

    [Fact]
    public void Gather_of_a_single_element_works()
    {
        var x = Tensor.Arange(12).Reshape(3, 4);
        var y = x.Gather(1, Tensor.FromArray([2], 1, 1));
        Assert.Equal([1, 1], y.Shape);
        Assert.Equal(2, y.Item());
    }
}
