// The PyTorch reference files of tests/reference (written with Debian's PyTorch 1.13.1): in state_dicts/ (by
// make_state_dicts.py) a model's state_dict in NAME.safetensors and its input and outputs in NAME.outputs.safetensors;
// in ops/ (by make_op_reference.py) one file per family of ops, layers, losses, optimizers and schedules.
using DeepLearnKit.IO;

namespace DeepLearnKit.Tests.IO;

internal static class PyTorchReference
{
    /// <summary>tests/reference, found above the test binaries (next to DeepLearnKit.sln).</summary>
    private static readonly string Root = FindRoot();

    /// <summary>tests/reference/state_dicts.</summary>
    public static string Folder { get; } = Path.Combine(Root, "state_dicts");

    /// <summary>The path of <paramref name="file"/> in <see cref="Folder"/>.</summary>
    public static string PathOf(string file) => Path.Combine(Folder, file);

    /// <summary>The state dict file of reference model <paramref name="name"/>.</summary>
    public static string StateDict(string name) => PathOf($"{name}.safetensors");

    /// <summary>The input and PyTorch's outputs (eval mode) for reference model <paramref name="name"/>.</summary>
    public static IReadOnlyDictionary<string, Tensor> Outputs(string name) => SafeTensors.Load(PathOf($"{name}.outputs.safetensors")).Tensors;

    /// <summary>The cases of <paramref name="family"/>, tests/reference/ops/FAMILY.safetensors, under their CASE/KIND.NAME names.</summary>
    public static IReadOnlyDictionary<string, Tensor> Ops(string family) =>
        SafeTensors.Load(Path.Combine(Root, "ops", $"{family}.safetensors")).Tensors;

    /// <summary>
    /// Asserts that <paramref name="actual"/> is PyTorch's tensor <paramref name="name"/> of <paramref name="reference"/>
    /// within 1e-5 + 1e-4·|y|: float32 throughout, but the two libraries sum the products of a convolution or GEMM in
    /// different orders; the outputs are O(0.1–1), so a few float32 ulps of each of a few hundred products stays well inside.
    /// A failure names <paramref name="name"/>.
    /// </summary>
    public static void AssertMatches(IReadOnlyDictionary<string, Tensor> reference, string name, Tensor actual)
    {
        try
        {
            TensorAssert.Close(reference[name].Shape, reference[name].ToArray(), actual, atol: 1e-5, rtol: 1e-4);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            Assert.Fail($"{name}: {e.Message}");
        }
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DeepLearnKit.sln")))
                return Path.Combine(folder.FullName, "tests", "reference");
        throw new InvalidOperationException("The tests run outside the repository: no DeepLearnKit.sln above " + AppContext.BaseDirectory);
    }
}
