// The long short-term memory cell with PyTorch's parameters (gates stacked in the order i, f, g, o), and
// the one-step update that the multi-layer LSTM reuses.
namespace DeepLearnKit.NN;

/// <summary>
/// One step of an LSTM, as <c>torch.nn.LSTMCell</c>:
/// <code>
/// i  = σ(W_ii x + b_ii + W_hi h + b_hi)        input gate
/// f  = σ(W_if x + b_if + W_hf h + b_hf)        forget gate
/// g  = tanh(W_ig x + b_ig + W_hg h + b_hg)     candidate cell
/// o  = σ(W_io x + b_io + W_ho h + b_ho)        output gate
/// c' = f ⊙ c + i ⊙ g
/// h' = o ⊙ tanh(c')
/// </code>
/// for x [N, InputSize] (or [InputSize]), h and c [N, H]. The four gates' weights are stacked in the order
/// i, f, g, o: W_ih = [W_ii; W_if; W_ig; W_io] [4H, in], W_hh [4H, H], b_ih and b_hh [4H], all drawn from
/// U(−1/√H, 1/√H) and named <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c> as PyTorch's.
/// </summary>
public sealed class LSTMCell : RecurrentCell
{
    /// <summary>A cell from <paramref name="inputSize"/> to <paramref name="hiddenSize"/>.</summary>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true)
        : base(inputSize, hiddenSize, 4, bias)
    {
    }

    /// <summary>(h', c') for input x [N, in] (or [in]) and <paramref name="state"/> (h, c), each [N, H] (null: zeros).</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        var (x, h, unbatched) = CellInput.Prepare("LSTMCell", input, state?.H, InputSize, HiddenSize);
        var (_, c, _) = CellInput.Prepare("LSTMCell", input, state?.C, InputSize, HiddenSize);
        var (hNext, cNext) = Step(CellInput.Project(x, WeightIh, BiasIh), h, c, WeightHh, BiasHh);
        return unbatched ? (hNext.Squeeze(0), cNext.Squeeze(0)) : (hNext, cNext);
    }

    /// <summary>h' with a zero initial state (for <see cref="Sequential"/>; use the two-argument form for c').</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).H;

    /// <summary>
    /// The update after the input projection <c>gi = x·W_ihᵀ + b_ih</c> [N, 4H] (the LSTM layer computes it, b_hh
    /// included, for all steps at once and passes no biasHh): the gate pre-activations are <c>gi + h·W_hhᵀ + b_hh</c>
    /// (one GEMM into a copy of gi), and the rest of the update is one fused op, <see cref="Tensor.LSTMCell"/>.
    /// </summary>
    internal static (Tensor H, Tensor C) Step(Tensor gi, Tensor h, Tensor c, Tensor weightHh, Tensor? biasHh)
    {
        var gates = Tensor.AddMatMul(biasHh is null ? gi : gi + biasHh, h, weightHh.T); // (N, 4H)
        var state = Tensor.LSTMCell(gates, c); // (2, N, H): h', c' from the fused cell
        return (state.Select(0, 0), state.Select(0, 1));
    }

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{InputSize}→{HiddenSize}" + (BiasIh is null ? ", bias: false" : "");
}
