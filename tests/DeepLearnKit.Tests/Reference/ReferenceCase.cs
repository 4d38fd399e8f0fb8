// One case of a PyTorch reference family (tests/reference/ops/FAMILY.safetensors, see make_op_reference.py for the
// CASE/KIND.NAME layout): its inputs as fresh leaves, and the check of DeepLearnKit's outputs, gradients and buffers.
using DeepLearnKit.NN;
using DeepLearnKit.Tests.IO;

namespace DeepLearnKit.Tests.Reference;

internal sealed class ReferenceCase
{
    private static readonly Dictionary<string, IReadOnlyDictionary<string, Tensor>> files = [];
    private readonly IReadOnlyDictionary<string, Tensor> file;
    private readonly Dictionary<string, Tensor> leaves = [];

    public ReferenceCase(string family, string name)
    {
        file = File(family);
        Name = name;
        Assert.True(CaseNames(family).Contains(name), $"{family}: no case {name} in the reference file.");
    }

    public string Name { get; }

    /// <summary>The file of <paramref name="family"/>, read once.</summary>
    public static IReadOnlyDictionary<string, Tensor> File(string family)
    {
        lock (files)
        {
            if (!files.TryGetValue(family, out var tensors)) files[family] = tensors = PyTorchReference.Ops(family);
            return tensors;
        }
    }

    /// <summary>The names of the cases in <paramref name="family"/>'s file (the part of each name before '/').</summary>
    public static SortedSet<string> CaseNames(string family) => [.. File(family).Keys.Select(k => k[..k.IndexOf('/')])];

    /// <summary>Tensor CASE/<paramref name="key"/> as PyTorch wrote it.</summary>
    public Tensor Reference(string key) => file[$"{Name}/{key}"];

    /// <summary>Input <paramref name="input"/> as a leaf of its own, tracking gradients when PyTorch recorded one for it.</summary>
    public Tensor this[string input]
    {
        get
        {
            if (!leaves.TryGetValue(input, out var leaf))
            {
                leaf = Reference($"input.{input}").Clone();
                if (file.ContainsKey($"{Name}/grad.{input}")) leaf.RequireGrad();
                leaves[input] = leaf;
            }
            return leaf;
        }
    }

    /// <summary>Whether the case has input <paramref name="input"/>.</summary>
    public bool Has(string input) => file.ContainsKey($"{Name}/input.{input}");

    /// <summary>The module's state_dict before the call (param.* without the prefix).</summary>
    public Dictionary<string, Tensor> Parameters() => Kind("param.").ToDictionary(e => e.Name, e => e.Tensor.Clone());

    /// <summary>Loads the case's state_dict into <paramref name="module"/> (strictly: every name on both sides) and returns it.</summary>
    public T Load<T>(T module) where T : Module
    {
        module.LoadStateDict(Parameters(), strict: true);
        return module;
    }

    /// <summary>Checks a single output, named y.</summary>
    public void Check(Tensor y, Module? module = null) => Check(new Dictionary<string, Tensor> { ["y"] = y }, module);

    /// <summary>
    /// Checks every output against PyTorch's, then runs backward from L = Σ_O Σ(O ⊙ upstream.O) and checks the
    /// gradient of every input and (with <paramref name="module"/>) every parameter PyTorch recorded one for, and the
    /// module's buffers after the call. Each failure names the case and the tensor.
    /// </summary>
    public void Check(IReadOnlyDictionary<string, Tensor> outputs, Module? module = null)
    {
        Assert.Equal(Kind("output.").Select(e => e.Name).Order(), outputs.Keys.Order());
        foreach (var (name, output) in outputs)
            PyTorchReference.AssertMatches(file, $"{Name}/output.{name}", output);

        Tensor? loss = null;
        foreach (var (name, upstream) in Kind("upstream."))
        {
            var term = (outputs[name] * upstream).Sum();
            loss = loss is null ? term : loss + term;
        }
        loss?.Backward();

        var parameters = module?.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter) ?? [];
        foreach (var (name, _) in Kind("grad."))
        {
            bool isParameter = name.StartsWith("param.", StringComparison.Ordinal);
            if (!(isParameter ? parameters : leaves).TryGetValue(isParameter ? name["param.".Length..] : name, out var leaf))
                Assert.Fail($"{Name}/grad.{name}: the DeepLearnKit call never used this {(isParameter ? "parameter" : "input")}.");
            Assert.True(leaf.Grad is not null, $"{Name}/grad.{name}: DeepLearnKit computed no gradient.");
            PyTorchReference.AssertMatches(file, $"{Name}/grad.{name}", leaf.Grad!);
        }
        if (module is not null)
        {
            var buffers = module.NamedBuffers().ToDictionary(b => b.Name, b => b.Buffer);
            foreach (var (name, _) in Kind("after."))
                PyTorchReference.AssertMatches(file, $"{Name}/after.{name}", buffers[name]);
        }
    }

    /// <summary>The case's tensors CASE/PREFIX.NAME as (NAME, tensor).</summary>
    private IEnumerable<(string Name, Tensor Tensor)> Kind(string prefix)
    {
        string start = $"{Name}/{prefix}";
        return file.Where(e => e.Key.StartsWith(start, StringComparison.Ordinal)).Select(e => (e.Key[start.Length..], e.Value));
    }
}
