// A zoo model survives a checkpoint bit for bit: every parameter and buffer (batch-norm statistics included) and
// hence every output is the same after saving to safetensors and loading into a freshly initialised model.
using DeepLearnKit.IO;
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class ZooCheckpointTests
{
    public static TheoryData<string> Models => ["resnet", "gpt", "lstm"];

    private static (Module Model, Tensor Input) Make(string name) => name switch
    {
        "resnet" => (new ResNet(), Tensor.Randn(4, 1, 28, 28)),
        "gpt" => (new TinyGPT(new GPTConfig(VocabSize: 9, BlockSize: 8, EmbedDim: 16, Heads: 2, Layers: 2)), Tensor.RandInt(0, 9, 4, 8)),
        _ => (new CharLanguageModel(vocabSize: 9, embedDim: 8, hiddenSize: 16, numLayers: 2), Tensor.RandInt(0, 9, 4, 8)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_trained_zoo_model_round_trips_through_a_checkpoint_bit_exactly(string name)
    {
        Rng.Seed(14);
        var (model, x) = Make(name);
        // A few steps, so the weights, and batch norm's running statistics, are no longer their initial values.
        var adam = new Adam(model.Parameters(), learningRate: 1e-2);
        for (int i = 0; i < 3; i++)
        {
            adam.ZeroGrad();
            model.Call(x).Square().Mean().Backward();
            adam.Step();
        }
        string path = Path.Combine(Path.GetTempPath(), $"dlk-zoo-{name}-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, model, adam);
            Rng.Seed(15);
            var (restored, _) = Make(name);
            var restoredAdam = new Adam(restored.Parameters(), learningRate: 1e-2);
            Checkpoint.Load(path, restored, restoredAdam);

            var expected = model.StateDict();
            var actual = restored.StateDict();
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (key, t) in expected)
                Assert.True(Bits(t).SequenceEqual(Bits(actual[key])), $"{name}: '{key}' differs after the round trip");
            model.Eval();
            restored.Eval();
            using var _ = Tensor.NoGrad();
            Assert.Equal(Bits(model.Call(x)), Bits(restored.Call(x)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
