// Views share storage with their base: writes go both ways, strides say how, and Reshape copies
// (while View refuses) when the layout cannot be re-viewed.
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Tensors;

public class ViewTests
{
    private static Tensor Grid() => Tensor.Arange(12).Reshape(3, 4); // [[0..3], [4..7], [8..11]]

    public static TheoryData<string> ViewNames => new(views.Keys);

    // Each view of Grid() and the base's flat index of the view's element [0, ..., 0].
    private static readonly Dictionary<string, (Func<Tensor, Tensor> View, int FirstElement)> views = new()
    {
        ["Transpose"] = (x => x.Transpose(0, 1), 0),
        ["T"] = (x => x.T, 0),
        ["Permute"] = (x => x.Permute(1, 0), 0),
        ["Slice"] = (x => x.Slice(1, 1, 4, 2), 1),
        ["Narrow"] = (x => x.Narrow(0, 1, 2), 4),
        ["Select"] = (x => x.Select(0, 2), 8),
        ["Indexer"] = (x => x[1.., 2..], 6),
        ["Squeeze"] = (x => x.Narrow(0, 1, 1).Squeeze(), 4),
        ["Unsqueeze"] = (x => x.Unsqueeze(1), 0),
        ["Reshape of contiguous"] = (x => x.Reshape(2, 6), 0),
        ["View"] = (x => x.View(6, 2), 0),
        ["Flatten"] = (x => x.Flatten(), 0),
        ["Split"] = (x => x.Split(2, 1)[1], 2),
        ["Chunk"] = (x => x.Chunk(3, 0)[2], 8),
        ["Detach"] = (x => x.Detach(), 0),
    };

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void A_write_through_a_view_is_seen_by_the_base(string name)
    {
        var (view, first) = views[name];
        var x = Grid();
        var v = view(x);
        v.Fill(-1);
        var values = x.ToArray();
        Assert.Equal(-1, values[first]);
        Assert.Equal(v.NumEl, values.Count(e => e == -1));
    }

    [Theory]
    [MemberData(nameof(ViewNames))]
    public void A_write_to_the_base_is_seen_through_a_view(string name)
    {
        var (view, _) = views[name];
        var x = Grid();
        var v = view(x);
        x.Fill(5);
        Assert.All(v.ToArray(), e => Assert.Equal(5, e));
    }

