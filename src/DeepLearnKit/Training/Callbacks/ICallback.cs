// The hooks a training run calls, in order: OnTrainBegin, then per epoch OnEpochBegin, per step OnAfterBackward
// and OnStepEnd, then OnEpochEnd; finally OnTrainEnd (also after cancellation or an early stop).
namespace DeepLearnKit.Training;

/// <summary>
/// Something that watches or steers a training run. Every hook has an empty default, so a callback implements only
/// the ones it needs. To stop the run, call <see cref="TrainingContext.RequestStop"/>.
/// </summary>
public interface ICallback
{
    /// <summary>Before the first epoch.</summary>
    void OnTrainBegin(TrainingContext context) { }

    /// <summary>Before epoch <paramref name="epoch"/> (from 0).</summary>
    void OnEpochBegin(TrainingContext context, int epoch) { }

    /// <summary>
    /// After <c>loss.Backward()</c> and before <c>optimizer.Step()</c>: the parameters' <c>Grad</c> hold this batch's
    /// gradients (where gradient recording and clipping belong). <paramref name="step"/> carries the loss.
    /// </summary>
    void OnAfterBackward(TrainingContext context, StepInfo step) { }

    /// <summary>After the optimizer's step.</summary>
    void OnStepEnd(TrainingContext context, StepInfo step) { }

    /// <summary>After an epoch's training and validation; its values are already in the history.</summary>
    void OnEpochEnd(TrainingContext context, EpochInfo epoch) { }

    /// <summary>After the last step, however the run ended.</summary>
    void OnTrainEnd(TrainingContext context) { }
}
