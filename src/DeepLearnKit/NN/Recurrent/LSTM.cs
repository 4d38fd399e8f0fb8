// The multi-layer LSTM: LSTMCell's update unrolled over time and stacked in layers.
namespace DeepLearnKit.NN;

/// <summary>
/// A multi-layer LSTM, as <c>torch.nn.LSTM</c>: for each layer l and time step t, with gates stacked i, f, g, o,
/// <code>
/// i_t = σ(W_ii x_t + b_ii + W_hi h_(t−1) + b_hi)
/// f_t = σ(W_if x_t + b_if + W_hf h_(t−1) + b_hf)
/// g_t = tanh(W_ig x_t + b_ig + W_hg h_(t−1) + b_hg)
/// o_t = σ(W_io x_t + b_io + W_ho h_(t−1) + b_ho)
/// c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t
/// h_t = o_t ⊙ tanh(c_t)
/// </code>
/// where x_t is the input for l = 0 and layer l − 1's h_t (after dropout) above it. Shapes, parameter names
/// and initialisation are described on <see cref="RecurrentLayer"/>:
/// <c>var (output, (hN, cN)) = lstm.Forward(x, null);</c> gives output [T, N, H] ([N, T, H] with batchFirst)
/// and h_n, c_n [L, N, H].
/// </summary>
public sealed class LSTM : RecurrentLayer
{
    /// <summary>An LSTM from <paramref name="inputSize"/> to <paramref name="hiddenSize"/> features per step, with <paramref name="numLayers"/> layers.</summary>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, float dropout = 0, bool bidirectional = false, bool returnSequences = true)
        : base("LSTM", 4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences)
    {
    }

    /// <summary>
    /// Runs the sequence from initial <paramref name="state"/> (h_0, c_0), each [L, N, H] (null: zeros). Returns the
    /// top layer's h_t for every t, [T, N, H] ([N, T, H] with batchFirst), and (h_n, c_n), each [L, N, H].
    /// </summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        var (output, hN, cN) = Run(input, state?.H, state?.C);
        return (output, (hN, cN!));
    }

    private protected override bool HasCellState => true;

    private protected override bool AddsHiddenProjection => true;

    private protected override (Tensor H, Tensor? C) Step(Tensor gi, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh) =>
        LSTMCell.Step(gi, h, c!, weightHh, biasHh);
}
