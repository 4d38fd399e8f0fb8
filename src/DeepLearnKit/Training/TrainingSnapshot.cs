// An in-memory copy of a model's parameters and buffers and an optimizer's options and state, so that an
// experiment (the LR range test, early stopping's best epoch) can put everything back exactly as it was.
using DeepLearnKit.NN;
using DeepLearnKit.Optim;

namespace DeepLearnKit.Training;

/// <summary>Copies of a model's state dict and (optionally) an optimizer's group options and per-parameter state.</summary>
internal sealed class TrainingSnapshot
{
    private readonly Module model;
    private readonly Dictionary<string, Tensor> modelState;
    private readonly bool wasTraining;
    private readonly Optimizer? optimizer;
    private readonly List<OptimizerOptions> groupOptions = [];
    private readonly List<(Tensor Parameter, int Step, Dictionary<string, Tensor> Tensors)> optimizerState = [];

    /// <summary>Copies <paramref name="model"/>'s tensors and, when given, <paramref name="optimizer"/>'s options and state.</summary>
    public TrainingSnapshot(Module model, Optimizer? optimizer = null)
    {
        this.model = model;
        this.optimizer = optimizer;
        wasTraining = model.IsTraining;
        using var _ = Tensor.NoGrad();
        modelState = model.StateDict().ToDictionary(e => e.Key, e => e.Value.Detach().Clone());
        if (optimizer is null) return;
        // Options are immutable records, so keeping the references is a copy.
        groupOptions.AddRange(optimizer.ParamGroups.Select(g => g.Options));
        foreach (var (p, s) in optimizer.State)
            optimizerState.Add((p, s.Step, s.Tensors.ToDictionary(t => t.Key, t => t.Value.Detach().Clone())));
    }

    /// <summary>Puts the copied values back into the same model and optimizer objects; gradients are cleared.</summary>
    public void Restore()
    {
        model.LoadStateDict(modelState);
        model.Train(wasTraining);
        model.ZeroGrad();
        if (optimizer is null) return;
        for (int i = 0; i < groupOptions.Count; i++) optimizer.ParamGroups[i].Options = groupOptions[i];
        using var _ = Tensor.NoGrad();
        optimizer.ReplaceState(optimizerState.Select(entry =>
        {
            var s = new ParameterState { Step = entry.Step };
            foreach (var (name, t) in entry.Tensors) s.Tensors[name] = t.Clone();
            return KeyValuePair.Create(entry.Parameter, s);
        }));
        optimizer.ZeroGrad();
    }
}
