// One LSTM time step after the gate pre-activations, written as its equations (LSTMCellEquations: three
// sigmoids, two tanh, products and a sum, each with its own backward). A backend with a fused LSTM kernel
// (IFusedLSTMCell) runs the step as one autograd node with one kernel each way instead, which matters because
// the LSTM layer calls it once per time step. The device op suite checks the two against each other.
using DeepLearnKit.Backends;

namespace DeepLearnKit;

public sealed partial class Tensor
{
    /// <summary>
    /// One LSTM cell update from the gate pre-activations <paramref name="gates"/> [N, 4H] (stacked i, f, g, o, as
    /// <c>x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh</c>) and the cell state <paramref name="c"/> [N, H]:
    /// <code>
    /// i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
    /// c' = f ⊙ c + i ⊙ g
    /// h' = o ⊙ tanh(c')
    /// </code>
    /// Returns [2, N, H]: h' = result[0], c' = result[1] (one tensor, so one graph node has both outputs).
    /// The backward, from the saved i, f, g, o and c', given ∂L/∂h' and ∂L/∂c':
    /// <code>
    /// δc      = ∂L/∂c' + ∂L/∂h' ⊙ o ⊙ (1 − tanh²c')
    /// ∂L/∂a_i = δc ⊙ g ⊙ i(1 − i)        ∂L/∂a_f = δc ⊙ c ⊙ f(1 − f)
    /// ∂L/∂a_g = δc ⊙ i ⊙ (1 − g²)        ∂L/∂a_o = ∂L/∂h' ⊙ tanh(c') ⊙ o(1 − o)
    /// ∂L/∂c   = δc ⊙ f
    /// </code>
    /// </summary>
    internal static Tensor LSTMCell(Tensor gates, Tensor c)
    {
        CheckSameDevice("LSTMCell", gates, c);
        if (c.Rank != 2 || gates.Rank != 2 || gates.dims[0] != c.dims[0] || gates.dims[1] != 4 * c.dims[1])
            throw new ArgumentException($"LSTMCell: expected gates [N, 4H] and c [N, H], got {Shapes.Format(gates.dims)} and {Shapes.Format(c.dims)}.");
        if (gates.Backend is not IFusedLSTMCell backend) return LSTMCellEquations(gates, c);
        int batch = c.dims[0], hidden = c.dims[1];
        // The kernel reads row-major blocks; a contiguous view (a time step of a larger tensor) is read in place.
        var a = gates.IsContiguous ? gates : gates.Packed();
        var cIn = c.IsContiguous ? c : c.Packed();
        var state = Uninitialized([2, batch, hidden], gates.Device);
        var activations = Uninitialized([batch, 4 * hidden], gates.Device); // σ(i), σ(f), tanh(g), σ(o)
        // An empty batch computes nothing (span kernels reject empty rows) but is still recorded, so its (empty) gradients flow.
        if (state.NumEl > 0)
            backend.LSTMCell(a.storage, a.offset, cIn.storage, cIn.offset, batch, hidden, state.storage, activations.storage);
        return Autograd.Record(state, "LSTMCell", [gates, c], g =>
        {
            if (state.NumEl == 0) return [Empty(gates.dims, g.Device), c.RequiresGrad ? Empty(c.dims, g.Device) : null];
            var gradState = g.Packed();
            var gradGates = Uninitialized([batch, 4 * hidden], g.Device);
            var gradC = Uninitialized([batch, hidden], g.Device);
            backend.LSTMCellBackward(activations.storage, cIn.storage, cIn.offset, state.storage, gradState.storage,
                batch, hidden, gradGates.storage, gradC.storage);
            return [gradGates, c.RequiresGrad ? gradC : null];
        });
    }

    /// <summary>The LSTM cell as its equations, each op recording its own backward: what the fused kernel must equal.</summary>
    private static Tensor LSTMCellEquations(Tensor gates, Tensor c)
    {
        var a = gates.Chunk(4, 1);
        Tensor i = a[0].Sigmoid(), f = a[1].Sigmoid(), g = a[2].Tanh(), o = a[3].Sigmoid();
        var cNext = f * c + i * g;
        var hNext = o * cNext.Tanh();
        return Stack([hNext, cNext]);
    }
}
