// Logical ops and masks (LogicalAnd/Or/Xor/Not, MaskedSelect, MaskedFill) against plain loops over the same values.
namespace DeepLearnKit.Tests.Ops;

public class LogicalTests
{
    private static readonly float[] A = [0, 1, -2, 0, 0.5f, 3];
    private static readonly float[] B = [0, 0, 7, 1, -1, 0];

    [Fact]
    public void Logical_ops_read_any_nonzero_element_as_true_and_give_ones_and_zeros()
    {
        var a = Tensor.FromArray(A, 2, 3);
        var b = Tensor.FromArray(B, 2, 3);
        float[] and = new float[6], or = new float[6], xor = new float[6], not = new float[6];
        for (int i = 0; i < 6; i++)
        {
            bool p = A[i] != 0, q = B[i] != 0;
            and[i] = p && q ? 1 : 0;
            or[i] = p || q ? 1 : 0;
            xor[i] = p != q ? 1 : 0;
            not[i] = p ? 0 : 1;
        }
        Assert.Equal(and, a.LogicalAnd(b).ToArray());
        Assert.Equal(or, a.LogicalOr(b).ToArray());
        Assert.Equal(xor, a.LogicalXor(b).ToArray());
        Assert.Equal(not, a.LogicalNot().ToArray());
        Assert.Equal(and, (a & b).ToArray());
        Assert.Equal(or, (a | b).ToArray());
        Assert.Equal(xor, (a ^ b).ToArray());
        Assert.Equal(not, (!a).ToArray());
    }

    [Fact]
    public void Logical_ops_broadcast_and_pass_no_gradient()
    {
        var x = Tensor.FromArray(A, 2, 3).RequireGrad();
        var column = Tensor.FromArray([1, 0], 2, 1);
        var both = (x > 0) & column;
        Assert.Equal([2, 3], both.Shape);
        Assert.Equal([0, 1, 0, 0, 0, 0], both.ToArray());
        Assert.False(both.RequiresGrad);
        Assert.False(x.LogicalOr(column).RequiresGrad);
    }

    [Fact]
    public void MaskedSelect_keeps_the_masked_elements_in_row_major_order_and_sends_gradients_back_to_them()
    {
        var x = Tensor.FromArray(A, 2, 3).RequireGrad();
        var mask = x > 0;
        var picked = x.MaskedSelect(mask);
        var expected = A.Where(v => v > 0).ToArray();
        Assert.Equal([expected.Length], picked.Shape);
        Assert.Equal(expected, picked.ToArray());

        (picked * picked).Sum().Backward(); // ∂/∂x = 2x where picked, 0 elsewhere
        Assert.Equal(A.Select(v => v > 0 ? 2 * v : 0).ToArray(), x.Grad!.ToArray());
    }

    [Fact]
    public void MaskedSelect_broadcasts_a_row_mask_and_reads_a_transposed_view_in_its_own_order()
    {
        var x = Tensor.Arange(6).Reshape(2, 3);
        Assert.Equal([0, 2, 3, 5], x.MaskedSelect(Tensor.FromArray([1, 0, 1])).ToArray());
        Assert.Equal([0, 1, 2], x.T.MaskedSelect(Tensor.FromArray([1, 0], 1, 2)).ToArray()); // x.T = [[0,3],[1,4],[2,5]]
        Assert.Throws<ArgumentException>(() => x.MaskedSelect(Tensor.Ones(2)));
    }

    [Fact]
    public void MaskedFill_replaces_the_masked_elements_and_blocks_their_gradient()
    {
        var x = Tensor.FromArray(A, 2, 3).RequireGrad();
        var filled = x.MaskedFill(x < 0, -9);
        Assert.Equal(A.Select(v => v < 0 ? -9 : v).ToArray(), filled.ToArray());
        filled.Sum().Backward();
        Assert.Equal(A.Select(v => v < 0 ? 0f : 1f).ToArray(), x.Grad!.ToArray());
        Assert.Throws<ArgumentException>(() => x.MaskedFill(Tensor.Ones(4), 0));
    }
}
