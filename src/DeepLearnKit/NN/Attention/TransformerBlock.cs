// The pre-norm transformer block of GPT-2 (Radford et al. 2019), laid out as nanoGPT's Block: causal
// self-attention and an MLP, each behind a layer norm and added back to the residual stream.
namespace DeepLearnKit.NN;

/// <summary>
/// A pre-norm GPT block over batch-first x [N, T, E]:
/// <code>
/// x = x + Dropout(MHA(LN₁(x), causal))
/// x = x + MLP(LN₂(x)),   MLP = Linear(E, 4E) → GELU → Linear(4E, E) → Dropout
/// </code>
/// Children: <c>ln_1</c>, <c>attn</c> (<see cref="MultiHeadAttention"/>), <c>ln_2</c>, <c>mlp</c> (a
/// <see cref="Sequential"/>). With <c>causal</c> (the default) position t sees only positions ≤ t, as a
/// language model needs. <c>dropout</c> applies to the attention weights and to both residual branches.
/// </summary>
public sealed class TransformerBlock : Module
{
    private readonly Dropout residualDropout;

    /// <summary>A block of width <paramref name="embedDim"/> with <paramref name="numHeads"/> heads.</summary>
    public TransformerBlock(int embedDim, int numHeads, float dropout = 0, bool causal = true, bool bias = true)
    {
        Causal = causal;
        Ln1 = RegisterModule("ln_1", new LayerNorm(embedDim));
        Attn = RegisterModule("attn", new MultiHeadAttention(embedDim, numHeads, dropout, bias));
        Ln2 = RegisterModule("ln_2", new LayerNorm(embedDim));
        MLP = RegisterModule("mlp", new Sequential(
            new Linear(embedDim, 4 * embedDim, bias),
            new GELU(),
            new Linear(4 * embedDim, embedDim, bias),
            new Dropout(dropout)));
        residualDropout = RegisterModule("resid_dropout", new Dropout(dropout));
    }

    /// <summary>Whether the attention is causal.</summary>
    public bool Causal { get; }

    /// <summary>LN₁, before the attention.</summary>
    public LayerNorm Ln1 { get; }

    /// <summary>The self-attention (its <see cref="MultiHeadAttention.LastAttentionWeights"/> are there to draw).</summary>
    public MultiHeadAttention Attn { get; }

    /// <summary>LN₂, before the MLP.</summary>
    public LayerNorm Ln2 { get; }

    /// <summary>Linear(E, 4E) → GELU → Linear(4E, E) → Dropout.</summary>
    public Sequential MLP { get; }

    /// <summary>x [N, T, E] → [N, T, E].</summary>
    public override Tensor Forward(Tensor input)
    {
        var normed = Ln1.Call(input);
        var x = input + residualDropout.Call(Attn.Forward(normed, normed, normed, Causal)); // (N, T, E)
        return x + MLP.Call(Ln2.Call(x)); // (N, T, E)
    }
}
