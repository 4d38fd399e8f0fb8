// The record of a training run: loss and metrics per step and per epoch, training and validation, with times.
// Data only; the formatters draw it.
using System.Globalization;

namespace DeepLearnKit.Training;

/// <summary>
/// What <see cref="Trainer.Fit"/> measured. Per step (one batch): <see cref="StepLoss"/>, <see cref="StepMetrics"/>,
/// <see cref="StepLearningRate"/>. Per completed epoch: <see cref="EpochLoss"/> and <see cref="Metrics"/> (means over the
/// epoch's training examples), <see cref="ValidationLoss"/> and <see cref="ValidationMetrics"/> (over the validation data,
/// when given). The steps of an epoch cut short by cancellation are in the step lists only. Lists are indexed from 0.
/// </summary>
public sealed class History
{
    /// <summary>What was trained, e.g. <c>MLP(…) with Adam</c>; the run that records into it sets it when it is unset.</summary>
    public string? Description { get; set; }

    /// <summary>The key of the training loss (Keras's name).</summary>
    public const string LossKey = "loss";

    /// <summary>The key of the validation loss.</summary>
    public const string ValidationLossKey = "val_loss";

    /// <summary>What validation keys start with: <c>val_accuracy</c>.</summary>
    public const string ValidationPrefix = "val_";

    private readonly List<double> stepLoss = [];
    private readonly List<double> stepLearningRate = [];
    private readonly List<int> stepEpoch = [];
    private readonly List<TimeSpan> stepElapsed = [];
    private readonly Dictionary<string, IReadOnlyList<double>> stepMetrics = [];
    private readonly List<double> epochLoss = [];
    private readonly List<double> validationLoss = [];
    private readonly List<TimeSpan> epochElapsed = [];
    private readonly Dictionary<string, IReadOnlyList<double>> metrics = [];
    private readonly Dictionary<string, IReadOnlyList<double>> validationMetrics = [];

    /// <summary>Each step's batch loss.</summary>
    public IReadOnlyList<double> StepLoss => stepLoss;

    /// <summary>Each step's metrics on its batch, by name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> StepMetrics => stepMetrics;

    /// <summary>The learning rate (first parameter group) each step used.</summary>
    public IReadOnlyList<double> StepLearningRate => stepLearningRate;

    /// <summary>The epoch each step belongs to.</summary>
    public IReadOnlyList<int> StepEpoch => stepEpoch;

    /// <summary>Time since training began at the end of each step.</summary>
    public IReadOnlyList<TimeSpan> StepElapsed => stepElapsed;

    /// <summary>Each completed epoch's mean training loss.</summary>
    public IReadOnlyList<double> EpochLoss => epochLoss;

    /// <summary>Each completed epoch's training metrics (means over its examples), by name: <c>Metrics["accuracy"]</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Metrics => metrics;

    /// <summary>Each completed epoch's validation loss (empty without validation data).</summary>
    public IReadOnlyList<double> ValidationLoss => validationLoss;

    /// <summary>Each completed epoch's validation metrics, by name (without the <c>val_</c> prefix).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> ValidationMetrics => validationMetrics;

    /// <summary>Time since training began at the end of each epoch (after validation).</summary>
    public IReadOnlyList<TimeSpan> EpochElapsed => epochElapsed;

    /// <summary>Steps taken.</summary>
    public int Steps => stepLoss.Count;

    /// <summary>Epochs completed.</summary>
    public int Epochs => epochLoss.Count;

    /// <summary>The whole run's duration.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>True when a cancellation token stopped the run.</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>Why a callback stopped the run early (e.g. early stopping), or null.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>A per-epoch series by Keras's key: <c>loss</c>, <c>val_loss</c>, <c>accuracy</c>, <c>val_accuracy</c>.</summary>
    public IReadOnlyList<double> this[string key] => key switch
    {
        LossKey => epochLoss,
        ValidationLossKey => validationLoss,
        _ when key.StartsWith(ValidationPrefix, StringComparison.Ordinal) && validationMetrics.TryGetValue(key[ValidationPrefix.Length..], out var v) => v,
        _ when metrics.TryGetValue(key, out var m) => m,
        _ => throw new KeyNotFoundException($"History: no series '{key}'; it has {string.Join(", ", Keys)}."),
    };

    /// <summary>The per-epoch series this history has.</summary>
    public IEnumerable<string> Keys =>
        new[] { LossKey }.Concat(metrics.Keys)
            .Concat(validationLoss.Count > 0 ? new[] { ValidationLossKey } : [])
            .Concat(validationMetrics.Keys.Select(k => ValidationPrefix + k));

    /// <summary>Appends a finished step and its batch metrics.</summary>
    public void AddStep(StepInfo step, IReadOnlyDictionary<string, double>? stepMetricValues = null)
    {
        stepLoss.Add(step.Loss);
        stepLearningRate.Add(step.LearningRate);
        stepEpoch.Add(step.Epoch);
        stepElapsed.Add(step.Elapsed);
        Append(stepMetrics, stepMetricValues);
        Elapsed = step.Elapsed;
    }

    /// <summary>Appends a finished epoch.</summary>
    public void AddEpoch(EpochInfo epoch)
    {
        epochLoss.Add(epoch.Loss);
        if (epoch.ValidationLoss is { } v) validationLoss.Add(v);
        epochElapsed.Add(epoch.Elapsed);
        Append(metrics, epoch.Metrics);
        Append(validationMetrics, epoch.ValidationMetrics);
        Elapsed = epoch.Elapsed;
    }

    private static void Append(Dictionary<string, IReadOnlyList<double>> series, IReadOnlyDictionary<string, double>? values)
    {
        if (values is null) return;
        foreach (var (name, value) in values)
        {
            if (!series.TryGetValue(name, out var list)) series[name] = list = new List<double>();
            ((List<double>)list).Add(value);
        }
    }

    /// <summary><c>History(5 epochs, 50 steps, loss 0.0123, accuracy 0.98, val_loss 0.02, 1.2 s)</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"{Epochs} epochs", $"{Steps} steps" };
        if (Epochs > 0) parts.AddRange(Keys.Select(k => $"{k} {this[k][^1].ToString("G4", CultureInfo.InvariantCulture)}"));
        else if (Steps > 0) parts.Add($"last step loss {stepLoss[^1].ToString("G4", CultureInfo.InvariantCulture)}");
        parts.Add($"{Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        if (Cancelled) parts.Add("cancelled");
        if (StopReason is not null) parts.Add($"stopped: {StopReason}");
        return $"History({string.Join(", ", parts)})";
    }
}
