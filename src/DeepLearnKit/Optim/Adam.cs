// Adam: momentum on the gradient and RMS scaling, both as bias-corrected running means.

namespace DeepLearnKit.Optim;

/// <summary>Adam's options (PyTorch's defaults).</summary>
/// <param name="LearningRate">γ.</param>
/// <param name="Beta1">β₁, the smoothing constant of the first moment m.</param>
/// <param name="Beta2">β₂, the smoothing constant of the second moment v.</param>
/// <param name="Eps">ε, added to the denominator.</param>
/// <param name="WeightDecay">λ, the L2 penalty's coefficient (added to the gradient; see <see cref="AdamW"/> for decoupled decay).</param>
/// <param name="Amsgrad">Divide by the largest v seen so far (AMSGrad).</param>
public sealed record AdamOptions(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8,
    double WeightDecay = 0, bool Amsgrad = false) : OptimizerOptions(LearningRate);

/// <summary>
/// Adam, as PyTorch's torch.optim.Adam; at step t:
/// <c>g ← ∇θ + λθ</c>; <c>m ← β₁m + (1 − β₁)g</c>; <c>v ← β₂v + (1 − β₂)g²</c>; <c>m̂ ← m/(1 − β₁ᵗ)</c>;
/// <c>v̂ ← v/(1 − β₂ᵗ)</c>, or with AMSGrad <c>vᵐᵃˣ ← max(vᵐᵃˣ, v)</c> and <c>v̂ ← vᵐᵃˣ/(1 − β₂ᵗ)</c>;
/// <c>θ ← θ − γm̂/(√v̂ + ε)</c>. State: <c>exp_avg</c> (m), <c>exp_avg_sq</c> (v), <c>max_exp_avg_sq</c> (vᵐᵃˣ).
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Adam over <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this([new ParamGroup(parameters)], new AdamOptions(learningRate, (betas ?? (0.9, 0.999)).Beta1,
            (betas ?? (0.9, 0.999)).Beta2, eps, weightDecay, amsgrad))
    {
    }

    /// <summary>Adam over parameter groups, each with its own options (missing ones from <paramref name="defaults"/>).</summary>
    public Adam(IEnumerable<ParamGroup> groups, AdamOptions defaults)
        : base(groups, Validate("Adam", defaults, defaults.Beta1, defaults.Beta2, defaults.Eps))
    {
    }

    /// <inheritdoc/>
    protected internal override void CheckOptions(OptimizerOptions options)
    {
        var o = (AdamOptions)options;
        Validate("Adam", o, o.Beta1, o.Beta2, o.Eps);
    }

    /// <summary>Adam's and AdamW's state: m, v and vᵐᵃˣ.</summary>
    internal static readonly IReadOnlyCollection<string> MomentNames = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

    /// <inheritdoc/>
    protected internal override IReadOnlyCollection<string> StateNames => MomentNames;

    internal static T Validate<T>(string name, T o, double beta1, double beta2, double eps) where T : OptimizerOptions
    {
        if (!(o.LearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"{name}: learning rate must be non-negative, got {o.LearningRate}.");
        if (!(beta1 is >= 0 and < 1) || !(beta2 is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(o), $"{name}: betas must be in [0, 1), got ({beta1}, {beta2}).");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"{name}: eps must be non-negative, got {eps}.");
        return o;
    }

    /// <inheritdoc/>
    protected override Tensor Update(Tensor parameter, Tensor grad, OptimizerOptions options, ParameterState state)
    {
        var o = (AdamOptions)options;
        var g = o.WeightDecay != 0 ? grad + (float)o.WeightDecay * parameter : grad;
        var step = Direction(g, o.Beta1, o.Beta2, o.Eps, o.Amsgrad, state);
        // A parameter that is a view (e.g. a transposed leaf) is updated through its strides.
        return parameter.AddInPlace(step, -(float)o.LearningRate);            // θ ← θ − lr·m̂/(√v̂ + ε)
    }

    /// <summary>
    /// Updates m, v (and vᵐᵃˣ) in <paramref name="state"/> in place and returns a new tensor <c>m̂/(√v̂ + ε)</c>, in the
    /// order PyTorch's Adam computes it; shared with AdamW. In place because a step over a large layer would
    /// otherwise allocate a dozen parameter-sized tensors.
    /// </summary>
    internal static Tensor Direction(Tensor g, double beta1, double beta2, double eps, bool amsgrad, ParameterState state)
    {
        int t = state.Step;
        var m = state.GetOrZeros("exp_avg", g);
        var v = state.GetOrZeros("exp_avg_sq", g);
        m.MulInPlace((float)beta1).AddInPlace(g, (float)(1 - beta1));               // m ← β₁m + (1 − β₁)g
        v.MulInPlace((float)beta2).AddProductInPlace(g, g, (float)(1 - beta2));     // v ← β₂v + (1 − β₂)g²
        if (amsgrad) v = state.GetOrZeros("max_exp_avg_sq", g).MaximumInPlace(v);   // vᵐᵃˣ ← max(vᵐᵃˣ, v)
        double bias1 = 1 - Math.Pow(beta1, t), bias2 = 1 - Math.Pow(beta2, t);
        var denominator = v.Sqrt().MulInPlace((float)(1 / Math.Sqrt(bias2))).AddInPlace((float)eps);   // √v̂ + ε
        return (m / denominator).MulInPlace((float)(1 / bias1));                        // m̂ / (√v̂ + ε)
    }
}
