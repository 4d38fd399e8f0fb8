// The pre-norm transformer block of GPT-2 (Radford et al. 2019) with PyTorch's nn.TransformerEncoderLayer names
// (norm_first=True, activation="gelu", batch_first=True): causal self-attention and an MLP, each behind a layer
// norm and added back to the residual stream, so a PyTorch state dict of that layer loads as it is.
namespace DeepLearnKit.NN;

/// <summary>
/// A pre-norm transformer block over batch-first x [N, T, E], computing what
/// <c>nn.TransformerEncoderLayer(E, h, dim_feedforward=4E, activation="gelu", batch_first=True, norm_first=True)</c>
/// does with a causal <c>src_mask</c>:
/// <code>
/// x = x + Dropout(MHA(norm1(x), causal))
/// x = x + Dropout(linear2(Dropout(GELU(linear1(norm2(x))))))      linear1: E → 4E, linear2: 4E → E, GELU exact (erf)
/// </code>
/// Children (PyTorch's names): <c>self_attn</c> (<see cref="MultiHeadAttention"/>), <c>linear1</c>, <c>dropout</c>,
/// <c>linear2</c>, <c>norm1</c>, <c>norm2</c>, <c>dropout1</c>, <c>dropout2</c>. With <c>causal</c> (the default)
/// position t sees only positions ≤ t, as a language model needs. <c>dropout</c> applies to the attention weights,
/// inside the MLP and to both residual branches, in training mode.
/// </summary>
public sealed class TransformerBlock : Module
{
    private readonly Dropout feedForwardDropout, attentionResidualDropout, feedForwardResidualDropout;

    /// <summary>A block of width <paramref name="embedDim"/> with <paramref name="numHeads"/> heads.</summary>
    public TransformerBlock(int embedDim, int numHeads, float dropout = 0, bool causal = true, bool bias = true)
    {
        Causal = causal;
        // Registered in PyTorch's order, so the state dict lists the same names in the same order.
        SelfAttn = RegisterModule("self_attn", new MultiHeadAttention(embedDim, numHeads, dropout, bias));
        Linear1 = RegisterModule("linear1", new Linear(embedDim, 4 * embedDim, bias));
        feedForwardDropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(4 * embedDim, embedDim, bias));
        Norm1 = RegisterModule("norm1", new LayerNorm(embedDim));
        Norm2 = RegisterModule("norm2", new LayerNorm(embedDim));
        attentionResidualDropout = RegisterModule("dropout1", new Dropout(dropout));
        feedForwardResidualDropout = RegisterModule("dropout2", new Dropout(dropout));
        Activation = new GELU();
    }

    /// <summary>Whether the attention is causal.</summary>
    public bool Causal { get; }

    /// <summary>The self-attention (its <see cref="MultiHeadAttention.LastAttentionWeights"/> are there to draw).</summary>
    public MultiHeadAttention SelfAttn { get; }

    /// <summary>The MLP's first layer, E → 4E.</summary>
    public Linear Linear1 { get; }

    /// <summary>The MLP's activation, GELU (exact), between <see cref="Linear1"/> and <see cref="Linear2"/>.</summary>
    public GELU Activation { get; }

    /// <summary>The MLP's second layer, 4E → E, the projection back into the residual stream.</summary>
    public Linear Linear2 { get; }

    /// <summary>The layer norm before the attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The layer norm before the MLP.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>x [N, T, E] → [N, T, E].</summary>
    public override Tensor Forward(Tensor input)
    {
        var normed = Norm1.Call(input);
        var x = input + attentionResidualDropout.Call(SelfAttn.Forward(normed, normed, normed, Causal)); // (N, T, E)
        return x + feedForwardResidualDropout.Call(FeedForward(Norm2.Call(x)));                        // (N, T, E)
    }

    /// <summary>The MLP: linear2(Dropout(GELU(linear1(x)))), [N, T, E] → [N, T, E].</summary>
    public Tensor FeedForward(Tensor input) =>
        Linear2.Call(feedForwardDropout.Call(Activation.Call(Linear1.Call(input))));
}
