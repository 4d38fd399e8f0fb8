// Magnitude pruning (chapter 13): the smallest weights are set to zero and kept there by a mask that every optimizer
// honours, so fine-tuning after pruning cannot bring them back.
using System.Runtime.CompilerServices;

namespace DeepLearnKit.NN;

/// <summary>Which weights compete for pruning.</summary>
public enum PruningScope
{
    /// <summary>All selected weights of the model together: the smallest |w| anywhere go first (PyTorch's <c>global_unstructured</c>).</summary>
    Global,

    /// <summary>Each parameter on its own: every selected weight tensor loses the same share.</summary>
    PerParameter,
}

/// <summary>
/// Pruning by magnitude. A pruned parameter carries a 0/1 mask m: <see cref="Optim.Optimizer.Step"/> multiplies the
/// parameter's gradient by m before the update and the parameter by m after it (PyTorch's <c>w = w_orig ⊙ m</c>
/// reparametrisation, applied in place), so pruned weights stay exactly zero through any optimizer, momentum and weight
/// decay included. A loop that updates weights itself calls <see cref="PruningMasks.Apply"/> after each update.
/// </summary>
public static class Prune
{
    private static readonly ConditionalWeakTable<Tensor, Tensor> masks = new();

    /// <summary>
    /// Zeroes the fraction <paramref name="sparsity"/> of the selected weights with the smallest |w| (ties: the earlier
    /// element first) and keeps them zero. By default the selected weights are the parameters named <c>…weight</c> with
    /// two or more dims (Linear and Conv weights; not biases or normalisation scales). Weights already pruned count as
    /// the smallest (|w| = 0), so pruning again to a higher sparsity continues from the last masks.
    /// </summary>
    public static PruningMasks Magnitude(Module model, double sparsity, PruningScope scope = PruningScope.Global, Func<string, Tensor, bool>? select = null)
    {
        if (!(sparsity >= 0 && sparsity <= 1))
            throw new ArgumentOutOfRangeException(nameof(sparsity), $"Prune.Magnitude: sparsity must be in [0, 1], got {sparsity}.");
        select ??= (name, p) => p.Rank >= 2 && (name == "weight" || name.EndsWith(".weight", StringComparison.Ordinal));
        var chosen = model.NamedParameters().Where(p => select(p.Name, p.Parameter)).ToList();
        if (chosen.Count == 0) throw new ArgumentException("Prune.Magnitude: no parameter of the model was selected for pruning.");

        var values = chosen.Select(p => p.Parameter.ToArray()).ToList();
        var keep = values.Select(v => Enumerable.Repeat(1f, v.Length).ToArray()).ToList();
        if (scope == PruningScope.Global)
        {
            var all = values.SelectMany((v, t) => v.Select((w, i) => (Magnitude: Math.Abs(w), Tensor: t, Index: i))).ToList();
            foreach (var (_, t, i) in Smallest(all, sparsity)) keep[t][i] = 0;
        }
        else
        {
            for (int t = 0; t < values.Count; t++)
                foreach (var (_, _, i) in Smallest(values[t].Select((w, i) => (Math.Abs(w), t, i)).ToList(), sparsity)) keep[t][i] = 0;
        }

        var result = new Dictionary<string, Tensor>();
        for (int t = 0; t < chosen.Count; t++)
        {
            var (name, p) = chosen[t];
            var mask = Tensor.FromArray(keep[t], p.Shape, p.Device).Keep();
            masks.AddOrUpdate(p, mask);
            result[name] = mask;
        }
        var pruned = new PruningMasks(chosen.Select(c => c.Parameter).ToList(), result);
        pruned.Apply();
        return pruned;
    }

    /// <summary>The mask of a pruned parameter, or null when it is not pruned.</summary>
    public static Tensor? MaskOf(Tensor parameter) => masks.TryGetValue(parameter, out var mask) ? mask : null;

    /// <summary>Drops the masks of these parameters where the mask is still the one given (a later Prune call's mask stays).</summary>
    internal static void Forget(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> ownMasks)
    {
        for (int i = 0; i < parameters.Count; i++)
            if (masks.TryGetValue(parameters[i], out var current) && ReferenceEquals(current, ownMasks[i])) masks.Remove(parameters[i]);
    }

    /// <summary><c>parameter ← parameter ⊙ mask</c> in place, where the parameter is pruned.</summary>
    internal static void ApplyMask(Tensor parameter)
    {
        if (MaskOf(parameter) is { } mask) parameter.MulInPlace(mask);
    }

    private static IEnumerable<(float Magnitude, int Tensor, int Index)> Smallest(List<(float Magnitude, int Tensor, int Index)> weights, double sparsity)
    {
        int count = (int)Math.Round(sparsity * weights.Count, MidpointRounding.AwayFromZero);
        return weights.OrderBy(w => w.Magnitude).ThenBy(w => w.Tensor).ThenBy(w => w.Index).Take(count);
    }
}

/// <summary>The masks one <see cref="Prune.Magnitude"/> call set, by parameter name (1 = kept, 0 = pruned).</summary>
public sealed class PruningMasks
{
    private readonly IReadOnlyList<Tensor> parameters;
    private readonly IReadOnlyList<Tensor> ownMasks;

    internal PruningMasks(IReadOnlyList<Tensor> parameters, IReadOnlyDictionary<string, Tensor> masks)
    {
        this.parameters = parameters;
        Masks = masks;
        ownMasks = parameters.Select(p => Prune.MaskOf(p)!).ToList();
    }

    /// <summary>Each pruned parameter's mask, by its name in the model.</summary>
    public IReadOnlyDictionary<string, Tensor> Masks { get; }

    /// <summary>The share of the pruned parameters' weights that are masked to zero.</summary>
    public double Sparsity
    {
        get
        {
            long zeros = 0, total = 0;
            foreach (var mask in Masks.Values)
            {
                foreach (float m in mask.ToArray()) if (m == 0) zeros++;
                total += mask.NumEl;
            }
            return (double)zeros / total;
        }
    }

    /// <summary>Multiplies every pruned parameter by its mask again, for a loop that updates weights without an optimizer.</summary>
    public void Apply()
    {
        using var _ = Tensor.NoGrad();
        foreach (var p in parameters) Prune.ApplyMask(p);
    }

    /// <summary>
    /// Makes the pruning permanent (PyTorch's <c>prune.remove</c>): the zeros stay, the masks go, and later updates may
    /// change those weights. Only the masks this call set are dropped: a parameter pruned again by a later
    /// <see cref="Prune.Magnitude"/> keeps that later mask (remove it through the later call's result).
    /// </summary>
    public void Remove() => Prune.Forget(parameters, ownMasks);

    /// <summary><c>PruningMasks(4 parameters, sparsity 0.800)</c>.</summary>
    public override string ToString() => $"PruningMasks({Masks.Count} parameters, sparsity {Sparsity:0.000})";
}
