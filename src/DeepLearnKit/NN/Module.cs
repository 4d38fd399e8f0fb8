// The base of every layer and model: named parameters, buffers and submodules, train/eval mode,
// state dicts, moving to a device, and a short printed form.
namespace DeepLearnKit.NN;

/// <summary>
/// A layer or a model. Subclasses register their parameters (<see cref="RegisterParameter"/>), buffers
/// (<see cref="RegisterBuffer"/>, e.g. running statistics) and children (<see cref="RegisterModule{T}"/>)
/// in their constructor and compute in <see cref="Forward"/>. Names nest with dots, as PyTorch's
/// (<c>0.weight</c>, <c>encoder.fc1.bias</c>), so state dicts carry over.
/// </summary>
public abstract partial class Module
{
    private readonly List<KeyValuePair<string, Tensor>> parameters = [];
    private readonly List<KeyValuePair<string, Tensor>> buffers = [];
    private readonly List<KeyValuePair<string, Module>> children = [];

    /// <summary>True in training mode (the default): dropout drops and batch norm uses batch statistics.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Computes the module's output for <paramref name="input"/>.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// Runs <see cref="Forward"/> and reports the output to any active <see cref="ModuleCallRecorder"/>
    /// (how a summary learns each layer's output shape). Containers call their children through it.
    /// </summary>
    public Tensor Call(Tensor input)
    {
        var output = Forward(input);
        ModuleCallRecorder.Current?.Record(this, output);
        return output;
    }

