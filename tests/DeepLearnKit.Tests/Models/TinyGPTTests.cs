// The tiny GPT learns an algorithm: given five symbols out of eight and a separator, it writes them back
// reversed. It is trained on random sequences and judged, greedily decoded, on 1,000 sequences it never saw.
using DeepLearnKit.Models;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;
using Xunit.Abstractions;

namespace DeepLearnKit.Tests.Models;

[Collection(SharedRngCollection.Name)]
public sealed class TinyGPTTests(ITestOutputHelper output)
{
    private const int Symbols = 8, Digits = 5, Separator = Symbols;   // tokens 0…7 and the separator 8
    private const int Total = 1 << (3 * Digits);                        // 8⁵ = 32,768 possible inputs

    /// <summary>Input number <paramref name="code"/> in base 8, then the separator, then its reverse: 2·Digits + 1 tokens.</summary>
    private static float[] Sequence(int code)
    {
        var s = new float[2 * Digits + 1];
        for (int i = 0; i < Digits; i++) s[i] = s[2 * Digits - i] = (code >> (3 * i)) & 7;
        s[Digits] = Separator;
        return s;
    }

    private static Tensor Batch(IReadOnlyList<int> codes) =>
        Tensor.FromArray(codes.SelectMany(Sequence).ToArray(), codes.Count, 2 * Digits + 1); // (N, 11)

    [Fact]
    public void A_tiny_GPT_learns_to_reverse_sequences_it_never_saw_95_percent_exactly()
    {
        Rng.Seed(5);
        var clock = new TestClock(output);
        var codes = Rng.Permutation(Total);
        var heldOut = codes[..1000];
        var seen = codes[1000..];

        var model = new TinyGPT(new GPTConfig(VocabSize: Symbols + 1, BlockSize: 2 * Digits, EmbedDim: 32, Heads: 4, Layers: 2));
        var adam = new AdamW(model.Parameters(), learningRate: 3e-3, weightDecay: 0.01);
        const int steps = 200, batchSize = 64;
        double firstLoss = 0, loss = 0;
        for (int step = 0; step < steps; step++)
        {
            var codesOfBatch = Enumerable.Range(0, batchSize).Select(_ => seen[Rng.Int(0, seen.Length)]).ToArray();
            var seq = Batch(codesOfBatch);                                // (N, 11)
            var x = seq.Narrow(1, 0, 2 * Digits);                         // (N, 10): the input and the separator, then the answer so far
            var y = seq.Narrow(1, 1, 2 * Digits);                         // (N, 10): the next token at each position
            adam.ZeroGrad();
            var logits = model.Call(x);                                   // (N, 10, V)
            // Only the answer is predictable: the positions from the separator on.
            var answer = logits.Narrow(1, Digits, Digits).Reshape(-1, Symbols + 1); // (N·5, V)
            var l = Loss.CrossEntropy(answer, y.Narrow(1, Digits, Digits).Reshape(-1));
            l.Backward();
            adam.Step();
            loss = l.Item();
            if (step == 0) firstLoss = loss;
        }
        clock.Report($"trained {steps} steps of {batchSize}: loss {firstLoss:0.000} → {loss:0.000}");

        var test = Batch(heldOut);                                        // (1000, 11)
        var generated = model.Generate(test.Narrow(1, 0, Digits + 1), maxNewTokens: Digits, temperature: 0); // (1000, 11)
        var got = generated.Narrow(1, Digits + 1, Digits).ToArray();
        var expected = test.Narrow(1, Digits + 1, Digits).Contiguous().ToArray();
        int exact = Enumerable.Range(0, heldOut.Length).Count(i => got.AsSpan(i * Digits, Digits).SequenceEqual(expected.AsSpan(i * Digits, Digits)));
        double accuracy = (double)exact / heldOut.Length;
        clock.Report($"exact-match accuracy on 1,000 held-out sequences: {accuracy:P1}");
        Assert.True(firstLoss > 1.9, $"the first loss {firstLoss} is not chance level (ln 8 ≈ 2.08)");
        Assert.True(accuracy >= 0.95, $"exact-match accuracy {accuracy:P1} < 95%");
    }

    [Fact]
    public void Generate_is_greedy_at_temperature_zero_and_repeatable_under_a_seed()
    {
        Rng.Seed(6);
        var model = new TinyGPT(new GPTConfig(VocabSize: 7, BlockSize: 4, EmbedDim: 16, Heads: 2, Layers: 1));
        int[] prompt = [1, 2, 3];
        var greedy = model.Generate(prompt, maxNewTokens: 6, temperature: 0);
        Assert.Equal(9, greedy.Length);                                  // the context slides past BlockSize
        Assert.Equal(prompt, greedy[..3]);
        using (Tensor.NoGrad())
        {
            var logits = model.Eval().Call(Tensor.FromArray([1f, 2, 3], 1, 3)); // (1, 3, V)
            Assert.Equal((float)greedy[3], logits.Select(1, 2).ArgMax(-1).Item());
        }
        model.Train();
        Rng.Seed(60);
        var a = model.Generate(prompt, 6, temperature: 1, topK: 3);
        Rng.Seed(60);
        var b = model.Generate(prompt, 6, temperature: 1, topK: 3);
        Assert.Equal(a, b);
        Assert.True(model.IsTraining);
        Assert.Equal([2, 4, 7], model.Forward(Tensor.Zeros(2, 4)).Shape);   // (N, T, V)
        Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(2, 5))); // longer than BlockSize
    }

    [Fact]
    public void Sampling_picks_the_argmax_at_temperature_zero_and_stays_in_the_top_k()
    {
        Rng.Seed(7);
        float[] logits = [0.1f, 2f, -1f, 1.9f, 0f];
        Assert.Equal(1, Sampling.FromLogits(logits, temperature: 0));
        var counts = new int[5];
        for (int i = 0; i < 2000; i++) counts[Sampling.FromLogits(logits, temperature: 1, topK: 2)]++;
        Assert.Equal(0, counts[0] + counts[2] + counts[4]);
        // p(1) / p(3) = e^0.1 ≈ 1.105 among the two left
        Assert.InRange(counts[1] / (double)counts[3], 0.95, 1.27);
    }
}
