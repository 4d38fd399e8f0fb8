// Stochastic gradient descent with momentum, Nesterov momentum and weight decay.
namespace DeepLearnKit.Optim;

/// <summary>SGD's options (PyTorch's defaults).</summary>
/// <param name="LearningRate">η.</param>
/// <param name="Momentum">μ (0: plain SGD).</param>
/// <param name="Dampening">τ, the share of the gradient left out of the velocity.</param>
/// <param name="WeightDecay">λ, the L2 penalty's coefficient.</param>
/// <param name="Nesterov">Look ahead along the velocity.</param>
public sealed record SGDOptions(double LearningRate = 0.01, double Momentum = 0, double Dampening = 0,
    double WeightDecay = 0, bool Nesterov = false) : OptimizerOptions(LearningRate);

/// <summary>
/// Stochastic gradient descent, as PyTorch's torch.optim.SGD:
/// <c>g ← ∇θ + λθ</c>; with momentum <c>v ← μv + (1 − τ)g</c> (v = g at the first step) and
/// <c>g ← g + μv</c> (Nesterov) or <c>g ← v</c>; then <c>θ ← θ − ηg</c>. The velocity is state <c>momentum_buffer</c>.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD over <paramref name="parameters"/>.</summary>
    public SGD(IEnumerable<Tensor> parameters, double learningRate = 0.01, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false)
        : this([new ParamGroup(parameters)], new SGDOptions(learningRate, momentum, dampening, weightDecay, nesterov))
    {
    }

    /// <summary>SGD over parameter groups, each with its own options (missing ones from <paramref name="defaults"/>).</summary>
    public SGD(IEnumerable<ParamGroup> groups, SGDOptions defaults) : base(groups, Validate(defaults))
    {
    }

    /// <inheritdoc/>
    protected internal override void CheckOptions(OptimizerOptions options) => Validate((SGDOptions)options);

    /// <inheritdoc/>
    protected internal override IReadOnlyCollection<string> StateNames => ["momentum_buffer"];

    private static SGDOptions Validate(SGDOptions o)
    {
        if (!(o.LearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(o), $"SGD: learning rate must be non-negative, got {o.LearningRate}.");
        if (o.Nesterov && (o.Momentum <= 0 || o.Dampening != 0))
            throw new ArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0.");
        return o;
    }

    /// <inheritdoc/>
    protected override Tensor Update(Tensor parameter, Tensor grad, OptimizerOptions options, ParameterState state)
    {
        var o = (SGDOptions)options;
        var g = o.WeightDecay != 0 ? grad + (float)o.WeightDecay * parameter : grad;
        if (o.Momentum != 0)
        {
            var v = state.Tensors.TryGetValue("momentum_buffer", out var old)
                ? (float)o.Momentum * old + (float)(1 - o.Dampening) * g
                : g.Clone();
            Keep(state, "momentum_buffer", v);
            g = o.Nesterov ? g + (float)o.Momentum * v : v;
        }
        return parameter - (float)o.LearningRate * g;
    }
}
