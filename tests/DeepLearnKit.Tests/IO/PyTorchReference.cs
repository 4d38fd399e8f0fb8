// The PyTorch reference files of tests/reference/state_dicts (written by tests/reference/make_state_dicts.py with
// Debian's PyTorch 1.13.1): a model's state_dict in NAME.safetensors and its input and outputs in NAME.outputs.safetensors.
using DeepLearnKit.IO;

namespace DeepLearnKit.Tests.IO;

internal static class PyTorchReference
{
    /// <summary>tests/reference/state_dicts, found above the test binaries (next to DeepLearnKit.sln).</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>The path of <paramref name="file"/> in <see cref="Folder"/>.</summary>
    public static string PathOf(string file) => Path.Combine(Folder, file);

    /// <summary>The state dict file of reference model <paramref name="name"/>.</summary>
    public static string StateDict(string name) => PathOf($"{name}.safetensors");

    /// <summary>The input and PyTorch's outputs (eval mode) for reference model <paramref name="name"/>.</summary>
    public static IReadOnlyDictionary<string, Tensor> Outputs(string name) => SafeTensors.Load(PathOf($"{name}.outputs.safetensors")).Tensors;

    /// <summary>
    /// Asserts that <paramref name="actual"/> is PyTorch's tensor <paramref name="name"/> of <paramref name="reference"/>
    /// within 1e-5 + 1e-4·|y|: float32 throughout, but the two libraries sum the products of a convolution or GEMM in
    /// different orders; the outputs are O(0.1–1), so a few float32 ulps of each of a few hundred products stays well inside.
    /// </summary>
    public static void AssertMatches(IReadOnlyDictionary<string, Tensor> reference, string name, Tensor actual) =>
        TensorAssert.Close(reference[name].Shape, reference[name].ToArray(), actual, atol: 1e-5, rtol: 1e-4);

    private static string FindFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "DeepLearnKit.sln")))
                return Path.Combine(folder.FullName, "tests", "reference", "state_dicts");
        throw new InvalidOperationException("The tests run outside the repository: no DeepLearnKit.sln above " + AppContext.BaseDirectory);
    }
}
