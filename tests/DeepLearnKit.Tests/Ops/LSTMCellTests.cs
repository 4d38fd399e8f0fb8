// The fused LSTM cell (Ops/Recurrent.cs) against the composition it replaces: the same update written with
// Chunk, Sigmoid, Tanh and products, forward values and both input gradients, at hidden sizes that exercise
// the vector loop and its scalar tail; then finite differences through it, and views as inputs.
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Ops;

public class LSTMCellTests
{
    /// <summary>The cell as plain ops: the spec of the fused op. Returns (h', c').</summary>
    private static (Tensor H, Tensor C) Composite(Tensor gates, Tensor c)
    {
        var chunks = gates.Chunk(4, dim: 1); // i, f, g, o: each (N, H)
        var i = chunks[0].Sigmoid();
        var f = chunks[1].Sigmoid();
        var g = chunks[2].Tanh();
        var o = chunks[3].Sigmoid();
        var cNext = f * c + i * g;
        return (o * cNext.Tanh(), cNext);
    }

    /// <summary>Every hidden size up to 40 (vector loop, tail, both), and two larger ones, for one or three rows.</summary>
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int hidden in Enumerable.Range(1, 40).Append(64).Append(257))
            data.Add(hidden % 2 == 0 ? 3 : 1, hidden);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_and_backward_match_the_composite_formula(int n, int hidden)
    {
        int seed = 10 * n + hidden;
        var gatesValues = Between(seed, -4, 4, n, 4 * hidden);
        var cValues = Between(seed + 1, -2, 2, n, hidden);
        var gradH = Random(seed + 2, n, hidden);
        var gradC = Random(seed + 3, n, hidden);

        var gates = gatesValues.Detach().RequireGrad();
        var c = cValues.Detach().RequireGrad();
        var state = Tensor.LSTMCell(gates, c);
        Assert.Equal([2, n, hidden], state.Shape);
        state.Backward(Tensor.Stack([gradH, gradC]));

        var gatesRef = gatesValues.Detach().RequireGrad();
        var cRef = cValues.Detach().RequireGrad();
        var (hRef, cNextRef) = Composite(gatesRef, cRef);
        (hRef * gradH + cNextRef * gradC).Sum().Backward();

        Close(hRef.ToArray(), state.Select(0, 0).ToArray(), atol: 1e-6, rtol: 1e-5);
        Close(cNextRef.ToArray(), state.Select(0, 1).ToArray(), atol: 1e-6, rtol: 1e-5);
        Close(gatesRef.Grad!.ToArray(), gates.Grad!.ToArray(), atol: 1e-6, rtol: 1e-5);
        Close(cRef.Grad!.ToArray(), c.Grad!.ToArray(), atol: 1e-6, rtol: 1e-5);
        Assert.Equal("LSTMCell", state.GradFn!.Name);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        Passes(GradCheck.Check(xs => Tensor.LSTMCell(xs[0], xs[1]), [Between(1, -2, 2, 3, 4 * 5), Between(2, -1, 1, 3, 5)]));
        // Only h' used, as for an LSTM's last step when c_n is dropped: ∂L/∂c' is zero.
        Passes(GradCheck.Check(xs => Tensor.LSTMCell(xs[0], xs[1]).Select(0, 0), [Between(3, -2, 2, 2, 4 * 3), Between(4, -1, 1, 2, 3)]));
    }

    [Fact]
    public void Views_as_inputs_give_the_same_results_as_contiguous_copies()
    {
        // Step 1 of a batch-first [N, T, 4H] projection (rows T·4H apart), and c as the second half of an (h, c) pair.
        var sequence = Between(5, -3, 3, 3, 4, 4 * 6);
        var pair = Between(6, -1, 1, 2, 3, 6);
        var gatesView = sequence.Select(1, 1);
        var cView = pair.Select(0, 1);
        Assert.False(gatesView.IsContiguous);
        var fromViews = Tensor.LSTMCell(gatesView, cView);
        var fromCopies = Tensor.LSTMCell(Tensor.FromArray(gatesView.ToArray(), 3, 24), Tensor.FromArray(cView.ToArray(), 3, 6));
        Close(fromCopies.ToArray(), fromViews.ToArray(), atol: 0, rtol: 0);
        Passes(GradCheck.Check(xs => Tensor.LSTMCell(xs[0].Select(1, 1), xs[1].Select(0, 1)), [sequence, pair]));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(3, 64)]
    public void Its_tanh_is_the_Tanh_ops_so_zero_stays_zero_and_c_zero_matches_the_composite_exactly(int n, int hidden)
    {
        // All-zero pre-activations and c: g = tanh 0 must be exactly 0, so c' = ½·0 + ½·0 and h' are exactly 0.
        var zero = Tensor.LSTMCell(Tensor.Zeros(n, 4 * hidden), Tensor.Zeros(n, hidden));
        Assert.All(zero.ToArray(), v => Assert.Equal(0f, v));

        // With c = 0, c' = σ(a_i)·tanh(a_g) and h' = σ(a_o)·tanh(c') are one product each: the same bits as the
        // composite formula, whose tanh is the Tanh op's.
        var gates = Between(20 + hidden, -4, 4, n, 4 * hidden);
        var c = Tensor.Zeros(n, hidden);
        var state = Tensor.LSTMCell(gates, c);
        var (h, cNext) = Composite(gates, c);
        Close(cNext.ToArray(), state.Select(0, 1).ToArray(), atol: 0, rtol: 0);
        Close(h.ToArray(), state.Select(0, 0).ToArray(), atol: 0, rtol: 0);
    }

    [Fact]
    public void Empty_batches_and_states_give_empty_results()
    {
        Assert.Equal([2, 0, 3], Tensor.LSTMCell(Tensor.Zeros(0, 12), Tensor.Zeros(0, 3)).Shape);
        Assert.Equal([2, 2, 0], Tensor.LSTMCell(Tensor.Zeros(2, 0), Tensor.Zeros(2, 0)).Shape);

        // An empty batch is still a step of the graph: its inputs get (empty) gradients.
        var gates = Tensor.Zeros(0, 12).RequireGrad();
        var c = Tensor.Zeros(0, 3).RequireGrad();
        Tensor.LSTMCell(gates, c).Sum().Backward();
        Assert.Equal([0, 12], gates.Grad!.Shape);
        Assert.Equal([0, 3], c.Grad!.Shape);
    }

    [Fact]
    public void The_cell_gradient_is_skipped_when_c_needs_none()
    {
        var gates = Random(7, 2, 8).RequireGrad();
        var c = Random(8, 2, 2);
        Tensor.LSTMCell(gates, c).Sum().Backward();
        Assert.NotNull(gates.Grad);
        Assert.Null(c.Grad);
    }

    [Theory]
    [InlineData(new[] { 2, 8 }, new[] { 2, 3 })]
    [InlineData(new[] { 2, 8 }, new[] { 3, 2 })]
    [InlineData(new[] { 8 }, new[] { 2 })]
    public void Wrong_shapes_name_the_op_and_both_shapes(int[] gatesShape, int[] cShape)
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.LSTMCell(Tensor.Zeros(gatesShape), Tensor.Zeros(cShape)));
        Assert.Contains("LSTMCell", e.Message);
        Assert.Contains(Shapes.Format(gatesShape), e.Message);
        Assert.Contains(Shapes.Format(cShape), e.Message);
    }
}