    /// <summary>Adds a learnable tensor under <paramref name="name"/>; it gets <c>RequiresGrad = true</c>.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.RequiresGrad = true;
        value.Name ??= name;
        value.Keep(); // a layer built lazily, in its first forward, must outlive that step's TensorScope
        parameters.Add(new(name, value));
        return value;
    }

    /// <summary>Adds a tensor that is state but not learned (e.g. BatchNorm's running mean); saved in the state dict.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        CheckName(name);
        buffers.Add(new(name, value.Keep()));
        return value;
    }

    /// <summary>Adds a child module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add(new(name, module));
        return module;
    }

    /// <summary>Replaces a registered buffer's tensor (BatchNorm updates its running statistics this way).</summary>
    protected void SetBuffer(string name, Tensor value)
    {
        int i = buffers.FindIndex(b => b.Key == name);
        if (i < 0) throw new ArgumentException($"SetBuffer: {GetType().Name} has no buffer '{name}'.");
        buffers[i] = new(name, value.Keep());
    }

    /// <summary>This module's own buffer <paramref name="name"/>.</summary>
    protected Tensor GetBuffer(string name) => buffers.First(b => b.Key == name).Value;

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: '{name}' is not a valid name (non-empty, no dots).");
        if (parameters.Any(p => p.Key == name) || buffers.Any(b => b.Key == name) || children.Any(c => c.Key == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered.");
    }

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children.Select(c => (c.Key, c.Value));

    /// <summary>This module (named "") and every descendant, depth first, with dotted names; a module reachable twice is listed once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string Name, Module Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (name, module) = stack.Pop();
            if (!seen.Add(module)) continue;
            yield return (name, module);
            for (int i = module.children.Count - 1; i >= 0; i--)
                stack.Push((Join(name, module.children[i].Key), module.children[i].Value));
        }
    }

    /// <summary>
    /// Every parameter of this module and its descendants, with dotted names (<c>0.weight</c>). A tensor
    /// shared by two modules (tied weights) is listed once, under its first name, as PyTorch does.
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters() => Named(m => m.parameters);

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer of this module and its descendants, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() => Named(m => m.buffers);

    private IEnumerable<(string, Tensor)> Named(Func<Module, List<KeyValuePair<string, Tensor>>> tensorsOf)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, t) in tensorsOf(module))
                if (seen.Add(t)) yield return (Join(prefix, name), t);
    }

    /// <summary>A child's dotted name under <paramref name="prefix"/> (<c>layers</c> + <c>1</c> → <c>layers.1</c>).</summary>
    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Switches this module and its descendants to training (or evaluation) mode; returns this.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = mode;
        return this;
    }

    /// <summary>Switches to evaluation mode: dropout off, batch norm uses running statistics.</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Sets <c>RequiresGrad</c> on every parameter: <c>false</c> freezes the module (e.g. a pretrained feature extractor).</summary>
    public Module RequiresGrad(bool value)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = value;
            if (!value) p.ZeroGrad();
        }
        return this;
    }

    /// <summary>The number of parameter elements (only trainable ones when <paramref name="trainableOnly"/>).</summary>
    public long ParameterCount(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => (long)p.NumEl);

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> in place; returns this.</summary>
    public Module To(Device device)
    {
        foreach (var (_, p) in NamedParameters()) p.MoveStorageTo(device);
        foreach (var (_, b) in NamedBuffers()) b.MoveStorageTo(device);
        return this;
    }

    /// <summary>Parameters and buffers by dotted name (the tensors themselves, not copies).</summary>
    public Dictionary<string, Tensor> StateDict() =>
        NamedParameters().Concat(NamedBuffers()).ToDictionary(e => e.Item1, e => e.Item2);

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's parameters and buffers, matched by their dotted
    /// names (<see cref="StateDict"/>'s, PyTorch's). Every name and shape is checked before anything is copied, so a
    /// state dict that does not fit throws <see cref="ArgumentException"/> listing every missing and unexpected name and
    /// every shape that differs (both shapes), and changes nothing. With <paramref name="strict"/> false, names missing
    /// on either side are skipped (shapes are still checked).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        if (StateDictProblem(state, strict, "the state dict") is { } problem)
            throw new ArgumentException($"LoadStateDict: the state dict does not fit {GetType().Name}: {problem}.");
        Copy(state);
    }

    /// <summary>
    /// Loads a safetensors file of named tensors, e.g. a PyTorch <c>state_dict()</c> saved with
    /// <c>safetensors.torch.save_file</c>, as <see cref="LoadStateDict(IReadOnlyDictionary{string, Tensor}, bool)"/> does:
    /// every name and shape is checked first, and a file that does not fit throws <see cref="InvalidDataException"/> naming
    /// the file, the missing and unexpected names and each differing shape (in the model and in the file), changing nothing.
    /// The file's I64 tensors (PyTorch's <c>num_batches_tracked</c> counters) are read as float32, see <see cref="IO.SafeTensors.Load"/>.
    /// </summary>
    public void LoadStateDict(string path, bool strict = true)
    {
        var file = IO.SafeTensors.Load(path);
        CheckStateDictOfFile("LoadStateDict", path, file.Tensors, strict);
        Copy(file.Tensors);
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/>, <c>"{op}: '{path}' does not fit {type}: …"</c>, when the tensors
    /// <paramref name="state"/> read from <paramref name="path"/> do not fit this module's state dict.
    /// </summary>
    internal void CheckStateDictOfFile(string op, string path, IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        if (StateDictProblem(state, strict, "the file") is { } problem)
            throw new InvalidDataException($"{op}: '{path}' does not fit {GetType().Name}: {problem}.");
    }

    private void Copy(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = Tensor.NoGrad();
        foreach (var (name, target) in StateDict())
            if (state.TryGetValue(name, out var source)) target.CopyFrom(source);
    }

    /// <summary>What keeps <paramref name="state"/> from fitting this module's state dict (every problem, joined), or null when it fits.</summary>
    private string? StateDictProblem(IReadOnlyDictionary<string, Tensor> state, bool strict, string sourceName)
    {
        var own = StateDict();
        var problems = new List<string>();
        if (strict)
        {
            var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
            var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
            if (missing.Count > 0) problems.Add($"missing [{string.Join(", ", missing)}] (in the model, not in {sourceName})");
            if (unexpected.Count > 0) problems.Add($"unexpected [{string.Join(", ", unexpected)}] (in {sourceName}, not in the model)");
        }
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var source) && !Shapes.Equal(source.dims, target.dims))
                problems.Add($"'{name}' has shape {Shapes.Format(target.dims)} in the model but {Shapes.Format(source.dims)} in {sourceName}");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>The layer's settings for printing, e.g. <c>784→256</c> for a Linear layer.</summary>
    protected virtual string ExtraRepr => "";

    /// <summary><c>Sequential(Linear(784→256), ReLU, …)</c>: the type name, then its settings and its children.</summary>
    public override string ToString()
    {
        var name = GetType().Name;
        var parts = children.Select(c => c.Value.ToString()).Prepend(ExtraRepr).Where(p => p.Length > 0);
        var inner = string.Join(", ", parts);
        return inner.Length == 0 ? name : $"{name}({inner})";
    }
}
