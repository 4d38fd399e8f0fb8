// Normalisation layers: batch norm over the batch (BatchNorm1d, BatchNorm2d) and layer norm over each
// sample's last dims (LayerNorm). Both are composed from tensor ops, so autograd derives their backward.
namespace DeepLearnKit.NN;

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy 2015), as PyTorch's <c>_BatchNorm</c>: per channel c,
/// <c>y = (x − μ_c) / √(σ²_c + ε) · γ_c + β_c</c>, with the channel on dim 1 and the statistics taken over every
/// other dim. In training mode μ and σ² are the batch's mean and biased variance (÷ n), and the running
/// statistics move towards the batch's: <c>running_mean ← (1 − m)·running_mean + m·μ</c>,
/// <c>running_var ← (1 − m)·running_var + m·σ²·n/(n − 1)</c> (the unbiased variance, as PyTorch), with m the
/// momentum (or <c>1/num_batches_tracked</c>, a cumulative average, when the momentum is null).
/// In evaluation mode the running statistics take the place of μ and σ².
/// γ (<c>weight</c>) starts at 1 and β (<c>bias</c>) at 0; the buffers are <c>running_mean</c> (0),
/// <c>running_var</c> (1) and <c>num_batches_tracked</c> (0), named as PyTorch's so state dicts carry over.
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>A batch norm over <paramref name="numFeatures"/> channels.</summary>
    protected BatchNorm(int numFeatures, float eps, float? momentum, bool affine)
    {
        if (numFeatures < 1)
            throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{GetType().Name}: numFeatures must be positive, got {numFeatures}.");
        if (momentum is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(momentum), $"{GetType().Name}: momentum must be in [0, 1] (or null), got {momentum}.");
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        Weight = affine ? RegisterParameter("weight", Tensor.Ones(numFeatures)) : null;
        Bias = affine ? RegisterParameter("bias", Tensor.Zeros(numFeatures)) : null;
        RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
        RegisterBuffer("running_var", Tensor.Ones(numFeatures));
        RegisterBuffer("num_batches_tracked", Tensor.Scalar(0));
    }

    /// <summary>C, the number of channels (dim 1 of the input).</summary>
    public int NumFeatures { get; }

    /// <summary>ε, added to the variance for stability.</summary>
    public float Eps { get; }

    /// <summary>m, the weight of each new batch in the running statistics; null for a cumulative average.</summary>
    public float? Momentum { get; }

    /// <summary>Whether the layer has the learnable γ and β.</summary>
    public bool Affine => Weight is not null;

    /// <summary>γ, [C], or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, [C], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>The running mean, [C] (buffer <c>running_mean</c>).</summary>
    public Tensor RunningMean => GetBuffer("running_mean");

    /// <summary>The running unbiased variance, [C] (buffer <c>running_var</c>).</summary>
    public Tensor RunningVar => GetBuffer("running_var");

    /// <summary>How many training batches have updated the running statistics, a scalar (buffer <c>num_batches_tracked</c>).</summary>
    public Tensor NumBatchesTracked => GetBuffer("num_batches_tracked");

    /// <summary>Throws unless <paramref name="input"/> has a shape this layer accepts, naming the expected layout.</summary>
    private protected abstract void CheckInput(Tensor input);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        CheckInput(input);
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{GetType().Name}: expected {NumFeatures} channels on dim 1, got input of shape {Shapes.Format(input.Shape)}.");
        var axes = Enumerable.Range(0, input.Rank).Where(d => d != 1).ToArray();
        var channel = Enumerable.Range(0, input.Rank).Select(d => d == 1 ? NumFeatures : 1).ToArray();   // [1, C, 1, …]
        Tensor mean, variance;
        if (IsTraining)
        {
            long n = input.NumEl / NumFeatures;
            if (n < 2)
                throw new ArgumentException($"{GetType().Name}: training needs more than 1 value per channel to compute a variance, got input of shape {Shapes.Format(input.Shape)}.");
            mean = input.Mean(axes, keepDim: true);
            var centered = input - mean;
            variance = (centered * centered).Mean(axes, keepDim: true);   // biased: ÷ n
            UpdateRunningStatistics(mean, variance, n);
        }
        else
        {
            mean = RunningMean.Reshape(channel);
            variance = RunningVar.Reshape(channel);
        }
        var normalized = (input - mean) / (variance + Eps).Sqrt();
        return Weight is null ? normalized : normalized * Weight.Reshape(channel) + Bias!.Reshape(channel);
    }

    private void UpdateRunningStatistics(Tensor mean, Tensor biasedVariance, long n)
    {
        using var _ = Tensor.NoGrad();
        var tracked = NumBatchesTracked;
        tracked.CopyFrom(tracked + 1f);
        float m = Momentum ?? 1f / tracked.Item();
        var batchMean = mean.Detach().Reshape(NumFeatures);
        var unbiased = biasedVariance.Detach().Reshape(NumFeatures) * ((float)n / (n - 1));
        RunningMean.CopyFrom(RunningMean * (1 - m) + batchMean * m);
        RunningVar.CopyFrom(RunningVar * (1 - m) + unbiased * m);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr =>
        $"{NumFeatures}" + (Eps != 1e-5f ? $", eps: {Eps}" : "") + (Momentum != 0.1f ? $", momentum: {Momentum?.ToString() ?? "null"}" : "") +
        (Affine ? "" : ", affine: false");
}

