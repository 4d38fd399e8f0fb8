// Small data sets made in code, for chapters that need a picture-sized problem: spirals and moons (2-D
// classification a line cannot solve) and sine waves (sequence prediction). Every draw comes from Rng.
namespace DeepLearnKit.Data;

/// <summary>Synthetic data sets drawn from <see cref="Rng"/>, so <c>Rng.Seed</c> makes them repeatable.</summary>
public static class Synthetic
{
    /// <summary>
    /// CS231n's interleaved spirals: for class k and point i of n, radius <c>r = i/(n−1)</c> and angle
    /// <c>θ = 4k + 4·i/(n−1) + noise·ε</c> (ε ~ N(0, 1)); the point is <c>(r sin θ, r cos θ)</c>.
    /// Inputs [n·classes, 2], targets [n·classes] = k, class by class.
    /// </summary>
    public static TensorDataset Spirals(int pointsPerClass = 100, int classes = 3, float noise = 0.2f)
    {
        if (pointsPerClass < 2 || classes < 1)
            throw new ArgumentOutOfRangeException(nameof(pointsPerClass), $"Spirals: need at least 2 points per class and 1 class, got {pointsPerClass} and {classes}.");
        int n = pointsPerClass * classes;
        var eps = new float[n];
        Rng.Normal(eps);
        var x = new float[n * 2];
        var y = new float[n];
        for (int k = 0; k < classes; k++)
            for (int i = 0; i < pointsPerClass; i++)
            {
                int row = k * pointsPerClass + i;
                double r = (double)i / (pointsPerClass - 1);
                double theta = 4 * k + 4 * r + noise * eps[row];
                x[2 * row] = (float)(r * Math.Sin(theta));
                x[2 * row + 1] = (float)(r * Math.Cos(theta));
                y[row] = k;
            }
        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.FromArray(y, n));
    }

    /// <summary>
    /// scikit-learn's two moons: ⌊n/2⌋ points <c>(cos t, sin t)</c> (class 0) and the rest <c>(1 − cos t, 0.5 − sin t)</c>
    /// (class 1), t evenly spaced over [0, π], plus N(0, noise²) on each coordinate. Inputs [n, 2], targets [n].
    /// </summary>
    public static TensorDataset Moons(int n = 200, float noise = 0.1f)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), $"Moons: need at least 2 points, got {n}.");
        int outer = n / 2, inner = n - outer;
        var eps = new float[n * 2];
        Rng.Normal(eps, 0, noise);
        var x = new float[n * 2];
        var y = new float[n];
        for (int row = 0; row < n; row++)
        {
            bool isOuter = row < outer;
            int i = isOuter ? row : row - outer, count = isOuter ? outer : inner;
            double t = count == 1 ? 0 : Math.PI * i / (count - 1);
            x[2 * row] = (float)(isOuter ? Math.Cos(t) : 1 - Math.Cos(t)) + eps[2 * row];
            x[2 * row + 1] = (float)(isOuter ? Math.Sin(t) : 0.5 - Math.Sin(t)) + eps[2 * row + 1];
            y[row] = isOuter ? 0 : 1;
        }
        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.FromArray(y, n));
    }

    /// <summary>
    /// Sine waves for next-step prediction: sequence j is <c>s(t) = sin(2π t / P + φ) + noise·ε</c> with period
    /// P ~ U[minPeriod, maxPeriod) steps and phase φ ~ U[0, 2π), sampled at t = 0 … T. Inputs [count, T, 1] hold
    /// s(0 … T−1), targets [count, T, 1] hold s(1 … T): target t is input t + 1.
    /// </summary>
    public static TensorDataset SineSequences(int count, int length, float minPeriod = 8, float maxPeriod = 32, float noise = 0)
    {
        if (count < 1 || length < 1)
            throw new ArgumentOutOfRangeException(nameof(count), $"SineSequences: need at least one sequence of one step, got {count} × {length}.");
        if (!(minPeriod > 0 && maxPeriod >= minPeriod))
            throw new ArgumentOutOfRangeException(nameof(minPeriod), $"SineSequences: need 0 < minPeriod ≤ maxPeriod, got {minPeriod} and {maxPeriod}.");
        var periods = new float[count];
        var phases = new float[count];
        var eps = new float[count * (length + 1)];
        Rng.Uniform(periods, minPeriod, maxPeriod);
        Rng.Uniform(phases, 0, 2 * MathF.PI);
        Rng.Normal(eps, 0, noise);
        var x = new float[count * length];
        var y = new float[count * length];
        for (int j = 0; j < count; j++)
            for (int t = 0; t <= length; t++)
            {
                float s = (float)Math.Sin(2 * Math.PI * t / periods[j] + phases[j]) + eps[j * (length + 1) + t];
                if (t < length) x[j * length + t] = s;
                if (t > 0) y[j * length + t - 1] = s;
            }
        return new TensorDataset(Tensor.FromArray(x, count, length, 1), Tensor.FromArray(y, count, length, 1));
    }
}
