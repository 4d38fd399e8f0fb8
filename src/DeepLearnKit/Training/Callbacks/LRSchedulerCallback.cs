// Step a learning-rate schedule from the training loop, once per epoch or once per batch; a plateau schedule is
// stepped with the epoch's monitored value.
using DeepLearnKit.Optim;

namespace DeepLearnKit.Training;

/// <summary>Anything with a <c>Step()</c> that advances it, such as an LR schedule.</summary>
public interface IStepper
{
    /// <summary>Advances one step.</summary>
    void Step();
}

/// <summary>When a schedule is stepped.</summary>
public enum StepInterval
{
    /// <summary>After each epoch (PyTorch's usual <c>scheduler.step()</c> after the epoch loop body).</summary>
    Epoch,

    /// <summary>After each optimizer step (one-cycle, warm-up, cosine per iteration).</summary>
    Batch,
}

/// <summary>
/// Calls a schedule's <c>Step()</c> after each epoch or after each batch, so Fit drives it as a hand-written loop would:
/// <c>new LRSchedulerCallback(scheduler.Step)</c> or <c>new LRSchedulerCallback(scheduler.Step, StepInterval.Batch)</c>;
/// a <see cref="ReduceLROnPlateau"/> is stepped after each epoch with that epoch's monitored value
/// (<c>new LRSchedulerCallback(plateau, monitor: "val_loss")</c>), as <c>scheduler.step(val_loss)</c> in PyTorch.
/// </summary>
public sealed class LRSchedulerCallback : ICallback
{
    private readonly Action<EpochInfo?> step;

    /// <summary>Calls <paramref name="step"/> every <paramref name="interval"/>.</summary>
    public LRSchedulerCallback(Action step, StepInterval interval = StepInterval.Epoch)
    {
        ArgumentNullException.ThrowIfNull(step);
        this.step = _ => step();
        Interval = interval;
    }

    /// <summary>
    /// Steps <paramref name="scheduler"/> after each epoch with the epoch's <paramref name="monitor"/> value (a key of
    /// <see cref="EpochInfo"/>: <c>val_loss</c>, <c>loss</c>, <c>val_accuracy</c>, …).
    /// </summary>
    public LRSchedulerCallback(ReduceLROnPlateau scheduler, string monitor = History.ValidationLossKey)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var watched = new MonitoredValue(nameof(ReduceLROnPlateau), monitor, MonitorMode.Auto, 0);
        step = epoch => scheduler.Step(watched.Read(epoch!));
        Interval = StepInterval.Epoch;
    }

    /// <summary>Steps <paramref name="scheduler"/> every <paramref name="interval"/>.</summary>
    public LRSchedulerCallback(IStepper scheduler, StepInterval interval = StepInterval.Epoch)
        : this((scheduler ?? throw new ArgumentNullException(nameof(scheduler))).Step, interval)
    {
    }

    /// <summary>After each epoch or after each batch.</summary>
    public StepInterval Interval { get; }

    /// <summary>How many times the schedule has been stepped.</summary>
    public int Steps { get; private set; }

    /// <inheritdoc/>
    public void OnStepEnd(TrainingContext context, StepInfo info)
    {
        if (Interval == StepInterval.Batch) Advance(null);
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochInfo epoch)
    {
        if (Interval == StepInterval.Epoch) Advance(epoch);
    }

    private void Advance(EpochInfo? epoch)
    {
        step(epoch);
        Steps++;
    }
}
