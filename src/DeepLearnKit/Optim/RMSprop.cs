// RMSprop: divide the gradient by a running root-mean-square of recent gradients.
namespace DeepLearnKit.Optim;

/// <summary>RMSprop's options (PyTorch's defaults).</summary>
/// <param name="LearningRate">γ.</param>
/// <param name="Alpha">α, the smoothing constant of the running mean of g².</param>
/// <param name="Eps">ε, added to the denominator.</param>
/// <param name="WeightDecay">λ, the L2 penalty's coefficient.</param>
/// <param name="Momentum">μ (0: none).</param>
/// <param name="Centered">Divide by an estimate of the gradient's variance, <c>v − (E g)²</c>, instead of <c>v</c>.</param>
public sealed record RMSpropOptions(double LearningRate = 0.01, double Alpha = 0.99, double Eps = 1e-8, double WeightDecay = 0,
    double Momentum = 0, bool Centered = false) : OptimizerOptions(LearningRate);

/// <summary>
/// RMSprop, as PyTorch's torch.optim.RMSprop:
/// <c>g ← ∇θ + λθ</c>; <c>v ← αv + (1 − α)g²</c>; <c>ṽ ← v</c>;
/// if centered, <c>gᵃᵛᵉ ← αgᵃᵛᵉ + (1 − α)g</c> and <c>ṽ ← ṽ − (gᵃᵛᵉ)²</c>;
/// with momentum <c>b ← μb + g/(√ṽ + ε)</c> and <c>θ ← θ − γb</c>, else <c>θ ← θ − γg/(√ṽ + ε)</c>.
/// State: <c>square_avg</c> (v), <c>grad_avg</c> (gᵃᵛᵉ), <c>momentum_buffer</c> (b); all start at zero.
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop over <paramref name="parameters"/>.</summary>
    public RMSprop(IEnumerable<Tensor> parameters, double learningRate = 0.01, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false)
        : this([new ParamGroup(parameters)], new RMSpropOptions(learningRate, alpha, eps, weightDecay, momentum, centered))
    {
    }

    /// <summary>RMSprop over parameter groups, each with its own options (missing ones from <paramref name="defaults"/>).</summary>
    public RMSprop(IEnumerable<ParamGroup> groups, RMSpropOptions defaults) : base(groups, Validate(defaults))
    {
    }

    /// <inheritdoc/>
    protected internal override void CheckOptions(OptimizerOptions options) => Validate((RMSpropOptions)options);

    /// <inheritdoc/>
    protected internal override IReadOnlyCollection<string> StateNames => ["square_avg", "grad_avg", "momentum_buffer"];

    private static RMSpropOptions Validate(RMSpropOptions o)
    {
        if (!(o.LearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"RMSprop: learning rate must be non-negative, got {o.LearningRate}.");
        if (!(o.Alpha is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(o), $"RMSprop: alpha must be in [0, 1], got {o.Alpha}.");
        if (!(o.Eps >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"RMSprop: eps must be non-negative, got {o.Eps}.");
        if (!(o.Momentum >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"RMSprop: momentum must be non-negative, got {o.Momentum}.");
        return o;
    }

    /// <inheritdoc/>
    protected override Tensor Update(Tensor parameter, Tensor grad, OptimizerOptions options, ParameterState state)
    {
        var o = (RMSpropOptions)options;
        float alpha = (float)o.Alpha;
        var g = o.WeightDecay != 0 ? grad + (float)o.WeightDecay * parameter : grad;
        var v = Keep(state, "square_avg", alpha * state.GetOrZeros("square_avg", parameter) + (1 - alpha) * g.Square());
        var vTilde = v;
        if (o.Centered)
        {
            var gAve = Keep(state, "grad_avg", alpha * state.GetOrZeros("grad_avg", parameter) + (1 - alpha) * g);
            vTilde = v - gAve.Square();
        }
        var step = g / (vTilde.Sqrt() + (float)o.Eps);
        if (o.Momentum > 0)
            step = Keep(state, "momentum_buffer", (float)o.Momentum * state.GetOrZeros("momentum_buffer", parameter) + step);
        return parameter - (float)o.LearningRate * step;
    }
}
