// Adadelta: a step whose units match θ's, from running means of squared gradients and squared steps.
namespace DeepLearnKit.Optim;

/// <summary>Adadelta's options (PyTorch's defaults).</summary>
/// <param name="LearningRate">γ, a factor on the step (1: Zeiler's original method).</param>
/// <param name="Rho">ρ, the smoothing constant of both running means.</param>
/// <param name="Eps">ε, added inside both square roots.</param>
/// <param name="WeightDecay">λ, the L2 penalty's coefficient.</param>
public sealed record AdadeltaOptions(double LearningRate = 1.0, double Rho = 0.9, double Eps = 1e-6, double WeightDecay = 0)
    : OptimizerOptions(LearningRate);

/// <summary>
/// Adadelta, as PyTorch's torch.optim.Adadelta:
/// <c>g ← ∇θ + λθ</c>; <c>v ← ρv + (1 − ρ)g²</c>; <c>Δx ← (√(u + ε) / √(v + ε)) · g</c>;
/// <c>u ← ρu + (1 − ρ)Δx²</c>; <c>θ ← θ − γΔx</c>. State: <c>square_avg</c> (v), <c>acc_delta</c> (u); both start at zero.
/// </summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>Adadelta over <paramref name="parameters"/>.</summary>
    public Adadelta(IEnumerable<Tensor> parameters, double learningRate = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0)
        : this([new ParamGroup(parameters)], new AdadeltaOptions(learningRate, rho, eps, weightDecay))
    {
    }

    /// <summary>Adadelta over parameter groups, each with its own options (missing ones from <paramref name="defaults"/>).</summary>
    public Adadelta(IEnumerable<ParamGroup> groups, AdadeltaOptions defaults) : base(groups, Validate(defaults))
    {
    }

    /// <inheritdoc/>
    protected internal override void CheckOptions(OptimizerOptions options) => Validate((AdadeltaOptions)options);

    /// <inheritdoc/>
    protected internal override IReadOnlyCollection<string> StateNames => ["square_avg", "acc_delta"];

    private static AdadeltaOptions Validate(AdadeltaOptions o)
    {
        if (!(o.LearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Adadelta: learning rate must be non-negative, got {o.LearningRate}.");
        if (!(o.Rho is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(o), $"Adadelta: rho must be in [0, 1], got {o.Rho}.");
        if (!(o.Eps >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Adadelta: eps must be non-negative, got {o.Eps}.");
        return o;
    }

    /// <inheritdoc/>
    protected override Tensor Update(Tensor parameter, Tensor grad, OptimizerOptions options, ParameterState state)
    {
        var o = (AdadeltaOptions)options;
        float rho = (float)o.Rho, eps = (float)o.Eps;
        var g = o.WeightDecay != 0 ? grad + (float)o.WeightDecay * parameter : grad;
        var v = Keep(state, "square_avg", rho * state.GetOrZeros("square_avg", parameter) + (1 - rho) * g.Square());
        var u = state.GetOrZeros("acc_delta", parameter);
        var delta = (u + eps).Sqrt() / (v + eps).Sqrt() * g;
        Keep(state, "acc_delta", rho * u + (1 - rho) * delta.Square());
        return parameter - (float)o.LearningRate * delta;
    }
}
