// Weight initialisation schemes, drawn through MathNet.Numerics distributions from the seeded Rng.
using MathNet.Numerics.Distributions;

namespace DeepLearnKit.NN;

/// <summary>How a layer's nonlinearity scales the Kaiming bound: the gain g in <c>std = g / √fanIn</c>.</summary>
public enum Nonlinearity
{
    /// <summary>g = 1 (linear, sigmoid).</summary>
    Linear,
    /// <summary>g = √2.</summary>
    ReLU,
    /// <summary>g = √(2 / (1 + a²)) with the negative slope a (PyTorch's default a = √5 for Linear/Conv weights).</summary>
    LeakyReLU,
    /// <summary>g = 5/3.</summary>
    Tanh,
}

/// <summary>
/// Initialisers, as torch.nn.init. Fan-in and fan-out of a weight [out, in, k…] are <c>in·Πk</c> and
/// <c>out·Πk</c>. Every draw comes from <see cref="Rng"/>, so <c>Rng.Seed</c> makes them repeatable.
/// </summary>
public static class Init
{
    /// <summary>The gain for <paramref name="nonlinearity"/> (see <see cref="Nonlinearity"/>).</summary>
    public static double Gain(Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.ReLU => Math.Sqrt(2),
        Nonlinearity.LeakyReLU => Math.Sqrt(2 / (1 + negativeSlope * negativeSlope)),
        Nonlinearity.Tanh => 5.0 / 3,
        _ => 1,
    };

    /// <summary>(fanIn, fanOut) of a weight shaped [out, in, k…] (a 1-D tensor has fanIn = fanOut = its length).</summary>
    public static (int FanIn, int FanOut) Fans(int[] shape)
    {
        if (shape.Length < 2) return (shape.Length == 1 ? shape[0] : 1, shape.Length == 1 ? shape[0] : 1);
        int receptive = Shapes.StorageLength("Init", shape[2..]);
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>Draws from U[low, high).</summary>
    public static Tensor Uniform(int[] shape, double low, double high) =>
        Draw(shape, random => new ContinuousUniform(low, high, random));

    /// <summary>Draws from N(mean, std²).</summary>
    public static Tensor Normal(int[] shape, double mean = 0, double std = 1) =>
        Draw(shape, random => new Normal(mean, std, random));

    /// <summary>Xavier/Glorot uniform: U[−b, b] with <c>b = gain·√(6 / (fanIn + fanOut))</c>.</summary>
    public static Tensor XavierUniform(int[] shape, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(shape);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(shape, -bound, bound);
    }

    /// <summary>Xavier/Glorot normal: N(0, σ²) with <c>σ = gain·√(2 / (fanIn + fanOut))</c>.</summary>
    public static Tensor XavierNormal(int[] shape, double gain = 1)
    {
        var (fanIn, fanOut) = Fans(shape);
        return Normal(shape, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>Kaiming/He uniform: U[−b, b] with <c>b = gain·√(3 / fanIn)</c>.</summary>
    public static Tensor KaimingUniform(int[] shape, Nonlinearity nonlinearity = Nonlinearity.ReLU, double negativeSlope = 0)
    {
        double bound = Gain(nonlinearity, negativeSlope) * Math.Sqrt(3.0 / Fans(shape).FanIn);
        return Uniform(shape, -bound, bound);
    }

    /// <summary>Kaiming/He normal: N(0, σ²) with <c>σ = gain / √fanIn</c>.</summary>
    public static Tensor KaimingNormal(int[] shape, Nonlinearity nonlinearity = Nonlinearity.ReLU, double negativeSlope = 0) =>
        Normal(shape, 0, Gain(nonlinearity, negativeSlope) / Math.Sqrt(Fans(shape).FanIn));

    /// <summary>
    /// PyTorch's default for Linear and Conv weights: Kaiming uniform with a = √5, i.e. U[−1/√fanIn, 1/√fanIn].
    /// </summary>
    public static Tensor DefaultWeight(int[] shape) => KaimingUniform(shape, Nonlinearity.LeakyReLU, Math.Sqrt(5));

    /// <summary>PyTorch's default bias: U[−1/√fanIn, 1/√fanIn] with the weight's fan-in.</summary>
    public static Tensor DefaultBias(int length, int fanIn)
    {
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        return Uniform([length], -bound, bound);
    }

    private static Tensor Draw(int[] shape, Func<Random, IContinuousDistribution> distribution)
    {
        var values = new float[Shapes.Count(Shapes.Validate("Init", shape))];
        Rng.Sample(distribution, values);
        return Tensor.FromArray(values, shape);
    }
}
