// The one seeded random source: every random init, shuffle, dropout mask and sample draws from it,
// so a chapter prints the same numbers on every run. Random tensors made on a device (Tensor.Rand(shape, device),
// dropout masks) take one key from it and are filled there by a counter-based generator (Backends/Philox.cs), so
// every device draws the same numbers.
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace DeepLearnKit;

/// <summary>
/// DeepLearnKit's random number generator (Xoshiro256** from MathNet.Numerics), seeded with 0 at start-up.
/// <c>Rng.Seed(42)</c> makes everything after it repeatable, like PyTorch's <c>torch.manual_seed</c>.
/// </summary>
public static class Rng
{
    private static readonly object gate = new();
    private static Xoshiro256StarStar source = new(0);

    /// <summary>Restarts the sequence from <paramref name="seed"/>.</summary>
    public static void Seed(int seed)
    {
        lock (gate) source = new Xoshiro256StarStar(seed);
    }

    /// <summary>The underlying generator, for MathNet.Numerics distributions (use it from one thread at a time).</summary>
    public static System.Random Source => source;

    /// <summary>Fills <paramref name="values"/> with draws from U[low, high).</summary>
    public static void Uniform(Span<float> values, float low = 0, float high = 1)
    {
        lock (gate)
            for (int i = 0; i < values.Length; i++) values[i] = low + (high - low) * (float)source.NextDouble();
    }

    /// <summary>Fills <paramref name="values"/> with draws from N(mean, std²).</summary>
    public static void Normal(Span<float> values, float mean = 0, float std = 1)
    {
        var draws = new double[values.Length];
        lock (gate) MathNet.Numerics.Distributions.Normal.Samples(source, draws, mean, std);
        for (int i = 0; i < values.Length; i++) values[i] = (float)draws[i];
    }

    /// <summary>Fills <paramref name="values"/> with draws from the distribution <paramref name="make"/> builds on the generator.</summary>
    public static void Sample(Func<System.Random, IContinuousDistribution> make, Span<float> values)
    {
        lock (gate)
        {
            var distribution = make(source);
            for (int i = 0; i < values.Length; i++) values[i] = (float)distribution.Sample();
        }
    }

    /// <summary>
    /// A 64-bit key for one counter-based random fill on a device (<c>Tensor.Rand</c>, <c>Randn</c>, dropout masks): one
    /// draw here, then element i of the tensor is Philox4x32-10 of counter i under this key, on whatever device holds it.
    /// </summary>
    internal static ulong NextSeed()
    {
        lock (gate) return (ulong)source.NextInt64() ^ ((ulong)source.Next() << 63);
    }

    /// <summary>An integer drawn uniformly from [low, high).</summary>
    public static int Int(int low, int high)
    {
        lock (gate) return source.Next(low, high);
    }

    /// <summary>A random permutation of 0..n−1 (Fisher–Yates).</summary>
    public static int[] Permutation(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        lock (gate)
        {
            for (int i = n - 1; i > 0; i--)
            {
                int j = source.Next(i + 1);
                (p[i], p[j]) = (p[j], p[i]);
            }
        }
        return p;
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public static bool Bernoulli(double p)
    {
        lock (gate) return source.NextDouble() < p;
    }
}