/// <summary>
/// Batch norm over [N, C] (features) or [N, C, L] (sequences), as PyTorch's <c>nn.BatchNorm1d</c>; statistics per
/// channel over N (and L). See <see cref="BatchNorm"/> for the formula.
/// </summary>
/// <param name="numFeatures">C.</param>
/// <param name="eps">ε added to the variance (default 1e-5).</param>
/// <param name="momentum">Weight of each batch in the running statistics (default 0.1; null: cumulative average).</param>
/// <param name="affine">Whether to learn γ and β (default true).</param>
public sealed class BatchNorm1d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true)
    : BatchNorm(numFeatures, eps, momentum, affine)
{
    private protected override void CheckInput(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d: expected input [N, C] or [N, C, L], got shape {Shapes.Format(input.Shape)}.");
    }
}

/// <summary>
/// Batch norm over images [N, C, H, W], as PyTorch's <c>nn.BatchNorm2d</c>; statistics per channel over N, H and W.
/// See <see cref="BatchNorm"/> for the formula.
/// </summary>
/// <param name="numFeatures">C.</param>
/// <param name="eps">ε added to the variance (default 1e-5).</param>
/// <param name="momentum">Weight of each batch in the running statistics (default 0.1; null: cumulative average).</param>
/// <param name="affine">Whether to learn γ and β (default true).</param>
public sealed class BatchNorm2d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true)
    : BatchNorm(numFeatures, eps, momentum, affine)
{
    private protected override void CheckInput(Tensor input)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"BatchNorm2d: expected input [N, C, H, W], got shape {Shapes.Format(input.Shape)}.");
    }
}

/// <summary>
/// Layer normalisation (Ba et al. 2016), as PyTorch's <c>nn.LayerNorm</c>: over the last D dims, those of
/// <see cref="NormalizedShape"/>, <c>y = (x − E[x]) / √(Var[x] + ε) · γ + β</c> with the biased variance (÷ n),
/// the same in training and evaluation. γ (<c>weight</c>, starting at 1) and β (<c>bias</c>, starting at 0) have
/// the normalised shape.
/// </summary>
public sealed class LayerNorm : Module
{
    /// <summary>Normalises over the last dims, whose sizes are <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The trailing shape normalised over, e.g. [embedDim].</param>
    /// <param name="eps">ε added to the variance (default 1e-5).</param>
    /// <param name="elementwiseAffine">Whether to learn γ and β (default true).</param>
    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d < 1))
            throw new ArgumentException($"LayerNorm: normalizedShape must be non-empty with positive sizes, got {Shapes.Format(normalizedShape)}.", nameof(normalizedShape));
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        Weight = elementwiseAffine ? RegisterParameter("weight", Tensor.Ones(NormalizedShape)) : null;
        Bias = elementwiseAffine ? RegisterParameter("bias", Tensor.Zeros(NormalizedShape)) : null;
    }

    /// <summary>Normalises over the last dim, of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
        : this([normalizedShape], eps, elementwiseAffine) { }

    /// <summary>The trailing shape normalised over.</summary>
    public int[] NormalizedShape { get; }

    /// <summary>ε, added to the variance.</summary>
    public float Eps { get; }

    /// <summary>Whether the layer has γ and β.</summary>
    public bool ElementwiseAffine => Weight is not null;

    /// <summary>γ, shaped as <see cref="NormalizedShape"/>, or null.</summary>
    public Tensor? Weight { get; }

    /// <summary>β, shaped as <see cref="NormalizedShape"/>, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        int d = NormalizedShape.Length;
        if (input.Rank < d || !Shapes.Equal(input.Shape[^d..], NormalizedShape))
            throw new ArgumentException($"LayerNorm: expected an input ending in {Shapes.Format(NormalizedShape)}, got shape {Shapes.Format(input.Shape)}.");
        var axes = Enumerable.Range(input.Rank - d, d).ToArray();
        var centered = input - input.Mean(axes, keepDim: true);
        var variance = (centered * centered).Mean(axes, keepDim: true);   // biased: ÷ n
        var normalized = centered / (variance + Eps).Sqrt();
        return Weight is null ? normalized : normalized * Weight + Bias!;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr =>
        Shapes.Format(NormalizedShape) + (Eps != 1e-5f ? $", eps: {Eps}" : "") + (ElementwiseAffine ? "" : ", elementwise affine: false");
}
