// Embedding: the lookup returns the table's rows in the ids' shape, repeated ids add their gradients,
// and bad ids are refused with a message that names them.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.NN;

public class EmbeddingTests
{
    [Fact]
    public void Ids_of_any_shape_pick_the_rows_of_the_table()
    {
        var emb = new Embedding(5, 3);
        var w = emb.Weight.ToArray();
        var ids = Tensor.FromArray([1, 3, 3, 0], 2, 2);
        var y = emb.Forward(ids);
        Assert.Equal([2, 2, 3], y.Shape);
        var expected = new[] { 1, 3, 3, 0 }.SelectMany(i => w[(i * 3)..(i * 3 + 3)]).ToArray();
        TensorAssert.Close(expected, y.ToArray(), atol: 0, rtol: 0);
        Assert.Equal([3], emb.Forward(Tensor.Scalar(4)).Shape);
    }

    [Fact]
    public void Repeated_ids_accumulate_their_gradients_in_one_row()
    {
        var emb = new Embedding(4, 2);
        emb.Forward(Tensor.FromArray([2, 2, 0, 2], 4)).Sum().Backward();
        TensorAssert.Close([4, 2], [1, 1, 0, 0, 3, 3, 0, 0], emb.Weight.Grad!);
        ModuleGradCheck.Passes(emb, Tensor.FromArray([1, 3, 1], 3), checkInput: false);
    }

    [Fact]
    public void The_table_starts_as_standard_normal_draws()
    {
        var w = new Embedding(100, 20).Weight.ToArray();
        double mean = w.Average(), std = Math.Sqrt(w.Select(v => (v - mean) * (v - mean)).Average());
        // 2000 draws of N(0, 1): the mean is within 4 standard errors (0.09) of 0 and the std near 1.
        Assert.InRange(mean, -0.09, 0.09);
        Assert.InRange(std, 0.9, 1.1);
    }

    [Fact]
    public void An_id_outside_the_table_is_refused_with_its_value_and_the_table_size()
    {
        var emb = new Embedding(10, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(Tensor.FromArray([3, 10], 2)));
        Assert.Contains("Embedding", e.Message);
        Assert.Contains("id 10", e.Message);
        Assert.Contains("[0, 9]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(Tensor.FromArray([-1f], 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => emb.Forward(Tensor.FromArray([1.5f], 1)));
        Assert.Equal("Embedding(10, 4)", emb.ToString());
    }
}
