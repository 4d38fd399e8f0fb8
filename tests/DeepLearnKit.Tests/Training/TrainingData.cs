// Tiny problems made in code for the training tests, and losses written here so the tests do not depend on NN/Losses.
using DeepLearnKit.Data;
using DeepLearnKit.NN;

namespace DeepLearnKit.Tests.Training;

internal static class TrainingData
{
    /// <summary>y = 2·x₀ − 3·x₁ + 1 on <paramref name="n"/> points in [−1, 1)², in batches (targets [B, 1]).</summary>
    public static List<Batch> Regression(int n = 32, int batchSize = 8, int seed = 1)
    {
        var x = TensorAssert.Values(n * 2, seed);
        var y = new float[n];
        for (int i = 0; i < n; i++) y[i] = 2 * x[2 * i] - 3 * x[2 * i + 1] + 1;
        return Batches(x, 2, y, 1, batchSize);
    }

    /// <summary>Two separable classes: class 1 when x₀ + x₁ &gt; 0 (points within 0.2 of the line dropped); targets are class ids [B].</summary>
    public static List<Batch> TwoClasses(int n = 64, int batchSize = 16, int seed = 2)
    {
        var random = new Random(seed);
        var x = new List<float>();
        var y = new List<float>();
        while (y.Count < n)
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            if (Math.Abs(a + b) < 0.2f) continue;
            x.Add(a);
            x.Add(b);
            y.Add(a + b > 0 ? 1 : 0);
        }
        return Batches(x.ToArray(), 2, y.ToArray(), 0, batchSize);
    }

    private static List<Batch> Batches(float[] x, int features, float[] y, int targetWidth, int batchSize)
    {
        int n = y.Length;
        var batches = new List<Batch>();
        for (int start = 0; start < n; start += batchSize)
        {
            int b = Math.Min(batchSize, n - start);
            var inputs = Tensor.FromArray(x[(start * features)..((start + b) * features)], b, features);
            var targets = targetWidth == 0
                ? Tensor.FromArray(y[start..(start + b)], b)
                : Tensor.FromArray(y[start..(start + b)], b, targetWidth);
            batches.Add(new Batch(inputs, targets));
        }
        return batches;
    }

    /// <summary>Mean squared error, mean((ŷ − y)²).</summary>
    public static Tensor MSE(Tensor output, Tensor target) => (output - target).Square().Mean();

    /// <summary>Cross-entropy of logits [N, C] against class ids [N]: −mean(log softmax(z)[y]), through a one-hot mask.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets)
    {
        int n = logits.Size(0), c = logits.Size(1);
        var oneHot = new float[n * c];
        var ids = targets.ToArray();
        for (int i = 0; i < n; i++) oneHot[i * c + (int)ids[i]] = 1;
        return -(logits.LogSoftmax(-1) * Tensor.FromArray(oneHot, n, c)).Sum(-1).Mean();
    }

    /// <summary>A Linear layer with fixed weights, so results do not depend on the shared Rng.</summary>
    public static Linear FixedLinear(int inFeatures, int outFeatures, int seed = 3)
    {
        var layer = new Linear(inFeatures, outFeatures);
        using var _ = Tensor.NoGrad();
        layer.Weight.CopyFrom(TensorAssert.Random(seed, outFeatures, inFeatures));
        layer.Bias!.CopyFrom(TensorAssert.Random(seed + 1, outFeatures));
        return layer;
    }

    /// <summary>Every parameter's elements as raw bits, for bit-exact comparison.</summary>
    public static Dictionary<string, int[]> Bits(Module model) =>
        model.StateDict().ToDictionary(e => e.Key, e => Bits(e.Value));

    public static int[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
