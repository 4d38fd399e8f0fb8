// The value early stopping and checkpointing watch, and what counts as an improvement of it.
namespace DeepLearnKit.Training;

/// <summary>Whether a monitored value improves by going down or up.</summary>
public enum MonitorMode
{
    /// <summary>Down for keys containing "loss", up otherwise (accuracy, F1, AUC).</summary>
    Auto,

    /// <summary>Smaller is better.</summary>
    Min,

    /// <summary>Larger is better.</summary>
    Max,
}

/// <summary>Tracks the best value of one key of <see cref="EpochInfo"/> (<c>val_loss</c>, <c>accuracy</c>, …).</summary>
internal sealed class MonitoredValue(string owner, string key, MonitorMode mode, double minDelta)
{
    private readonly bool minimize = mode == MonitorMode.Min || (mode == MonitorMode.Auto && key.Contains("loss", StringComparison.Ordinal));

    public string Key => key;

    /// <summary>The best value so far (NaN before the first).</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The epoch of <see cref="Best"/>, or −1.</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>The epoch's value of the key, or an error naming the keys it has.</summary>
    public double Read(EpochInfo epoch) => epoch[key] ?? throw new InvalidOperationException(
        $"{owner}: monitors '{key}' but the epoch has only {string.Join(", ", epoch.Keys)}" +
        (key.StartsWith(History.ValidationPrefix, StringComparison.Ordinal) ? " (pass validation data to Fit)." : "."));

    /// <summary>Forgets the best value.</summary>
    public void Reset()
    {
        Best = double.NaN;
        BestEpoch = -1;
    }

    /// <summary>True (and remembers it) when <paramref name="value"/> beats the best by more than minDelta.</summary>
    public bool Improves(double value, int epoch)
    {
        bool better = double.IsNaN(Best)
            ? !double.IsNaN(value)
            : minimize ? value < Best - minDelta : value > Best + minDelta;
        if (better)
        {
            Best = value;
            BestEpoch = epoch;
        }
        return better;
    }
}
