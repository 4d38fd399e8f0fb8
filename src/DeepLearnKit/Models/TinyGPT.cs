// A tiny decoder-only transformer, chapter 08's GPT, laid out as nanoGPT's model.py: token and position
// embeddings, a stack of pre-norm causal transformer blocks, a final layer norm and a linear language-model head.
// References: Vaswani et al. 2017, "Attention Is All You Need"; Radford et al. 2018/2019 (GPT, GPT-2);
// Karpathy, nanoGPT (https://github.com/karpathy/nanoGPT, model.py), whose names and initialisation it follows.
using DeepLearnKit.NN;

namespace DeepLearnKit.Models;

/// <summary>The size of a <see cref="TinyGPT"/>.</summary>
/// <param name="VocabSize">V, the number of token ids.</param>
/// <param name="BlockSize">The longest context the model sees (the number of position embeddings).</param>
/// <param name="EmbedDim">E, the width of the residual stream.</param>
/// <param name="Heads">Attention heads per block (E must be a multiple of it).</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="Dropout">Dropout on the embeddings, the attention weights and the residual branches, in training mode.</param>
public sealed record GPTConfig(int VocabSize, int BlockSize, int EmbedDim = 64, int Heads = 4, int Layers = 2, float Dropout = 0);

/// <summary>
/// A GPT: ids [N, T] (T ≤ BlockSize) → <c>wte</c>(ids) + <c>wpe</c>(0 … T−1) [N, T, E] → <c>drop</c> → <c>h</c> (Layers ×
/// <see cref="TransformerBlock"/>, causal) → <c>ln_f</c> → <c>lm_head</c> → logits [N, T, V], where logits[n, t] scores
/// the token after position t. Weights start as nanoGPT's: every Linear and Embedding weight N(0, 0.02), biases 0, and
/// the projections back into the residual stream (attention out_proj, linear2) N(0, 0.02/√(2·Layers)).
/// </summary>
public sealed class TinyGPT : Module
{
    /// <summary>A GPT of size <paramref name="config"/>.</summary>
    public TinyGPT(GPTConfig config)
    {
        if (config.VocabSize < 1 || config.BlockSize < 1 || config.Layers < 1)
            throw new ArgumentException($"TinyGPT: VocabSize, BlockSize and Layers must be positive, got {config}.");
        Config = config;
        Wte = RegisterModule("wte", new Embedding(config.VocabSize, config.EmbedDim));
        Wpe = RegisterModule("wpe", new Embedding(config.BlockSize, config.EmbedDim));
        Drop = RegisterModule("drop", new Dropout(config.Dropout));
        Blocks = RegisterModule("h", new Sequential(
            Enumerable.Range(0, config.Layers).Select(_ => (Module)new TransformerBlock(config.EmbedDim, config.Heads, config.Dropout)).ToArray()));
        LnF = RegisterModule("ln_f", new LayerNorm(config.EmbedDim));
        LmHead = RegisterModule("lm_head", new Linear(config.EmbedDim, config.VocabSize, bias: false));
        InitWeights();
    }

    /// <summary>The model's size.</summary>
    public GPTConfig Config { get; }

    /// <summary>Token embeddings [V, E].</summary>
    public Embedding Wte { get; }

    /// <summary>Position embeddings [BlockSize, E].</summary>
    public Embedding Wpe { get; }

    /// <summary>Dropout on the summed embeddings.</summary>
    public Dropout Drop { get; }

    /// <summary>The transformer blocks, in order.</summary>
    public Sequential Blocks { get; }

    /// <summary>The final layer norm.</summary>
    public LayerNorm LnF { get; }

    /// <summary>The language-model head E → V.</summary>
    public Linear LmHead { get; }

