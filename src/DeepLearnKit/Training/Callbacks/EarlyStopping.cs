// Stop training when a monitored value has stopped improving.
namespace DeepLearnKit.Training;

/// <summary>
/// Stops the run when <c>monitor</c> (default <c>val_loss</c>) has not improved by more than <c>minDelta</c> for
/// <c>patience</c> epochs in a row: with values v₀, v₁, … and best b, epoch e improves when vₑ &lt; b − minDelta (or
/// &gt; b + minDelta for a maximised value). With <c>restoreBest</c>, the weights of the best epoch are put back when
/// training ends.
/// </summary>
public sealed class EarlyStopping : ICallback
{
    private readonly MonitoredValue monitor;
    private readonly int patience;
    private readonly bool restoreBest;
    private TrainingSnapshot? best;

    /// <summary>Watches <paramref name="monitor"/>; stops after <paramref name="patience"/> epochs without improvement.</summary>
    public EarlyStopping(string monitor = History.ValidationLossKey, int patience = 3, double minDelta = 0, bool restoreBest = false,
        MonitorMode mode = MonitorMode.Auto)
    {
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"EarlyStopping: patience must be non-negative, got {patience}.");
        if (minDelta < 0) throw new ArgumentOutOfRangeException(nameof(minDelta), $"EarlyStopping: minDelta must be non-negative, got {minDelta}.");
        this.monitor = new MonitoredValue(nameof(EarlyStopping), monitor, mode, minDelta);
        this.patience = patience;
        this.restoreBest = restoreBest;
    }

    /// <summary>Epochs in a row without improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>The best monitored value (NaN before the first epoch).</summary>
    public double BestValue => monitor.Best;

    /// <summary>The epoch (from 0) of the best value, or −1.</summary>
    public int BestEpoch => monitor.BestEpoch;

    /// <summary>The epoch (from 0) after which the run was stopped, or null.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>Forgets an earlier run, so one instance can serve several.</summary>
    public void OnTrainBegin(TrainingContext context)
    {
        monitor.Reset();
        Wait = 0;
        StoppedEpoch = null;
        best = null;
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochInfo epoch)
    {
        if (monitor.Improves(monitor.Read(epoch), epoch.Epoch))
        {
            Wait = 0;
            if (restoreBest) best = new TrainingSnapshot(context.Model);
            return;
        }
        Wait++;
        if (Wait >= patience && StoppedEpoch is null)
        {
            StoppedEpoch = epoch.Epoch;
            context.RequestStop($"EarlyStopping: {monitor.Key} did not improve for {Wait} epochs (best {monitor.Best:G4} at epoch {monitor.BestEpoch + 1})");
        }
    }

    /// <inheritdoc/>
    public void OnTrainEnd(TrainingContext context) => best?.Restore();
}
