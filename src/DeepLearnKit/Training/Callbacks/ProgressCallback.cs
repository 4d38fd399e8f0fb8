// Report progress to whoever draws it (a live chart, a console line) as events and through IProgress.
namespace DeepLearnKit.Training;

/// <summary>
/// Raises <see cref="StepEnded"/>, <see cref="EpochEnded"/> and <see cref="TrainEnded"/> during training and reports each
/// step to an optional <see cref="IProgress{T}"/> (which marshals to its creator's context, e.g. a UI thread). A live chart
/// subscribes and reads <see cref="TrainingContext.History"/>; <paramref name="minInterval"/> limits how often steps are
/// reported (the last step of each epoch always is).
/// </summary>
public sealed class ProgressCallback(IProgress<StepInfo>? progress = null, TimeSpan? minInterval = null) : ICallback
{
    private TimeSpan lastReport = TimeSpan.MinValue;

    /// <summary>After a step (subject to the minimum interval).</summary>
    public event Action<TrainingContext, StepInfo>? StepEnded;

    /// <summary>After each epoch, with its values.</summary>
    public event Action<TrainingContext, EpochInfo>? EpochEnded;

    /// <summary>When training ends, however it ended.</summary>
    public event Action<TrainingContext>? TrainEnded;

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context) => lastReport = TimeSpan.MinValue;

    /// <inheritdoc/>
    public void OnStepEnd(TrainingContext context, StepInfo step)
    {
        bool lastOfEpoch = step.StepsPerEpoch is { } n && step.Step == n - 1;
        if (!lastOfEpoch && minInterval is { } gap && lastReport != TimeSpan.MinValue && step.Elapsed - lastReport < gap) return;
        lastReport = step.Elapsed;
        progress?.Report(step);
        StepEnded?.Invoke(context, step);
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochInfo epoch) => EpochEnded?.Invoke(context, epoch);

    /// <inheritdoc/>
    public void OnTrainEnd(TrainingContext context) => TrainEnded?.Invoke(context);
}
