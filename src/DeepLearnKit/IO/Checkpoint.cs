// A training checkpoint in one safetensors file: the model's state dict under its own names, the optimizer's
// per-parameter state under optimizer.state.{index}.{name}, and step counts and hyper-parameters as metadata.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;

namespace DeepLearnKit.IO;

/// <summary>
/// Saves and restores a model (and optionally its optimizer) as a safetensors file that other tools can read:
/// model tensors keep their <see cref="Module.StateDict"/> names (<c>0.weight</c>); optimizer state tensors are stored as
/// <c>optimizer.state.{i}.{name}</c> where i numbers the parameters across <see cref="Optimizer.ParamGroups"/> in order
/// (as PyTorch's optimizer state dict does); <c>__metadata__</c> holds <c>optimizer.type</c>,
/// <c>optimizer.param_groups</c> (each group's parameter indices and options as JSON) and <c>optimizer.state.{i}.step</c>.
/// </summary>
public static class Checkpoint
{
    private const string StatePrefix = "optimizer.state.";
    private const string TypeKey = "optimizer.type";
    private const string GroupsKey = "optimizer.param_groups";
    private const string FormatKey = "format";
    private const string FormatValue = "deeplearnkit.checkpoint";

    // A misspelled option in a file would otherwise fall back to its default without a word.
    private static readonly JsonSerializerOptions OptionsJson = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>
    /// Writes <paramref name="model"/>'s parameters and buffers, <paramref name="optimizer"/>'s state and options when given,
    /// and <paramref name="metadata"/> (e.g. the epoch) to <paramref name="path"/>, atomically (see <see cref="SafeTensors.Save"/>).
    /// </summary>
    public static void Save(string path, Module model, Optimizer? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = model.StateDict();
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
        if (meta.Keys.Any(IsReserved))
            throw new ArgumentException($"Checkpoint.Save: '{path}': metadata keys '{FormatKey}' and 'optimizer.*' are reserved.");
        meta[FormatKey] = FormatValue;
        if (optimizer is not null)
        {
            if (tensors.Keys.FirstOrDefault(k => k.StartsWith(StatePrefix, StringComparison.Ordinal)) is { } clash)
                throw new ArgumentException($"Checkpoint.Save: '{path}': the model's tensor '{clash}' collides with the optimizer's state names.");
            var parameters = Flat(optimizer);
            for (int i = 0; i < parameters.Count; i++)
            {
                if (!optimizer.State.TryGetValue(parameters[i], out var s)) continue;
                meta[$"{StatePrefix}{i}.step"] = s.Step.ToString(CultureInfo.InvariantCulture);
                foreach (var (name, t) in s.Tensors) tensors[$"{StatePrefix}{i}.{name}"] = t;
            }
            meta[TypeKey] = optimizer.GetType().Name;
            meta[GroupsKey] = GroupsJson(optimizer);
        }
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/> (and <paramref name="optimizer"/>, whose options and state
    /// are replaced). Everything is checked first — the model's names and shapes, the optimizer's type, its groups and their
    /// parameter indices, every option (by the optimizer's own rules, with its constructor's messages), every state name and
    /// state shape — so a file that does not fit throws <see cref="InvalidDataException"/> and changes nothing. Returns the
    /// file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, Module model, Optimizer? optimizer = null)
    {
        var file = SafeTensors.Load(path);
        var modelTensors = file.Tensors.Where(t => !t.Key.StartsWith(StatePrefix, StringComparison.Ordinal)).ToDictionary(t => t.Key, t => t.Value);
        model.CheckStateDictOfFile("Checkpoint.Load", path, modelTensors);
        var plan = optimizer is null ? null : PlanOptimizer(path, file, optimizer);

        model.LoadStateDict(modelTensors);
        plan?.Invoke();
        return file.Metadata;
    }

    /// <summary>Checks the file's optimizer part against <paramref name="optimizer"/> and returns the action that applies it.</summary>
    private static Action PlanOptimizer(string path, SafeTensorsFile file, Optimizer optimizer)
    {
        InvalidDataException Bad(string problem) => new($"Checkpoint.Load: '{path}': {problem}.");

        if (!file.Metadata.TryGetValue(TypeKey, out var type)) throw Bad("the file holds no optimizer state");
        if (type != optimizer.GetType().Name) throw Bad($"the optimizer state is for {type}, not {optimizer.GetType().Name}");

        var groups = optimizer.ParamGroups;
        var options = new List<OptimizerOptions>();
        try
        {
            using var document = JsonDocument.Parse(file.Metadata.GetValueOrDefault(GroupsKey) ?? throw Bad($"metadata '{GroupsKey}' is missing"));
            var saved = document.RootElement.EnumerateArray().ToList();
            if (saved.Count != groups.Count) throw Bad($"the file has {saved.Count} parameter groups, the optimizer {groups.Count}");
            int next = 0;
            for (int g = 0; g < groups.Count; g++)
            {
                var indices = saved[g].GetProperty("params");
                int count = indices.GetArrayLength();
                if (count != groups[g].Params.Count) throw Bad($"parameter group {g} has {count} parameters in the file, {groups[g].Params.Count} in the optimizer");
                var expected = Enumerable.Range(next, count).ToArray();
                if (!indices.EnumerateArray().Select(i => i.GetInt32()).SequenceEqual(expected))
                    throw Bad($"parameter group {g} has params {indices.GetRawText()}, expected {Shapes.Format(expected)}");
                next += count;
                var optionsType = groups[g].Options.GetType();
                var groupOptions = (OptimizerOptions)(saved[g].GetProperty("options").Deserialize(optionsType, OptionsJson)
                    ?? throw Bad($"parameter group {g} has null options"));
                try
                {
                    optimizer.CheckOptions(groupOptions);
                }
                catch (ArgumentException e)
                {
                    throw Bad($"parameter group {g}: {Reason(e)}");
                }
                options.Add(groupOptions);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or NotSupportedException or FormatException)
        {
            throw Bad($"metadata '{GroupsKey}' is not readable ({e.Message})");
        }

        var parameters = Flat(optimizer);
        var states = new Dictionary<int, ParameterState>();
        ParameterState StateOf(int i) => states.TryGetValue(i, out var s) ? s : states[i] = new ParameterState();
        foreach (var (key, value) in file.Metadata.Where(m => m.Key.StartsWith(StatePrefix, StringComparison.Ordinal)))
        {
            var (index, name) = SplitStateKey(key, parameters.Count, Bad);
            if (name != "step" || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
                throw Bad($"metadata '{key}' = '{value}' is not a step count");
            StateOf(index).Step = step;
        }
        var names = optimizer.StateNames;
        foreach (var (key, tensor) in file.Tensors.Where(t => t.Key.StartsWith(StatePrefix, StringComparison.Ordinal)))
        {
            var (index, name) = SplitStateKey(key, parameters.Count, Bad);
            if (names is not null)
            {
                if (!names.Contains(name))
                    throw Bad($"'{key}': {type} keeps no state named '{name}' (its states are {string.Join(", ", names)})");
                if (!Shapes.Equal(tensor.Shape, parameters[index].Shape))
                    throw Bad($"'{key}' has shape {Shapes.Format(tensor.Shape)}, but parameter {index} has shape {Shapes.Format(parameters[index].Shape)}");
            }
            StateOf(index).Tensors[name] = tensor.To(parameters[index].Device);
        }

        return () =>
        {
            for (int g = 0; g < groups.Count; g++) groups[g].Options = options[g];
            optimizer.ReplaceState(states.Select(e => KeyValuePair.Create(parameters[e.Key], e.Value)));
        };
    }

    private static (int Index, string Name) SplitStateKey(string key, int parameterCount, Func<string, InvalidDataException> bad)
    {
        var rest = key[StatePrefix.Length..];
        int dot = rest.IndexOf('.');
        if (dot <= 0 || !int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= parameterCount || dot == rest.Length - 1)
            throw bad($"'{key}' does not name the state of one of the optimizer's {parameterCount} parameters");
        return (index, rest[(dot + 1)..]);
    }

    /// <summary>An argument error's message without the " (Parameter 'o')" that .NET appends.</summary>
    private static string Reason(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    private static List<Tensor> Flat(Optimizer optimizer) => optimizer.ParamGroups.SelectMany(g => g.Params).ToList();

    private static string GroupsJson(Optimizer optimizer)
    {
        var groups = new List<Dictionary<string, object>>();
        int next = 0;
        foreach (var g in optimizer.ParamGroups)
        {
            groups.Add(new() { ["params"] = Enumerable.Range(next, g.Params.Count).ToArray(), ["options"] = g.Options });
            next += g.Params.Count;
        }
        // Values typed object are written by their runtime type, so every hyper-parameter (momentum, betas, …) is kept.
        return JsonSerializer.Serialize(groups, OptionsJson);
    }

    private static bool IsReserved(string key) => key == FormatKey || key.StartsWith("optimizer.", StringComparison.Ordinal);
}
