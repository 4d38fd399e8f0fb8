// Save the model and optimizer to a safetensors checkpoint at the end of each epoch, or only when it is the best so far.
using System.Globalization;
using DeepLearnKit.IO;

namespace DeepLearnKit.Training;

/// <summary>
/// Writes <see cref="Checkpoint.Save"/> files during training: after every epoch, or with <c>saveBestOnly</c> only when
/// <c>monitor</c> improves. <c>{epoch}</c> in the path is replaced by the epoch counted from 1 (<c>run-{epoch}.safetensors</c>).
/// The metadata records the epoch and the monitored value. (Named ModelCheckpoint, as Keras does, so it does not clash
/// with <see cref="Checkpoint"/>, the file format.)
/// </summary>
public sealed class ModelCheckpoint(string path, bool saveBestOnly = false, string monitor = History.ValidationLossKey,
    MonitorMode mode = MonitorMode.Auto, bool includeOptimizer = true) : ICallback
{
    private readonly MonitoredValue monitored = new(nameof(ModelCheckpoint), monitor, mode, 0);
    private readonly List<string> saved = [];

    /// <summary>The files written, in order.</summary>
    public IReadOnlyList<string> SavedPaths => saved;

    /// <summary>The epoch (from 0) of the last file written, or −1.</summary>
    public int LastSavedEpoch { get; private set; } = -1;

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        monitored.Reset();
        saved.Clear();
        LastSavedEpoch = -1;
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochInfo epoch)
    {
        var metadata = new Dictionary<string, string> { ["epoch"] = (epoch.Epoch + 1).ToString(CultureInfo.InvariantCulture) };
        if (saveBestOnly || epoch[monitor] is not null)
        {
            double value = monitored.Read(epoch);
            metadata[monitor] = value.ToString("R", CultureInfo.InvariantCulture);
            if (!monitored.Improves(value, epoch.Epoch) && saveBestOnly) return;
        }
        var file = path.Replace("{epoch}", (epoch.Epoch + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Checkpoint.Save(file, context.Model, includeOptimizer ? context.Optimizer : null, metadata);
        saved.Add(file);
        LastSavedEpoch = epoch.Epoch;
    }
}