    [Fact]
    public void Expand_is_a_view_with_stride_zero()
    {
        var column = Tensor.FromArray([1, 2, 3], 3, 1);
        var wide = column.Expand(3, 4);
        Assert.Equal([3, 4], wide.Shape);
        Assert.Equal([1, 0], wide.Strides);
        Assert.False(wide.IsContiguous);
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], wide.ToArray());
        column.Fill(7);
        Assert.All(wide.ToArray(), e => Assert.Equal(7, e));
        Assert.Equal([2, 3, 4], Tensor.Ones(4).Expand(2, 3, 4).Shape);
        Assert.Equal([0, 0, 1], Tensor.Ones(4).Expand(2, 3, 4).Strides);
    }

    [Fact]
    public void The_indexer_setter_writes_through_to_the_base()
    {
        var x = Tensor.Zeros(3, 4);
        x[1] = Tensor.FromArray([1, 2, 3, 4]);
        x[2, 3] = 9f;
        x[.., 0] = Tensor.FromArray([5, 6, 7]);
        x[0, 1..3] = 8f;
        Assert.Equal([5, 8, 8, 0, 6, 2, 3, 4, 7, 0, 0, 9], x.ToArray());
    }

    [Fact]
    public void CopyFrom_broadcasts_into_a_strided_view()
    {
        var x = Tensor.Zeros(3, 4);
        x.T[1..3].CopyFrom(Tensor.FromArray([1, 2, 3])); // columns 1 and 2 of x, each set to [1, 2, 3]
        Assert.Equal([0, 1, 1, 0, 0, 2, 2, 0, 0, 3, 3, 0], x.ToArray());
    }

    [Fact]
    public void CopyFrom_between_overlapping_views_of_one_storage_reads_before_writing()
    {
        var x = Tensor.Arange(6);
        x[1..].CopyFrom(x[..^1]);
        Assert.Equal([0, 0, 1, 2, 3, 4], x.ToArray());
    }

    [Fact]
    public void In_place_writes_on_a_tensor_that_requires_grad_need_NoGrad()
    {
        var x = Tensor.Zeros(2, 3).RequireGrad();
        var error = Assert.Throws<InvalidOperationException>(() => x.Fill(1));
        Assert.Contains("Fill", error.Message);
        Assert.Throws<InvalidOperationException>(() => x[0] = Tensor.Ones(3));
        Assert.Equal(new float[6], x.ToArray());
        using (Tensor.NoGrad())
        {
            x[0] = Tensor.Ones(3);
            x[1].CopyFrom(Tensor.FromArray([1, 2, 3]));
            x[1, 1].Fill(4);
        }
        Assert.Equal([1, 1, 1, 1, 4, 3], x.ToArray());
    }

    [Fact]
    public void Reshape_of_a_non_contiguous_tensor_copies()
    {
        var x = Grid();
        var r = x.T.Reshape(12);
        Assert.Equal([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], r.ToArray());
        r.Fill(-1);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), x.ToArray());
    }

    [Fact]
    public void Reshape_of_a_contiguous_slice_is_a_view_at_its_offset()
    {
        var x = Grid();
        var r = x[1..].Reshape(2, 2, 2); // rows 1 and 2 are contiguous
        Assert.Equal([4, 5, 6, 7, 8, 9, 10, 11], r.ToArray());
        r[0, 0, 0] = 40f;
        Assert.Equal(40, x.ToArray()[4]);
    }

    [Fact]
    public void View_of_a_non_contiguous_tensor_throws()
    {
        var t = Grid().T;
        var error = Assert.Throws<InvalidOperationException>(() => t.View(12));
        Assert.Contains("View", error.Message);
        Assert.Contains("[4, 3]", error.Message);
        Assert.Contains("Reshape", error.Message);
    }

    [Fact]
    public void Contiguous_copies_only_when_needed()
    {
        var x = Grid();
        Assert.Same(x, x.Contiguous());
        var t = x.T;
        var c = t.Contiguous();
        Assert.NotSame(t, c);
        Assert.True(c.IsContiguous);
        Assert.Equal([3, 1], c.Strides);
        Assert.Equal(t.ToArray(), c.ToArray());
        c.Fill(0);
        Assert.Equal(11, x.ToArray()[11]);
    }

    [Fact]
    public void IsContiguous_and_Strides_describe_the_layout()
    {
        var x = Tensor.Zeros(2, 3, 4);
        Assert.True(x.IsContiguous);
        Assert.Equal([12, 4, 1], x.Strides);
        Assert.Equal([1, 4, 12], x.Transpose(0, 2).Strides);
        Assert.False(x.Transpose(0, 2).IsContiguous);
        Assert.Equal([4, 12, 1], x.Permute(1, 0, 2).Strides);
        Assert.True(x[1].IsContiguous);
        Assert.Equal([4, 1], x[1].Strides);
        Assert.False(x[.., 1..].IsContiguous);
        Assert.False(x[.., 1..2].IsContiguous); // [2, 1, 4]: the batches are 12 apart, not 4
        Assert.True(x[0, 1..2].IsContiguous);
        Assert.True(x[1..].IsContiguous);
        Assert.Equal([12, 8, 1], x.Slice(1, 0, 3, 2).Strides);
        Assert.Equal([12, 4, 4, 1], x.Unsqueeze(2).Strides);
        Assert.True(x.Unsqueeze(0).IsContiguous);
        Assert.Equal([12, 1], x.Select(1, 2).Strides);
        Assert.Equal([1], Tensor.Zeros(5).Strides);
        Assert.Equal(Array.Empty<int>(), Tensor.Scalar(1).Strides);
    }

    [Fact]
    public void Views_have_the_expected_shapes()
    {
        var x = Tensor.Zeros(2, 1, 3, 1);
        Assert.Equal([2, 3], x.Squeeze().Shape);
        Assert.Equal([2, 3, 1], x.Squeeze(1).Shape);
        Assert.Equal([2, 1, 3], x.Squeeze(-1).Shape);
        Assert.Equal([2, 1, 3, 1], x.Squeeze(2).Shape); // size 3: nothing to squeeze
        Assert.Equal([1, 2, 1, 3, 1], x.Unsqueeze(0).Shape);
        Assert.Equal([2, 1, 3, 1, 1], x.Unsqueeze(-1).Shape);
        Assert.Equal([3, 1, 2, 1], x.Permute(2, 1, 0, 3).Shape);
        Assert.Equal([2, 3], x.Reshape(-1, 3).Shape);
        Assert.Equal([2, 3], x.Flatten(1).Shape);
        Assert.Equal([6], x.Flatten().Shape);
        Assert.Equal([1], Tensor.Scalar(4).Flatten().Shape);
        Assert.Equal([3, 1], x.Select(0, 1).Squeeze(0).Shape);
        Assert.Equal([2, 1, 2, 1], x.Narrow(2, 1, 2).Shape);
        Assert.Equal([2, 1, 2, 1], x.Slice(2, 0, 3, 2).Shape);
    }

    [Fact]
    public void Split_and_Chunk_give_views_of_the_right_sizes()
    {
        var x = Tensor.Arange(10).Reshape(5, 2);
        var parts = x.Split(2);
        Assert.Equal([[2, 2], [2, 2], [1, 2]], parts.Select(p => p.Shape).ToArray());
        Assert.Equal([8, 9], parts[2].ToArray());
        var sized = x.Split([1, 4]);
        Assert.Equal([4, 2], sized[1].Shape);
        var chunks = x.Chunk(2, 1);
        Assert.Equal(2, chunks.Length);
        Assert.Equal([0, 2, 4, 6, 8], chunks[0].ToArray());
        Assert.Equal(3, x.Chunk(3).Length);
    }

    [Fact]
    public void Negative_indices_count_from_the_end()
    {
        var x = Grid();
        Assert.Equal([8, 9, 10, 11], x[-1].ToArray());
        Assert.Equal([8, 9, 10, 11], x[^1].ToArray());
        Assert.Equal([3, 7, 11], x[.., ^1].ToArray());
        Assert.Equal([2, 6, 10], x.Select(-1, -2).ToArray());
        Assert.Equal([4, 3], x.Transpose(-1, -2).Shape);
        Assert.Equal([1, 2, 5, 6, 9, 10], x.Slice(1, -3, -1).ToArray());
    }
}
