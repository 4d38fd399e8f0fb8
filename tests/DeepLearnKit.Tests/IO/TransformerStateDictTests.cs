// PyTorch's nn.TransformerEncoderLayer(norm_first=True, activation="gelu", batch_first=True), saved by
// tests/reference/make_state_dicts.py, loads strictly into TransformerBlock by its names and gives PyTorch's outputs.
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.IO;

[Collection(SharedRngCollection.Name)]
public sealed class TransformerStateDictTests
{
    [Fact]
    public void PyTorchs_TransformerEncoderLayer_loads_strictly_and_gives_PyTorchs_outputs()
    {
        var block = new TransformerBlock(embedDim: 16, numHeads: 2);
        block.LoadStateDict(PyTorchReference.StateDict("transformer_block"), strict: true);
        block.Eval();
        var reference = PyTorchReference.Outputs("transformer_block");
        using var _ = Tensor.NoGrad();
        var output = block.Call(reference["input"]);
        PyTorchReference.AssertMatches(reference, "output", output);

        // Not a vacuous match: a fresh block gives something else.
        var fresh = new TransformerBlock(16, 2).Call(reference["input"]).ToArray();
        Assert.Contains(fresh.Zip(reference["output"].ToArray()), p => Math.Abs(p.First - p.Second) > 1e-2);
    }
}
