// The base of every optimizer: parameter groups with their own options, per-parameter state that a
// chapter can read (velocities, moments), ZeroGrad and Step.
namespace DeepLearnKit.Optim;

/// <summary>Options every optimizer has; each optimizer extends this record with its own.</summary>
/// <param name="LearningRate">The step size η.</param>
public abstract record OptimizerOptions(double LearningRate);

/// <summary>Some parameters and the options used to update them (PyTorch's param_groups entry).</summary>
public sealed class ParamGroup
{
    /// <summary>A group of <paramref name="parameters"/>; options left null are filled from the optimizer's defaults.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, OptimizerOptions? options = null)
    {
        Params = parameters.ToList();
        Options = options!;
    }

    /// <summary>The tensors this group updates.</summary>
    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>The update's options for this group (replace with <c>with</c> to change them between steps).</summary>
    public OptimizerOptions Options { get; set; }

    /// <summary>η for this group; LR schedules set it.</summary>
    public double LearningRate
    {
        get => Options.LearningRate;
        set => Options = Options with { LearningRate = value };
    }
}

/// <summary>What an optimizer remembers about one parameter: a step count and named tensors (e.g. <c>exp_avg</c>).</summary>
public sealed class ParameterState
{
    /// <summary>Updates applied to this parameter so far.</summary>
    public int Step { get; internal set; }

    /// <summary>
    /// The named state tensors, with PyTorch's names (<c>momentum_buffer</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, …).
    /// Adam and AdamW update theirs in place: <c>Clone()</c> one to keep its value at this step.
    /// </summary>
    public Dictionary<string, Tensor> Tensors { get; } = [];

    /// <summary>The state tensor <paramref name="name"/>, created as zeros like <paramref name="like"/> on first use.</summary>
    public Tensor GetOrZeros(string name, Tensor like)
    {
        if (!Tensors.TryGetValue(name, out var t)) Tensors[name] = t = Tensor.ZerosLike(like).Keep();
        return t;
    }
}

/// <summary>
/// Updates parameters from their gradients. <see cref="Step"/> applies one update (inside NoGrad) to every
/// parameter that has a gradient; <see cref="ZeroGrad"/> clears the gradients before the next backward pass.
/// A parameter may not sit in two groups.
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> groups = [];
    private readonly Dictionary<Tensor, ParameterState> state = new(ReferenceEqualityComparer.Instance);

    /// <summary>An optimizer over <paramref name="groups"/>, filling their missing options with <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, OptimizerOptions defaults)
    {
        Defaults = defaults;
        foreach (var g in groups) AddParamGroup(g);
        if (this.groups.Count == 0) throw new ArgumentException($"{GetType().Name}: got no parameters to optimize.");
    }

    /// <summary>The options a new group gets when it brings none.</summary>
    public OptimizerOptions Defaults { get; }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>Each parameter's state (read it to plot velocities or moments).</summary>
    public IReadOnlyDictionary<Tensor, ParameterState> State => state;

    /// <summary>Replaces every parameter's state at once: how a snapshot or a checkpoint is restored.</summary>
    internal void ReplaceState(IEnumerable<KeyValuePair<Tensor, ParameterState>> entries)
    {
        state.Clear();
        foreach (var (p, s) in entries) state[p] = s;
    }

    /// <summary>Adds a group; its parameters must not already be in another group.</summary>
    public void AddParamGroup(ParamGroup group)
    {
        group.Options ??= Defaults;
        if (group.Options.GetType() != Defaults.GetType())
            throw new ArgumentException($"{GetType().Name}: a group's options are {group.Options.GetType().Name}, expected {Defaults.GetType().Name}.");
        CheckOptions(group.Options);
        foreach (var p in group.Params)
        {
            if (groups.Any(g => g.Params.Contains(p)) || group.Params.Count(q => ReferenceEquals(q, p)) > 1)
                throw new ArgumentException($"{GetType().Name}: a parameter appears in more than one group (or twice in one).");
            if (!p.IsLeaf) throw new ArgumentException($"{GetType().Name}: can only optimize leaf tensors, got one computed by {p.GradFn!.Name}.");
        }
        groups.Add(group);
    }

    /// <summary>
    /// Throws, as the constructor does, when <paramref name="options"/> break this optimizer's rules (η ≥ 0 and each
    /// optimizer's own): applied to every group's options and to those a checkpoint brings.
    /// </summary>
    protected internal virtual void CheckOptions(OptimizerOptions options)
    {
        if (!(options.LearningRate >= 0))
            throw new ArgumentOutOfRangeException(nameof(options), $"{GetType().Name}: learning rate must be non-negative, got {options.LearningRate}.");
    }

    /// <summary>
    /// The names of the state tensors this optimizer keeps, each shaped like its parameter, so that a checkpoint's state
    /// can be checked; null when an optimizer does not declare them (its checkpointed state is then taken as it is).
    /// </summary>
    protected internal virtual IReadOnlyCollection<string>? StateNames => null;

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var g in groups)
            foreach (var p in g.Params) p.ZeroGrad();
    }

    /// <summary>
    /// Applies one update to every parameter with a gradient. A pruned parameter (<see cref="NN.Prune"/>) is updated
    /// with its gradient times its mask and multiplied by its mask afterwards, so its pruned weights stay zero.
    /// </summary>
    public void Step()
    {
        using var _ = Tensor.NoGrad();
        foreach (var group in groups)
        {
            foreach (var p in group.Params)
            {
                if (p.Grad is not { } grad) continue;
                if (!state.TryGetValue(p, out var s)) state[p] = s = new ParameterState();
                s.Step++;
                var mask = NN.Prune.MaskOf(p);
                if (mask is not null) grad = grad * mask;
                var updated = Update(p, grad, group.Options, s);
                if (!ReferenceEquals(updated, p)) p.CopyFrom(updated);
                if (mask is not null) NN.Prune.ApplyMask(p);
            }
        }
    }

    /// <summary>
    /// The parameter's new value given its gradient, the group's options and its state (which it may update).
    /// An optimizer may also write the parameter in place and return it.
    /// </summary>
    protected abstract Tensor Update(Tensor parameter, Tensor grad, OptimizerOptions options, ParameterState state);

    /// <summary>
    /// Replaces state tensor <paramref name="name"/> of a parameter. Most optimizers replace their state
    /// tensors each step; Adam and AdamW update their moments in place (a step over a large layer would
    /// otherwise allocate a dozen layer-sized tensors), so a chapter that keeps a history of them stores <c>Clone()</c>s.
    /// </summary>
    protected static Tensor Keep(ParameterState state, string name, Tensor value)
    {
        state.Tensors[name] = value.Keep(); // state outlives the step's TensorScope
        return value;
    }
}
