// The char-level LSTM learns English spelling: trained briefly on words of /usr/share/dict/words (Debian's
// wamerican), its loss on words it never saw falls well below the corpus's unigram entropy, the loss of the best
// model that ignores context. Sampling is repeatable under a seed.
using DeepLearnKit.Data;
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using DeepLearnKit.Training;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class CharLanguageModelTests(ITestOutputHelper output)
{
    private const int Length = 32;

    [Fact]
    public void A_char_LSTM_beats_the_unigram_entropy_on_held_out_words_by_half_a_nat()
    {
        Rng.Seed(3);
        var clock = new TestClock(output);
        // The list is sorted, so shuffle before holding out 10% of the words for validation.
        var words = CharCorpus.FromFile().Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var order = Rng.Permutation(words.Length);
        int held = words.Length / 10;
        var validation = new CharCorpus(order[..held].Select(i => words[i]));
        var train = new CharCorpus(order[held..].Select(i => words[i]));
        Assert.Equal(train.Vocabulary.Tokens, validation.Vocabulary.Tokens); // the same ids on both sides
        double entropy = train.UnigramEntropy();
        clock.Report($"{train}, {validation}, unigram entropy {entropy:0.000} nats");

        int v = train.Vocabulary.VocabularySize;
        var model = new CharLanguageModel(v, embedDim: 32, hiddenSize: 128, kind: RecurrentKind.LSTM);
        var adam = new Adam(model.Parameters(), learningRate: 3e-3);
        Tensor NextCharLoss(Tensor logits, Tensor targets) => Loss.CrossEntropy(logits.Reshape(-1, v), targets.Reshape(-1)); // (N·T, V), (N·T)

        // 150 batches of 64 windows (half a pass over the training words) keep the test under a minute on 2 cores.
        var all = train.Sequences(Length);                                       // (18992, 32) inputs and targets
        var windows = new TensorDataset(all.Inputs.Narrow(0, 0, 150 * 64), all.Targets.Narrow(0, 0, 150 * 64));
        var history = model.Fit(new DataLoader(windows, batchSize: 64, shuffle: true), NextCharLoss, adam, epochs: 1, metrics: []);
        clock.Report($"trained {history.Steps} steps on {windows.Count} windows, last step loss {history.StepLoss[^1]:0.000}");

        var (validationLoss, _) = model.Evaluate(new DataLoader(validation.Sequences(Length), batchSize: 256), NextCharLoss, []);
        double margin = entropy - validationLoss;
        clock.Report($"validation loss {validationLoss:0.000} nats, {margin:0.000} below the unigram entropy");
        Rng.Seed(30);
        output.WriteLine("sample: " + model.Sample(train.Vocabulary, "\n", 60, temperature: 0.8f).Replace('\n', ' '));
        Assert.True(margin >= 0.5, $"validation loss {validationLoss:0.000} is only {margin:0.000} nats below the unigram entropy {entropy:0.000}");
    }

    [Theory]
    [InlineData(RecurrentKind.RNN)]
    [InlineData(RecurrentKind.LSTM)]
    [InlineData(RecurrentKind.GRU)]
    public void Each_recurrent_kind_gives_logits_per_position_and_repeatable_samples(RecurrentKind kind)
    {
        Rng.Seed(4);
        var model = new CharLanguageModel(vocabSize: 11, embedDim: 8, hiddenSize: 16, numLayers: 2, kind: kind);
        var ids = Tensor.RandInt(0, 11, 3, 7);                     // (N, T)
        var logits = model.Forward(ids);
        Assert.Equal([3, 7, 11], logits.Shape);                     // (N, T, V)
        Loss.CrossEntropy(logits.Reshape(-1, 11), ids.Reshape(-1)).Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));

        // Stepping with the carried state gives the same logits as the whole sequence at once.
        using (Tensor.NoGrad())
        {
            var (first, state) = model.Forward(ids.Narrow(1, 0, 4), null);
            var (rest, _) = model.Forward(ids.Narrow(1, 4, 3), state);
            TensorAssert.Close(logits.Shape, logits.Detach().ToArray(), Tensor.Cat([first, rest], dim: 1), atol: 1e-5);
        }

        Rng.Seed(40);
        var a = model.Sample([1, 2], 12, temperature: 1);
        Rng.Seed(40);
        var b = model.Sample([1, 2], 12, temperature: 1);
        Assert.Equal(a, b);
        Assert.Equal(14, a.Length);
        Assert.Equal([1, 2], a[..2]);
        Assert.All(a, id => Assert.InRange(id, 0, 10));
        Assert.True(model.IsTraining); // Sample restores the mode

        // A seed makes the text repeat whatever else used Rng; top-k 1 is the greedy text.
        var seeded = model.Sample([1, 2], 40, temperature: 1.5f, seed: 7);
        Rng.Seed(123);
        Assert.Equal(seeded, model.Sample([1, 2], 40, temperature: 1.5f, seed: 7));
        Assert.NotEqual(seeded, model.Sample([1, 2], 40, temperature: 1.5f, seed: 8));
        Assert.Equal(model.Sample([1, 2], 12, temperature: 0), model.Sample([1, 2], 12, temperature: 1, topK: 1, seed: 3));
    }
}