    /// <summary>ids [N, T] → logits [N, T, V].</summary>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 2 || input.Size(1) < 1 || input.Size(1) > Config.BlockSize)
            throw new ArgumentException($"TinyGPT: expected ids [N, T] with 1 ≤ T ≤ {Config.BlockSize}, got shape {Shapes.Format(input.Shape)}.");
        int t = input.Size(1);
        var tok = Wte.Call(input);                                        // (N, T, E)
        var pos = Wpe.Call(Tensor.Arange(t).To(input.Device).Reshape(1, t)); // (1, T, E)
        var x = Drop.Call(tok + pos);                                     // (N, T, E)
        x = Blocks.Call(x);                                               // (N, T, E)
        return LmHead.Call(LnF.Call(x));                                  // (N, T, V)
    }

    /// <summary>
    /// Extends each row of <paramref name="ids"/> [N, T0] by <paramref name="maxNewTokens"/> tokens, feeding the model its
    /// last BlockSize tokens each time and drawing the next from softmax(logits / <paramref name="temperature"/>),
    /// restricted to the <paramref name="topK"/> best when given (temperature 0: greedy). The draws come from a generator
    /// seeded with <paramref name="seed"/> when given (the same seed gives the same tokens every time, whatever else
    /// used <see cref="Rng"/>), otherwise from <see cref="Rng"/>. Runs in eval mode without gradients. Returns [N, T0 + maxNewTokens].
    /// </summary>
    public Tensor Generate(Tensor ids, int maxNewTokens, float temperature = 1, int? topK = null, int? seed = null)
    {
        if (ids.Rank != 2 || ids.Size(1) < 1)
            throw new ArgumentException($"TinyGPT.Generate: expected ids [N, T0] with T0 ≥ 1, got shape {Shapes.Format(ids.Shape)}.");
        if (maxNewTokens < 0)
            throw new ArgumentOutOfRangeException(nameof(maxNewTokens), $"TinyGPT.Generate: maxNewTokens must be non-negative, got {maxNewTokens}.");
        bool wasTraining = IsTraining;
        Eval();
        try
        {
            using var _ = Tensor.NoGrad();
            int n = ids.Size(0), v = Config.VocabSize;
            var random = Sampling.Generator(seed);
            var seq = ids.Detach().To(LmHead.Weight.Device);
            for (int step = 0; step < maxNewTokens; step++)
            {
                int t = seq.Size(1);
                var context = t <= Config.BlockSize ? seq : seq.Narrow(1, t - Config.BlockSize, Config.BlockSize); // (N, ≤BlockSize)
                var logits = Forward(context);
                var last = logits.Select(1, logits.Size(1) - 1).ToArray();   // (N, V), row-major
                var next = new float[n];
                for (int row = 0; row < n; row++)
                    next[row] = Sampling.FromLogits(last.AsSpan(row * v, v), temperature, topK, random);
                seq = Tensor.Cat([seq, Tensor.FromArray(next, [n, 1], seq.Device)], dim: 1); // (N, t + 1)
            }
            return seq;
        }
        finally
        {
            Train(wasTraining);
        }
    }

    /// <summary>One sequence: <paramref name="ids"/> followed by <paramref name="maxNewTokens"/> generated ids.</summary>
    public int[] Generate(int[] ids, int maxNewTokens, float temperature = 1, int? topK = null, int? seed = null) =>
        Generate(Tensor.FromArray(ids.Select(i => (float)i).ToArray(), 1, ids.Length), maxNewTokens, temperature, topK, seed)
            .ToArray().Select(f => (int)f).ToArray();

    private void InitWeights()
    {
        using var _ = Tensor.NoGrad();
        double residualStd = 0.02 / Math.Sqrt(2 * Config.Layers);
        foreach (var (_, m) in NamedModules())
            switch (m)
            {
                case Linear linear:
                    linear.Weight.CopyFrom(Init.Normal(linear.Weight.Shape, 0, 0.02));
                    linear.Bias?.Fill(0);
                    break;
                case Embedding embedding:
                    embedding.Weight.CopyFrom(Init.Normal(embedding.Weight.Shape, 0, 0.02));
                    break;
                case MultiHeadAttention attention:
                    attention.InProjWeight.CopyFrom(Init.Normal(attention.InProjWeight.Shape, 0, 0.02));
                    attention.InProjBias?.Fill(0);
                    break;
            }
        // nanoGPT's scaled init of the residual projections (its c_proj), applied after the generic pass above.
        foreach (var block in Blocks.NamedChildren().Select(c => (TransformerBlock)c.Module))
        {
            block.SelfAttn.OutProj.Weight.CopyFrom(Init.Normal(block.SelfAttn.OutProj.Weight.Shape, 0, residualStd));
            block.Linear2.Weight.CopyFrom(Init.Normal(block.Linear2.Weight.Shape, 0, residualStd));
        }
    }
}
