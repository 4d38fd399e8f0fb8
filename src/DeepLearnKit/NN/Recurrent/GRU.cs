// The multi-layer GRU: GRUCell's update unrolled over time and stacked in layers.
namespace DeepLearnKit.NN;

/// <summary>
/// A multi-layer GRU, as <c>torch.nn.GRU</c>: for each layer l and time step t, with gates stacked r, z, n,
/// <code>
/// r_t = σ(W_ir x_t + b_ir + W_hr h_(t−1) + b_hr)
/// z_t = σ(W_iz x_t + b_iz + W_hz h_(t−1) + b_hz)
/// n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t−1) + b_hn))
/// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)
/// </code>
/// where x_t is the input for l = 0 and layer l − 1's h_t (after dropout) above it. Shapes, parameter names
/// and initialisation are described on <see cref="RecurrentLayer"/>:
/// <c>var (output, hN) = gru.Forward(x, null);</c> gives output [T, N, H] ([N, T, H] with batchFirst) and h_n [L, N, H].
/// </summary>
public sealed class GRU : RecurrentLayer
{
    /// <summary>A GRU from <paramref name="inputSize"/> to <paramref name="hiddenSize"/> features per step, with <paramref name="numLayers"/> layers.</summary>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, float dropout = 0, bool bidirectional = false, bool returnSequences = true)
        : base("GRU", 3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences)
    {
    }

    /// <summary>
    /// Runs the sequence from initial state <paramref name="h0"/> [L, N, H] (null: zeros). Returns the top layer's
    /// h_t for every t, [T, N, H] ([N, T, H] with batchFirst), and h_n, every layer's last h, [L, N, H].
    /// </summary>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0)
    {
        var (output, hN, _) = Run(input, h0, null);
        return (output, hN);
    }

    private protected override (Tensor H, Tensor? C) Step(Tensor gi, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh) =>
        (GRUCell.Step(gi, h, weightHh, biasHh), null);
}
