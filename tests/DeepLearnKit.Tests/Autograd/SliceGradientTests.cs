// Gradients through many slices of one tensor: Backward adds them into one buffer in place, which
// must never change a gradient that another tensor shares.
using static DeepLearnKit.Tests.TensorAssert;

namespace DeepLearnKit.Tests.Autograd;

public class SliceGradientTests
{
    [Fact]
    public void A_gradient_shared_by_two_inputs_is_not_changed_by_a_later_slice()
    {
        // n = a + b hands the same gradient to a and b; a slice of a then adds into a's gradient.
        var a = Tensor.FromArray([1f, 2f, 3f, 4f]).RequireGrad();
        var b = Tensor.FromArray([5f, 6f, 7f, 8f]).RequireGrad();
        var n = a + b;
        var loss = (b.Slice(0, 0, 1).Sum() + a.Slice(0, 0, 2).Sum()) + (n.Slice(0, 0, 2).Sum() + n.Slice(0, 2, 4).Sum());
        loss.Backward();
        // ∂loss/∂a = 1 (through n) + [1, 1, 0, 0]; ∂loss/∂b = 1 (through n) + [1, 0, 0, 0].
        Close([2f, 2f, 1f, 1f], a.Grad!.ToArray());
        Close([2f, 1f, 1f, 1f], b.Grad!.ToArray());
    }

    [Fact]
    public void Every_time_step_slice_gets_its_own_gradient()
    {
        // Σₜ (t + 1)·x[t]² over 50 steps taken with Select, as an RNN's loop does: ∂/∂x[t] = 2(t + 1)·x[t].
        var x = Random(3, 50, 2).RequireGrad();
        Tensor total = Tensor.Zeros(2);
        for (int t = 0; t < 50; t++) total = total + (t + 1) * x.Select(0, t).Square();
        total.Sum().Backward();
        var values = x.ToArray();
        var expected = values.Select((v, i) => 2 * (i / 2 + 1) * v).ToArray();
        Close(expected, x.Grad!.ToArray(), atol: 1e-4);
    }

    [Fact]
    public void Narrow_accepts_a_start_counted_from_the_end()
    {
        var x = Tensor.Arange(5);
        Close([3f, 4f], x.Narrow(0, -2, 2).ToArray());
    }
}
