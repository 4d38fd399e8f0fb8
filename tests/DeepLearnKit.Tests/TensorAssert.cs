// Assertions shared by the engine's tests: element-by-element comparison with a tolerance that
// names the first element that differs, and small deterministic input generators.
namespace DeepLearnKit.Tests;

internal static class TensorAssert
{
    /// <summary>Asserts |expected − actual| ≤ atol + rtol·|expected| for every element, and equal lengths.</summary>
    public static void Close(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (e == a) continue;
            if (!(Math.Abs(e - a) <= atol + rtol * Math.Abs(e)))
                Assert.Fail($"Element {i}: expected {e:G9}, got {a:G9} (|diff| = {Math.Abs(e - a):G3}).");
        }
    }

    /// <summary>Asserts a tensor's shape and values.</summary>
    public static void Close(int[] expectedShape, IReadOnlyList<float> expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.Equal(expectedShape, actual.Shape);
        Close(expected, actual.ToArray(), atol, rtol);
    }

    /// <summary>Asserts a GradCheck passed, printing its worst element otherwise.</summary>
    public static void Passes(GradCheckResult result) => Assert.True(result.Passed, result.ToString());

    /// <summary>Deterministic values in [low, high) that do not depend on the shared Rng (so parallel tests cannot disturb them).</summary>
    public static float[] Values(int count, int seed, float low = -1, float high = 1)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = low + (high - low) * (float)random.NextDouble();
        return values;
    }

    /// <summary>A tensor of <see cref="Values"/>.</summary>
    public static Tensor Random(int seed, params int[] shape) => Tensor.FromArray(Values(Count(shape), seed), shape);

    /// <summary>A tensor with values in [low, high).</summary>
    public static Tensor Between(int seed, float low, float high, params int[] shape) =>
        Tensor.FromArray(Values(Count(shape), seed, low, high), shape);

    /// <summary>Values whose magnitudes are at least <paramref name="gap"/> and which are pairwise at least <paramref name="gap"/> apart: no ties, no kinks at 0.</summary>
    public static Tensor Distinct(int seed, float gap, params int[] shape)
    {
        int n = Count(shape);
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        // Positions −n/2 … n/2 skipping 0, scaled by gap and offset by half a gap.
        var values = order.Select(i => (i - n / 2 + 0.5f) * gap).ToArray();
        return Tensor.FromArray(values, shape);
    }

    public static int Count(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>The row-major flat index of <paramref name="index"/> in <paramref name="shape"/>.</summary>
    public static int Flat(int[] shape, int[] index)
    {
        int flat = 0;
        for (int k = 0; k < shape.Length; k++) flat = flat * shape[k] + index[k];
        return flat;
    }

    /// <summary>The multi-index of a row-major flat position.</summary>
    public static int[] Unflat(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            index[k] = flat % shape[k];
            flat /= shape[k];
        }
        return index;
    }
}
