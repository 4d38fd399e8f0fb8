// Multi-head scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You Need", §3.2), batch
// first, with PyTorch's nn.MultiheadAttention parameters; it keeps its last attention weights for drawing.
namespace DeepLearnKit.NN;

/// <summary>
/// Multi-head attention over batch-first sequences, as <c>torch.nn.MultiheadAttention(embedDim, numHeads,
/// batch_first=True)</c>. For query [N, T, E] and key, value [N, S, E], with d = E / h per head:
/// <code>
/// Q = query·W_qᵀ + b_q,   K = key·W_kᵀ + b_k,   V = value·W_vᵀ + b_v         each split into h heads of size d
/// head_j = softmax(Q_j K_jᵀ / √d + mask) V_j                               [N, T, d] per head
/// output = concat(head_1, …, head_h)·W_oᵀ + b_o                            [N, T, E]
/// </code>
/// W_q, W_k, W_v are the rows 0..E, E..2E, 2E..3E of <c>in_proj_weight</c> [3E, E] (and b_q, b_k, b_v of
/// <c>in_proj_bias</c> [3E]); W_o and b_o are <c>out_proj.weight</c> [E, E] and <c>out_proj.bias</c> [E]; the names
/// are PyTorch's, so state dicts carry over. Initialised as PyTorch: Xavier-uniform in_proj_weight, zero biases.
/// In training mode the attention weights go through dropout before they multiply V.
/// </summary>
public sealed class MultiHeadAttention : Module
{
    /// <summary>Attention with <paramref name="numHeads"/> heads over <paramref name="embedDim"/> features (embedDim divisible by numHeads).</summary>
    public MultiHeadAttention(int embedDim, int numHeads, float dropout = 0, bool bias = true)
    {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiHeadAttention: embedDim ({embedDim}) must be a positive multiple of numHeads ({numHeads}).");
        if (dropout < 0 || dropout >= 1)
            throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiHeadAttention: dropout must be in [0, 1), got {dropout}.");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        Dropout = dropout;
        InProjWeight = RegisterParameter("in_proj_weight", Init.XavierUniform([3 * embedDim, embedDim]));
        InProjBias = bias ? RegisterParameter("in_proj_bias", Tensor.Zeros(3 * embedDim)) : null;
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias));
        if (OutProj.Bias is { } outBias)
            using (Tensor.NoGrad()) outBias.Fill(0);
    }

    /// <summary>E, the features per position.</summary>
    public int EmbedDim { get; }

    /// <summary>h, the number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>d = E / h, the features per head.</summary>
    public int HeadDim => EmbedDim / NumHeads;

    /// <summary>Dropout probability on the attention weights, in training mode.</summary>
    public float Dropout { get; }

    /// <summary>[W_q; W_k; W_v], [3E, E].</summary>
    public Tensor InProjWeight { get; }

    /// <summary>[b_q; b_k; b_v], [3E], or null.</summary>
    public Tensor? InProjBias { get; }

    /// <summary>The output projection W_o, b_o.</summary>
    public Linear OutProj { get; }

    /// <summary>
    /// softmax(Q Kᵀ/√d + mask) of the last forward pass, [N, h, T, S], detached and before dropout: row t says how
    /// much position t attended to each key position. Null before the first call.
    /// </summary>
    public Tensor? LastAttentionWeights { get; private set; }

    /// <summary>Self-attention without a mask: <c>Forward(x, x, x)</c>.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input);

    /// <summary>
    /// Attention of <paramref name="query"/> [N, T, E] over <paramref name="key"/> and <paramref name="value"/>
    /// [N, S, E]; returns [N, T, E]. With <paramref name="causal"/>, position t sees only key positions s ≤ t.
    /// <paramref name="mask"/> is added to the scores: broadcastable to [N, h, T, S], 0 where attending is
    /// allowed and −∞ where not (see <see cref="CausalMask"/>). <paramref name="keyPaddingMask"/> [N, S] is PyTorch's
    /// <c>key_padding_mask</c>: true/1 where key s of sequence n is padding, which then gets weight 0 for every query
    /// (its score gets −∞), on top of the causal mask and <paramref name="mask"/>. A row masked everywhere gives NaN.
    /// </summary>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, bool causal = false, Tensor? mask = null, Tensor? keyPaddingMask = null)
    {
        if (query.Rank != 3 || key.Rank != 3 || value.Rank != 3 || query.Size(2) != EmbedDim || key.Size(2) != EmbedDim || value.Size(2) != EmbedDim
            || key.Size(0) != query.Size(0) || value.Size(0) != query.Size(0) || key.Size(1) != value.Size(1))
            throw new ArgumentException($"MultiHeadAttention: expected query [N, T, {EmbedDim}] and key, value [N, S, {EmbedDim}] (batch first), " +
                $"got {Shapes.Format(query.Shape)}, {Shapes.Format(key.Shape)}, {Shapes.Format(value.Shape)}.");
        int n = query.Size(0), t = query.Size(1), s = key.Size(1);
        if (keyPaddingMask is not null && (keyPaddingMask.Rank != 2 || keyPaddingMask.Size(0) != n || keyPaddingMask.Size(1) != s))
            throw new ArgumentException($"MultiHeadAttention: keyPaddingMask must be [N, S] = [{n}, {s}] for key {Shapes.Format(key.Shape)}, " +
                $"got {Shapes.Format(keyPaddingMask.Shape)}.");
        var w = InProjWeight.Chunk(3, dim: 0); // W_q, W_k, W_v: each (E, E)
        var b = InProjBias?.Chunk(3, dim: 0);
        var q = SplitHeads(CellInput.Project(query, w[0], b?[0])); // (N, h, T, d)
        var k = SplitHeads(CellInput.Project(key, w[1], b?[1]));   // (N, h, S, d)
        var v = SplitHeads(CellInput.Project(value, w[2], b?[2])); // (N, h, S, d)

        if (causal)
        {
            var causalMask = CausalMasks.GetOrAdd((t, s, query.Device), key => CausalMask(key.T, key.S).To(key.Device).Keep()); // (T, S)
            mask = mask is null ? causalMask : mask + causalMask;
        }
        if (keyPaddingMask is not null)
        {
            var padding = PaddingMask(keyPaddingMask.To(query.Device)); // (N, 1, 1, S)
            mask = mask is null ? padding : mask + padding;
        }
        var heads = ScaledDotProductAttention(q, k, v, mask, out var weights, Dropout, IsTraining); // (N, h, T, d)
        LastAttentionWeights = weights.Detach().Keep();
        var merged = heads.Transpose(1, 2).Reshape(n, t, EmbedDim); // (N, T, h, d) -> (N, T, E)
        return OutProj.Call(merged);
    }

    /// <summary>(N, L, E) -> (N, h, L, d).</summary>
    private Tensor SplitHeads(Tensor x) => x.Reshape(x.Size(0), x.Size(1), NumHeads, HeadDim).Transpose(1, 2);

    /// <summary>
    /// <c>softmax(q kᵀ / √d + mask) v</c> for q [..., T, d], k [..., S, d], v [..., S, dᵥ] (leading dims broadcast);
    /// returns [..., T, dᵥ]. <paramref name="mask"/> (optional) is added to the scores [..., T, S]: 0 to allow, −∞ to block.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? mask = null) =>
        ScaledDotProductAttention(q, k, v, mask, out _);

    /// <summary>As <see cref="ScaledDotProductAttention(Tensor, Tensor, Tensor, Tensor?)"/>, also giving the weights softmax(q kᵀ/√d + mask) [..., T, S].</summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? mask, out Tensor weights) =>
        ScaledDotProductAttention(q, k, v, mask, out weights, 0, false);

    private static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? mask, out Tensor weights, float dropout, bool training)
    {
        if (q.Rank < 2 || k.Rank < 2 || v.Rank < 2 || q.Size(-1) != k.Size(-1) || k.Size(-2) != v.Size(-2))
            throw new ArgumentException($"ScaledDotProductAttention: expected q [..., T, d], k [..., S, d], v [..., S, dv], got " +
                $"{Shapes.Format(q.Shape)}, {Shapes.Format(k.Shape)}, {Shapes.Format(v.Shape)}.");
        var scores = q.MatMul(k.Transpose(-2, -1)) * (1f / MathF.Sqrt(q.Size(-1))); // (..., T, S)
        if (mask is not null) scores = scores + mask;
        weights = scores.Softmax(-1); // (..., T, S), each row sums to 1
        return weights.Dropout(dropout, training).MatMul(v); // (..., T, dv)
    }

    /// <summary>
    /// The causal mask [T, S]: 0 where key position s ≤ query position t, −∞ above the diagonal (PyTorch's
    /// <c>is_causal</c>, aligned top-left).
    /// </summary>
    public static Tensor CausalMask(int t, int s)
    {
        var values = new float[t * s];
        for (int i = 0; i < t; i++)
            for (int j = i + 1; j < s; j++) values[i * s + j] = float.NegativeInfinity;
        return Tensor.FromArray(values, t, s);
    }

    /// <summary>
    /// The causal masks already made, by (T, S, device): a model calls with a few sequence lengths, so each mask is built
    /// and moved to its device once instead of on every forward pass. They are constants no caller can reach.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int T, int S, Device Device), Tensor> CausalMasks = new();

    /// <summary>
    /// key_padding_mask [N, S] (nonzero = padding) as an additive mask [N, 1, 1, S]: −∞ at padding, 0 elsewhere, computed
    /// on the mask's device.
    /// </summary>
    private static Tensor PaddingMask(Tensor keyPaddingMask)
    {
        var device = keyPaddingMask.Device;
        using var _ = Tensor.NoGrad();
        return Tensor.Where(keyPaddingMask != 0f, Tensor.Scalar(float.NegativeInfinity, device), Tensor.Scalar(0, device))
            .Reshape(keyPaddingMask.Size(0), 1, 1, keyPaddingMask.Size(1));
    }

    /// <inheritdoc/>
    protected override string ExtraRepr => $"{EmbedDim}, heads={NumHeads}" + (Dropout > 0 ? $", dropout={Dropout}" : "") + (InProjBias is null ? ", bias: false" : "");
}
