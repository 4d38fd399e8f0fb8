// Samples of a one-dimensional distribution, the data's, beside a model's samples at chosen steps of its training, so
// a chart can draw how a generator's distribution moves onto the data's. Data only; the formatters draw it.
using System.Globalization;

namespace DeepLearnKit.Training;

/// <summary>
/// The data's samples (<see cref="Real"/>) and a model's samples at steps of training (<see cref="Snapshots"/>), all
/// one-dimensional: <c>var snapshots = new DistributionSnapshots(data); … snapshots.Add(step, generator.Call(z));</c>.
/// </summary>
public sealed class DistributionSnapshots
{
    private readonly List<(int Step, IReadOnlyList<float> Samples)> snapshots = [];

    /// <summary>Keeps the data's samples: any shape, read as a flat list of numbers.</summary>
    /// <param name="real">Samples of the data's distribution.</param>
    /// <param name="description">What is sampled, e.g. <c>N(4, 1.25²)</c>; the chart's default title names it.</param>
    public DistributionSnapshots(Tensor real, string? description = null)
    {
        Real = Flat("real", real);
        Description = description;
    }

    /// <summary>The data's samples.</summary>
    public IReadOnlyList<float> Real { get; }

    /// <summary>What is sampled, or null.</summary>
    public string? Description { get; }

    /// <summary>The model's samples at each recorded step, in the order added.</summary>
    public IReadOnlyList<(int Step, IReadOnlyList<float> Samples)> Snapshots => snapshots;

    /// <summary>Records the model's <paramref name="samples"/> (any shape, read flat) at <paramref name="step"/>; returns this, so calls chain.</summary>
    public DistributionSnapshots Add(int step, Tensor samples)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"DistributionSnapshots.Add: the step must be at least 0, got {step}.");
        snapshots.Add((step, Flat($"step {step}", samples)));
        return this;
    }

    /// <summary>The mean and (population) standard deviation of <paramref name="samples"/>.</summary>
    public static (double Mean, double Std) MeanStd(IReadOnlyList<float> samples)
    {
        double mean = samples.Average(v => (double)v);
        return (mean, Math.Sqrt(samples.Average(v => (v - mean) * (v - mean))));
    }

    private static float[] Flat(string what, Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.NumEl == 0) throw new ArgumentException($"DistributionSnapshots: the {what} samples are empty.", nameof(samples));
        float[] values;
        using (Tensor.NoGrad()) values = samples.ToArray();
        if (!values.All(float.IsFinite)) throw new ArgumentException($"DistributionSnapshots: the {what} samples hold NaN or ±∞.", nameof(samples));
        return values;
    }

    /// <summary><c>DistributionSnapshots(real: mean 4, std 1.25; step 0: mean 0.1, std 0.3; …)</c>.</summary>
    public override string ToString()
    {
        static string Stats(IReadOnlyList<float> s)
        {
            var (mean, std) = MeanStd(s);
            return $"mean {mean.ToString("G3", CultureInfo.InvariantCulture)}, std {std.ToString("G3", CultureInfo.InvariantCulture)}";
        }
        return $"DistributionSnapshots(real: {Stats(Real)}" + string.Concat(snapshots.Select(s => $"; step {s.Step}: {Stats(s.Samples)}")) + ")";
    }
}
