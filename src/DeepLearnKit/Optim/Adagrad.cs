// Adagrad: a per-coordinate step size that shrinks with the sum of squared gradients seen so far.
namespace DeepLearnKit.Optim;

/// <summary>Adagrad's options (PyTorch's defaults).</summary>
/// <param name="LearningRate">γ.</param>
/// <param name="LrDecay">η, the learning-rate decay per step.</param>
/// <param name="WeightDecay">λ, the L2 penalty's coefficient.</param>
/// <param name="Eps">ε, added to the denominator.</param>
/// <param name="InitialAccumulatorValue">The starting value of every element of the sum of squares.</param>
public sealed record AdagradOptions(double LearningRate = 0.01, double LrDecay = 0, double WeightDecay = 0,
    double Eps = 1e-10, double InitialAccumulatorValue = 0) : OptimizerOptions(LearningRate);

/// <summary>
/// Adagrad, as PyTorch's torch.optim.Adagrad; at step t:
/// <c>γ̃ ← γ / (1 + (t − 1)η)</c>; <c>g ← ∇θ + λθ</c>; <c>state_sum ← state_sum + g²</c>;
/// <c>θ ← θ − γ̃ · g / (√state_sum + ε)</c>. The sum of squares is state <c>sum</c>.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over <paramref name="parameters"/>.</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double learningRate = 0.01, double lrDecay = 0, double weightDecay = 0,
        double eps = 1e-10, double initialAccumulatorValue = 0)
        : this([new ParamGroup(parameters)], new AdagradOptions(learningRate, lrDecay, weightDecay, eps, initialAccumulatorValue))
    {
    }

    /// <summary>Adagrad over parameter groups, each with its own options (missing ones from <paramref name="defaults"/>).</summary>
    public Adagrad(IEnumerable<ParamGroup> groups, AdagradOptions defaults) : base(groups, Validate(defaults))
    {
    }

    /// <inheritdoc/>
    protected internal override void CheckOptions(OptimizerOptions options) => Validate((AdagradOptions)options);

    /// <inheritdoc/>
    protected internal override IReadOnlyCollection<string> StateNames => ["sum"];

    private static AdagradOptions Validate(AdagradOptions o)
    {
        if (!(o.LearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Adagrad: learning rate must be non-negative, got {o.LearningRate}.");
        if (!(o.LrDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Adagrad: lr decay must be non-negative, got {o.LrDecay}.");
        if (!(o.Eps >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"Adagrad: eps must be non-negative, got {o.Eps}.");
        if (!(o.InitialAccumulatorValue >= 0))
            throw new ArgumentOutOfRangeException(nameof(o), $"Adagrad: the initial accumulator value must be non-negative, got {o.InitialAccumulatorValue}.");
        return o;
    }

    /// <inheritdoc/>
    protected override Tensor Update(Tensor parameter, Tensor grad, OptimizerOptions options, ParameterState state)
    {
        var o = (AdagradOptions)options;
        var g = o.WeightDecay != 0 ? grad + (float)o.WeightDecay * parameter : grad;
        double clr = o.LearningRate / (1 + (state.Step - 1) * o.LrDecay);
        var sum = state.Tensors.TryGetValue("sum", out var old) ? old : Tensor.FullLike(parameter, (float)o.InitialAccumulatorValue);
        sum = Keep(state, "sum", sum + g.Square());
        return parameter - (float)clr * (g / (sum.Sqrt() + (float)o.Eps));
    }
}
