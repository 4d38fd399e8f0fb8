// Attention weights as a heatmap: which key token each query token attended to, labelled with the tokens.
using DeepLearnKit.Formatters.Plotly;
using DeepLearnKit.NN;

namespace DeepLearnKit.Formatters;

/// <summary>
/// One attention matrix A[t, s] (row t: how much query position t attended to key position s; rows sum to 1) with
/// its tokens. From a tensor [T, S], [h, T, S] or [N, h, T, S] (one batch item and one head picked, or the heads'
/// mean), or from <see cref="MultiHeadAttention.LastAttentionWeights"/> with <see cref="Of(MultiHeadAttention, IReadOnlyList{string}, int?, int)"/>.
/// </summary>
public sealed class AttentionMap
{
    /// <summary>The map of <paramref name="weights"/> for <paramref name="queryTokens"/> (rows) and <paramref name="keyTokens"/> (columns; the query tokens when null).</summary>
    /// <param name="weights">[T, S], [h, T, S] or [N, h, T, S].</param>
    /// <param name="queryTokens">T labels.</param>
    /// <param name="keyTokens">S labels, or null for self-attention.</param>
    /// <param name="head">The head to draw; null averages over heads.</param>
    /// <param name="batch">The batch item, for [N, h, T, S].</param>
    public AttentionMap(Tensor weights, IReadOnlyList<string> queryTokens, IReadOnlyList<string>? keyTokens = null, int? head = null, int batch = 0)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(queryTokens);
        var w = weights.Rank switch
        {
            2 => weights,
            3 => PickHead(weights, head),
            4 => PickHead(weights.Select(0, CheckIndex(batch, weights.Size(0), "batch")), head),
            _ => throw new ArgumentException($"AttentionMap: weights must be [T, S], [h, T, S] or [N, h, T, S], got {Html.Shape(weights.Shape)}.", nameof(weights)),
        };
        keyTokens ??= queryTokens;
        if (w.Size(0) != queryTokens.Count || w.Size(1) != keyTokens.Count)
            throw new ArgumentException($"AttentionMap: weights of {w.Size(0)} queries × {w.Size(1)} keys, but {queryTokens.Count} query and {keyTokens.Count} key tokens.");
        var m = w.ToArray2D();
        Weights = Enumerable.Range(0, m.GetLength(0)).Select(i => (IReadOnlyList<double>)Enumerable.Range(0, m.GetLength(1)).Select(j => (double)m[i, j]).ToArray()).ToArray();
        QueryTokens = queryTokens;
        KeyTokens = keyTokens;
        Head = head;
    }

    /// <summary>The last forward pass's attention of <paramref name="attention"/> (self-attention over <paramref name="tokens"/>).</summary>
    public static AttentionMap Of(MultiHeadAttention attention, IReadOnlyList<string> tokens, int? head = null, int batch = 0)
    {
        ArgumentNullException.ThrowIfNull(attention);
        var weights = attention.LastAttentionWeights
            ?? throw new InvalidOperationException("AttentionMap.Of: the attention layer has not run yet; call it on an input first.");
        return new AttentionMap(weights, tokens, null, head, batch) { Layer = attention.ToString() };
    }

    /// <summary>Weights[t][s].</summary>
    public IReadOnlyList<IReadOnlyList<double>> Weights { get; }

    /// <summary>Row labels.</summary>
    public IReadOnlyList<string> QueryTokens { get; }

    /// <summary>Column labels.</summary>
    public IReadOnlyList<string> KeyTokens { get; }

    /// <summary>The head drawn, or null for the mean over heads.</summary>
    public int? Head { get; }

    /// <summary>A heatmap, queries down (first at the top), keys across, token labels on both axes.</summary>
    /// <param name="title">The chart's title; by default the layer (when known) and the head drawn.</param>
    public Figure Figure(string? title = null) => new()
    {
        Data = [new Heatmap { Z = Weights, X = Labels(KeyTokens), Y = Labels(QueryTokens), ColorScale = "Viridis" }],
        Layout = new Layout
        {
            Title = new Title(title ?? (Head is { } h ? $"Attention weights{LayerPart}, head {h}" : $"Attention weights{LayerPart} (mean over heads)")),
            XAxis = new Axis { Title = new Title("key"), Type = "category" },
            YAxis = new Axis { Title = new Title("query"), Type = "category", AutoRange = "reversed" },
            Height = Math.Clamp(140 + 28 * QueryTokens.Count, 320, 760),
        },
    };

    /// <summary>The heatmap as HTML.</summary>
    public string ToHtml(string? title = null) => Figure(title).ToHtml();

    /// <summary>The attention layer drawn (<c>MultiHeadAttention(8, 2 heads)</c>), when the map came from one.</summary>
    public string? Layer { get; init; }

    private string LayerPart => Layer is { } l ? " of " + Html.Short(l) : "";

    /// <summary>For each query token, the key token it attends to most.</summary>
    public override string ToString() =>
        $"AttentionMap({QueryTokens.Count}×{KeyTokens.Count}{(Head is { } h ? $", head {h}" : "")}: " +
        string.Join(", ", QueryTokens.Select((q, t) => $"{q}→{KeyTokens[Enumerable.Range(0, KeyTokens.Count).MaxBy(s => Weights[t][s])]}")) + ")";

    // Repeated tokens ("the" twice) would merge into one category; a position suffix keeps them apart.
    private static object[] Labels(IReadOnlyList<string> tokens) =>
        tokens.Select((t, i) => (object)(tokens.Count(x => x == t) > 1 ? $"{t} ({i})" : t)).ToArray();

    private static Tensor PickHead(Tensor headsTS, int? head)
    {
        using var _ = Tensor.NoGrad();
        return head is { } h ? headsTS.Select(0, CheckIndex(h, headsTS.Size(0), "head")) : headsTS.Mean(0);
    }

    private static int CheckIndex(int index, int count, string what) =>
        index >= 0 && index < count ? index : throw new ArgumentOutOfRangeException(what, $"AttentionMap: {what} {index} is outside [0, {count}).");
}
