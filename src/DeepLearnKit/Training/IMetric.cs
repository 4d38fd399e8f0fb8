// Metrics the trainer computes on every batch and averages over an epoch.
namespace DeepLearnKit.Training;

/// <summary>
/// A per-batch measure of the model's outputs against the targets. The trainer averages it over an epoch weighting each
/// batch by its size, which gives the exact epoch value for per-example means such as accuracy.
/// </summary>
public interface IMetric
{
    /// <summary>The key in <see cref="History.Metrics"/> (e.g. <c>accuracy</c>).</summary>
    string Name { get; }

    /// <summary>The metric on one batch of <paramref name="outputs"/> and <paramref name="targets"/>.</summary>
    double Compute(Tensor outputs, Tensor targets);
}

/// <summary>A metric from a name and a function: <c>new BatchMetric("mae", (o, y) => (o - y).Abs().Mean().Item())</c>.</summary>
public sealed class BatchMetric(string name, Func<Tensor, Tensor, double> compute) : IMetric
{
    /// <summary>Classification accuracy, <see cref="Training.Metrics.Accuracy"/>.</summary>
    public static BatchMetric Accuracy { get; } = new("accuracy", Training.Metrics.Accuracy);

    /// <summary>Keras' binary accuracy at threshold 0.5, for one sigmoid output per example, <see cref="Training.Metrics.BinaryAccuracy"/>.</summary>
    public static BatchMetric BinaryAccuracy { get; } = new("binary_accuracy", (o, y) => Training.Metrics.BinaryAccuracy(o, y));

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public double Compute(Tensor outputs, Tensor targets) => compute(outputs, targets);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
