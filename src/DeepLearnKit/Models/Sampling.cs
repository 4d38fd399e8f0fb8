// Drawing the next token from a language model's logits (chapters 07 and 08): temperature, top-k, and the
// categorical draw from the seeded Rng that the char-RNN and the tiny GPT share.
namespace DeepLearnKit.Models;

/// <summary>Picks a token id from one row of logits.</summary>
public static class Sampling
{
    /// <summary>
    /// Draws an id from <c>p = softmax(logits / T)</c>, restricted to the <paramref name="topK"/> largest logits when
    /// given (the others get p = 0). Temperature T = 0 is greedy: the argmax (the lowest id among ties). The draw takes
    /// one uniform number from <paramref name="random"/> when given (a generator seeded once per generation, see
    /// <see cref="Generator"/>), otherwise from <see cref="Rng"/>, so <c>Rng.Seed</c> makes samples repeatable.
    /// </summary>
    public static int FromLogits(ReadOnlySpan<float> logits, float temperature = 1, int? topK = null, System.Random? random = null)
    {
        if (logits.Length == 0) throw new ArgumentException("Sampling.FromLogits: got no logits.");
        if (temperature < 0 || float.IsNaN(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), $"Sampling.FromLogits: temperature must be non-negative, got {temperature}.");
        if (topK is < 1)
            throw new ArgumentOutOfRangeException(nameof(topK), $"Sampling.FromLogits: topK must be positive, got {topK}.");

        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        if (temperature == 0) return best;

        // Logits below the k-th largest are cut; ties with it stay in.
        float cut = float.NegativeInfinity;
        if (topK is int k && k < logits.Length)
        {
            var sorted = logits.ToArray();
            Array.Sort(sorted);
            cut = sorted[^k];
        }
        // softmax with the maximum subtracted, so exp never overflows
        var weights = new double[logits.Length];
        double total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            weights[i] = logits[i] >= cut ? Math.Exp((logits[i] - logits[best]) / (double)temperature) : 0;
            total += weights[i];
        }
        double target = Uniform(random) * total, running = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            running += weights[i];
            if (weights[i] > 0 && target < running) return i;
        }
        return best; // only reached through rounding at the very top of the range
    }

    /// <summary>
    /// The generator of one generation: <c>new Random(seed)</c>, so the same seed draws the same tokens whatever else
    /// used <see cref="Rng"/>; null without a seed, which makes <see cref="FromLogits"/> draw from <see cref="Rng"/>.
    /// </summary>
    public static System.Random? Generator(int? seed) => seed is int s ? new System.Random(s) : null;

    /// <summary>One uniform number in [0, 1) from <paramref name="random"/>, or from <see cref="Rng"/> when null.</summary>
    private static double Uniform(System.Random? random)
    {
        if (random is not null) return random.NextDouble();
        Span<float> u = stackalloc float[1];
        Rng.Uniform(u);
        return u[0];
    }
}
