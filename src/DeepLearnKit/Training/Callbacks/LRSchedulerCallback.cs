// Step a learning-rate schedule from the training loop, once per epoch or once per batch.
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
/// <c>new LRSchedulerCallback(scheduler.Step)</c> or <c>new LRSchedulerCallback(scheduler.Step, StepInterval.Batch)</c>.
/// </summary>
public sealed class LRSchedulerCallback : ICallback
{
    private readonly Action step;

    /// <summary>Calls <paramref name="step"/> every <paramref name="interval"/>.</summary>
    public LRSchedulerCallback(Action step, StepInterval interval = StepInterval.Epoch)
    {
        this.step = step ?? throw new ArgumentNullException(nameof(step));
        Interval = interval;
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
        if (Interval == StepInterval.Batch) Advance();
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochInfo epoch)
    {
        if (Interval == StepInterval.Epoch) Advance();
    }

    private void Advance()
    {
        step();
        Steps++;
    }
}
