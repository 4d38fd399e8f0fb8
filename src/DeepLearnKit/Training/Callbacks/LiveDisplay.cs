// Shows the History while training runs and redraws it in place a few times a second, then once more at the end.
using DeepLearnKit.Display;

namespace DeepLearnKit.Training;

/// <summary>
/// Displays <see cref="TrainingContext.History"/> on <see cref="DisplaySurface.Current"/> when training begins and
/// updates that same display after steps no closer together than <paramref name="minInterval"/> (default 250 ms),
/// after every epoch, and when training ends. Does nothing when no surface is installed. <c>Fit</c> adds one by
/// default (<c>live: true</c>).
/// </summary>
public sealed class LiveDisplay(TimeSpan? minInterval = null) : ICallback
{
    private readonly TimeSpan gap = minInterval ?? TimeSpan.FromMilliseconds(250);
    private IDisplayHandle? handle;
    private TimeSpan lastUpdate;

    /// <summary>How many times the display was redrawn (the first draw not counted).</summary>
    public int Updates { get; private set; }

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        handle = DisplaySurface.TryDisplay(context.History);
        lastUpdate = TimeSpan.Zero;
        Updates = 0;
    }

    /// <inheritdoc/>
    public void OnStepEnd(TrainingContext context, StepInfo step)
    {
        if (step.Elapsed - lastUpdate < gap) return;
        lastUpdate = step.Elapsed;
        Redraw(context);
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochInfo epoch) => Redraw(context);

    /// <inheritdoc/>
    public void OnTrainEnd(TrainingContext context)
    {
        Redraw(context);
        handle = null;
    }

    private void Redraw(TrainingContext context)
    {
        if (handle is null) return;
        handle.Update(context.History);
        Updates++;
    }
}
