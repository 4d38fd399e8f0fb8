// The multi-layer Elman RNN: RNNCell's update unrolled over time and stacked in layers.
namespace DeepLearnKit.NN;

/// <summary>
/// A multi-layer Elman RNN, as <c>torch.nn.RNN</c>: for each layer l and time step t,
/// <code>
/// h_t = tanh(x_t·W_ihᵀ + b_ih + h_(t−1)·W_hhᵀ + b_hh)      (relu instead of tanh when asked)
/// </code>
/// where x_t is the input for l = 0 and layer l − 1's h_t (after dropout) above it. Shapes, parameter names
/// and initialisation are described on <see cref="RecurrentLayer"/>:
/// <c>var (output, hN) = rnn.Forward(x, null);</c> gives output [T, N, H] ([N, T, H] with batchFirst) and h_n [L, N, H].
/// </summary>
public sealed class RNN : RecurrentLayer
{
    /// <summary>
    /// An RNN from <paramref name="inputSize"/> to <paramref name="hiddenSize"/> features per step, with
    /// <paramref name="numLayers"/> layers; <paramref name="nonlinearity"/> is Tanh or ReLU.
    /// </summary>
    public RNN(int inputSize, int hiddenSize, int numLayers = 1, Nonlinearity nonlinearity = Nonlinearity.Tanh,
        bool bias = true, bool batchFirst = false, float dropout = 0, bool bidirectional = false, bool returnSequences = true)
        : base("RNN", 1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, returnSequences)
    {
        RNNCell.CheckNonlinearity("RNN", nonlinearity);
        Nonlinearity = nonlinearity;
    }

    /// <summary>Tanh (the default) or ReLU.</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <summary>
    /// Runs the sequence from initial state <paramref name="h0"/> [L, N, H] (null: zeros). Returns the top layer's
    /// h_t for every t, [T, N, H] ([N, T, H] with batchFirst), and h_n, every layer's last h, [L, N, H].
    /// </summary>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0)
    {
        var (output, hN, _) = Run(input, h0, null);
        return (output, hN);
    }

    private protected override bool AddsHiddenProjection => true;

    private protected override (Tensor H, Tensor? C) Step(Tensor gi, Tensor h, Tensor? c, Tensor weightHh, Tensor? biasHh) =>
        (RNNCell.Step(gi, h, weightHh, biasHh, Nonlinearity), null);

    /// <inheritdoc/>
    protected override string ExtraRepr => base.ExtraRepr + (Nonlinearity == Nonlinearity.ReLU ? ", relu" : "");
}
