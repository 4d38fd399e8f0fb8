// What a callback sees of a training run: the run itself (model, optimizer, history, a way to stop), and a
// record for each finished step and each finished epoch.
using System.Globalization;
using DeepLearnKit.NN;
using DeepLearnKit.Optim;

namespace DeepLearnKit.Training;

/// <summary>
/// One training run as callbacks see it. <see cref="Trainer.Fit"/> creates it; a hand-written loop can create one too
/// and call the callbacks itself. Epochs and steps are numbered from 0, as <see cref="History"/>'s lists are indexed.
/// </summary>
public sealed class TrainingContext
{
    /// <summary>A run of <paramref name="epochs"/> epochs of <paramref name="stepsPerEpoch"/> steps (null when unknown).</summary>
    public TrainingContext(Module model, Optimizer optimizer, int epochs, int? stepsPerEpoch = null, History? history = null)
    {
        Model = model;
        Optimizer = optimizer;
        Epochs = epochs;
        StepsPerEpoch = stepsPerEpoch;
        History = history ?? new History();
        // A Sequential is its layers; a named model (LeNet5, TinyGPT) reads better by its name than by its full repr.
        string what = model is NN.Sequential ? model.ToString() : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{model.GetType().Name} ({model.ParameterCount():N0} parameters)");
        History.Description ??= $"{what} with {optimizer.GetType().Name}";
    }

    /// <summary>The model being trained.</summary>
    public Module Model { get; }

    /// <summary>The optimizer updating it.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>What has been recorded so far.</summary>
    public History History { get; }

    /// <summary>The number of epochs asked for.</summary>
    public int Epochs { get; }

    /// <summary>Batches per epoch, when the data says how many (a collection) or after the first epoch; else null.</summary>
    public int? StepsPerEpoch { get; internal set; }

    /// <summary>True once a callback has asked to stop; the trainer stops after the current step.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>Why the run was asked to stop (e.g. <c>EarlyStopping: val_loss did not improve for 3 epochs</c>).</summary>
    public string? StopReason { get; private set; }

    /// <summary>Asks the trainer to stop after the current step (at an epoch's end: before the next epoch).</summary>
    public void RequestStop(string reason)
    {
        StopRequested = true;
        StopReason ??= reason;
    }
}

/// <summary>One finished optimisation step.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Step">The step within the epoch, from 0.</param>
/// <param name="StepsPerEpoch">Batches per epoch, or null while unknown.</param>
/// <param name="GlobalStep">The step counted over the whole run, from 0.</param>
/// <param name="Loss">This batch's loss.</param>
/// <param name="BatchSize">Examples in this batch.</param>
/// <param name="LearningRate">The first parameter group's η used for this step.</param>
/// <param name="Elapsed">Time since training began.</param>
public readonly record struct StepInfo(int Epoch, int Epochs, int Step, int? StepsPerEpoch, int GlobalStep, double Loss,
    int BatchSize, double LearningRate, TimeSpan Elapsed)
{
    /// <summary>Steps in the whole run, when the number per epoch is known.</summary>
    public int? TotalSteps => StepsPerEpoch * Epochs;

    /// <summary>Estimated time left: the mean time per step so far times the steps left; null while unknown.</summary>
    public TimeSpan? Eta => TotalSteps is { } total
        ? TimeSpan.FromTicks(Elapsed.Ticks / (GlobalStep + 1) * Math.Max(0, total - GlobalStep - 1))
        : null;

    /// <summary><c>epoch 1/5 · step 10/100 · loss 0.1234 · 1.2 s · ETA 3.4 s</c> (counted from 1 for reading).</summary>
    public override string ToString()
    {
        var steps = StepsPerEpoch is { } n ? $"{Step + 1}/{n}" : $"{Step + 1}";
        var eta = Eta is { } e ? $" · ETA {e.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "";
        return $"epoch {Epoch + 1}/{Epochs} · step {steps} · loss {Loss.ToString("G4", CultureInfo.InvariantCulture)} · " +
               $"{Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s{eta}";
    }
}

/// <summary>One finished epoch: its mean training loss and metrics, and the validation ones when there was validation data.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Loss">Mean training loss over the epoch's examples.</param>
/// <param name="ValidationLoss">Mean validation loss, or null without validation data.</param>
/// <param name="Metrics">Training metrics by name (e.g. <c>accuracy</c>).</param>
/// <param name="ValidationMetrics">Validation metrics by name (empty without validation data).</param>
/// <param name="Elapsed">Time since training began.</param>
public sealed record EpochInfo(int Epoch, int Epochs, double Loss, double? ValidationLoss,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, double> ValidationMetrics, TimeSpan Elapsed)
{
    /// <summary>
    /// A value by Keras's key: <c>loss</c>, <c>val_loss</c>, a metric's name (<c>accuracy</c>) or <c>val_</c> + its name;
    /// null when this epoch has no such value.
    /// </summary>
    public double? this[string key] => key switch
    {
        History.LossKey => Loss,
        History.ValidationLossKey => ValidationLoss,
        _ when key.StartsWith(History.ValidationPrefix, StringComparison.Ordinal) =>
            ValidationMetrics.TryGetValue(key[History.ValidationPrefix.Length..], out var v) ? v : null,
        _ => Metrics.TryGetValue(key, out var m) ? m : null,
    };

    /// <summary>The keys this epoch has values for.</summary>
    public IEnumerable<string> Keys =>
        new[] { History.LossKey }.Concat(Metrics.Keys)
            .Concat(ValidationLoss is null ? [] : new[] { History.ValidationLossKey })
            .Concat(ValidationMetrics.Keys.Select(k => History.ValidationPrefix + k));

    /// <summary><c>epoch 3/10 · loss 0.123 · accuracy 0.95 · val_loss 0.15</c>.</summary>
    public override string ToString() =>
        $"epoch {Epoch + 1}/{Epochs} · " + string.Join(" · ", Keys.Select(k => $"{k} {this[k]!.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
}
