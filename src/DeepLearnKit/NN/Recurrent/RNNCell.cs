// The Elman RNN cell, h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), with PyTorch's parameters, and the
// one-step update that the multi-layer RNN reuses.
namespace DeepLearnKit.NN;

/// <summary>
/// One step of an Elman RNN, as <c>torch.nn.RNNCell</c>:
/// <code>
/// h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)      (relu instead of tanh when asked)
/// </code>
/// for x [N, InputSize] (or [InputSize]) and h [N, HiddenSize]; W_ih [H, in], W_hh [H, H], b_ih, b_hh [H],
/// all drawn from U(−1/√H, 1/√H). Parameters are named <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>,
/// <c>bias_hh</c>, as PyTorch's, so state dicts carry over.
/// </summary>
public sealed class RNNCell : RecurrentCell
{
    /// <summary>A cell from <paramref name="inputSize"/> to <paramref name="hiddenSize"/>; <paramref name="nonlinearity"/> is Tanh or ReLU.</summary>
    public RNNCell(int inputSize, int hiddenSize, bool bias = true, Nonlinearity nonlinearity = Nonlinearity.Tanh)
        : base(inputSize, hiddenSize, 1, bias)
    {
        CheckNonlinearity("RNNCell", nonlinearity);
        Nonlinearity = nonlinearity;
    }

    /// <summary>Tanh (the default) or ReLU.</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <summary>h' for input x [N, in] (or [in]) and state <paramref name="hx"/> [N, H] (null: zeros).</summary>
    public Tensor Forward(Tensor input, Tensor? hx)
    {
        var (x, h, unbatched) = CellInput.Prepare("RNNCell", input, hx, InputSize, HiddenSize);
        var gi = CellInput.Project(x, WeightIh, BiasIh);
        var next = Step(gi, h, WeightHh, BiasHh, Nonlinearity);
        return unbatched ? next.Squeeze(0) : next;
    }

    /// <summary>h' with a zero initial state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// The update after the input projection: <c>h' = act(gi + h·W_hhᵀ + b_hh)</c>, where
    /// <c>gi = x·W_ihᵀ + b_ih</c> [N, H] (the RNN layer computes it for all steps at once).
    /// </summary>
    internal static Tensor Step(Tensor gi, Tensor h, Tensor weightHh, Tensor? biasHh, Nonlinearity nonlinearity)
    {
        var pre = Tensor.AddMatMul(biasHh is null ? gi : gi + biasHh, h, weightHh.T); // (N, H)
        return nonlinearity == Nonlinearity.ReLU ? pre.ReLU() : pre.Tanh();
    }

    internal static void CheckNonlinearity(string op, Nonlinearity nonlinearity)
    {
        if (nonlinearity is not (Nonlinearity.Tanh or Nonlinearity.ReLU))
            throw new ArgumentException($"{op}: the nonlinearity must be Tanh or ReLU, got {nonlinearity}.");
    }

    /// <inheritdoc/>
    protected override string ExtraRepr =>
        $"{InputSize}→{HiddenSize}" + (Nonlinearity == Nonlinearity.ReLU ? ", relu" : "") + (BiasIh is null ? ", bias: false" : "");
}

/// <summary>Input checks and the input projection shared by the three cells.</summary>
internal static class CellInput
{
    /// <summary>
    /// Checks x [N, in] or [in] and h [N, H] or [H] (null: zeros) and returns both batched, with whether the
    /// caller must remove the batch dim again.
    /// </summary>
    public static (Tensor X, Tensor H, bool Unbatched) Prepare(string op, Tensor input, Tensor? hx, int inputSize, int hiddenSize)
    {
        if (input.Rank is not (1 or 2) || input.Size(-1) != inputSize)
            throw new ArgumentException($"{op}: expected an input [N, {inputSize}] or [{inputSize}], got {Shapes.Format(input.Shape)}.");
        bool unbatched = input.Rank == 1;
        var x = unbatched ? input.Unsqueeze(0) : input; // (N, in)
        int n = x.Size(0);
        if (hx is null) return (x, Tensor.Zeros([n, hiddenSize], x.Device), unbatched);
        var h = unbatched ? hx.Unsqueeze(0) : hx; // (N, H)
        if (!Shapes.Equal(h.Shape, [n, hiddenSize]))
            throw new ArgumentException($"{op}: expected a hidden state {Shapes.Format(unbatched ? [hiddenSize] : [n, hiddenSize])} for an input {Shapes.Format(input.Shape)}, got {Shapes.Format(hx.Shape)}.");
        return (x, h, unbatched);
    }

    /// <summary><c>x·Wᵀ + b</c>: the input's contribution to every gate at once.</summary>
    public static Tensor Project(Tensor x, Tensor weight, Tensor? bias) =>
        bias is null ? x.MatMul(weight.T) : Tensor.AddMatMul(bias, x, weight.T);
}
