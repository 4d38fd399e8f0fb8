// AdamW: Adam with weight decay applied to θ directly instead of through the gradient.

namespace DeepLearnKit.Optim;

/// <summary>AdamW's options (PyTorch's defaults).</summary>
/// <param name="LearningRate">γ.</param>
/// <param name="Beta1">β₁, the smoothing constant of the first moment m.</param>
/// <param name="Beta2">β₂, the smoothing constant of the second moment v.</param>
/// <param name="Eps">ε, added to the denominator.</param>
/// <param name="WeightDecay">λ, the decoupled decay: θ shrinks by γλθ each step.</param>
/// <param name="Amsgrad">Divide by the largest v seen so far (AMSGrad).</param>
public sealed record AdamWOptions(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8,
    double WeightDecay = 1e-2, bool Amsgrad = false) : OptimizerOptions(LearningRate);

/// <summary>
/// AdamW, as PyTorch's torch.optim.AdamW; at step t:
/// <c>θ ← θ − γλθ</c>; <c>g ← ∇θ</c>; <c>m ← β₁m + (1 − β₁)g</c>; <c>v ← β₂v + (1 − β₂)g²</c>; <c>m̂ ← m/(1 − β₁ᵗ)</c>;
/// <c>v̂ ← v/(1 − β₂ᵗ)</c>, or with AMSGrad <c>vᵐᵃˣ ← max(vᵐᵃˣ, v)</c> and <c>v̂ ← vᵐᵃˣ/(1 − β₂ᵗ)</c>;
/// <c>θ ← θ − γm̂/(√v̂ + ε)</c>. State: <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>, as <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>AdamW over <paramref name="parameters"/>.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : this([new ParamGroup(parameters)], new AdamWOptions(learningRate, (betas ?? (0.9, 0.999)).Beta1,
            (betas ?? (0.9, 0.999)).Beta2, eps, weightDecay, amsgrad))
    {
    }

    /// <summary>AdamW over parameter groups, each with its own options (missing ones from <paramref name="defaults"/>).</summary>
    public AdamW(IEnumerable<ParamGroup> groups, AdamWOptions defaults)
        : base(groups, Adam.Validate("AdamW", defaults, defaults.Beta1, defaults.Beta2, defaults.Eps))
    {
    }

    /// <inheritdoc/>
    protected internal override void CheckOptions(OptimizerOptions options)
    {
        var o = (AdamWOptions)options;
        Adam.Validate("AdamW", o, o.Beta1, o.Beta2, o.Eps);
    }

    /// <inheritdoc/>
    protected internal override IReadOnlyCollection<string> StateNames => Adam.MomentNames;

    /// <inheritdoc/>
    protected override Tensor Update(Tensor parameter, Tensor grad, OptimizerOptions options, ParameterState state)
    {
        var o = (AdamWOptions)options;
        var step = Adam.Direction(grad, o.Beta1, o.Beta2, o.Eps, o.Amsgrad, state);
        if (o.WeightDecay != 0) parameter.MulInPlace((float)(1 - o.LearningRate * o.WeightDecay));   // θ ← (1 − lr·λ)θ
        return parameter.AddInPlace(step, -(float)o.LearningRate);                                  // θ ← θ − lr·m̂/(√v̂ + ε)
    }
}
