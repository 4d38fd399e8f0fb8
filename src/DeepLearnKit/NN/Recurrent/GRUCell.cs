// The gated recurrent unit cell with PyTorch's parameters (gates stacked in the order r, z, n), and the
// one-step update that the multi-layer GRU reuses.
namespace DeepLearnKit.NN;

/// <summary>
/// One step of a GRU, as <c>torch.nn.GRUCell</c>:
/// <code>
/// r  = σ(W_ir x + b_ir + W_hr h + b_hr)             reset gate
/// z  = σ(W_iz x + b_iz + W_hz h + b_hz)             update gate
/// n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))    candidate
/// h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// for x [N, InputSize] (or [InputSize]) and h [N, H]. The gates' weights are stacked in the order r, z, n:
/// W_ih = [W_ir; W_iz; W_in] [3H, in], W_hh [3H, H], b_ih and b_hh [3H], all drawn from U(−1/√H, 1/√H) and
/// named <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c> as PyTorch's. Note that the reset
/// gate multiplies <c>W_hn h + b_hn</c>, bias included, as in PyTorch (and cuDNN).
/// </summary>
public sealed class GRUCell : RecurrentCell
{
    /// <summary>A cell from <paramref name="inputSize"/> to <paramref name="hiddenSize"/>.</summary>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true)
        : base(inputSize, hiddenSize, 3, bias)
    {
    }

    /// <summary>h' for input x [N, in] (or [in]) and state <paramref name="hx"/> [N, H] (null: zeros).</summary>
    public Tensor Forward(Tensor input, Tensor? hx)
    {
        var (x, h, unbatched) = CellInput.Prepare("GRUCell", input, hx, InputSize, HiddenSize);
        var next = Step(CellInput.Project(x, WeightIh, BiasIh), h, WeightHh, BiasHh);
        return unbatched ? next.Squeeze(0) : next;
    }

    /// <summary>h' with a zero initial state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// The update after the input projection <c>gi = x·W_ihᵀ + b_ih</c> [N, 3H] (the GRU layer computes it
    /// for all steps at once). The hidden projection <c>gh = h·W_hhᵀ + b_hh</c> stays apart because r
    /// multiplies only its n part.
    /// </summary>
    internal static Tensor Step(Tensor gi, Tensor h, Tensor weightHh, Tensor? biasHh)
    {
        var gh = CellInput.Project(h, weightHh, biasHh); // (N, 3H)
        var xs = gi.Chunk(3, dim: 1); // x parts of r, z, n: each (N, H)
        var hs = gh.Chunk(3, dim: 1); // h parts of r, z, n: each (N, H)
        var r = (xs[0] + hs[0]).Sigmoid();
        var z = (xs[1] + hs[1]).Sigmoid();
        var n = (xs[2] + r * hs[2]).Tanh();
        return (1f - z) * n + z * h;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{InputSize}→{HiddenSize}" + (BiasIh is null ? ", bias: false" : "");
}
